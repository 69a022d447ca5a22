"""Renderer fixes of issue #11, each in both scripts: links and -{…}- inside table cells, MediaWiki
conversion flags, emphasis beside CJK punctuation, math as MathML."""
from __future__ import annotations

import re

import pytest

from articles.conversion import HANS, HANT, SCRIPTS
from articles.rendering import RenderContext, render_markdown
from tests.factories import ArticleFactory


def render(text: str, script: str, links: dict[str, str] | None = None) -> str:
    return render_markdown(text, RenderContext(script=script, links=links or {}))


def cells(html: str) -> list[str]:
    return re.findall(r"<td>(.*?)</td>", html, re.S)


@pytest.mark.parametrize("script", SCRIPTS)
class TestTables:
    def test_wikilink_with_label_stays_in_its_cell(self, script):
        html = render("| 软件 | 版本 |\n|---|---|\n| [[Apache HTTP Server|Httpd]] | 2.3.3 |\n", script,
                      links={"Apache HTTP Server": "/x/"})
        first, second = cells(html)
        assert re.fullmatch(r'<a href="/x/" class="wikilink"[^>]*>Httpd</a>', first) and second == "2.3.3"
        assert "[[" not in html and "]]" not in html

    def test_red_link_and_variants_stay_in_their_cells(self, script):
        html = render("| a | b | c |\n|---|---|---|\n| [[无此条目|标签]] | -{zh-hans:软件;zh-hant:軟體}- | -{A|zh-hans:杰;zh-hant:傑}- |\n", script)
        first, second, third = cells(html)
        assert "标签" in first and "redlink" in first
        assert second == ("软件" if script == HANS else "軟體")
        assert third == ("杰" if script == HANS else "傑")

    def test_pipes_outside_tables_unchanged(self, script, db):
        ArticleFactory(title_zh_hans="苏联")
        html = render("见[[苏联|苏维埃联盟]]。", script, links={"苏联": "/su/"})
        assert re.search(r'<a href="/su/" class="wikilink"[^>]*>苏维埃联盟</a>', html)


@pytest.mark.parametrize("script", SCRIPTS)
class TestConversionFlags:
    def test_title_and_hidden_rules_show_nothing(self, script):
        html = render("前-{T|&}-中-{H|zh-hans:杰;zh-hant:傑}-后", script)
        assert html == "<p>前中后</p>\n"

    def test_a_shows_the_text_of_the_script(self, script):
        assert render("-{A|zh-hans:软件;zh-hant:軟體}-", script) == f"<p>{'软件' if script == HANS else '軟體'}</p>\n"

    def test_r_shows_raw_text(self, script):
        assert render("-{R|zh-hans:不转换}-", script) == "<p>zh-hans:不转换</p>\n"

    def test_d_describes_the_rule(self, script):
        html = render("-{D|zh-hans:软件;zh-hant:軟體}-", script)
        assert "软件" in html and "軟體" in html and "|" not in html and "{" not in html

    @pytest.mark.parametrize("text", ["-{Q|文字}-", "-{xyz|文字}-", "-{ T ; H |zh-hans:甲;zh-hant:乙}-"])
    def test_unknown_or_odd_flags_never_show_markup(self, script, text):
        html = render(text, script)
        assert not re.search(r"[{}|]", html)

    def test_unknown_flag_degrades_to_its_text(self, script):
        assert render("-{Q|文字}-", script) == "<p>文字</p>\n"


@pytest.mark.parametrize("script", SCRIPTS)
class TestCjkEmphasis:
    @pytest.mark.parametrize("text, strong", [
        ("**共和党**，中华民国初年的政党。", "共和党"),
        ("他说**「重要」**的事。", "「重要」"),
        ("**`stdint.h`**是头文件。", "<code>stdint.h</code>"),
        ("（一）**[[统一党]]**，即前之联合会。", "统一党"),
        ("也写成**(119070) 2001 KP77**）是小行星。", "(119070) 2001 KP77"),
    ])
    def test_bold_beside_cjk_punctuation(self, script, text, strong):
        html = render(text, script)
        assert "**" not in html
        assert strong in re.search(r"<strong>(.*?)</strong>", html).group(1)

    def test_plain_ascii_emphasis_unchanged(self, script):
        assert render("a **b** c, *d* and 2*3", script) == "<p>a <strong>b</strong> c, <em>d</em> and 2*3</p>\n"


