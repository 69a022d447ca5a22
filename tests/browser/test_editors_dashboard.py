"""The editors' dashboard and the admin's script tabs as an editor sees them in Chromium."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from articles.images.models import Image
from tests.browser.test_editor import PASSWORD, log_in
from tests.browser.test_figures import editors_group_as_migrated
from tests.factories import ArticleFactory, EditorFactory

# WCAG relative luminance and contrast ratio of an element's text against its nearest background.
CONTRAST = """(el) => {
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  let bg = el;
  while (bg && getComputedStyle(bg).backgroundColor.match(/rgba\\(.*, 0\\)|transparent/)) bg = bg.parentElement;
  const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(rgb(getComputedStyle(bg).backgroundColor))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


@pytest.fixture(autouse=True)
def _editors_group(page: Page) -> None:
    editors_group_as_migrated()


@pytest.mark.browser
@pytest.mark.parametrize("locale", ["zh-CN", "zh-TW"])
def test_dashboard_headings_are_readable_and_the_count_column_stays_on_one_line(page: Page, locale: str) -> None:
    ArticleFactory(title_zh_hans="源条目", lead_zh_hans="[[一个相当长的还没有人写的条目标题用来挤压表格的宽度]] [[图片：甲]]")
    Image.objects.create(name="没有文件.jpg")
    editor = EditorFactory(password=PASSWORD)
    page.context.set_extra_http_headers({"Accept-Language": locale})
    log_in(page, editor.username, PASSWORD)
    page.goto("/admin/")
    for heading in ("#wanted h2 a", "#images-without-files caption a"):
        link = page.locator(heading)
        expect(link).to_be_visible()
        assert link.evaluate(CONTRAST) >= 4.5, heading
    count_heading = page.locator("#wanted th.wanted-count")
    line_height = count_heading.evaluate("(el) => parseFloat(getComputedStyle(el).fontSize) * 1.6")
    assert count_heading.bounding_box()["height"] < 2 * line_height


@pytest.mark.browser
@pytest.mark.parametrize("locale", ["zh-CN", "zh-TW"])
def test_translation_tabs_are_named_by_script(page: Page, locale: str) -> None:
    """Each script by its own name, in either admin language (as the readers' switcher does)."""
    editor = EditorFactory(password=PASSWORD)
    page.context.set_extra_http_headers({"Accept-Language": locale})
    log_in(page, editor.username, PASSWORD)
    page.goto("/admin/articles/article/add/")
    tabs = page.locator("#tab_id_title_zh_hans").locator("xpath=..").locator(".ui-tabs-nav a")
    expect(tabs).to_have_text(["简体", "繁體"])
    expect(page.locator("#modeltranslation-main-switch option")).to_have_text(["简体", "繁體"])
    every_tab = page.locator(".ui-tabs-nav a").all_inner_texts()
    assert len(every_tab) >= 8 and set(every_tab) == {"简体", "繁體"}  # title, slug, lead, heading…
