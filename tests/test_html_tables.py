"""Issue 22: raw-HTML tables (pandoc writes ``<table>`` when a cell holds a list or paragraphs) keep
their structure and every link through the importer and the allow-list, in both scripts; nothing
but the table's structure tags becomes HTML.

The source file is made by pandoc itself from MediaWiki markup, as the exports were (skipped
without pandoc); pandoc's HTML of that file is the oracle for links, list items and tables."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from articles.conversion import SCRIPTS
from articles.html_tables import find_tables
from articles.management.commands.fidelity import structure_of
from articles.rendering import RenderContext, render_markdown
from tests.factories import ArticleFactory
from tests.test_import_fidelity import import_file, url_of

pytestmark = pytest.mark.django_db
needs_pandoc = pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")

WIKITEXT = """'''某软件'''是一个程序。

== 功能 ==
{| class="wikitable"
! 功能 !! 说明
|-
| [[加密]] ||
* 支持[[AES]]
* 支持[[RSA|公钥算法]]
* 版本 1_2 *不是*强调
|-
| 平台 ||
第一段说明，见[[Linux]]与[[苏联]]。

第二段说明，见[https://example.org/a?b=1&c=2 官网]。
|}

正文继续，见[[苏联]]。
"""


@pytest.fixture
def exported(tmp_path):
    """The export-style Markdown pandoc writes for the wikitext above (raw HTML table inside)."""
    source = tmp_path / "src.wiki"
    source.write_text(WIKITEXT, encoding="utf-8")
    markdown = subprocess.run(["pandoc", "-f", "mediawiki", "-t", "gfm", str(source)],
                              capture_output=True, text=True, check=True).stdout
    assert "<table>" in markdown and "<li>" in markdown  # pandoc really wrote a raw-HTML table
    return markdown


def links_in(html: str) -> list[str]:
    """Link texts, blue or red."""
    return [re.sub(r"<[^>]+>", "", m) for m in re.findall(r'<a [^>]*>(.*?)</a>|<span class="redlink"[^>]*>(.*?)</span>', html)
            for m in m if m]


@needs_pandoc
@pytest.mark.parametrize("script", SCRIPTS)
def test_a_raw_html_table_keeps_its_structure_and_links(client, tmp_path, exported, script):
    ArticleFactory(title_zh_hans="苏联")
    article = import_file(tmp_path, "某软件.md", exported)
    body = client.get(url_of(article, script)).content.decode().split('<section class="section', 1)[1]
    body = body.split("</section>", 1)[0]
    oracle = subprocess.run(["pandoc", "-f", "gfm", "-t", "html"], input=exported,
                            capture_output=True, text=True, check=True).stdout
    ours, theirs = structure_of(body), structure_of(oracle)
    assert ours.tables == theirs.tables == 1 and ours.list_items == theirs.list_items == (3,)
    assert len(links_in(body)) == len(re.findall(r"<a\s", oracle)) == 7
    assert body.count("<p>") - body.count("</table>") >= 4  # the cells' paragraphs (and the text after)
    table = body[body.index("<table>"):body.index("</table>")]
    assert 'href="https://example.org/a?b=1&amp;c=2"' in table and ("说明" if script == "zh-hans" else "說明") in table
    assert "1_2 *不是*强调" in table or "1_2 *不是*強調" in table  # literal in the HTML, literal here
    assert re.search(r'<a href="/zh-han[st]/articles/[^"]+/" class="wikilink"[^>]*>(苏联|蘇聯)</a>', table)
    assert "<table class" not in body and "wikitable" not in body


@pytest.mark.parametrize("script", SCRIPTS)
def test_only_structure_tags_become_html(script):
    stored = ('<table>\n<tr>\n<td onclick="alert(1)">甲</td><td colspan="2"><script>alert(2)</script>'
              '<img src=x onerror=alert(3)>**乙**</td></tr>\n</table>')
    html = render_markdown(stored, RenderContext(script=script, links={}))
    assert "<script" not in html and "onerror=" not in html.replace("&lt;img src=x onerror=alert(3)&gt;", "")
    # A cell tag with an attribute outside the allow-list is shown as text, never as a tag.
    assert not re.search(r"<td[^>]*onclick", html) and '<td colspan="2">' in html and "<strong>乙</strong>" in html
    assert "<img" not in html


def test_an_unclosed_table_stays_text():
    assert find_tables("<table><tr><td>甲") == []
    html = render_markdown("<table>\n<tr><td>甲</td></tr>", RenderContext(script="zh-hans", links={}))
    assert "<table>" not in html and "&lt;table&gt;" in html

