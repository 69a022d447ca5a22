"""Simplified ↔ Traditional script conversion.

OpenCC (``opencc`` on PyPI, Apache-2.0) does the generic conversion with the configurations
``s2tw`` (to Traditional, Taiwan-standard character forms without vocabulary changes) and ``tw2s``
(to Simplified): on one-to-many pairs such as 头发/頭髮, 干部/幹部, 里面/裡面 they beat plain
``s2t``/``t2s`` (see DESIGN.md). This module adds what a wiki needs on top of it:

* protected spans are never converted: ``-{…}-`` markup, code, URLs, Markdown link destinations,
  citation keys ``[^key]`` and image names in figure links ``[[File:名称.jpg|…`` (a name is an
  identifier; the caption after ``|`` is converted);
* a glossary of (Simplified, Traditional) term pairs is applied *before* OpenCC, for proper nouns
  and terms the converter gets wrong;
* :func:`reconcile` is the save rule for a translated field (DESIGN.md, "Two scripts");
* :func:`to_variant` reads stored text in one of the five variants (:mod:`articles.variants`):
  script conversion, plus regional vocabulary for zh-cn / zh-tw / zh-hk (:mod:`articles.regional`).

The module is pure (no database); callers pass the glossary in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable, Iterator

import opencc

from .images.markup import NAMESPACES

HANS = "zh-hans"
HANT = "zh-hant"
SCRIPTS = (HANS, HANT)

_OPENCC_CONFIG = {HANT: "s2tw", HANS: "tw2s"}
# Script step of each variant: zh-hk has its own character standard (HKVariants: 綫, 着 …).
_VARIANT_CONFIG = {HANS: "tw2s", HANT: "s2tw", "zh-cn": "tw2s", "zh-tw": "s2tw", "zh-hk": "s2hk"}

# Spans that pass through untouched. Order matters: the first alternative that matches wins. Each
# alternative stops at the next bracket, brace or backtick run, so runs of openers (``-{`` ×100,000)
# convert in linear time (they took 75 s — issue 17).
_PROTECTED = re.compile(
    r"""
      \[\[\s*(?i:"""
    + "|".join(NAMESPACES)
    + r""")\s*:[^|\]\n]*               # figure link's image name [[File:名称.jpg
    |
      ^[ ]{0,3}(?P<fence>`{3,}+|~{3,}+)[^\n]*+\n.*?(?:^[ ]{0,3}(?P=fence)[ \t]*$|\Z)  # fenced code block
    | -\{[^{}]*\}-                       # MediaWiki -{…}- (no conversion / explicit variants)
    | (?<!`)`++[^`\n]*+`++                # inline code (whole backtick runs: linear on ```…)
    | \[\^[^\[\]\s]{1,50}\]                 # citation key [^key]
    | \]\([^)\s]*                        # Markdown link destination ](url
    | <[a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]*>  # autolink <scheme:…>
    | (?:https?|ftp)://[^\s<>()\[\]"'，。、；：（）「」『』]+  # bare URL
    """,
    re.VERBOSE | re.DOTALL | re.MULTILINE,
)


@lru_cache(maxsize=None)
def _opencc(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def _converter(script: str) -> opencc.OpenCC:
    return _opencc(_OPENCC_CONFIG[script])


@dataclass(frozen=True)
class Glossary:
    """Term pairs applied before OpenCC. ``pairs`` holds (simplified, traditional) tuples."""

    pairs: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def __bool__(self) -> bool:
        return bool(self.pairs)

    def pattern_for(self, script: str) -> tuple[re.Pattern[str] | None, dict[str, str]]:
        return _glossary_pattern(self.pairs, script)


EMPTY_GLOSSARY = Glossary()


@lru_cache(maxsize=256)
def _glossary_pattern(
    pairs: tuple[tuple[str, str], ...], script: str
) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """A regex matching any glossary term in either script, and the term's form in ``script``."""
    target: dict[str, str] = {}
    for hans, hant in pairs:
        wanted = hant if script == HANT else hans
        for term in (hans, hant):
            if term:
                target.setdefault(term, wanted)
    if not target:
        return None, {}
    # Longest first so that a longer term wins over a term it contains.
    alternatives = sorted(target, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, alternatives))), target


