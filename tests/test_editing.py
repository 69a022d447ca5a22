"""The article form's editors' endpoints: live preview, review, glossary terms, title suggestions."""
from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from articles.models import GlossaryTerm
from tests.factories import ArticleFactory, UserFactory
from tests.forms import form_data, with_inline_rows

pytestmark = pytest.mark.django_db

PREVIEW = reverse("admin:articles_article_preview")
TITLES = reverse("admin:articles_article_titles")
TERM = reverse("admin:articles_article_glossary_term")


def add_form(client: Client) -> dict:
    return form_data(client.get(reverse("admin:articles_article_add")).content.decode(), "article_form")


@pytest.fixture
def reader_staff(db):
    """Staff without article permissions, and a logged-in non-staff user."""
    return UserFactory(username="nobody-staff", is_staff=True)


@pytest.mark.parametrize("who", ["anonymous", "reader", "staff_without_permission"])
def test_endpoints_refuse_everyone_but_editors(who, reader_staff):
    client = Client()
    if who == "reader":
        client.force_login(UserFactory(username="reader"))
    elif who == "staff_without_permission":
        client.force_login(reader_staff)
    article = ArticleFactory()
    responses = [
        client.post(PREVIEW, {"lead_zh_hans": "头发"}),
        client.post(reverse("admin:articles_article_preview", args=[article.pk]), {"lead_zh_hans": "头发"}),
        client.get(TITLES, {"q": article.title_zh_hans[:1]}),
        client.post(TERM, {"hans": "头发", "hant": "頭髮", "scope": "site"}),
    ]
    for response in responses:
        assert response.status_code in (302, 403), response.status_code
        assert b"\xe5\xa4\xb4" not in response.content  # nothing previewed
    assert not GlossaryTerm.objects.exists()


def test_glossary_term_needs_the_glossary_permission(reader_staff):
    reader_staff.user_permissions.add(*Permission.objects.filter(codename__in=["add_article", "change_article"]))
    client = Client()
    client.force_login(reader_staff)
    assert client.post(TERM, {"hans": "头发", "hant": "頭髮", "scope": "site"}).status_code == 403
    assert not GlossaryTerm.objects.exists()


def test_preview_renders_both_scripts_with_the_public_renderer_and_reviews(editor_client):
    published = ArticleFactory(title_zh_hans="苏联", title_zh_hant="蘇聯", status="published")
    data = add_form(editor_client)
    data.update({"title_zh_hans": "新条目", "lead_zh_hans": "他的头发和干部见过[[苏联]]与[[无此条目]][^a]。"})
    with_inline_rows(data, "references", [{"key": "a", "text_zh_hans": "某书", "position": "0"}])
    response = editor_client.post(PREVIEW, data)
    assert response.status_code == 200
    result = response.json()
    assert "頭髮" in result["zh-hant"] and "幹部" in result["zh-hant"]
    assert "头发" in result["zh-hans"]
    with_url = published.get_absolute_url()
    assert 'class="redlink"' in result["zh-hant"] and "無此條目" in result["zh-hant"]
    assert "蘇聯</a>" in result["zh-hant"] or "苏联</a>" in result["zh-hans"], with_url
    assert "某書" in result["zh-hant"] and 'href="#cite' in result["zh-hans"] or "cite-" in result["zh-hans"]
    review = result["review"]
    assert 'data-char="发"' in review and 'data-char="干"' in review
    assert "<mark" in review and "髮" in review and "發" in review
    assert result["unreviewed"] >= 2


def test_preview_renders_the_five_variants(editor_client):
    data = add_form(editor_client)
    # Site-wide regional words (a new article has opted into no conversion group such as 计算机).
    data.update({"title_zh_hans": "新条目", "lead_zh_hans": "这套软件在互联网上传播。[^a]"})
    with_inline_rows(data, "references", [{"key": "a", "text_zh_hans": "《互联网年鉴》", "position": "0"}])
    result = editor_client.post(PREVIEW, data).json()
    assert "这套软件在互联网上传播。" in result["zh-hans"] and "这套软件在互联网上传播。" in result["zh-cn"]
    assert "這套軟件在互聯網上傳播。" in result["zh-hant"] and "這套軟件在互聯網上傳播。" in result["zh-hk"]
    assert "這套軟體在網際網路上傳播。" in result["zh-tw"]
    assert "《互聯網年鑑》" in result["zh-tw"]  # a reference: script only
    assert 'lang="zh-Hant-TW"' in result["zh-tw"] and 'lang="zh-Hant-HK"' in result["zh-hk"]
    page = editor_client.get(reverse("admin:articles_article_add")).content.decode()
    for label in ("简体", "繁體"):
        assert f"<h3>{label}</h3>" in page
    for label in ("大陆简体", "台灣正體", "香港繁體"):  # folded, rendered when opened
        assert f"<summary>{label}</summary>" in page


def test_preview_escapes_hostile_text(editor_client):
    data = add_form(editor_client)
    hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>[x](javascript:alert(3)) 干"><b>'
    data.update({"title_zh_hans": hostile, "lead_zh_hans": hostile})
    result = editor_client.post(PREVIEW, data).json()
    for html in (result["zh-hans"], result["zh-hant"], result["zh-cn"], result["zh-tw"], result["zh-hk"], result["review"]):
        assert "<script" not in html and "<img" not in html and "<b>" not in html
        assert 'href="javascript' not in html
    assert "&lt;script&gt;" in result["zh-hans"]


