"""Importer fixes of issue #11: titles from file names with the bold terms as aliases (wikilinks,
301s, re-imports of articles imported under the old rule), notes vs references, wikitable residue,
code blocks and math kept. Small files of our own, read in both scripts."""
from __future__ import annotations

import re

import pytest
from django.utils import translation

from articles.conversion import HANS, HANT, SCRIPTS
from articles.importing import parse_wiki_markdown, read_article_file, save_article
from articles.models import Article, ArticleAlias
from articles.rendering import render_article, resolve_titles

pytestmark = pytest.mark.django_db

LINK = '[{label}](https://zh.wikipedia.org/wiki/{target} "wikilink")'


def import_file(tmp_path, name: str, text: str) -> Article:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return save_article(read_article_file(path), status=Article.Status.PUBLISHED).article


def url_of(article: Article, script: str) -> str:
    with translation.override(script):
        return article.get_absolute_url()


class TestTitles:
    def test_title_is_the_file_name_and_bold_term_an_alias(self, tmp_path):
        article = import_file(tmp_path, "李焜.md", "**臨昌君**（1547年－？）是朝鮮王族。\n")
        assert (article.title_zh_hans, article.title_zh_hant) == ("李焜", "李焜")
        assert list(article.aliases.values_list("name", flat=True)) == ["臨昌君"]

    def test_underscores_are_spaces_in_both_scripts(self, tmp_path):
        article = import_file(tmp_path, "共和党_(中国).md", "**共和党**，中华民国初年的政党。\n")
        assert (article.title_zh_hans, article.title_zh_hant) == ("共和党 (中国)", "共和黨 (中國)")

    @pytest.mark.parametrize("script", SCRIPTS)
    def test_alias_resolves_wikilinks_in_either_script(self, tmp_path, script):
        target = import_file(tmp_path, "李焜.md", "**臨昌君**是朝鮮王族。\n")
        page = import_file(tmp_path, "宣祖.md", "**宣祖**之子[[临昌君]]、[[臨昌君|其子]]与[[李焜]]。\n")
        page = Article.objects.prefetch_related("sections", "references").get(pk=page.pk)
        with translation.override(script):
            rendered = render_article(page, script)
            expected = url_of(target, script)
        assert rendered.lead_html.count(f'href="{expected}"') == 3
        assert not rendered.redlinks

    @pytest.mark.parametrize("script", SCRIPTS)
    def test_alias_url_answers_301_to_the_canonical_url(self, client, tmp_path, script):
        article = import_file(tmp_path, "李焜.md", "**臨昌君**是朝鮮王族。\n")
        for name in ("临昌君", "臨昌君"):
            response = client.get(f"/{script}/articles/{name}/")
            assert response.status_code == 301
            assert response["Location"] == url_of(article, script)

    def test_a_title_wins_over_another_articles_alias(self, tmp_path):
        party = import_file(tmp_path, "共和党.md", "**共和党**是一个政党。\n")
        import_file(tmp_path, "共和党_(中国).md", "**共和党**，中华民国初年的政党。\n")
        with translation.override(HANS):
            assert resolve_titles({"共和党"}, HANS)["共和党"] == url_of(party, HANS)

    def test_same_bold_term_in_both_scripts_different_file_names_are_two_articles(self, tmp_path):
        import_file(tmp_path, "共和党_(中国).md", "**共和党**，中华民国初年的政党。\n")
        import_file(tmp_path, "共和黨_(日本).md", "**共和黨**是日本的政黨。\n")
        assert sorted(Article.objects.values_list("title_zh_hans", flat=True)) == ["共和党 (中国)", "共和党 (日本)"]

    def test_reimport_updates_an_article_imported_under_its_bold_term(self, tmp_path, client):
        # What the importer used to create for 李焜.md: title = bold term, no aliases.
        old = Article.objects.create(title_zh_hans="临昌君", lead_zh_hans="旧的导言。", status=Article.Status.PUBLISHED)
        old_slug = old.slug_zh_hans
        article = import_file(tmp_path, "李焜.md", "**臨昌君**是朝鮮王族。\n")
        assert article.pk == old.pk and Article.objects.count() == 1
        article.refresh_from_db()
        assert article.title_zh_hans == "李焜" and "朝鲜王族" in article.lead_zh_hans
        response = client.get(f"/zh-hans/articles/{old_slug}/")
        assert response.status_code == 301 and response["Location"] == url_of(article, HANS)

    def test_reimport_is_idempotent_with_aliases(self, tmp_path):
        for _ in range(2):
            import_file(tmp_path, "李焜.md", "**臨昌君**又名**李琿**，是朝鮮王族。\n")
        assert Article.objects.count() == 1 and ArticleAlias.objects.count() == 2

    def test_one_query_resolves_titles_slugs_and_aliases(self, tmp_path, django_assert_num_queries):
        import_file(tmp_path, "李焜.md", "**臨昌君**是朝鮮王族。\n")
        import_file(tmp_path, "宣祖.md", "**宣祖**是国王。\n")
        with django_assert_num_queries(1):
            links = resolve_titles({"临昌君", "宣祖", "无此条目"}, HANT)
        assert {"临昌君", "宣祖"} <= set(links) and "无此条目" not in links


