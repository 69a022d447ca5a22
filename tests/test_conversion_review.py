"""Conversion review: candidates from OpenCC's own dictionaries, pins that render, glossary terms."""
from __future__ import annotations

import subprocess
from pathlib import Path

import opencc
import pytest

from articles import conversion, conversion_review
from articles.conversion import HANS, HANT, Glossary, group_term
from articles.models import Article, GlossaryTerm, Section
from articles.rendering import render_article
from tests.conftest import installed
from tests.factories import ArticleFactory

OPENCC_DICT = installed("opencc_dict")
needs_opencc_dict = pytest.mark.skipif(not OPENCC_DICT, reason="Debian's opencc_dict is missing (apt-get install opencc)")


def ambiguous(text: str, script: str) -> dict[str, tuple[str, ...]]:
    return {p.source: p.alternatives for p in conversion_review.review(text, script) if p.ambiguous}


def opencc_dictionary(name: str, tmp_path: Path) -> dict[str, list[str]]:
    """One of the installed wheel's .ocd2 dictionaries, dumped as text by Debian's opencc_dict."""
    source = Path(opencc.__file__).parent / "clib" / "share" / "opencc" / f"{name}.ocd2"
    out = tmp_path / f"{name}.txt"
    subprocess.run([OPENCC_DICT, "-i", str(source), "-o", str(out), "-f", "ocd2", "-t", "text"], check=True, timeout=60)
    return {k: v.split(" ") for k, _, v in (line.partition("\t") for line in out.read_text().splitlines())}


@needs_opencc_dict
def test_candidates_are_opencc_dictionaries_of_the_installed_wheel(tmp_path):
    """Read the wheel's .ocd2 files independently: the committed table must match them exactly."""
    names = ("STCharacters", "TWVariants", "TWVariantsRev", "TSCharacters")
    st, tw, twrev, ts = (opencc_dictionary(n, tmp_path) for n in names)

    def chain(char: str, first: dict, second: dict) -> tuple[str, ...]:
        return tuple(dict.fromkeys(g for f in first.get(char, [char]) for g in second.get(f, [f])))

    for char in st:
        assert conversion_review.candidates(char, HANS) == chain(char, st, tw), char
    for char in set(ts) | set(twrev):
        assert conversion_review.candidates(char, HANT) == chain(char, twrev, ts), char
    assert sum(len(chain(c, st, tw)) > 1 for c in st) > 200
    assert set(st["干"]) >= {"幹", "乾", "干"} and set(st["发"]) == {"發", "髮"}


def test_review_highlights_guessed_characters_with_chosen_form_first():
    found = ambiguous("他的头发和干部", HANS)
    assert found["发"][0] == "髮" and "發" in found["发"]
    assert found["干"][0] == "幹" and {"乾", "干"} <= set(found["干"])
    assert "头" not in found and "他" not in found
    assert ambiguous("乾杯", HANT)["乾"][:1] in (("乾",), ("干",))  # both directions
    assert set(ambiguous("乾杯", HANT)["乾"]) == {"干", "乾"}


def test_review_skips_pinned_protected_and_glossary_text():
    assert ambiguous("-{zh-hans:干;zh-hant:乾}-部 `干` https://x.org/干", HANS) == {}
    covered = conversion_review.review("干部", HANS, Glossary((("干部", "幹部"),)))
    assert ambiguous("干部", HANS) and not [p for p in covered if p.ambiguous]


def test_offsets_point_at_the_source_character_in_utf16_units():
    text = "𠀀头发"  # a character outside the BMP counts as two UTF-16 units
    piece = next(p for p in conversion_review.review(text, HANS) if p.ambiguous)
    assert piece.source == "发" and piece.offset == 3


@pytest.mark.django_db
def test_a_pin_renders_the_chosen_form_in_both_scripts():
    pin = conversion_review.pin_markup("干", "乾", HANS)
    assert pin == "-{zh-hans:干;zh-hant:乾}-"
    article = ArticleFactory(lead_zh_hans=f"{pin}部", lead_zh_hant="")
    article = Article.objects.prefetch_related("sections", "references").get(pk=article.pk)
    assert "乾部" in render_article(article, HANT).lead_html
    assert "干部" in render_article(article, HANS).lead_html
    assert "-{" not in render_article(article, HANT).lead_html


