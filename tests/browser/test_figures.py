"""Figures in a real browser: a reader on a 375 px phone sees figures (one wide, a table of four)
without scrolling sideways, in both scripts, and opens an image's page; an editor uploads a picture
in the admin and places it in an article with the chooser."""
from __future__ import annotations

import importlib
import re

import pytest
from playwright.sync_api import Page, expect

from articles.images.models import Image
from articles.models import Article
from tests.browser.test_editor import log_in
from tests.conftest import image_bytes
from tests.factories import ArticleFactory, EditorFactory, SectionFactory

PASSWORD = "a-long-editor-password"


def editors_group_as_migrated() -> None:
    """The Editors group with the permissions migrations 0002 and 0009 give it.

    A transactional test before this one may have flushed it, and pytest-django restores the
    migrations' data only when the session's first database test asked for serialisation.
    """
    from django.contrib.auth.models import Group, Permission

    permissions = {
        **importlib.import_module("articles.migrations.0002_editors_group").PERMISSIONS,
        **importlib.import_module("articles.migrations.0009_images").EDITORS_IMAGE_PERMISSIONS,
    }
    codenames = [f"{action}_{model}" for model, actions in permissions.items() for action in actions]
    group, _ = Group.objects.get_or_create(name="Editors")
    group.permissions.set(Permission.objects.filter(content_type__app_label="articles", codename__in=codenames))


@pytest.fixture
def illustrated(django_db_serialized_rollback, media_root) -> Article:
    Image.objects.create(name="签字.jpg", caption_zh_hans="签字时的情景").attach(image_bytes(2000, 1000))
    for i in range(4):
        Image.objects.create(name=f"波{i}.png").attach(image_bytes(600, 600, "PNG", color=(i * 60, 90, 90)))
    article = ArticleFactory(title_zh_hans="辛丑条约", lead_zh_hans="条约签订于北京。\n\n[[File:签字.jpg|签字时的头发与面条]]\n\n正文。")
    SectionFactory(article=article, position=1, heading_zh_hans="图表",
                   body_zh_hans="| | | | |\n|---|---|---|---|\n" + "".join(f"| [[File:波{i}.png]] " for i in range(4)) + "|")
    return Article.objects.get(pk=article.pk)


def test_figures_fit_a_phone_and_image_page_opens(page: Page, illustrated: Article) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    for script, slug, caption in (("zh-hans", illustrated.slug_zh_hans, "签字时的头发与面条"),
                                  ("zh-hant", illustrated.slug_zh_hant, "簽字時的頭髮與麵條")):
        response = page.goto(f"/{script}/articles/{slug}/")
        assert response is not None and response.ok
        figure = page.locator(".lead figure").first
        expect(figure.locator("figcaption")).to_have_text(caption)
        figure.scroll_into_view_if_needed()
        image = figure.locator("img")
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
        box = image.bounding_box()
        assert box is not None and 0 < box["width"] <= 375 and box["height"] > 100
        assert page.locator("table figure img").count() == 4
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{script}: scrolls sideways at 375 px: scrollWidth {width}"

    figure.locator("a").first.click()
    expect(page).to_have_url(re.compile(r"/zh-hant/images/"))
    expect(page.locator("h1")).to_contain_text("签字.jpg")
    expect(page.locator("figure figcaption")).to_have_text("簽字時的情景")
    expect(page.get_by_role("link", name="辛丑條約")).to_be_visible()
    full = page.locator("figure img")
    page.wait_for_function("img => img.complete && img.naturalWidth === 2000", arg=full.element_handle())
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_editor_uploads_and_places_an_image_with_the_chooser(page: Page, django_db_serialized_rollback, media_root) -> None:
    editors_group_as_migrated()
    editor = EditorFactory(password=PASSWORD)
    log_in(page, editor.username, PASSWORD)

    page.goto("/admin/articles/image/add/")
    page.set_input_files("#id_upload", files=[{"name": "会议.jpg", "mimeType": "image/jpeg", "buffer": image_bytes(1200, 800)}])
    page.fill("#id_caption_zh_hans", "会议现场")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    assert Image.objects.get(name="会议.jpg").has_file

    page.goto("/admin/articles/article/add/")
    page.fill("#id_title_zh_hans", "会议条目")
    page.fill("#id_lead_zh_hans", "会议开始。")
    page.locator("#id_lead_zh_hans").press("End")
    page.locator(".image-chooser-search").fill("會議")  # Traditional finds the Simplified caption
    choice = page.locator(".image-chooser-item", has_text="会议.jpg")
    choice.click()
    expect(page.locator("#id_lead_zh_hans")).to_have_value("会议开始。[[File:会议.jpg]]")
    page.select_option("#id_status", "published")
    page.fill("#id_published_at_0", "2024-01-01")
    page.fill("#id_published_at_1", "08:00:00")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_be_visible()

    article = Article.objects.get(title_zh_hans="会议条目")
    page.goto(f"/zh-hant/articles/{article.slug_zh_hant}/")
    expect(page.locator("figure figcaption")).to_have_text("會議現場")


def test_a_thumbnail_floats_right_at_thumbnail_width_and_text_wraps(page: Page, illustrated: Article) -> None:
    """Issue 22: a figure is MediaWiki's thumbnail — floated right, about 220–250 px wide, the text
    beside it — and takes the column on a phone; the lead's figure is not lazy; its link has a name."""
    long_text = "条约签订于北京。" * 60
    illustrated.lead_zh_hans = f"[[File:签字.jpg|签字时的头发与面条]]\n\n{long_text}"
    illustrated.save()
    for script, slug, caption in (("zh-hans", illustrated.slug_zh_hans, "签字时的头发与面条"),
                                  ("zh-hant", illustrated.slug_zh_hant, "簽字時的頭髮與麵條")):
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"/{script}/articles/{slug}/")
        figure = page.locator(".lead figure").first
        link = page.get_by_role("link", name=caption)
        assert link.count() == 1 and figure.locator("img").get_attribute("loading") != "lazy"
        image = figure.locator("img")
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
        box, column = figure.bounding_box(), page.locator(".lead").bounding_box()
        assert box is not None and column is not None
        assert 200 <= box["width"] <= 260, f"{script}: thumbnail is {box['width']} px wide"
        assert abs((box["x"] + box["width"]) - (column["x"] + column["width"])) <= 2, "not on the right"
        # The paragraph's first line runs beside the figure, left of it (text wraps, not pushed down).
        first_line = page.evaluate("""() => {
            const p = document.querySelector('.lead p'); const range = document.createRange();
            range.setStart(p.firstChild, 0); range.setEnd(p.firstChild, 1);
            const r = range.getBoundingClientRect(); return {top: r.top, right: r.right}; }""")
        assert first_line["top"] < box["y"] + box["height"] and first_line["right"] < box["x"]

        page.set_viewport_size({"width": 375, "height": 740})
        box, column = figure.bounding_box(), page.locator(".lead").bounding_box()
        assert box is not None and column is not None and box["width"] >= column["width"] - 2, "not full width on a phone"
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