@pytest.mark.parametrize("script", SCRIPTS)
class TestMath:
    @pytest.mark.parametrize("text, display", [("$x^2$", "inline"), ("\\(\\alpha_1\\)", "inline"), ("$$\\frac{1}{2}$$", "block")])
    def test_formula_becomes_mathml(self, script, text, display):
        html = render(f"公式{text}。", script)
        assert f'<math xmlns="http://www.w3.org/1998/Math/MathML" display="{display}">' in html
        assert "<mi>" in html or "<mn>" in html
        assert "$" not in html and "\\(" not in html

    def test_prices_are_not_formulas(self, script):
        assert render("售价$10，另一版$10元。", script) == "<p>售价$10，另一版$10元。</p>\n"

    def test_unparseable_formula_shows_as_code(self, script):
        html = render("坏公式$\\begin{foo}$。", script)
        assert '<code class="math-error">\\begin{foo}</code>' in html and "<math" not in html

    def test_nothing_executable_comes_through_a_formula(self, script):
        html = render("$\\href{javascript:alert(1)}{x}$ $<script>alert(1)</script>$ $\\style{color:red}{x}$"
                      "$x$</annotation><script>alert(1)</script>", script)
        assert "<script" not in html and "style=" not in html and "href=" not in html
        # The TeX source is kept only as escaped text of the (invisible) annotation.
        outside_annotations = re.sub(r"<annotation[^>]*>[^<]*</annotation>", "", html)
        assert "javascript:" not in outside_annotations


@pytest.mark.parametrize("script, shown", [(HANS, "甲国条约"), (HANT, "乙國條約")])
def test_t_flag_sets_the_displayed_title(client, db, script, shown):
    article = ArticleFactory(title_zh_hans="某条约", lead_zh_hans="-{T|zh-hans:甲国条约;zh-hant:乙國條約}-正文。")
    html = client.get(f"/{script}/articles/{getattr(article, 'slug_' + script.replace('-', '_'))}/").content.decode()
    assert f"<h1>{shown}</h1>" in html and f"<title>{shown}" in html
    assert "T|" not in html


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("text, html", [
    ('他说a**"重要"**b。', '<p>他说a<strong>"重要"</strong>b。</p>\n'),  # flanking fails even with CJK rules
    ("孤立的 ** 标记。", "<p>孤立的  标记。</p>\n"),  # no partner: dropped, never shown
    ("代码`int **p`保留。", "<p>代码<code>int **p</code>保留。</p>\n"),
])
def test_no_double_stars_left_outside_code(script, text, html):
    assert render(text, script) == html


@pytest.mark.parametrize("script", SCRIPTS)
def test_dollars_around_chinese_text_are_prices(script):
    html = render("售价US$100（约合港币HK$a）与$x^2$。", script)
    assert "售价US$100（约合港币HK$a）与" in html and html.count("<math") == 1


RULE = "台湾称-{zh-tw:**篷車**; zh-hant:**棚車**，又稱**篷車**;\nzh-cn:**棚车**，又称**篷车**}-，用于运货。"


@pytest.mark.parametrize("script, shown", [
    (HANS, "台湾称<strong>棚车</strong>，又称<strong>篷车</strong>，用于运货。"),
    (HANT, "台湾称<strong>棚車</strong>，又稱<strong>篷車</strong>，用于运货。"),
])
def test_a_multi_line_rule_with_regional_keys_and_bold(script, shown):
    """Issue 22: a rule spanning a line break, regional keys, bold inside: the script's text, bold,
    no ``**``; zh-hant is preferred to zh-tw, and zh-cn stands for zh-hans."""
    assert render(RULE, script) == f"<p>{shown}</p>\n"


@pytest.mark.parametrize("script, shown", [(HANS, "软件"), (HANT, "軟件")])
@pytest.mark.parametrize("keys", ["zh-cn:{hans};zh-hk:{hant}", "zh-sg:{hans};zh-mo:{hant}", "zh-my:{hans};zh-tw:{hant}"])
def test_regional_keys_fall_back_to_their_script(script, shown, keys):
    assert render("用-{" + keys.format(hans="软件", hant="軟件") + "}-写", script) == f"<p>用{shown}写</p>\n"


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_rule_spanning_lines_survives_import_in_both_scripts(script, db, tmp_path):
    from articles.importing import read_article_file, save_article
    from articles.rendering import render_article

    path = tmp_path / "棚车.md"
    path.write_text(f"**棚车**是货车。\n\n## 名称\n\n{RULE}\n", encoding="utf-8")
    article = save_article(read_article_file(path)).article
    body = render_article(article, script).sections[0].body_html
    words = ("棚车", "篷车") if script == HANS else ("棚車", "篷車")
    assert "**" not in body and "{" not in body and all(f"<strong>{w}</strong>" in body for w in words)