def _convert_plain(text: str, script: str, glossary: Glossary) -> str:
    """Convert text that holds no protected span: glossary terms first, then OpenCC between them."""
    converter = _converter(script)
    pattern, target = glossary.pattern_for(script) if glossary else (None, {})
    if pattern is None:
        return converter.convert(text)
    out: list[str] = []
    pos = 0
    for match in pattern.finditer(text):
        if match.start() > pos:
            out.append(converter.convert(text[pos : match.start()]))
        out.append(target[match.group(0)])
        pos = match.end()
    if pos < len(text):
        out.append(converter.convert(text[pos:]))
    return "".join(out)


def convert(text: str, script: str, glossary: Glossary = EMPTY_GLOSSARY) -> str:
    """Return ``text`` in ``script`` (``zh-hans`` or ``zh-hant``), protected spans untouched."""
    if script not in _OPENCC_CONFIG:
        raise ValueError(f"unknown script {script!r}; expected one of {SCRIPTS}")
    if not text:
        return text
    out: list[str] = []
    pos = 0
    for match in _PROTECTED.finditer(text):
        if match.start() > pos:
            out.append(_convert_plain(text[pos : match.start()], script, glossary))
        out.append(match.group(0))
        pos = match.end()
    if pos < len(text):
        out.append(_convert_plain(text[pos:], script, glossary))
    return "".join(out)


def protected_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every span :func:`convert` leaves untouched (``-{…}-``, code, URLs …)."""
    return [match.span() for match in _PROTECTED.finditer(text)] if text else []


def to_traditional(text: str, glossary: Glossary = EMPTY_GLOSSARY) -> str:
    return convert(text, HANT, glossary)


def to_simplified(text: str, glossary: Glossary = EMPTY_GLOSSARY) -> str:
    return convert(text, HANS, glossary)


#: Names (titles, slugs, aliases, link targets) longer than this are converted afresh each time;
#: shorter ones are remembered (:func:`_name_in`).
MEMO_NAME_LENGTH = 200


@lru_cache(maxsize=40_000)
def _remembered_name(name: str, script: str) -> str:
    return convert(name, script)


def _name_in(name: str, script: str) -> str:
    """A name in ``script``, remembered: the same link targets and titles are looked up by every
    page that names them, and a full render of the demo article converted its 17 link targets
    three times over (~1.4 million CPU instructions, 2.5 % of the render; issue 24). Without a
    glossary, so a pure function of the name."""
    return _remembered_name(name, script) if len(name) <= MEMO_NAME_LENGTH else convert(name, script)


def in_both_scripts(names: Iterable[str]) -> set[str]:
    """Each name as written, in Simplified and in Traditional: what a lookup "by a name in either
    script" compares against the stored columns of both scripts."""
    return {form for name in names for form in (name, _name_in(name, HANS), _name_in(name, HANT))}


def convert_unprotected(text: str, script: str) -> str:
    """OpenCC alone: for a stretch already known to hold no protected span and no glossary term
    (:func:`convert` would only scan it for them again)."""
    return _converter(script).convert(text)


def fold_to_simplified(text: str) -> str:
    """Every character in its Simplified form, nothing protected: for comparing and searching
    text, never for storing it."""
    return _converter(HANS).convert(text)


def other_script(script: str) -> str:
    return HANT if script == HANS else HANS


BOTH = "both"  # a written-script record: each script typed by hand, nothing was converted


def written_script(old: tuple[str, str] | None, new: tuple[str, str]) -> str | None:
    """Which script the editor wrote a field's new value in: :data:`HANS`, :data:`HANT`,
    :data:`BOTH` (each typed by hand, a manual correction), or None (unchanged, or empty).

    ``old`` is what was stored (None for a new object), ``new`` what was submitted. A side left
    empty is the one to be filled, so the other is the written one whatever else changed.
    """
    hans, hant = (value or "" for value in new)
    if not hans and not hant:
        return None
    if not hant:
        return HANS
    if not hans:
        return HANT
    if old is None:
        return BOTH
    changed_hans, changed_hant = hans != (old[0] or ""), hant != (old[1] or "")
    if changed_hans and changed_hant:
        return BOTH
    if changed_hans:
        return HANS
    return HANT if changed_hant else None


