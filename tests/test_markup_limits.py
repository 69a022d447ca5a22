"""Repeated markup at the size limit is processed whole, and markup next to such runs still works.

Issue 17: ``-{`` ×100k took 75 s to convert, ``[^`` ×100k 57 s and ``[`` ×200k 35 s to render,
``[[`` ×20k 19 s to extract search text. The timings are printed by ``bench/markup_bench.py``
(all under 1 s on this machine); these tests check that every step finishes with the right result.
"""
from __future__ import annotations

import pytest

from articles import conversion, search
from articles.models import MAX_TEXT_CHARS
from articles.rendering import RenderContext, render_markdown

PATTERNS = {"-{": MAX_TEXT_CHARS // 2, "[^": MAX_TEXT_CHARS // 2, "[": MAX_TEXT_CHARS, "[[": 20_000,
            "`": MAX_TEXT_CHARS, "![": MAX_TEXT_CHARS // 2}


def render(text: str) -> str:
    return render_markdown(text, RenderContext(script="zh-hans", links={}))


@pytest.mark.parametrize("unit", PATTERNS)
def test_a_run_at_the_limit_converts_renders_and_is_indexed_whole(unit):
    text = "头发" + unit * PATTERNS[unit] + "干部"
    converted = conversion.to_traditional(text)
    assert converted.startswith("頭髮") and converted.endswith("幹部")
    html = render(text)
    assert unit in html and "干部" in html
    assert "干部" in search.plain_text(text)


@pytest.mark.parametrize("unit", ["-{", "[^", "[", "[[", "!["])
def test_markup_after_a_run_still_works(unit):
    text = unit * 5000 + " [[条约]] -{zh-hans:发;zh-hant:髮}- [^a] [链接](https://example.org/) `代码`"
    html = render_markdown(text, RenderContext(script="zh-hant", links={}))
    assert 'class="redlink"' in html and "条约</span>" in html
    assert "髮" in html and 'href="https://example.org/"' in html and "<code>代码</code>" in html


def test_code_and_variants_stay_protected_after_runs():
    text = "说明" + "`" * 1000 + "\n\n`头发` " + "-{" * 1000 + "-{头发}- 头发"
    converted = conversion.to_traditional(text)
    assert converted.count("头发") == 2 and converted.endswith("頭髮") and converted.startswith("說明")
