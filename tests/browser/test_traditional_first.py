"""An editor writes a whole article in 繁體 only — title, lead, sections, references, a category, a
tag and a figure — and saves it; the conversion review then lists only 繁→简 candidates, and a pin
in the third paragraph lands on the character chosen. Both writing directions of the pin after line
breaks, the form shown again after an error, and the live preview at 375 px are tested here too.

The 简体-first article is ``test_editor.py``.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from articles.conversion import HANT
from articles.images.models import Image
from articles.models import Article, Category
from tests.browser.test_editor import PASSWORD, add_inline_row, log_in, open_inline, show_script_tab
from tests.browser.test_figures import editors_group_as_migrated
from tests.conftest import image_bytes
from tests.factories import EditorFactory

TITLE = "璦琿條約"
LEAD = "《璦琿條約》是清朝與俄國於咸豐八年簽訂的條約。[^1]\n\n[[File:璦琿條約文本.jpg|條約的滿文文本]]"
SECTIONS = [
    ("簽訂經過", "俄國乘英法聯軍之機，以武力脅迫黑龍江將軍奕山簽約。"),
    ("條約內容", "黑龍江以北、外興安嶺以南之地劃歸俄國。"),
    # Three paragraphs: the pin below is in the third, after two line breaks each.
    ("後續影響", "第一段。\n\n第二段。\n\n他於乾隆年間的舊界之外簽約後返回。"),
]
REFERENCE = "《清史稿·邦交志》"
CATEGORY = "中俄條約"
TAG = "不平等條約"

# OpenCC's TSCharacters table (articles/data/opencc_character_tables.tsv, "t2s" rows) lists two
# Simplified forms for 於 (于/於) and 乾 (干/乾); 簽 後 髮 have one. 简→繁 candidates (于 签 后 …) must
# never be listed for text typed in 繁體.
HANS_ONLY = set("于签后发丑了")


@pytest.fixture(autouse=True)
def _editors_group(page: Page) -> None:
    editors_group_as_migrated()


def type_in(page: Page, field_id: str, script: str, text: str) -> None:
    show_script_tab(page, field_id, script)
    page.fill(f"#{field_id}_{script}", text)


def open_new_article(page: Page) -> None:
    """An editor logged in, on the empty article form."""
    editor = EditorFactory(password=PASSWORD)
    log_in(page, editor.username, PASSWORD)
    page.goto("/admin/articles/article/add/")


def review_sources(page: Page) -> list[str]:
    return page.locator(".review-field").evaluate_all("items => items.map(i => i.dataset.source)")


@pytest.mark.browser
def test_editor_writes_a_whole_article_in_traditional_only(page: Page, media_root) -> None:
    Image.objects.create(name="璦琿條約文本.jpg", caption_zh_hant="條約的文本").attach(image_bytes(900, 600))
    editor = EditorFactory(password=PASSWORD)
    log_in(page, editor.username, PASSWORD)

    # The category, typed in 繁體 only in its own form.
    page.goto("/admin/articles/category/add/")
    type_in(page, "id_name", "zh_hant", CATEGORY)
    type_in(page, "id_description", "zh_hant", "清朝與俄國簽訂的條約。")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    page.goto("/admin/articles/article/add/")
    type_in(page, "id_title", "zh_hant", TITLE)
    type_in(page, "id_lead", "zh_hant", LEAD)
    for n, (heading, body) in enumerate(SECTIONS):
        add_inline_row(page, "sections")
        page.fill(f"#id_sections-{n}-position", str(n + 1))
        type_in(page, f"id_sections-{n}-heading", "zh_hant", heading)
        type_in(page, f"id_sections-{n}-body", "zh_hant", body)
    add_inline_row(page, "references")
    page.fill("#id_references-0-position", "1")
    page.fill("#id_references-0-key", "1")
    type_in(page, "id_references-0-text", "zh_hant", REFERENCE)
    # The category through the admin's autocomplete, searched in 繁體.
    page.locator(".field-categories .select2-selection").click()
    page.locator(".select2-search__field").fill("中俄條")
    page.locator(".select2-results__option", has_text="中俄条约").click()
    page.fill("#id_tags", TAG)
    page.select_option("#id_status", "published")
    page.fill("#id_published_at_0", "2024-01-01")
    page.fill("#id_published_at_1", "08:00:00")

    page.locator('input[name="_continue"]').click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator(".errornote")).to_have_count(0)

    article = Article.objects.get(title_zh_hant=TITLE)
    assert article.title_zh_hans == "瑷珲条约"
    assert article.lead_zh_hans.startswith("《瑷珲条约》是清朝与俄国于咸丰八年签订的条约。")
    assert [s.heading_zh_hans for s in article.sections.all()] == ["签订经过", "条约内容", "后续影响"]
    assert article.references.get().text_zh_hans == "《清史稿·邦交志》"
    assert list(article.categories.values_list("name_zh_hans", flat=True)) == ["中俄条约"]
    assert Category.objects.get().written_script("name") == HANT
    tag = article.tags.get()
    assert (tag.name, tag.name_zh_hant) == ("不平等条约", TAG)
    assert article.written_scripts == {"title": HANT, "lead": HANT}
    assert all(s.written_scripts == {"heading": HANT, "body": HANT} for s in article.sections.all())

    # The review of the saved article: 繁→简 only, never 简→繁 candidates.
    expect(page.locator(".review-field").first).to_be_visible()
    assert set(review_sources(page)) == {"zh-hant"}
    marked = set(page.locator(".review-choice").evaluate_all("items => items.map(i => i.dataset.char)"))
    assert {"於", "乾"} <= marked and not marked & HANS_ONLY

    # Pin 乾 (third paragraph of the third section) as 乾 in 简体 too, instead of OpenCC's 干.
    body = page.locator("#id_sections-2-body_zh_hant")
    show_script_tab(page, "id_sections-2-body", "zh_hant")
    choice = page.locator(".review-field[data-field='sections-2-body'] .review-choice[data-char='乾']")
    choice.locator("select").select_option("乾")
    choice.locator(".review-pin").click()
    expect(body).to_have_value("第一段。\n\n第二段。\n\n他於-{zh-hans:乾;zh-hant:乾}-隆年間的舊界之外簽約後返回。")
    expect(page.locator(".review-status")).to_contain_text("已固定")
    page.locator('input[name="_continue"]').click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    section = article.sections.get(position=3)
    assert "他於-{zh-hans:乾;zh-hant:乾}-隆年間" in section.body_zh_hant
    assert "\r" not in section.body_zh_hant

    # What readers see, in both scripts: the figure, the category, the tag.
    for script, title, category, caption in (("zh-hant", TITLE, CATEGORY, "條約的滿文文本"),
                                              ("zh-hans", "瑷珲条约", "中俄条约", "条约的满文文本")):
        page.goto(f"/{script}/articles/{getattr(article, 'slug_' + script.replace('-', '_'))}/")
        expect(page.locator("h1")).to_contain_text(title)
        expect(page.locator("figure figcaption")).to_have_text(caption)
        expect(page.get_by_role("link", name=category)).to_be_visible()
    expect(page.locator("main")).to_contain_text("他于乾隆年间")  # the pin: 乾 stays 乾 in 简体


@pytest.mark.browser
@pytest.mark.parametrize("script, text, char, chosen, pinned", [
    ("zh_hant", "一。\n\n二。\n\n頭髮乾了", "乾", "乾", "頭髮-{zh-hans:乾;zh-hant:乾}-了"),
    ("zh_hans", "一。\n\n二。\n\n头发干了", "干", "乾", "头发-{zh-hans:干;zh-hant:乾}-了"),
])
def test_a_pin_after_line_breaks_lands_on_its_character_in_either_script(page: Page, script, text, char,
                                                                         chosen, pinned) -> None:
    open_new_article(page)
    type_in(page, "id_title", script, "換行測試" if script == "zh_hant" else "换行测试")
    show_script_tab(page, "id_lead", script)
    page.locator(f"#id_lead_{script}").fill(text)
    page.locator(f"#id_lead_{script}").dispatch_event("input")
    choice = page.locator(f".review-field[data-field='lead'] .review-choice[data-char='{char}']")
    expect(choice).to_have_count(1)
    assert set(review_sources(page)) == {script.replace("_", "-")}
    choice.locator("select").select_option(chosen)
    choice.locator(".review-pin").click()
    expect(page.locator(f"#id_lead_{script}")).to_have_value(text.rsplit("\n", 1)[0] + "\n" + pinned)


@pytest.mark.browser
def test_a_pin_on_text_changed_since_the_review_says_why(page: Page) -> None:
    open_new_article(page)
    type_in(page, "id_title", "zh_hant", "測試")
    area = page.locator("#id_lead_zh_hant")
    type_in(page, "id_lead", "zh_hant", "頭髮乾了")
    area.dispatch_event("input")
    choice = page.locator(".review-field[data-field='lead'] .review-choice[data-char='乾']")
    expect(choice).to_have_count(1)
    # The text moves under the review before the pin is clicked (no input event yet).
    area.evaluate("a => { a.value = '前面' + a.value; }")
    choice.locator(".review-pin").click()
    expect(page.locator(".review-status")).to_contain_text("没有固定")
    expect(area).to_have_value("前面頭髮乾了")


@pytest.mark.browser
def test_after_an_error_the_form_shows_the_tab_and_the_text_as_typed(page: Page) -> None:
    open_new_article(page)
    type_in(page, "id_title", "zh_hant", "錯誤測試")
    type_in(page, "id_lead", "zh_hant", "乾隆年間")
    page.fill("#id_published_at_0", "1900-01-01")  # refused: before 2000
    page.fill("#id_published_at_1", "08:00:00")
    page.locator("input[name=_save]").click()
    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator("#id_title_zh_hant")).to_be_visible()  # its tab is the active one
    expect(page.locator("#id_title_zh_hant")).to_have_value("錯誤測試")
    expect(page.locator("#id_lead_zh_hant")).to_be_visible()
    expect(page.locator("#id_lead_zh_hant")).to_have_value("乾隆年間")

    page.fill("#id_published_at_0", "2024-01-01")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    article = Article.objects.get(title_zh_hant="錯誤測試")

    # An existing article: changed in 繁體, refused; 简体 shows what it showed, not an empty box.
    show_script_tab(page, "id_lead", "zh_hant")
    page.fill("#id_lead_zh_hant", "嘉慶年間")
    page.fill("#id_published_at_0", "1900-01-01")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator("#id_lead_zh_hant")).to_be_visible()
    expect(page.locator("#id_lead_zh_hant")).to_have_value("嘉慶年間")
    show_script_tab(page, "id_lead", "zh_hans")
    expect(page.locator("#id_lead_zh_hans")).to_have_value(article.lead_zh_hans)


@pytest.mark.browser
def test_the_live_preview_fits_the_form_at_375_px_and_speaks_each_panes_script(page: Page) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    open_new_article(page)
    type_in(page, "id_title", "zh_hant", "預覽測試")
    long_url = "https://example.org/" + "a" * 300
    type_in(page, "id_lead", "zh_hant", f"見[[不存在的條目]]。[^1] {long_url}")
    add_inline_row(page, "references")
    page.fill("#id_references-0-key", "1")
    type_in(page, "id_references-0-text", "zh_hant", "某書")
    page.locator("#id_references-0-text_zh_hant").dispatch_event("input")
    hant = page.locator(".preview-pane[data-script='zh-hant'] .preview-page")
    hans = page.locator(".preview-pane[data-script='zh-hans'] .preview-page")
    expect(hant).to_contain_text("參考文獻")
    expect(hant).to_contain_text("尚無條目的連結")
    expect(hans).to_contain_text("参考文献")
    expect(hans).to_contain_text("尚无条目的链接")
    form_box = page.locator("#article_form").bounding_box()
    for pane in page.locator(".preview-pane:visible").all():  # regional panes are folded
        box = pane.bounding_box()
        assert box["x"] + box["width"] <= form_box["x"] + form_box["width"] + 1, box
    # The reader's stylesheet applies inside the preview (its h1 has the reader's rule) …
    border = hant.locator("h1").evaluate("h => getComputedStyle(h).borderBottomStyle")
    assert border == "solid"
    # … and the preview adds nothing to the page's width.
    preview_width = page.locator("#editor-preview").evaluate("e => e.scrollWidth")
    assert preview_width <= form_box["width"] + 1