def reconcile(
    old: tuple[str, str] | None,
    new: tuple[str, str],
    glossary: Glossary | Callable[[], Glossary] = EMPTY_GLOSSARY,
) -> tuple[str, str]:
    """The save rule for one translated field, as (simplified, traditional) values.

    ``old`` is what was stored (None for a new object), ``new`` what the editor submitted.
    If the editor changed one script's value, the other is regenerated by conversion; if they
    changed both, both are kept as typed (a manual correction); an empty side is always filled.
    ``glossary`` may be a function that gives it: called only when a side is converted, so a
    save that converts nothing (both scripts given, nothing changed) never reads the glossary.
    """
    hans, hant = (value or "" for value in new)
    written = written_script(old, (hans, hant))
    if written in (HANS, HANT):
        terms = glossary if isinstance(glossary, Glossary) else glossary()
        if written == HANS:
            hant = to_traditional(hans, terms)
        else:
            hans = to_simplified(hant, terms)
    return hans, hant


def title_key(title: str) -> str:
    """THE title normalisation: titles (and aliases, link targets) match across scripts by their
    Simplified form. Wikilink tables, alias rows and the importer all key by this."""
    return _name_in(title.strip(), HANS)


# ---------------------------------------------------------------------------------------------
# Variants (zh-hans, zh-hant, zh-cn, zh-tw, zh-hk)

# A glossary term for :func:`to_variant`: ``(variant, written, wanted)`` — "when read in
# ``variant``, ``written`` (found as typed or in either script's form of it) reads ``wanted``".
# ``variant`` is one of VARIANTS, or "" for every variant (``wanted`` is then put in the reader's
# script by script conversion). A term for a script also serves its regional variants
# (zh-hans → zh-cn; zh-hant → zh-tw, zh-hk) unless a term names the region itself. Earlier terms
# win over later ones for the same text: pass the article's terms, then the site's.
Term = tuple[str, str, str]

#: The ``variant`` of a :data:`Term` that is no term but a conversion-group switch: ``(GROUP, name,
#: name)`` among an article's terms turns on the regional table's domain ``name`` (the computing
#: vocabulary, :data:`articles.regional.COMPUTING`) for that article. Carried with the terms because
#: it is chosen where they are (a named glossary, :func:`articles.glossaries.terms_for_article`) and
#: must reach every place that converts the article (pages, preview, conversion review) as they do.
GROUP = "+group"


def group_term(name: str) -> Term:
    """The :data:`GROUP` marker that turns conversion group ``name`` on."""
    return (GROUP, name, name)


def groups_in(terms: Iterable[Term]) -> frozenset[str]:
    """The conversion groups switched on among ``terms``."""
    return frozenset(name for variant, name, _ in terms if variant == GROUP)


# Titles of works: script only inside (《电脑报》 is a name, never 《電腦報》→《計算機報》).
_TITLE_OF_WORK = re.compile(r"《[^《》\n]*》|〈[^〈〉\n]*〉")


def terms_from_glossary(glossary: Glossary) -> tuple[Term, ...]:
    """The (simplified, traditional) pairs of a script glossary as :data:`Term` triples."""
    return tuple(
        (script, written, wanted)
        for hans, hant in glossary.pairs
        for script, wanted in ((HANS, hans), (HANT, hant))
        for written in (hans, hant)
        if written and wanted
    )


def _term_rank(term_variant: str, variant: str) -> int | None:
    from .variants import SCRIPT_OF

    if term_variant == GROUP:
        return None
    if term_variant == variant:
        return 0
    if term_variant == SCRIPT_OF.get(variant):
        return 1
    if term_variant == "":
        return 2
    return None


@lru_cache(maxsize=256)
def _term_pattern(terms: tuple[Term, ...], variant: str) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """A regex matching every form of every term that applies to ``variant``, and what each reads."""
    from .variants import SCRIPT_OF

    ranked = sorted(
        ((rank, index, term) for index, term in enumerate(terms)
         if (rank := _term_rank(term[0], variant)) is not None),
        key=lambda item: item[:2],
    )
    target: dict[str, str] = {}
    for _, _, (term_variant, written, wanted) in ranked:
        if not written or not wanted:
            continue
        if term_variant == "":
            wanted = _opencc(_VARIANT_CONFIG[SCRIPT_OF[variant]]).convert(wanted)
        for form in (written, _converter(HANS).convert(written), _converter(HANT).convert(written)):
            target.setdefault(form, wanted)
    if not target:
        return None, {}
    return re.compile("|".join(map(re.escape, sorted(target, key=len, reverse=True)))), target


