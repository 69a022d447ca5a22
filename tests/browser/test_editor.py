"""An editor writes an article in the admin in 简体 and finds the 繁體 side filled after saving.

Everything goes through the real login form, the real change form and its JavaScript (modeltranslation's
jQuery UI tabs, the inlines' "add another" links), so a broken static file or script fails here.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from articles.models import Article
from tests.factories import EditorFactory

PASSWORD = "correct horse battery"

TITLE = "中苏互不侵犯条约"
LEAD = "《中苏互不侵犯条约》是中华民国与苏联签订的条约。[^1]"
SECTIONS = [("签订经过", "头发与面条：干部在里面着急。"), ("历史影响", "条约签订后，苏联向中国提供军事援助。")]
REFERENCE_TEXT = "《中国外交史》，上海：商务印书馆，1946年"

# What OpenCC's s2tw must produce for the fields above (one-to-many characters on purpose).
TITLE_HANT = "中蘇互不侵犯條約"
SECTIONS_HANT = [("簽訂經過", "頭髮與麵條：幹部在裡面著急。"), ("歷史影響", "條約簽訂後，蘇聯向中國提供軍事援助。")]
REFERENCE_TEXT_HANT = "《中國外交史》，上海：商務印書館，1946年"


@pytest.fixture(autouse=True)
def _editors_group(page: Page) -> None:
    """A transactional test run before this one may have flushed the migrated Editors group."""
    from tests.browser.test_figures import editors_group_as_migrated  # it imports log_in from here

    editors_group_as_migrated()


def log_in(page: Page, username: str, password: str) -> None:
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("#login-form [type=submit]").click()
    expect(page.locator("#user-tools")).to_be_visible()


def open_inline(page: Page, group: str) -> None:
    """Open a collapsible inline group (Django's ``<details>``) by clicking its heading."""
    details = page.locator(f"#{group}-group details").first
    if details.count() and details.get_attribute("open") is None:
        details.locator("summary").first.click()


def add_inline_row(page: Page, group: str) -> None:
    """Click the inline group's "add another" link, as an editor does to get an empty row."""
    open_inline(page, group)
    page.locator(f"#{group}-group .add-row a").click()


def show_script_tab(page: Page, field_id: str, script: str) -> None:
    """Activate the tab of ``script`` (zh_hans / zh_hant) for one translated field."""
    page.locator(f'a[href="#tab_{field_id}_{script}"]').click()
    expect(page.locator(f"#{field_id}_{script}")).to_be_visible()


@pytest.mark.browser
def test_editor_creates_article_in_simplified_and_sees_traditional_filled(page: Page) -> None:
    editor = EditorFactory(password=PASSWORD)
    log_in(page, editor.username, PASSWORD)

    page.goto("/admin/articles/article/add/")
    # The tabs are built by modeltranslation's script; only then is a single script's input visible.
    expect(page.locator('a[href="#tab_id_title_zh_hans"]')).to_be_visible()
    expect(page.locator("#id_title_zh_hant")).to_be_hidden()
    page.fill("#id_title_zh_hans", TITLE)
    page.fill("#id_lead_zh_hans", LEAD)
    page.select_option("#id_status", "published")
    page.fill("#id_published_at_0", "2024-01-01")
    page.fill("#id_published_at_1", "08:00:00")

    for n, (heading, body) in enumerate(SECTIONS):
        add_inline_row(page, "sections")
        page.fill(f"#id_sections-{n}-position", str(n + 1))
        page.fill(f"#id_sections-{n}-heading_zh_hans", heading)
        page.fill(f"#id_sections-{n}-body_zh_hans", body)

    add_inline_row(page, "references")
    page.fill("#id_references-0-position", "1")
    page.fill("#id_references-0-key", "1")
    page.fill("#id_references-0-text_zh_hans", REFERENCE_TEXT)

    page.locator('input[name="_save"]').click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator(".errornote")).to_have_count(0)

    # Reopen it from the change list, like an editor coming back to it.
    page.locator("#result_list").get_by_role("link", name=TITLE, exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/articles/article/\d+/change/"))

    show_script_tab(page, "id_title", "zh_hant")
    expect(page.locator("#id_title_zh_hant")).to_have_value(TITLE_HANT)
    show_script_tab(page, "id_lead", "zh_hant")
    expect(page.locator("#id_lead_zh_hant")).to_have_value("《中蘇互不侵犯條約》是中華民國與蘇聯簽訂的條約。[^1]")
    open_inline(page, "sections")
    for n, (heading, body) in enumerate(SECTIONS_HANT):
        show_script_tab(page, f"id_sections-{n}-heading", "zh_hant")
        expect(page.locator(f"#id_sections-{n}-heading_zh_hant")).to_have_value(heading)
        show_script_tab(page, f"id_sections-{n}-body", "zh_hant")
        expect(page.locator(f"#id_sections-{n}-body_zh_hant")).to_have_value(body)
    open_inline(page, "references")
    show_script_tab(page, "id_references-0-text", "zh_hant")
    expect(page.locator("#id_references-0-text_zh_hant")).to_have_value(REFERENCE_TEXT_HANT)
    # Switching back shows the editor's own 简体 text untouched.
    show_script_tab(page, "id_title", "zh_hans")
    expect(page.locator("#id_title_zh_hans")).to_have_value(TITLE)

    article = Article.objects.get(title_zh_hans=TITLE)
    assert article.is_published
    assert [s.heading_zh_hant for s in article.sections.all()] == [h for h, _ in SECTIONS_HANT]
    assert article.references.get().text_zh_hant == REFERENCE_TEXT_HANT
