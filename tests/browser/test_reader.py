"""A reader reads a published article in both scripts, switches script, follows citations, browses a
category, and on a 375 px phone never has to scroll sideways.

Selectors are what a reader sees or what DESIGN.md fixes: URLs (``/<script>/articles/<slug>/``),
``<html lang>``, ``hreflang`` links and the visible name of the other script, ``<sup>`` citation
links into the reference list (``#ref-<key>``) and the list's back-links.
"""
from __future__ import annotations

import re
from urllib.parse import unquote, urlparse

import pytest
from playwright.sync_api import Locator, Page, expect

from articles.models import Article, Category
from tests.factories import ArticleFactory, CategoryFactory, ReferenceFactory, SectionFactory


LONG_URL = "https://zh.wikipedia.org/wiki/%E4%B8%AD%E8%98%87%E4%BA%92%E4%B8%8D%E4%BE%B5%E7%8A%AF%E6%A2%9D%E7%B4%84_(1937%E5%B9%B4)"
PARAGRAPH = (
    "1937年8月21日，中华民国与苏联在南京签订互不侵犯条约，双方约定不对对方采取任何侵略行为，"
    "并且在一方受到第三国侵略时，另一方不得向该第三国提供任何援助。条约签订后，苏联向中国提供了"
    "贷款、飞机和军事顾问。"
)


def path_of(page: Page) -> str:
    return unquote(urlparse(page.url).path)


@pytest.fixture
def treaty(django_db_serialized_rollback) -> Article:
    """A published article as the importer would leave it: lead, sections, a table, citations."""
    category = CategoryFactory(name_zh_hans="双边条约")
    article = ArticleFactory(
        title_zh_hans="中苏互不侵犯条约",
        lead_zh_hans="《中苏互不侵犯条约》是中华民国与苏联于1937年签订的条约。[^1]",
        status=Article.Status.PUBLISHED,
    )
    article.categories.add(category)
    SectionFactory(article=article, position=1, heading_zh_hans="背景", body_zh_hans="\n\n".join([PARAGRAPH] * 6))
    SectionFactory(
        article=article,
        position=2,
        heading_zh_hans="内容",
        body_zh_hans=(
            f"{PARAGRAPH}[^2]\n\n| 条款 | 内容 | 出处 |\n| --- | --- | --- |\n"
            f"| 第一条 | 双方不得单独或联合他国对对方采取侵略行为 | <{LONG_URL}> |\n\n"
            + "\n\n".join([PARAGRAPH] * 6)
        ),
    )
    ReferenceFactory(article=article, position=1, key="1", text_zh_hans="《中国外交史》，上海：商务印书馆，1946年")
    ReferenceFactory(article=article, position=2, key="2", text_zh_hans=f"条约全文，见 {LONG_URL}", url=LONG_URL)
    return Article.objects.get(pk=article.pk)


def other_script_link(page: Page, script: str, name: str) -> Locator:
    """The switcher's link to ``script``: by its hreflang, or by the script's visible name."""
    return page.locator(f'body a[hreflang="{script}"]').or_(page.get_by_role("link", name=re.compile(rf"^\s*{name}"))).first


@pytest.mark.browser
def test_reader_reads_article_in_both_scripts(page: Page, treaty: Article) -> None:
    page.goto(f"/zh-hans/articles/{treaty.slug_zh_hans}/")
    expect(page.locator("html")).to_have_attribute("lang", re.compile("^zh-hans$", re.I))
    expect(page.locator("h1")).to_have_text("中苏互不侵犯条约")
    expect(page.get_by_role("heading", name="内容")).to_be_visible()
    expect(page.get_by_text("商务印书馆")).to_be_visible()

    page.goto(f"/zh-hant/articles/{treaty.slug_zh_hant}/")
    expect(page.locator("html")).to_have_attribute("lang", re.compile("^zh-hant$", re.I))
    expect(page.locator("h1")).to_have_text("中蘇互不侵犯條約")
    expect(page.get_by_role("heading", name="內容")).to_be_visible()
    expect(page.get_by_text("商務印書館")).to_be_visible()
    expect(page.get_by_text("商务印书馆")).to_have_count(0)