class _VariantScript:
    """The script step of a variant. zh-hk goes through Simplified first (``tw2s`` then ``s2hk``,
    OpenCC's pivot) so that text typed in 繁體 gets Hong Kong forms as text typed in 简体 does
    (``s2hk`` alone leaves Taiwan's 裡; ``tw2t`` made 參眾兩院 蔘眾兩院, its 參 → 蔘 entry
    applied to Taiwan's 眾, which its phrase 參衆兩院 does not know). The Simplified → Traditional
    steps never match a script phrase across a word boundary (:func:`_to_traditional_by_words`)."""

    def __init__(self, variant: str) -> None:
        self.steps = [_opencc("tw2s"), _opencc("s2hk")] if variant == "zh-hk" else [_opencc(_VARIANT_CONFIG[variant])]

    def convert(self, text: str) -> str:
        for step in self.steps:
            text = _to_traditional_by_words(text, step) if step in _BY_WORDS else step.convert(text)
        return text


def _to_traditional_by_words(text: str, step: opencc.OpenCC) -> str:
    """A regional variant's Simplified → Traditional step, cut where a script phrase would match
    across a word boundary (:func:`articles.regional.script_cuts`: 总|发行 is 總發行, not 總髮行).
    Regional pages only: the stored 繁體 column keeps the save rule's conversion, which the editor
    reviews."""
    from . import regional

    return regional.convert_by_words(text, step)


_BY_WORDS = (_opencc("s2tw"), _opencc("s2hk"))


# Kinds of span of :func:`_variant_spans`.
_KEEP, _TERM, _SCRIPT, _VOCABULARY = "keep", "term", "script", "vocabulary"


def _variant_spans(text: str, variant: str, terms: tuple[Term, ...], vocabulary: bool) -> Iterator[tuple[str, int, str]]:
    """``text`` cut into (kind, start, piece): protected spans kept as written, glossary terms
    (``piece`` is then the term's reading), titles of works (script only) and the rest (script
    plus, if ``vocabulary``, the region's phrases). The one place that decides what gets what:
    :func:`to_variant` and :func:`vocabulary_substitutions` both read it."""
    from . import regional

    pattern, target = _term_pattern(terms, variant) if terms else (None, {})
    words = _VOCABULARY if vocabulary and regional.table(variant) else _SCRIPT

    def plain(piece: str, offset: int) -> Iterator[tuple[str, int, str]]:
        if words == _SCRIPT:
            yield _SCRIPT, offset, piece
            return
        pos = 0
        for match in _TITLE_OF_WORK.finditer(piece):
            yield _VOCABULARY, offset + pos, piece[pos : match.start()]
            yield _SCRIPT, offset + match.start(), match.group(0)
            pos = match.end()
        yield _VOCABULARY, offset + pos, piece[pos:]

    def unprotected(piece: str, offset: int) -> Iterator[tuple[str, int, str]]:
        pos = 0
        if pattern is not None:
            for match in pattern.finditer(piece):
                yield from plain(piece[pos : match.start()], offset + pos)
                yield _TERM, offset + match.start(), target[match.group(0)]
                pos = match.end()
        yield from plain(piece[pos:], offset + pos)

    pos = 0
    for match in _PROTECTED.finditer(text):
        yield from unprotected(text[pos : match.start()], pos)
        yield _KEEP, match.start(), match.group(0)
        pos = match.end()
    yield from unprotected(text[pos:], pos)


def _script_and_simplified(piece: str, variant: str, converter: _VariantScript) -> tuple[str, str]:
    script_form = converter.convert(piece)
    return script_form, script_form if variant == "zh-cn" else _converter(HANS).convert(script_form)


def _checked(variant: str) -> None:
    from .variants import VARIANTS

    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; expected one of {VARIANTS}")


