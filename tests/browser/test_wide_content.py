"""Issue 22: wide content — display formulas and tables — scrolls inside its own box, so a reader
on a 375 px phone never scrolls the page sideways. Real articles of the corpus (skipped without it):
(2+1)维_KP方程 (display math, a table) and OCSP装订 (two tables), in both scripts."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from articles.importing import read_article_file, save_article
from articles.models import Article

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
WIDE_ARTICLES = ["(2+1)维_KP方程.md", "OCSP装订.md"]


@pytest.fixture
def wide_articles(django_db_serialized_rollback) -> list[Article]:
    missing = [name for name in WIDE_ARTICLES if not (CORPUS / name).is_file()]
    if missing:
        pytest.skip(f"corpus articles absent: {', '.join(missing)} (in {CORPUS})")
    return [save_article(read_article_file(CORPUS / name), status=Article.Status.PUBLISHED).article
            for name in WIDE_ARTICLES]


def test_wide_formulas_and_tables_scroll_in_their_own_box_at_375_px(page: Page, wide_articles) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    seen = {"math": 0, "table": 0, "tables": 0}
    for article in wide_articles:
        for script, slug in (("zh-hans", article.slug_zh_hans), ("zh-hant", article.slug_zh_hant)):
            response = page.goto(f"/{script}/articles/{slug}/")
            assert response is not None and response.ok
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 375, f"{article.title} ({script}) scrolls sideways at 375 px: scrollWidth {width}"
            seen["tables"] += page.evaluate(
                "[...document.querySelectorAll('.article table')].filter(t => getComputedStyle(t).overflowX === 'auto').length")
            # Something really is wider than the phone, and its own box scrolls instead of the page.
            scrollers = page.evaluate("""() => [...document.querySelectorAll('.math-display, .article table')]
                .filter(box => box.scrollWidth > box.clientWidth + 1)
                .map(box => [box.matches('table') ? 'table' : 'math', getComputedStyle(box).overflowX,
                             box.getBoundingClientRect().right])""")
            for kind, overflow, right in scrollers:
                assert overflow in {"auto", "scroll"} and right <= 375, (article.title, kind, overflow, right)
                seen[kind] += 1
    # Formulas wider than the phone were measured, and every table is its own scroll box.
    assert seen["math"] and seen["tables"] >= 6, f"no wide formula or table was measured: {seen}"
