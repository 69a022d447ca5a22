"""Issue 22: imported articles keep the source's structure — list nesting as pandoc reads it, the
footnotes once under the source's own references heading — in both scripts; and the fidelity
measure sees nesting and tables, not only text."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from articles.conversion import HANS, HANT, SCRIPTS
from articles.management.commands.fidelity import measure_folder, structure_of
from tests.test_import_fidelity import import_file, url_of

pytestmark = pytest.mark.django_db
needs_pandoc = pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")

# pandoc's export of a section that starts with a list: every top-level item is indented by two.
LIST_FIRST = (
    "**北江省**是越南的省份。\n\n"
    "## 經濟\n\n"
    "  - 以農業為主，像是鳳梨和荔枝。\n  - 大約四分之一的面積還是森林\n  - 工業\n      - 紡織\n      - 食品\n\n"
    "## 地理\n\n離紅河不遠。\n"
)


def article_html(client, article, script: str) -> str:
    html = client.get(url_of(article, script)).content.decode()
    return html.split('<article', 1)[1].split('<footer class="article-footer"', 1)[0]


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_section_that_starts_with_a_list_keeps_its_nesting(client, tmp_path, script):
    article = import_file(tmp_path, "北江省.md", LIST_FIRST)
    body = article_html(client, article, script).split("</nav>", 1)[1]  # after the contents
    # Three items at the top level, two below the third: the first item holds no sub-list.
    assert structure_of(body).list_items == (3, 2)
    first_item = re.search(r"<li>(.*?)</li>", body, re.S).group(1)
    assert "<ul>" not in first_item and ("森林" not in first_item)


@needs_pandoc
def test_nesting_is_pandocs(tmp_path):
    path = tmp_path / "北江省.md"
    path.write_text(LIST_FIRST, encoding="utf-8")
    pandoc = subprocess.run(["pandoc", "-f", "gfm", "-t", "html", str(path)],
                            capture_output=True, text=True, check=True).stdout
    [result] = measure_folder(tmp_path)
    for script in SCRIPTS:
        figures = result.scripts[script]
        assert figures.structure.list_items == structure_of(pandoc).list_items == (3, 2)
        assert figures.structure_matches()


def test_the_structure_measure_sees_re_nesting_and_tables():
    flat = "<ul><li>甲</li><li>乙</li></ul><table><tr><td>1</td></tr></table>"
    nested = "<ul><li>甲<ul><li>乙</li></ul></li></ul>"
    assert structure_of(flat).list_items == (2,) and structure_of(flat).tables == 1
    assert structure_of(nested).nested() == (1,) != structure_of(flat).nested()


# The references heading holds only leftovers of a succession box (a stray bold name); pandoc
# puts the footnotes list at the very end, after the categories.
LEFTOVER_HEADING = (
    "**秦某**是学者\\[1\\]。\n\n## 生平\n\n曾任院长\\[2\\]。\n\n"
    "## 参考文献\n\n{{-}}   |- |colspan=\"3\"\nstyle=\"text-align:center;\"|**行政院**\n|-\n\n"
    "[Category:学者](https://zh.wikipedia.org/wiki/Category:学者 \"wikilink\")\n\n"
    "1.  《凤凰周刊》2007年\n2.  秦某纪念文集\n"
)


@pytest.mark.parametrize("script, heading, generated", [(HANS, "参考文献", "参考文献"), (HANT, "參考文獻", "參考文獻")])
def test_footnotes_go_once_under_the_sources_heading_with_its_leftovers(client, tmp_path, script, heading, generated):
    article = import_file(tmp_path, "秦某.md", LEFTOVER_HEADING)
    body = article_html(client, article, script)
    assert body.count(f">{heading}</h2>") == 1 and 'id="references-title"' not in body
    section = body.split(f">{heading}</h2>", 1)[1]
    # The leftover is kept as text (bold, not a code block), then the footnotes, in that order.
    assert "<pre>" not in body and section.index("行政院") < section.index("凤凰周刊" if script == HANS else "鳳凰週刊")
    assert re.search(r'<li id="ref-1" value="1">', section) and "纪念文集" in section or "紀念文集" in section


@pytest.mark.parametrize("script", SCRIPTS)
def test_an_empty_references_heading_still_holds_the_footnotes_alone(client, tmp_path, script):
    source = "**甲**是站\\[1\\]。\n\n## 注释\n\n## 外部链接\n\n  - [站](http://example.org/)\n\n1.  站名一览\n"
    article = import_file(tmp_path, "甲.md", source)
    body = article_html(client, article, script)
    assert body.count('id="references-title"') == 1 and body.count("<h2") == 2  # 外部链接, 注释


@pytest.mark.parametrize("script, heading", [(HANS, "参考资料"), (HANT, "參考資料")])
def test_a_heading_of_empty_bullets_holds_the_footnotes_once(client, tmp_path, script, heading):
    """熊斌's kind: the references heading holds only bullets of expanded <span> templates."""
    source = ("**熊某**是将领\\[1\\]。\n\n## 生平\n\n曾任军长。\n\n## 参考资料\n\n"
              "  - <span id=\"a\"></span>\n  - <span></span>\n\n1.  《将领传》\n")
    article = import_file(tmp_path, "熊某.md", source)
    body = article_html(client, article, script)
    assert body.count(f">{heading}</h2>") == 1 and "<li></li>" not in body
    assert body.index(f">{heading}</h2>") < body.index("将领传" if script == HANS else "將領傳")


def test_a_code_block_after_text_that_goes_keeps_its_indentation():
    from articles.importing import parse_wiki_markdown

    source = ("**某**。\n\n## 代码\n\n[Category:程序](https://zh.wikipedia.org/wiki/Category:程序 \"wikilink\")\n\n"
              "    int32_t x = 1;\n    int32_t y = 2;\n")
    assert parse_wiki_markdown(source, "某").sections[0].body == "    int32_t x = 1;\n    int32_t y = 2;"