def to_variant(text: str, variant: str, terms: Iterable[Term] = (), *, vocabulary: bool = True) -> str:
    """``text`` (stored, in either script or mixed) as read in ``variant``.

    * zh-hans / zh-hant: script only (``tw2s`` / ``s2tw``), as :func:`convert`;
    * zh-cn / zh-tw / zh-hk: script (``tw2s`` / ``s2tw`` / ``tw2t``+``s2hk``) then the regional
      phrases of OpenCC's ``tw2sp``+``hk2sp`` / ``s2twp`` / ``s2hkp`` dictionaries, only on word
      boundaries (:mod:`articles.regional`);
    * glossary ``terms`` (:data:`Term`) first, before any generic conversion; a :data:`GROUP`
      marker among them turns on that conversion group's regional phrases (computing vocabulary);
    * protected spans (``-{…}-``, code, URLs, link destinations, citation keys) untouched; titles
      of works 《…》 script only; ``vocabulary=False`` makes the whole text script only (references).
    """
    from . import regional

    _checked(variant)
    if not text:
        return text
    terms = tuple(terms)
    groups = groups_in(terms)
    converter = _VariantScript(variant)
    out: list[str] = []
    for kind, _, piece in _variant_spans(text, variant, terms, vocabulary):
        if not piece:
            continue
        if kind in (_KEEP, _TERM):
            out.append(piece)
        elif kind == _SCRIPT:
            out.append(converter.convert(piece))
        else:
            out.append(_with_vocabulary(piece, variant, converter, groups))
    return "".join(out)


# The vocabulary zh-tw / zh-hk undo first: the *other* region's words (regional_phrases_data).
_OTHER_REGION = {"zh-tw": "zh-hk>zh-cn", "zh-hk": "zh-tw>zh-cn"}


def _mainland_form(piece: str, variant: str, groups: frozenset[str] = frozenset()) -> str:
    """``piece`` in Simplified script, with the words written in the other region's vocabulary
    (軟體, 網際網路 for zh-hk; 的士 for zh-tw) in mainland words (:func:`regional.substitutions`)."""
    from . import regional

    simplified = _opencc("tw2s").convert(piece)
    return regional.apply(simplified, simplified, _OTHER_REGION[variant], piece, groups)


def _with_vocabulary(piece: str, variant: str, converter: _VariantScript, groups: frozenset[str] = frozenset()) -> str:
    """Script and regional vocabulary of one piece of running text.

    zh-tw / zh-hk read from the mainland form (:func:`_mainland_form`), OpenCC's own pivot
    (``tw2sp`` then ``s2twp`` / ``s2hkp``): a word written in another region's vocabulary
    (軟體 in a zh-hk page, 的士 in a zh-tw one) reaches the reader's region, and character forms
    follow the region's standard (歎 → 嘆, 擡 → 抬, 參 stays 參: ``tw2t`` alone made 蔘) instead of
    whatever a 繁體 editor's input method gave."""
    from . import regional

    if variant == "zh-cn":
        return regional.apply(*_script_and_simplified(piece, variant, converter), variant, piece, groups)
    out = []
    for own, start, end in _own_words(piece, variant, groups):
        if own:
            out.append(converter.convert(piece[start:end]))
        else:
            mainland = _mainland_form(piece[start:end], variant, groups)
            script_form = _to_traditional_by_words(mainland, _opencc(_VARIANT_CONFIG[variant]))
            out.append(regional.apply(script_form, mainland, variant, groups=groups))
    return "".join(out)


# The words of each region as OpenCC knows them: the keys of its reverse table (regional_phrases_data).
_OWN_REGION = {"zh-tw": "zh-tw>zh-cn", "zh-hk": "zh-hk>zh-cn"}


def _own_words(piece: str, variant: str, groups: frozenset[str] = frozenset()) -> Iterator[tuple[bool, int, int]]:
    """``piece`` cut into (is the region's own word as written, start, end): a word the region's
    reader already uses (行動數據, 部落格 in zh-tw; 的士 in zh-hk), written in 繁體, gets script
    only; round-tripping it through mainland words (部落格 → 博客 → 網誌) would change it."""
    from . import regional

    simplified = _opencc("tw2s").convert(piece)
    pos = 0
    if len(simplified) == len(piece):
        for sub in regional.substitutions(simplified, _OWN_REGION[variant], piece, groups):
            if sub.start > pos:
                yield False, pos, sub.start
            yield True, sub.start, sub.end
            pos = sub.end
    if pos < len(piece):
        yield False, pos, len(piece)


