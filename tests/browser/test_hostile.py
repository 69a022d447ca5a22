"""Hostile content in a real browser: no payload makes a dialog fire or a script run."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page

from articles.models import Article
from tests.factories import ArticleFactory, CategoryFactory, ReferenceFactory, SectionFactory
from tests.xss import PAYLOADS


@pytest.fixture
def hostile(django_db_serialized_rollback) -> Article:
    article = ArticleFactory(title_zh_hans="<script>alert('t')</script>恶意", lead_zh_hans="\n\n".join(PAYLOADS))
    SectionFactory(article=article, heading_zh_hans="<img src=x onerror=alert(1)>", body_zh_hans="\n\n".join(PAYLOADS))
    for n, payload in enumerate(PAYLOADS):
        ReferenceFactory(article=article, key=f"k{n}", text_zh_hans=payload)
    article.categories.add(CategoryFactory(name_zh_hans="<svg onload=alert(1)>分类"))
    article.tags.add("<script>alert(1)</script>")
    return Article.objects.get(pk=article.pk)


@pytest.mark.browser
@pytest.mark.parametrize("script", ["zh-hans", "zh-hant"])
def test_no_dialog_fires_and_no_script_runs(page: Page, hostile: Article, script: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    slug = getattr(hostile, f"slug_{script.replace('-', '_')}")
    page.goto(f"/{script}/articles/{slug}/")
    page.wait_for_load_state("load")
    # Give event handlers (onerror, onload, autofocus onfocus, ontoggle) every chance to run.
    page.mouse.move(200, 300)
    page.keyboard.press("Tab")
    page.wait_for_timeout(300)
    assert dialogs == []
    assert page.evaluate("() => document.querySelectorAll('main script, main iframe, main object, main embed').length") == 0
    for link in page.locator("main a[href]").all():
        href = (link.get_attribute("href") or "").replace(" ", "").lower()
        assert not href.startswith(("javascript:", "data:", "vbscript:")), href
    # Search results page with a hostile query, too.
    page.goto(f"/{script}/search/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    page.wait_for_timeout(200)
    assert dialogs == []
