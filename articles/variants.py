"""The five reading variants and the one place that maps locale tags onto them.

Two of them are scripts (``zh-hans`` 简体, ``zh-hant`` 繁體: script conversion only, today's pages);
three are regions that add their own vocabulary on top of a script (``zh-cn`` 大陆简体,
``zh-tw`` 台灣正體, ``zh-hk`` 香港繁體: 软件/軟體/軟件). Locale tags the site has no page for fold
into a supported variant as MediaWiki's LanguageConverter folds them (zh-sg, zh-my → zh-cn;
zh-mo → zh-hk). A bare ``zh`` (or ``zh-Hans-…``) names no region, so it gets a *script* variant,
never a mixed-script page.

Pure module (no Django, no database): imported by conversion, the URL layer, the renderer and the
serving cache alike.
"""
from __future__ import annotations

HANS = "zh-hans"
HANT = "zh-hant"
CN = "zh-cn"
TW = "zh-tw"
HK = "zh-hk"

VARIANTS: tuple[str, ...] = (HANS, HANT, CN, TW, HK)
REGIONAL: tuple[str, ...] = (CN, TW, HK)

# The script each variant is written in (the stored column a variant page is made from).
SCRIPT_OF: dict[str, str] = {CN: HANS, TW: HANT, HK: HANT, HANS: HANS, HANT: HANT}

# Tags without a page of their own → the variant that reads the same (MediaWiki's fall-backs).
FALLBACK: dict[str, str] = {
    "zh-sg": CN,
    "zh-my": CN,
    "zh-mo": HK,
    "zh": HANS,
    "zh-chs": HANS,
    "zh-cht": HANT,
}

# Which text of a ``-{zh-cn:…;zh-tw:…}-`` rule a variant reads when the rule does not name it, in
# order (MediaWiki's LanguageConverter fall-back chains, zh-sg/zh-my/zh-mo included so that rules
# written for them are still read).
RULE_FALLBACKS: dict[str, tuple[str, ...]] = {
    HANS: (HANS, CN, "zh-sg", "zh-my", "zh"),
    HANT: (HANT, TW, HK, "zh-mo"),
    CN: (CN, HANS, "zh-sg", "zh-my", "zh"),
    TW: (TW, HANT, HK, "zh-mo"),
    HK: (HK, "zh-mo", HANT, TW),
}

# Labels of the switcher, as MediaWiki's Chinese wikis label them (never translated: each is
# written in the variant it names).
LABELS: dict[str, str] = {HANS: "简体", HANT: "繁體", CN: "大陆简体", TW: "台灣正體", HK: "香港繁體"}

# BCP 47 tags for <html lang> and hreflang.
HTML_LANG: dict[str, str] = {HANS: "zh-Hans", HANT: "zh-Hant", CN: "zh-Hans-CN", TW: "zh-Hant-TW", HK: "zh-Hant-HK"}

# Gettext catalogue per variant: the site has two (locale/zh_Hans, locale/zh_Hant).
CATALOGUE_OF: dict[str, str] = SCRIPT_OF


def normalise(tag: str) -> str | None:
    """A locale tag (Accept-Language item, cookie value, ``-{…}-`` rule key) → a supported
    variant, or None for a tag that is not Chinese.

    ``zh-TW`` → zh-tw, ``zh-Hant-TW`` → zh-tw, ``zh-Hant`` → zh-hant, ``zh-SG`` → zh-cn,
    ``zh-MO`` → zh-hk, ``zh`` → zh-hans, ``zh-Hant-MO`` → zh-hk, ``zh-Hans-HK`` → zh-hans (script
    wins over region when they disagree: a Simplified reader in Hong Kong wants Simplified), and
    an unknown region keeps only its script.
    """
    parts = tag.strip().lower().replace("_", "-").split("-")
    if not parts or parts[0] != "zh":
        return None
    script = next((p for p in parts[1:] if p in ("hans", "hant")), None)
    region = next((p for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
    variant: str | None = None
    if region:
        variant = f"zh-{region}"
        variant = FALLBACK.get(variant, variant if variant in VARIANTS else None)
    if script:
        wanted = f"zh-{script}"
        if variant is None or SCRIPT_OF[variant] != wanted:
            variant = wanted
    if variant is None:
        # zh, zh-chs, zh-cht, zh-yue…: a script, never a mixed one.
        variant = FALLBACK.get("-".join(parts[:2]), HANS)
    return variant


def is_variant(value: object) -> bool:
    return isinstance(value, str) and value in VARIANTS
