"""The editors' admin, driven through its real forms with the Django test client."""
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles.models import Article, Category
from tests.factories import ArticleFactory, CategoryFactory, ReferenceFactory
from tests.forms import form_data, with_inline_rows

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")


def _add_article(client, **fields):
    page = client.get(ADD_URL)
    assert page.status_code == 200
    data = form_data(page.content.decode(), "article_form")
    for name, value in fields.items():
        data[name] = value if isinstance(value, list) else [value]
    return data


def test_editor_logs_in_and_adds_article_with_sections_and_references(client, editor):
    login = client.post(
        reverse("admin:login"), {"username": editor.username, "password": "correct horse battery", "next": ADD_URL}
    )
    assert login.status_code == 302
    category = CategoryFactory(name_zh_hans="中苏条约")
    data = _add_article(
        client,
        title_zh_hans="中苏互不侵犯条约",
        lead_zh_hans="中华民国与苏联于1937年签订的条约[^1]。",
        status="published",
        categories=[str(category.pk)],
        tags="条约, 苏联",
    )
    with_inline_rows(data, "sections", [
        {"position": "1", "level": "2", "heading_zh_hans": "缘起", "body_zh_hans": "苏联驻华大使返任[^2]。"},
        {"position": "2", "level": "3", "heading_zh_hans": "影响", "body_zh_hans": "苏联提供飞机与干部[^3]。"},
    ])
    with_inline_rows(data, "references", [
        {"position": "1", "key": "1", "text_zh_hans": "《中国手册》，商务印书馆"},
        {"position": "2", "key": "2", "text_zh_hans": ""},
        {"position": "3", "key": "handbook", "text_zh_hans": "历史档案", "url": "https://example.org/档案"},
    ])
    response = client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response

    article = Article.objects.get(title_zh_hans="中苏互不侵犯条约")
    assert article.title_zh_hant == "中蘇互不侵犯條約"
    assert article.lead_zh_hant == "中華民國與蘇聯於1937年簽訂的條約[^1]。"
    assert article.published_at is not None
    sections = list(article.sections.all())
    assert [(s.level, s.heading_zh_hans, s.heading_zh_hant) for s in sections] == [
        (2, "缘起", "緣起"), (3, "影响", "影響")
    ]
    assert sections[1].body_zh_hant == "蘇聯提供飛機與幹部[^3]。"
    references = list(article.references.all())
    assert [(r.key, r.text_zh_hant) for r in references] == [
        ("1", "《中國手冊》，商務印書館"), ("2", ""), ("handbook", "歷史檔案")
    ]
    assert references[2].url == "https://example.org/档案"
    assert list(article.categories.all()) == [category]
    assert sorted(t.name for t in article.tags.all()) == ["条约", "苏联"]


