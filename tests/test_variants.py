"""articles.variants: which supported variant a locale tag (Accept-Language, cookie, rule key) means."""
import pytest

from articles.variants import FALLBACK, SCRIPT_OF, VARIANTS, normalise


@pytest.mark.parametrize(("tag", "variant"), [
    ("zh-CN", "zh-cn"), ("zh-TW", "zh-tw"), ("zh-HK", "zh-hk"),
    ("zh-Hans", "zh-hans"), ("zh-Hant", "zh-hant"), ("zh_TW", "zh-tw"),
    # MediaWiki's fall-backs: Singapore and Malaysia read mainland, Macau reads Hong Kong.
    ("zh-SG", "zh-cn"), ("zh-my", "zh-cn"), ("zh-MO", "zh-hk"),
    ("zh-Hant-TW", "zh-tw"), ("zh-Hant-MO", "zh-hk"), ("zh-Hans-CN", "zh-cn"),
    # Script named and region disagreeing: the script wins (a Simplified reader in Hong Kong).
    ("zh-Hans-HK", "zh-hans"), ("zh-Hant-CN", "zh-hant"),
    # An unknown region keeps its script only.
    ("zh-Hant-US", "zh-hant"), ("zh-US", "zh-hans"),
])
def test_tags_normalise_to_a_supported_variant(tag, variant):
    assert normalise(tag) == variant


@pytest.mark.parametrize("tag", ["zh", "ZH", " zh ", "zh-yue", "zh-chs"])
def test_a_bare_zh_never_gives_a_mixed_script_page(tag):
    # A mixed-script page would be a regional one made from the other script; "zh" names a
    # script variant (Simplified, the default).
    assert normalise(tag) == "zh-hans"


@pytest.mark.parametrize("tag", ["en", "en-US", "ja", "", "*", "zhx"])
def test_other_languages_are_none(tag):
    assert normalise(tag) is None


def test_every_fallback_lands_on_a_supported_variant():
    assert set(FALLBACK.values()) <= set(VARIANTS)
    assert set(SCRIPT_OF) == set(VARIANTS)