def test_preview_of_an_existing_article_uses_what_the_editor_changed(editor_client):
    article = ArticleFactory(lead_zh_hans="旧的", lead_zh_hant="")
    page = editor_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    data = form_data(page, "article_form")
    data["lead_zh_hans"] = ["面条"]
    result = editor_client.post(reverse("admin:articles_article_preview", args=[article.pk]), data).json()
    assert "麵條" in result["zh-hant"] and "舊的" not in result["zh-hant"]


def test_preview_query_count_is_bounded(editor_client, django_assert_max_num_queries):
    ArticleFactory.create_batch(3, status="published")
    data = add_form(editor_client)
    lead = " ".join(f"[[条目{i}]]" for i in range(40))
    data.update({"title_zh_hans": "t", "lead_zh_hans": lead})
    rows = [{"heading_zh_hans": f"节{i}", "body_zh_hans": lead, "position": str(i), "level": "2"} for i in range(10)]
    with_inline_rows(data, "sections", rows)
    with django_assert_max_num_queries(12):
        assert editor_client.post(PREVIEW, data).status_code == 200


def test_title_suggestions_match_either_script_and_answer_in_the_fields_script(editor_client, django_assert_max_num_queries):
    ArticleFactory(title_zh_hans="中苏互不侵犯条约", title_zh_hant="中蘇互不侵犯條約")
    ArticleFactory(title_zh_hans="<b>苏联</b>", title_zh_hant="<b>蘇聯</b>")
    with django_assert_max_num_queries(6):
        hant = editor_client.get(TITLES, {"q": "中苏", "script": "zh-hant"})
    assert hant.json()["titles"] == ["中蘇互不侵犯條約"]
    assert editor_client.get(TITLES, {"q": "中蘇", "script": "zh-hans"}).json()["titles"] == ["中苏互不侵犯条约"]
    raw = editor_client.get(TITLES, {"q": "苏", "script": "zh-hans"})
    assert json.loads(raw.content)["titles"]
    assert raw["Content-Type"] == "application/json" and b"<b>" not in raw.content  # JSON-escaped
    assert "<b>苏联</b>" in json.loads(raw.content)["titles"]


def test_title_suggestions_are_rate_limited(editor_client, settings):
    from articles import editing

    limit = editing.SUGGESTIONS_PER_MINUTE
    statuses = [editor_client.get(TITLES, {"q": "x"}).status_code for _ in range(limit + 2)]
    assert statuses[:limit] == [200] * limit and statuses[-1] == 429


# Dense in characters OpenCC must choose a form for (发/干/里/面/后/只/台/系): the worst case for the review.
AMBIGUOUS_TEXT = "他的头发和干部在里面后来只见台系发现。"


def test_preview_refuses_texts_beyond_the_models_limits_with_a_clear_message(editor_client):
    from articles.models import MAX_TEXT_CHARS

    data = add_form(editor_client)
    data.update({"title_zh_hans": "t", "lead_zh_hans": "发" * (MAX_TEXT_CHARS + 1)})
    response = editor_client.post(PREVIEW, data)
    assert response.status_code == 400
    message = response.json()["error"]
    assert "导言" in message and str(MAX_TEXT_CHARS) in message, message
    assert len(response.content) < 1000  # nothing rendered
    data.update({"title_zh_hans": "长" * 201, "lead_zh_hans": "短"})
    response = editor_client.post(PREVIEW, data)
    assert response.status_code == 400 and "标题" in response.json()["error"] and "200" in response.json()["error"]


def test_preview_renders_only_the_variants_the_form_asks_for(editor_client):
    """The form asks for the scripts and the regional panes the editor opened; nothing else is rendered."""
    data = add_form(editor_client)
    data.update({"title_zh_hans": "预览", "lead_zh_hans": "这套软件在互联网上传播。", "variants": ["zh-hans", "zh-tw"]})
    result = editor_client.post(PREVIEW, data).json()
    assert "这套软件在互联网上传播。" in result["zh-hans"] and "這套軟體在網際網路上傳播。" in result["zh-tw"]
    assert not {"zh-hant", "zh-cn", "zh-hk"} & set(result)
    data["variants"] = ["nonsense"]  # nothing known asked: every variant, as without the field
    assert {"zh-hans", "zh-hant", "zh-cn", "zh-tw", "zh-hk"} <= set(editor_client.post(PREVIEW, data).json())


def test_preview_at_the_limit_answers_review_offsets_not_copies_of_the_text(editor_client):
    from articles import editing
    from articles.conversion_review import candidates
    from articles.models import MAX_TEXT_CHARS

    lead = (AMBIGUOUS_TEXT * (MAX_TEXT_CHARS // len(AMBIGUOUS_TEXT) + 1))[:MAX_TEXT_CHARS]
    # Counted independently of the review's scanner: one dictionary lookup per character.
    expected = sum(len(candidates(char, "zh-hans")) > 1 for char in lead)
    data = add_form(editor_client)
    data.update({"title_zh_hans": "t", "lead_zh_hans": lead})
    response = editor_client.post(PREVIEW, data)
    assert response.status_code == 200
    result = response.json()
    assert result["unreviewed"] == expected > 50_000
    # Each variant's pane carries the text once (~0.6 MB each); the review is a bounded list.
    from articles.variants import VARIANTS
    assert len(response.content) < (len(VARIANTS) + 1) * len(lead.encode()) < 4_000_000
    review = result["review"]
    assert review.count('class="review-choice"') == editing.REVIEW_SHOWN
    assert len(review.encode()) < 200_000
    assert f"{expected}" in review  # "showing the first 100 of N"
    # The offsets still point at the character they review.
    first = review.index('data-offset="')
    offset = int(review[first + 13:review.index('"', first + 13)])
    char = review[review.index('data-char="', first) + 11]
    assert lead[offset] == char