class TestNotesAndReferences:
    SOURCE = (
        "**甲站**是火车站\\[1\\]，距河内11公里\\[2\\]。\n\n"
        "## 参考文献\n\n  - 《越南铁路》，河内，2010。\n  - 《铁路年鉴》，2012。\n\n"
        "## 外部链接\n\n  - [越南铁路](http://www.vr.com.vn/)\n\n"
        "## 注释\n\n[Category:越南鐵路車站](https://zh.wikipedia.org/wiki/Category:越南鐵路車站 \"wikilink\")\n\n"
        "1.  越南铁路站名一览\n2.  河内站里程表\n"
    )

    def test_each_list_keeps_its_heading_and_order(self):
        parsed = parse_wiki_markdown(self.SOURCE, "甲站")
        assert [s.heading for s in parsed.sections] == ["参考文献", "外部链接"]
        assert "《越南铁路》" in parsed.sections[0].body and parsed.sections[0].body.index("越南铁路") < parsed.sections[0].body.index("铁路年鉴")
        assert parsed.references_heading == "注释"
        assert [(r.key, r.text) for r in parsed.references] == [("1", "越南铁路站名一览"), ("2", "河内站里程表")]

    @pytest.mark.parametrize("script, heading", [(HANS, "注释"), (HANT, "註釋")])
    def test_page_shows_the_notes_under_their_own_heading(self, client, tmp_path, script, heading):
        article = import_file(tmp_path, "甲站.md", self.SOURCE)
        html = client.get(url_of(article, script)).content.decode()
        assert f'<h2 id="references-title">{heading}</h2>' in html
        body = html.split('id="references-title"')[0]
        assert body.index("参考文献" if script == HANS else "參考文獻") < body.index("外部链接" if script == HANS else "外部鏈接")


class TestResidueAndCode:
    def test_wikitable_residue_dropped_text_kept(self):
        parsed = parse_wiki_markdown(
            "**秦某**是学者。\n\n## 经历\n\n前文。{{-}}   |- |colspan=\"3\"\nstyle=\"text-align:center;\"|**行政院**\n|-\n\n"
            "<!-- end list -->\n\n后文。\n", "秦某")
        body = parsed.sections[0].body
        assert "前文。" in body and "**行政院**" in body and "后文。" in body
        assert not re.search(r"\|-|colspan|style=|\{\{|<!--", body)

    def test_gfm_table_untouched(self):
        table = "| a | b |\n| --- | --- |\n| 1 | 2 |"
        assert parse_wiki_markdown(f"**表**。\n\n## 表\n\n{table}\n", "表").sections[0].body == table

    def test_code_block_kept_verbatim(self):
        code = '    #include <stdint.h>\n    int32_t x = 1; // [a](b "wikilink") \\(x\\)'
        parsed = parse_wiki_markdown(f"**stdint.h**是头文件。\n\n## 示例\n\n{code}\n", "stdint.h")
        assert parsed.sections[0].body == code

    def test_pandoc_math_kept_for_the_renderer(self):
        parsed = parse_wiki_markdown("**方程**：\n\n\\((U_{t}+\\alpha*U_{yy})_{x}=0\\)\n\n\\[E_{B-V} = (B-V)\\]\n\n"
                                     "见[\\& \\(单曲\\)](https://example.org/)。\n", "方程")
        assert "\\((U_{t}+\\alpha*U_{yy})_{x}=0\\)" in parsed.lead
        assert "$$E_{B-V} = (B-V)$$" in parsed.lead
        assert "[& (单曲)](https://example.org/)" in parsed.lead  # escaped brackets around text are not math