def test_one_admin_save_rebuilds_the_articles_derived_data_once(admin_client):
    """The form saves the article, then each section: the search columns are written once, with
    every section in them (each part's save rewrote them: six times for five sections, issue 24)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    data = _add_article(admin_client, title_zh_hans="五节条约", lead_zh_hans="导言。", status="published")
    with_inline_rows(data, "sections", [
        {"position": str(n), "level": "2", "heading_zh_hans": f"第{n}节",
         "body_zh_hans": f"第{n}节正文，提及[[条约{n}]]与[[File:图{n}.png]]，头发。"} for n in range(5)])
    with CaptureQueriesContext(connection) as captured:
        response = admin_client.post(ADD_URL, data)
    assert response.status_code == 302
    rewrites = [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith("UPDATE")
                and "search_tokens" in q["sql"]]
    assert len(rewrites) == 1
    article = Article.objects.get(title_zh_hans="五节条约")
    assert all(f"第{n}节正文" in article.search_document for n in range(5))
    assert sorted(article.outgoing_links.values_list("target_key", flat=True)) == [f"条约{n}" for n in range(5)]
    assert article.unreviewed_characters == article.count_unreviewed_characters() > 0
    assert sorted(article.figure_images.values_list("name", flat=True)) == [f"图{n}.png" for n in range(5)]


def test_editing_in_traditional_fills_simplified(editor_client):
    article = ArticleFactory(title_zh_hans="条约", lead_zh_hans="历史")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(editor_client.get(url).content.decode(), "article_form")
    data["lead_zh_hant"] = ["蘇聯與頭髮"]
    assert editor_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert (article.lead_zh_hans, article.lead_zh_hant) == ("苏联与头发", "蘇聯與頭髮")


def test_change_page_has_both_scripts_and_flags_empty_references(editor_client):
    article = ArticleFactory()
    ReferenceFactory(article=article, key="1", text_zh_hans="")
    ReferenceFactory(article=article, key="2", text_zh_hans="有内容")
    page = editor_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert 'name="title_zh_hans"' in page and 'name="title_zh_hant"' in page
    assert page.count("内容为空") == 1
    assert "vendor/jquery-ui/jquery-ui.min.js" in page  # tabs work without a CDN
    changelist = editor_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "⚠ 1" in changelist


def test_admin_search_finds_either_script(editor_client):
    ArticleFactory(title_zh_hans="中苏互不侵犯条约")
    ArticleFactory(title_zh_hans="南京条约")
    url = reverse("admin:articles_article_changelist")
    for query in ("中苏", "中蘇"):
        page = editor_client.get(url, {"q": query}).content.decode()
        assert "中苏互不侵犯条约" in page and "南京条约" not in page


def test_publish_and_unpublish_actions(editor_client):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    url = reverse("admin:articles_article_changelist")
    editor_client.post(url, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    first_published = draft.published_at
    assert draft.status == "published" and first_published is not None
    editor_client.post(url, {"action": "unpublish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == "draft"
    editor_client.post(url, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.published_at == first_published  # set on first publish only


def test_category_changelist_shows_tree_and_counts(editor_client):
    root = CategoryFactory(name_zh_hans="条约")
    child = CategoryFactory(name_zh_hans="中苏条约", parent=root)
    ArticleFactory().categories.add(child)
    page = editor_client.get(reverse("admin:articles_category_changelist")).content.decode()
    assert "（条约）" in page  # the child's path
    assert 'class="field-article_count">1<' in page


def test_category_cycle_refused_in_admin(editor_client):
    root = CategoryFactory(name_zh_hans="条约")
    child = CategoryFactory(name_zh_hans="中苏条约", parent=root)
    url = reverse("admin:articles_category_change", args=[root.pk])
    data = form_data(editor_client.get(url).content.decode(), "category_form")
    data["parent"] = [str(child.pk)]
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "循环" in response.content.decode()
    root.refresh_from_db()
    assert root.parent is None


def test_merge_categories(admin_client):
    source, other, target = (CategoryFactory(name_zh_hans=n) for n in ("旧分类", "另一旧分类", "新分类"))
    child = CategoryFactory(name_zh_hans="子分类", parent=source)
    a1, a2, a3 = ArticleFactory(), ArticleFactory(), ArticleFactory()
    a1.categories.add(source)
    a2.categories.add(source, target)
    a3.categories.add(other)
    url = reverse("admin:articles_category_changelist")
    confirm = admin_client.post(url, {"action": "merge_categories", "_selected_action": [source.pk, other.pk]})
    assert confirm.status_code == 200 and "旧分类" in confirm.content.decode()
    done = admin_client.post(url, {
        "action": "merge_categories", "_selected_action": [source.pk, other.pk], "apply": "1", "target": target.pk,
    })
    assert done.status_code == 302
    assert not Category.objects.filter(pk__in=[source.pk, other.pk]).exists()
    assert set(target.articles.all()) == {a1, a2, a3}
    child.refresh_from_db()
    assert child.parent == target


def test_editors_group_can_edit_articles_but_not_users(editor_client, editor):
    assert set(Group.objects.get(name="Editors").permissions.values_list("content_type__app_label", flat=True)) == {
        "articles"
    }
    assert editor_client.get(ADD_URL).status_code == 200
    assert editor_client.get(reverse("admin:articles_category_add")).status_code == 200
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert not editor.has_perm("articles.delete_article")


def test_saving_unchanged_keeps_a_lists_indentation(editor_client):
    """Issue 22: a body that starts with pandoc's indented list keeps the first item's spaces when
    an editor saves the form (Django strips form text by default, which re-nested the list)."""
    from articles.models import Section

    article = ArticleFactory(title_zh_hans="北江省", lead_zh_hans="  - 甲\n  - 乙")
    Section.objects.create(article=article, position=1, level=2, heading_zh_hans="经济", body_zh_hans="  - 农业\n  - 森林")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(editor_client.get(url).content.decode(), "article_form")
    assert editor_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert (article.lead_zh_hans, article.lead_zh_hant) == ("  - 甲\n  - 乙", "  - 甲\n  - 乙")
    assert article.sections.get().body_zh_hant == "  - 農業\n  - 森林"