@pytest.mark.django_db
def test_unreviewed_count_is_kept_on_save_and_drops_when_reviewed():
    article = ArticleFactory(title_zh_hans="条目", title_zh_hant="", lead_zh_hans="头发", lead_zh_hant="")
    article.refresh_from_db()
    assert article.unreviewed_characters == 1  # 发 (髮/發); 条, 目 and 头 have one form each
    expected = conversion_review.unreviewed_count([("条目", "條目"), ("头发", "頭髮")])
    assert article.unreviewed_characters == expected
    Section.objects.create(article=article, heading_zh_hans="干部", body_zh_hans="")
    article.refresh_from_db()
    assert article.unreviewed_characters == expected + 1
    article.lead_zh_hans, article.lead_zh_hant = "头-{zh-hans:发;zh-hant:髮}-", ""
    article.save()
    article.refresh_from_db()
    assert article.unreviewed_characters == expected  # the pin persisted in the text


@pytest.mark.django_db
def test_a_glossary_term_added_in_the_review_applies_on_the_next_save(editor_client):
    article = ArticleFactory(lead_zh_hans="这是干部", lead_zh_hant="")
    from django.urls import reverse

    response = editor_client.post(
        reverse("admin:articles_article_glossary_term", args=[article.pk]),
        {"hans": "干部", "hant": "乾部", "scope": "article"},
    )
    assert response.status_code == 200, response.content
    assert GlossaryTerm.objects.filter(article=article, hans="干部", hant="乾部").exists()
    article.refresh_from_db()
    article.lead_zh_hans, article.lead_zh_hant = "那是干部", ""
    article.save()
    article.refresh_from_db()
    assert article.lead_zh_hant == "那是乾部"
    response = editor_client.post(
        reverse("admin:articles_article_glossary_term"), {"hans": "头发", "hant": "頭髮", "scope": "site"}
    )
    assert GlossaryTerm.objects.filter(article=None, hans="头发").exists()


@pytest.mark.django_db
def test_changelist_shows_the_unreviewed_count_per_article(editor_client):
    from django.urls import reverse

    ArticleFactory(title_zh_hans="待审", lead_zh_hans="头发和干部，里面", lead_zh_hant="")
    page = editor_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "待审校字" in page
    assert '<td class="field-unreviewed">4</td>' in page  # 发, 干, 里, 面


# OpenCC's TSCharacters (articles/data/opencc_character_tables.tsv, rows "t2s"): 於 → 于 於 and
# 乾 → 干 乾 have two forms; 簽 → 签, 後 → 后, 間 → 间, 約 → 约 one. STCharacters ("s2t"): 于 → 於 于,
# 签 → 籤 簽, 后 → 後 后.
TYPED_HANT = "他於乾隆年間簽約後返回。"
TYPED_HANS = "他于乾隆年间签约后返回。"


def review_marks(editor_client, article: Article) -> tuple[set[str], str]:
    """The characters the article form's review marks, and the directions it names."""
    from django.urls import reverse

    from tests.forms import form_data

    page = editor_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    result = editor_client.post(reverse("admin:articles_article_preview", args=[article.pk]),
                                form_data(page, "article_form")).json()
    import re

    return set(re.findall(r'data-char="(.)"', result["review"])), result["review"]