def vocabulary_substitutions(text: str, variant: str, terms: Iterable[Term] = ()) -> list[tuple[int, int, str, str]]:
    """The regional phrases ``variant`` puts in ``text`` (what :func:`to_variant` replaces beyond
    script conversion): ``(start, end, as written, replacement)``, offsets in ``text``. For the
    conversion review: every substitution an article receives, to keep as written or pin."""
    _checked(variant)
    converter = _VariantScript(variant)
    terms = tuple(terms)
    groups = groups_in(terms)
    found = []
    for kind, start, piece in _variant_spans(text or "", variant, terms, True):
        if kind != _VOCABULARY or not piece:
            continue
        parts = [(False, 0, len(piece))] if variant == "zh-cn" else _own_words(piece, variant, groups)
        for own, part_start, part_end in parts:
            if own:
                continue
            part = piece[part_start:part_end]
            for sub_start, sub_end, replacement in _piece_substitutions(part, variant, converter, groups):
                at = start + part_start
                found.append((at + sub_start, at + sub_end, part[sub_start:sub_end], replacement))
    return found


def _piece_substitutions(piece: str, variant: str, converter: _VariantScript,
                         groups: frozenset[str] = frozenset()) -> list[tuple[int, int, str]]:
    """What :func:`_with_vocabulary` replaces in ``piece``: (start, end, what the reader gets)."""
    from . import regional

    if variant == "zh-cn":
        script_form, simplified = _script_and_simplified(piece, variant, converter)
        if len(script_form) != len(piece) or len(simplified) != len(piece):
            return []  # a one-to-many conversion: regional.apply leaves this piece as script only
        return [(sub.start, sub.end, sub.replacement) for sub in regional.substitutions(simplified, variant, piece, groups)]
    simplified = _opencc("tw2s").convert(piece)
    if len(simplified) != len(piece):
        return []
    # Step 1 (:func:`_mainland_form`): words of another region, as (piece span, mainland span).
    mainland_parts: list[str] = []
    spans: list[tuple[int, int, int, int]] = []
    pos = shift = 0
    for sub in regional.substitutions(simplified, _OTHER_REGION[variant], piece, groups):
        mainland_parts += [simplified[pos : sub.start], sub.replacement]
        spans.append((sub.start, sub.end, sub.start + shift, sub.start + shift + len(sub.replacement)))
        shift += len(sub.replacement) - (sub.end - sub.start)
        pos = sub.end
    mainland = "".join(mainland_parts) + simplified[pos:]
    script = _opencc(_VARIANT_CONFIG[variant])

    def widened(m_start: int, m_end: int) -> tuple[int, int]:
        # A step-2 phrase overlapping a step-1 word covers that word too.
        for _, _, w_start, w_end in spans:
            if w_start < m_end and m_start < w_end:
                m_start, m_end = min(m_start, w_start), max(m_end, w_end)
        return m_start, m_end

    def in_piece(m: int) -> int:
        return m - sum((w_end - w_start) - (p_end - p_start) for p_start, p_end, w_start, w_end in spans if w_end <= m)

    out: list[tuple[int, int, str]] = []
    covered: list[tuple[int, int]] = []
    for sub in regional.substitutions(mainland, variant, groups=groups):
        m_start, m_end = widened(sub.start, sub.end)
        reading = (_to_traditional_by_words(mainland[m_start : sub.start], script) + sub.replacement
                   + _to_traditional_by_words(mainland[sub.end : m_end], script))
        out.append((in_piece(m_start), in_piece(m_end), reading))
        covered.append((m_start, m_end))
    for p_start, p_end, w_start, w_end in spans:
        if not any(c_start <= w_start and w_end <= c_end for c_start, c_end in covered):
            out.append((p_start, p_end, _to_traditional_by_words(mainland[w_start:w_end], script)))
    return sorted(out)
