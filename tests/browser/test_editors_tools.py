"""The article form's editors' tools in Chromium: live preview of both scripts, conversion review with
pins, and [[ title suggestions — all through the static article_editor.js under the site's CSP."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from articles.models import Article
from tests.browser.test_editor import PASSWORD, log_in, show_script_tab
from tests.browser.test_figures import editors_group_as_migrated
from tests.conftest import article_url
from tests.factories import ArticleFactory, EditorFactory


@pytest.fixture(autouse=True)
def _editors_group(page: Page) -> None:
    """A transactional test before these may have flushed the migrated Editors group."""
    editors_group_as_migrated()


def start_an_article(page: Page, title: str, lead: str) -> None:
    """An editor logs in, opens a new article and types its title and lead in 简体."""
    editor = EditorFactory(password=PASSWORD)
    log_in(page, editor.username, PASSWORD)
    page.goto("/admin/articles/article/add/")
    show_script_tab(page, "id_title", "zh_hans")
    page.fill("#id_title_zh_hans", title)
    show_script_tab(page, "id_lead", "zh_hans")
    page.locator("#id_lead_zh_hans").press_sequentially(lead)


@pytest.mark.browser
def test_editor_previews_reviews_pins_and_the_public_page_shows_the_pin(page: Page) -> None:
    start_an_article(page, "审校测试", "他的头发和干部")

    hant = page.locator(".preview-pane[data-script='zh-hant'] .preview-page")
    expect(hant).to_contain_text("頭髮")
    expect(hant).to_contain_text("幹部")
    expect(page.locator(".preview-pane[data-script='zh-hans'] .preview-page")).to_contain_text("他的头发和干部")
    lead_review = page.locator(".review-field[data-field='lead']")
    expect(lead_review.locator(".review-choice[data-char='发'] mark")).to_have_text("髮")
    expect(lead_review.locator(".review-choice[data-char='干'] mark")).to_have_text("幹")

    # Pin 干 as 乾 (a deliberate, unusual choice the converter would never make on its own).
    choice = lead_review.locator(".review-choice[data-char='干']")
    choice.locator("select").select_option("乾")
    choice.locator(".review-pin").click()
    expect(page.locator("#id_lead_zh_hans")).to_have_value("他的头发和-{zh-hans:干;zh-hant:乾}-部")
    expect(hant).to_contain_text("乾部")
    expect(lead_review.locator(".review-choice[data-char='干']")).to_have_count(0)

    page.select_option("#id_status", "published")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    article = Article.objects.get(title_zh_hans="审校测试")
    assert article.unreviewed_characters == 1  # 发 is still unreviewed
    page.goto(article_url(article, "zh-hant"))
    expect(page.locator(".lead")).to_contain_text("他的頭髮和乾部")


@pytest.mark.browser
def test_double_bracket_suggests_titles_and_inserts_in_the_fields_script(page: Page) -> None:
    ArticleFactory(title_zh_hans="中苏互不侵犯条约", title_zh_hant="中蘇互不侵犯條約", status="published")
    editor = EditorFactory(password=PASSWORD)
    log_in(page, editor.username, PASSWORD)
    page.goto("/admin/articles/article/add/")
    show_script_tab(page, "id_lead", "zh_hant")
    area = page.locator("#id_lead_zh_hant")
    area.press_sequentially("參見[[中苏")  # typed in Simplified, inserted in the field's script
    suggestion = page.locator(".title-suggestions li", has_text="中蘇互不侵犯條約")
    expect(suggestion).to_be_visible()
    suggestion.click()
    expect(area).to_have_value("參見[[中蘇互不侵犯條約]]")
    expect(page.locator(".preview-pane[data-script='zh-hant'] a", has_text="中蘇互不侵犯條約")).to_be_visible()


@pytest.mark.browser
def test_suggestions_open_at_the_caret_and_work_with_the_keyboard(page: Page) -> None:
    for title in ("中苏互不侵犯条约", "中苏友好同盟条约", "中苏边界"):
        ArticleFactory(title_zh_hans=title, status="published")
    editor = EditorFactory(password=PASSWORD)
    log_in(page, editor.username, PASSWORD)
    page.goto("/admin/articles/article/add/")
    show_script_tab(page, "id_lead", "zh_hans")
    area = page.locator("#id_lead_zh_hans")
    area.fill("第一段。\n\n第二段。")
    area.evaluate("(el) => { el.style.height = '400px'; el.setSelectionRange(0, 0); }")
    area.press("End")  # the caret after 第一段。, on the text area's first line
    area.press_sequentially("见[[中苏")
    suggestions = page.locator(".title-suggestions")
    expect(suggestions.locator("li")).to_have_count(3)
    box, listed = area.bounding_box(), suggestions.bounding_box()
    # Under the first line, where the caret is, not under the 400 px text area.
    assert box["y"] < listed["y"] < box["y"] + 60, (box, listed)
    assert listed["x"] > box["x"] + 40  # beside the typed text, not at the text area's left edge
    first = suggestions.locator("li").nth(0).text_content()
    second = suggestions.locator("li").nth(1).text_content()
    expect(suggestions.locator("li").nth(0)).to_have_attribute("aria-selected", "true")
    area.press("ArrowDown")
    expect(suggestions.locator("li").nth(1)).to_have_attribute("aria-selected", "true")
    area.press("ArrowDown")
    area.press("ArrowUp")
    area.press("Enter")
    expect(area).to_have_value(f"第一段。见[[{second}]]\n\n第二段。")
    assert first != second
    expect(suggestions).to_be_hidden()

    # Escape closes the list and leaves the text as typed; Enter is a new line again.
    area.press_sequentially(" [[中苏")
    expect(suggestions.locator("li")).to_have_count(3)
    area.press("Escape")
    expect(suggestions).to_be_hidden()
    area.press("Enter")
    expect(area).to_have_value(f"第一段。见[[{second}]] [[中苏\n\n\n第二段。")


@pytest.mark.browser
def test_dashboard_lists_a_change_made_by_another_editor(page: Page) -> None:
    from tests.test_dashboard import changed_by_another_editor

    changed_by_another_editor("另一位编辑", "被修改的条目")

    editor = EditorFactory(password=PASSWORD)
    log_in(page, editor.username, PASSWORD)
    recent = page.locator("#recent-changes")
    row = recent.locator("tr", has_text="被修改的条目").first
    expect(row).to_contain_text("另一位编辑")
    row.get_by_role("link", name="差异（简／繁）").click()
    diff = page.locator("#content tr", has_text="导言（繁體）").first
    expect(diff.locator("del")).to_have_text("二")
    expect(diff.locator("ins")).to_have_text("三")  # 繁體 side regenerated and diffed per script


@pytest.mark.browser
def test_editor_keeps_a_regional_word_as_written_and_zh_tw_reads_it(page: Page) -> None:
    """The review lists 软件 → 軟體 (台灣正體); "保留原文" pins it, so zh-tw reads 軟件 as written."""
    editor = EditorFactory(password=PASSWORD)
    log_in(page, editor.username, PASSWORD)
    page.goto("/admin/articles/article/add/")
    show_script_tab(page, "id_title", "zh_hans")
    page.fill("#id_title_zh_hans", "地区用词测试")
    show_script_tab(page, "id_lead", "zh_hans")
    page.locator("#id_lead_zh_hans").press_sequentially("安装软件。")
    lead_review = page.locator(".review-field[data-field='lead']")
    substitution = lead_review.locator(".regional-choice[data-variant='zh-tw'][data-written='软件']")
    expect(substitution.locator("mark")).to_have_text("軟體")
    substitution.locator(".regional-keep").click()
    expect(page.locator("#id_lead_zh_hans")).to_have_value("安装-{zh-hans:软件;zh-hant:軟件}-。")
    expect(lead_review.locator(".regional-choice[data-written='软件']")).to_have_count(0)
    page.select_option("#id_status", "published")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    from articles.rendering import render_article

    article = Article.objects.prefetch_related("sections", "references").get(title_zh_hans="地区用词测试")
    assert "安裝軟件。" in render_article(article, "zh-tw").lead_html


@pytest.mark.browser
def test_a_regional_preview_pane_renders_when_the_editor_opens_it(page: Page) -> None:
    """The regional panes are folded and rendered on demand (each is a full render per typing
    pause); opened, 台灣正體 reads Taiwan's vocabulary."""
    start_an_article(page, "预览测试", "这套软件在互联网上传播")
    expect(page.locator(".preview-pane[data-script='zh-hant'] .preview-page")).to_contain_text("這套軟件在互聯網上傳播")
    taiwan = page.locator(".preview-pane[data-script='zh-tw']")
    expect(taiwan).to_be_hidden()
    page.locator("details.preview-variant summary", has_text="台灣正體").click()
    expect(taiwan.locator(".preview-page")).to_contain_text("這套軟體在網際網路上傳播")