@pytest.mark.django_db
@pytest.mark.parametrize("script, typed, expected", [
    (HANT, TYPED_HANT, {"於", "乾"}),
    (HANS, TYPED_HANS, {"于", "签", "后"}),
])
def test_review_lists_only_the_direction_the_text_was_written_in(editor_client, script, typed, expected):
    """Text typed in 繁體 is reviewed 繁→简 only, text typed in 简体 简→繁 only — even where the
    converted text converts back to what was typed (which made the review guess 简→繁 before)."""
    column = "lead_zh_hant" if script == HANT else "lead_zh_hans"
    article = ArticleFactory(title_zh_hans="条约", **{column: typed, "lead_zh_hans" if script == HANT else "lead_zh_hant": ""})
    assert article.written_script("lead") == script
    marks, review = review_marks(editor_client, article)
    assert marks <= set(typed)  # only characters of the text as typed (条约 has no ambiguous one)
    if script == HANT:
        assert marks == expected and "繁→简" in review and "简→繁" not in review
    else:
        assert expected <= marks and "繁→简" not in review
    lead_count = sum(1 for p in conversion_review.review(typed, script) if p.ambiguous)
    title_count = sum(1 for p in conversion_review.review("条约", HANS) if p.ambiguous)
    assert article.unreviewed_characters == lead_count + title_count


# --- regional vocabulary (issue 25) -------------------------------------------------------------

def regional(text: str, terms=()) -> dict[tuple[str, str], str]:
    return {(s.variant, s.written): s.regional for s in conversion_review.regional_substitutions(text, terms)}


# The review of an article that opted into the built-in conversion group 计算机.
IT = (group_term("it"),)


def test_regional_substitutions_of_text_typed_in_simplified():
    found = regional("这个软件的信息存在内存里。", IT)
    assert found[("zh-tw", "软件")] == "軟體" and found[("zh-tw", "信息")] == "資訊"
    assert ("zh-hk", "软件") not in found  # Hong Kong says 軟件: script conversion alone
    assert not any(variant == "zh-cn" for variant, _ in found)
    # Outside the group, only the site-wide 软件 → 軟體 and 信息 → 資訊 (not 内存 → 記憶體).
    assert regional("这个软件的信息存在内存里。") == {("zh-tw", "软件"): "軟體", ("zh-tw", "信息"): "資訊"}
    assert ("zh-tw", "内存") in found


def test_regional_substitutions_of_text_typed_in_traditional():
    found = regional("這個軟體的資訊很有用。", IT)
    assert found[("zh-cn", "軟體")] == "软件" and found[("zh-cn", "資訊")] == "信息"
    assert ("zh-cn", "資訊") in regional("這個軟體的資訊很有用。")  # site-wide: issue 25 names it
    assert ("zh-cn", "執行") not in regional("他當選中央執行委員。")  # computing vocabulary: 运行


def test_regional_substitutions_skip_pins_titles_of_works_and_glossary_terms():
    text = "-{软件}-、《软件世界》和信息"
    assert regional(text, IT) == {("zh-tw", "信息"): "資訊"}
    assert regional(text, terms=[("zh-tw", "信息", "信息"), *IT]) == {}


def test_regional_substitutions_never_cross_a_word_boundary():
    found = regional("改变量子比特")
    assert ("zh-tw", "变量") not in found and not any("变量" in written for _, written in found)


def test_a_keep_as_written_pin_keeps_the_word_in_every_variant():
    sub = next(s for s in conversion_review.regional_substitutions("使用软件。") if s.variant == "zh-tw")
    pin = f"-{{zh-hans:{sub.hans};zh-hant:{sub.hant}}}-"  # what the review's button writes in the text
    text = "使用" + pin + "。"
    assert pin == "-{zh-hans:软件;zh-hant:軟件}-"
    from articles.conversion import to_variant

    assert conversion_review.regional_substitutions(text) == []
    assert to_variant("使用软件。", "zh-tw") == "使用軟體。"


@pytest.mark.django_db
def test_a_pinned_word_renders_as_written_in_zh_tw():
    article = ArticleFactory(lead_zh_hans="使用-{zh-hans:软件;zh-hant:軟件}-。", lead_zh_hant="")
    article = Article.objects.prefetch_related("sections", "references").get(pk=article.pk)
    assert "使用軟件。" in render_article(article, "zh-tw").lead_html
    assert "使用软件。" in render_article(article, "zh-cn").lead_html


