"""The stored Markdown dialect rendered: wikilinks, -{}-, citations, tables, sanitising."""
from __future__ import annotations

import pytest
from django.utils import translation

from articles.rendering import RenderContext, render_article, render_inline, render_markdown
from tests.factories import ArticleFactory, CategoryFactory, ReferenceFactory, SectionFactory
from tests.xss import PAYLOADS, executable_content

pytestmark = pytest.mark.django_db


def html_of(text: str, script: str = "zh-hans", links: dict | None = None) -> str:
    return render_markdown(text, RenderContext(script=script, links=links or {}))


class TestDialect:
    def test_commonmark_and_gfm_table(self):
        html = html_of("**粗**与*斜*\n\n| 条约 | 年份 |\n|---|--:|\n| 南京 | 1842 |\n")
        assert "<strong>粗</strong>" in html and "<em>斜</em>" in html
        assert "<table>" in html and '<td style="text-align:right">1842</td>' in html

    def test_wikilink_resolves_in_either_script(self, client):
        ArticleFactory(title_zh_hans="苏联")
        article = ArticleFactory(lead_zh_hans="见[[蘇聯]]与[[苏联|苏维埃联盟]]。")
        rendered = render_article(article, "zh-hans")
        assert '<a href="/zh-hans/articles/%E8%8B%8F%E8%81%94/" class="wikilink" rel="noopener noreferrer">蘇聯</a>' in rendered.lead_html
        assert ">苏维埃联盟</a>" in rendered.lead_html
        with translation.override("zh-hant"):
            rendered = render_article(article, "zh-hant")
        assert '/zh-hant/articles/%E8%98%87%E8%81%AF/' in rendered.lead_html

    def test_missing_target_is_a_redlink_listed_for_editors(self):
        article = ArticleFactory(lead_zh_hans="见[[不存在的条目|某条目]]。")
        ArticleFactory(title_zh_hans="草稿目标", status="draft")
        SectionFactory(article=article, body_zh_hans="[[草稿目标]]")
        rendered = render_article(article, "zh-hans")
        assert '<span class="redlink" title="条目尚未撰写">某条目</span>' in rendered.lead_html
        assert 'class="redlink"' in rendered.sections[0].body_html  # drafts are not link targets
        assert rendered.redlinks == ["不存在的条目", "草稿目标"]

    def test_no_convert_and_explicit_variants(self):
        assert html_of("-{苏联}-与-{zh-hans:悉尼;zh-hant:雪梨}-", "zh-hant") == "<p>苏联与雪梨</p>\n"
        assert html_of("-{zh-hans:悉尼;zh-hant:雪梨}-", "zh-hans") == "<p>悉尼</p>\n"


class TestCitations:
    def _article(self):
        article = ArticleFactory(lead_zh_hans="甲[^b]乙[^a]")
        SectionFactory(article=article, position=1, body_zh_hans="丙[^b]丁[^c]戊[^b]")
        SectionFactory(article=article, position=2, body_zh_hans="未知[^zz]")
        for position, key in enumerate(["a", "b", "c", "uncited"]):
            ReferenceFactory(article=article, position=position, key=key, text_zh_hans=f"来源{key}")
        return article

    def test_numbered_by_first_appearance_across_lead_and_sections(self):
        rendered = render_article(self._article(), "zh-hans")
        assert rendered.lead_html == (
            '<p>甲<sup class="citation" id="cite-b-1"><a href="#ref-b" rel="noopener noreferrer">[1]</a></sup>'
            '乙<sup class="citation" id="cite-a-1"><a href="#ref-a" rel="noopener noreferrer">[2]</a></sup></p>\n'
        )
        assert ">[1]</a>" in rendered.sections[0].body_html and ">[3]</a>" in rendered.sections[0].body_html
        assert [(r.key, r.number) for r in rendered.references] == [("b", 1), ("a", 2), ("c", 3), ("uncited", 4)]

    def test_reference_list_links_back_to_every_citation(self):
        references = {r.key: r for r in render_article(self._article(), "zh-hans").references}
        assert references["b"].backlinks == [("a", "cite-b-1"), ("b", "cite-b-2"), ("c", "cite-b-3")]
        assert references["a"].backlinks == [("^", "cite-a-1")]
        assert references["uncited"].backlinks == []

    def test_unknown_key_never_crashes_and_is_shown_to_editors(self, client, editor):
        article = self._article()
        assert "[?zz]" not in render_article(article, "zh-hans").sections[1].body_html
        editor_view = render_article(article, "zh-hans", show_editor_notes=True)
        assert "[?zz]" in editor_view.sections[1].body_html and editor_view.unknown_citations == ["zz"]
        client.force_login(editor)
        page = client.get(article.get_absolute_url()).content.decode()
        assert "找不到的参考文献键" in page and "<code>zz</code>" in page

    def test_page_has_working_citation_anchors(self, client):
        page = client.get(self._article().get_absolute_url()).content.decode()
        assert 'id="cite-b-2"' in page and 'href="#cite-b-2"' in page
        assert '<li id="ref-b" value="1">' in page and 'href="#ref-b"' in page


class TestSanitising:
    @pytest.mark.parametrize("payload", PAYLOADS)
    def test_renderer_output_never_executable(self, payload):
        for script in ("zh-hans", "zh-hant"):
            assert executable_content(html_of(payload, script)) == []
            assert executable_content(render_inline(payload, RenderContext(script=script, links={}))) == []

    def test_payloads_in_every_field_on_the_public_page(self, client):
        article = ArticleFactory(title_zh_hans="<script>alert('t')</script>标题", lead_zh_hans="\n\n".join(PAYLOADS))
        SectionFactory(article=article, heading_zh_hans="<img src=x onerror=alert(1)>", body_zh_hans="\n\n".join(PAYLOADS))
        for n, payload in enumerate(PAYLOADS):
            ReferenceFactory(article=article, key=f"k{n}", text_zh_hans=payload)
        category = CategoryFactory(name_zh_hans="<svg onload=alert(1)>分类", description_zh_hans="\n\n".join(PAYLOADS))
        article.categories.add(category)
        article.tags.add("<script>alert(1)</script>")
        harmless = ArticleFactory(title_zh_hans="无害", lead_zh_hans="正文")
        harmless_category = CategoryFactory(name_zh_hans="无害分类")
        for script in ("zh-hans", "zh-hant"):
            with translation.override(script):
                pairs = ((article, harmless), (category, harmless_category))
                for hostile, baseline in pairs:
                    response = client.get(hostile.get_absolute_url())
                    assert response.status_code == 200
                    # Only the page's own elements (its <body>, search <form> …) may appear.
                    expected = executable_content(client.get(baseline.get_absolute_url()).content.decode())
                    assert executable_content(response.content.decode()) == expected