def test_export_round_trip_keeps_aliases_and_references_heading(tmp_path):
    from articles.exporting import export_articles

    article = import_file(tmp_path, "甲站.md", TestNotesAndReferences.SOURCE.replace("**甲站**", "**甲站**（**乙站**）"))
    assert sorted(article.aliases.values_list("name", flat=True)) == ["乙站", "甲站"]
    (path,) = export_articles(tmp_path / "out")
    Article.objects.all().delete()
    restored = save_article(read_article_file(path)).article
    assert sorted(restored.aliases.values_list("name", flat=True)) == ["乙站", "甲站"]
    assert (restored.references_heading_zh_hans, restored.references_heading_zh_hant) == ("注释", "註釋")


def test_aliases_are_plain_text():
    parsed = parse_wiki_markdown('**[统一党](https://zh.wikipedia.org/wiki/統一黨 "wikilink")\\[1\\]**又称**[统党](../Page/X.md "wikilink")**。\n', "统一党_(1912年)")
    assert parsed.title == "统一党 (1912年)" and parsed.aliases == ["统一党", "统党"]


def test_bare_wikilink_destinations_are_wiki_titles():
    from articles.importing import convert_inline

    assert convert_inline('[测试用的条目](条目 "wikilink")与[Httpd](Apache_HTTP_Server "wikilink")与[外](http://e.com/ "wikilink")') == (
        "[[条目|测试用的条目]]与[[Apache HTTP Server|Httpd]]与[外](http://e.com/)")


@pytest.mark.parametrize("script, heading", [(HANS, "软件历史"), (HANT, "軟體歷史")])
def test_conversion_markup_in_headings_and_bold_terms(client, tmp_path, script, heading):
    article = import_file(tmp_path, "测试页.md", "**-{zh-hans:测试;zh-hant:測試}-页**是。\n\n## -{zh-cn:软件;zh-tw:軟體}-历史\n\n正文。\n")
    assert list(article.aliases.values_list("name", flat=True)) == ["测试页"]
    html = client.get(url_of(article, script)).content.decode()
    assert heading in html and "zh-hans:" not in html and "-{" not in html


def test_categories_under_chinese_namespace_aliases_and_nested_templates():
    parsed = parse_wiki_markdown(
        '**甲**是{{lang|en|{{small|x}}}}条目。\n\n[分类:越南鐵路車站](https://zh.wikipedia.org/wiki/分类:越南鐵路車站 "wikilink") '
        '[Category:河內交通](https://zh.wikipedia.org/wiki/Category:河內交通 "wikilink")\n', "甲")
    assert parsed.categories == ["越南鐵路車站", "河內交通"]
    assert parsed.lead == "**甲**是条目。"


def test_infobox_left_unexpanded_keeps_its_values():
    parsed = parse_wiki_markdown(
        '{{ infobox software | logo = | developer =\n[IBM](../Page/IBM.md "wikilink") | language =\n英语 | website = }}\n'
        "**IBM DB2**{{-}}是数据库{{•}}。\n", "IBM_DB2")
    assert parsed.lead == "- developer：[[IBM]]\n- language：英语\n\n\n**IBM DB2**是数据库。"


def test_escaped_parentheses_in_link_destinations_are_not_formulas():
    from articles.importing import convert_inline

    assert convert_inline('[C语言](https://zh.wikipedia.org/wiki/C_\\(programming_language\\) "wikilink")与\\(a_b\\)') == (
        "[[C (programming language)|C语言]]与\\(a_b\\)")