@pytest.mark.browser
def test_reader_switches_script_on_the_same_article(page: Page, treaty: Article) -> None:
    page.goto(f"/zh-hans/articles/{treaty.slug_zh_hans}/")
    expect(page.locator('link[rel="alternate"][hreflang="zh-hant"]')).to_have_count(1)

    other_script_link(page, "zh-hant", "繁體").click()
    expect(page.locator("h1")).to_have_text("中蘇互不侵犯條約")
    assert path_of(page) == f"/zh-hant/articles/{treaty.slug_zh_hant}/"
    expect(page.locator("html")).to_have_attribute("lang", re.compile("^zh-hant$", re.I))

    other_script_link(page, "zh-hans", "简体").click()
    expect(page.locator("h1")).to_have_text("中苏互不侵犯条约")
    assert path_of(page) == f"/zh-hans/articles/{treaty.slug_zh_hans}/"


@pytest.mark.browser
def test_reader_follows_citation_to_reference_and_back(page: Page, treaty: Article) -> None:
    page.goto(f"/zh-hant/articles/{treaty.slug_zh_hant}/")
    citation = page.locator("main sup a[href^='#'], article sup a[href^='#']").first
    expect(citation).to_be_in_viewport()
    citation.evaluate("el => el.setAttribute('data-test-citation', '')")
    fragment = citation.get_attribute("href") or ""

    citation.click()
    assert urlparse(page.url).fragment == fragment.lstrip("#")
    reference = page.locator(f'[id="{unquote(fragment.lstrip("#"))}"]')
    expect(reference).to_be_in_viewport()
    expect(reference).to_contain_text("商務印書館")  # reference 1, in the reader's script
    assert reference.evaluate("el => !!el.closest('ol, ul')"), "the citation target is not in a reference list"
    expect(citation).not_to_be_in_viewport()

    back = reference.locator("a[href^='#']").filter(has_text=re.compile(r"[↑^]")).first
    back_fragment = (back.get_attribute("href") or "").lstrip("#")
    back.click()
    assert urlparse(page.url).fragment == back_fragment
    assert page.evaluate(
        """id => { const target = document.getElementById(decodeURIComponent(id));
                   const cite = document.querySelector('[data-test-citation]');
                   return !!target && (target === cite || target.contains(cite) || cite.contains(target)); }""",
        back_fragment,
    ), "the back-link does not lead to the citation the reader came from"
    expect(citation).to_be_in_viewport()


@pytest.mark.browser
def test_reader_opens_category_page_and_its_article(page: Page, treaty: Article) -> None:
    category = Category.objects.get(name_zh_hans="双边条约")
    page.goto(f"/zh-hant/categories/{category.slug_zh_hant}/")
    expect(page.locator("h1")).to_contain_text("雙邊條約")  # e.g. "分類：雙邊條約"
    page.get_by_role("link", name="中蘇互不侵犯條約").click()
    expect(page.locator("h1")).to_have_text("中蘇互不侵犯條約")
    assert path_of(page) == f"/zh-hant/articles/{treaty.slug_zh_hant}/"


@pytest.mark.browser
def test_reader_reaches_category_from_article(page: Page, treaty: Article) -> None:
    page.goto(f"/zh-hans/articles/{treaty.slug_zh_hans}/")
    page.get_by_role("link", name="双边条约").first.click()
    expect(page.locator("h1")).to_contain_text("双边条约")
    expect(page.get_by_role("link", name="中苏互不侵犯条约")).to_be_visible()


@pytest.mark.browser
def test_no_horizontal_scroll_at_375px(page: Page, treaty: Article) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    category = treaty.categories.get()
    for url in (
        f"/zh-hans/articles/{treaty.slug_zh_hans}/",
        f"/zh-hant/articles/{treaty.slug_zh_hant}/",
        f"/zh-hans/categories/{category.slug_zh_hans}/",
        "/zh-hans/",
    ):
        response = page.goto(url)
        assert response is not None and response.ok, url
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{url} scrolls sideways at 375 px: scrollWidth {width}"