@pytest.mark.django_db
def test_the_preview_lists_regional_substitutions_with_their_buttons(editor_client):
    import json

    from django.urls import reverse

    article = ArticleFactory(lead_zh_hans="", lead_zh_hant="")
    response = editor_client.post(reverse("admin:articles_article_preview", args=[article.pk]),
                                  {"title_zh_hans": article.title_zh_hans, "lead_zh_hans": "这个软件很好用。"})
    review = json.loads(response.content)["review"]
    assert 'data-variant="zh-tw"' in review and 'data-written="软件"' in review and "軟體" in review
    assert "regional-keep" in review and 'class="regional-term" data-scope="site"' in review
    # Written in 繁體 the other way round: zh-cn reads 软件 (the review shows the field the
    # save rule takes as written; 裏 does not come back from 里 (裡), so here that is the 繁體 one).
    response = editor_client.post(reverse("admin:articles_article_preview", args=[article.pk]),
                                  {"title_zh_hans": article.title_zh_hans, "lead_zh_hant": "這個軟體裏的資料庫。"})
    review = json.loads(response.content)["review"]
    assert 'data-source="zh-hant"' in review
    assert 'data-variant="zh-cn"' in review and 'data-written="軟體"' in review and "软件" in review
    assert 'data-written="資料庫"' in review and "数据库" in review


@pytest.mark.django_db
def test_add_to_glossary_from_a_regional_substitution_names_the_variant(editor_client):
    from django.urls import reverse

    article = ArticleFactory(lead_zh_hans="这个软件很好用。", lead_zh_hant="")
    url = reverse("admin:articles_article_glossary_term", args=[article.pk])
    response = editor_client.post(url, {"hans": "软件", "hant": "軟件", "variant": "zh-tw", "form": "軟件",
                                        "scope": "article"})
    assert response.status_code == 200, response.content
    assert GlossaryTerm.objects.get(article=article, hans="软件").zh_tw == "軟件"
    article = Article.objects.prefetch_related("sections", "references").get(pk=article.pk)
    assert "這個軟件很好用" in render_article(article, "zh-tw").lead_html  # kept as written


@pytest.mark.django_db
def test_a_site_wide_term_from_the_review_that_breaks_gold_sentences_is_refused(editor_client):
    from django.urls import reverse

    response = editor_client.post(reverse("admin:articles_article_glossary_term"),
                                  {"hans": "执行", "hant": "執行", "variant": "zh-tw", "form": "運行", "scope": "site"})
    assert response.status_code == 400 and "金标准" in response.json()["error"]
    assert not GlossaryTerm.objects.exists()


def _seed_and_corpus_texts() -> list[str]:
    from tests.conftest import CORPUS, SEED

    files = [SEED, *sorted(CORPUS.glob("*.md"))] if CORPUS.is_dir() else [SEED]
    return [path.read_text(encoding="utf-8") for path in files]


@pytest.mark.parametrize("script", [HANS, HANT])
def test_the_fast_count_agrees_with_the_review_the_editor_sees(script):
    """The save counts with count_ambiguous (no Piece built); the review page shows review()'s
    pieces: on real articles, in either script and with a glossary, both give the same number."""
    glossary = Glossary((("干部", "幹部"), ("苏联", "蘇聯")))
    for text in _seed_and_corpus_texts():
        for source in (text, conversion.convert(text, script)):
            for terms in (conversion.EMPTY_GLOSSARY, glossary):
                shown = sum(1 for piece in conversion_review.review(source, script, terms) if piece.ambiguous)
                assert conversion_review.count_ambiguous(source, script, terms) == shown


def test_the_count_of_an_unchanged_text_is_remembered_and_a_changed_one_recounted():
    pairs = [("头发", "頭髮"), ("干部", "幹部")]
    assert conversion_review.unreviewed_count(pairs) == 2
    assert conversion_review.unreviewed_count(pairs) == 2  # from the memo: same answer
    assert conversion_review.unreviewed_count([("头发", "頭髮"), ("部", "部")]) == 1
    # The glossary is part of the key: a term covering 干部 makes it reviewed.
    assert conversion_review.unreviewed_count(pairs, Glossary((("干部", "幹部"),))) == 1
