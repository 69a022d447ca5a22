"""Chromium with JavaScript disabled: an editor still adds sections, references and categories."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from articles.models import Article
from tests.browser.test_editor import PASSWORD, log_in
from tests.browser.test_figures import editors_group_as_migrated
from tests.factories import CategoryFactory, EditorFactory


@pytest.fixture
def nojs_page(browser: Browser, live_server, django_db_serialized_rollback) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, locale="zh-TW", java_script_enabled=False,
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.mark.browser
def test_editor_without_javascript_writes_sections_references_and_categories(nojs_page: Page) -> None:
    page = nojs_page
    editors_group_as_migrated()
    CategoryFactory(name_zh_hans="中俄条约")
    editor = EditorFactory(password=PASSWORD)
    log_in(page, editor.username, PASSWORD)
    page.goto("/admin/articles/article/add/")
    page.fill("#id_title_zh_hant", "璦琿條約")
    page.fill("#id_lead_zh_hant", "《璦琿條約》於1858年簽訂。[^1]")
    page.fill("#id_sections-0-heading_zh_hans", "背景")
    page.fill("#id_sections-0-body_zh_hant", "黑龍江以北。")
    page.fill("#id_references-0-key", "1")
    page.fill("#id_references-0-text_zh_hant", "《中俄邊界條約集》")
    page.fill("#id_categories_by_name", "中俄條約")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    article = Article.objects.get(title_zh_hant="璦琿條約")
    assert article.sections.get().body_zh_hant == "黑龍江以北。"
    assert article.references.get().text_zh_hant == "《中俄邊界條約集》"
    assert [c.name_zh_hans for c in article.categories.all()] == ["中俄条约"]
    # The next empty section is there after "save and continue editing".
    expect(page.locator("#id_sections-1-heading_zh_hans")).to_be_visible()
