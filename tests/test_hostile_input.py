"""Hostile input through every door — importer, admin forms, categories, tags, references,
search: nothing executes, nothing crashes, oversize input gets a clear error."""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from articles.models import MAX_TEXT_CHARS, Article, Category, Tag
from tests.factories import ArticleFactory
from tests.forms import form_data, with_inline_rows
from tests.xss import PAYLOADS, executable_content

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_article_add")


def page_problems(client, url: str, baseline_url: str) -> list[str]:
    """Executable things on ``url`` beyond those of a harmless page built from the same template."""
    response = client.get(url)
    assert response.status_code == 200, url
    expected = executable_content(client.get(baseline_url).content.decode())
    found = executable_content(response.content.decode())
    return [p for p in found if found.count(p) > expected.count(p)]


def test_payloads_through_the_admin_forms(editor_client, client):
    data = form_data(editor_client.get(ADD).content.decode(), "article_form")
    data.update({
        "title_zh_hans": ["恶意条目"], "status": ["published"],
        "lead_zh_hans": ["\n\n".join(PAYLOADS[:20])], "tags": ['"<script>alert(1)</script>", "<img src=x onerror=alert(1)>"'],
    })
    with_inline_rows(data, "sections", [
        {"position": str(n), "level": "2", "heading_zh_hans": payload[:300].replace("\x00", ""),
         "body_zh_hans": payload} for n, payload in enumerate(PAYLOADS[20:])
    ])
    with_inline_rows(data, "references", [
        {"position": str(n), "key": f"k{n}", "text_zh_hans": payload} for n, payload in enumerate(PAYLOADS)
    ])
    response = editor_client.post(ADD, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(title_zh_hans="恶意条目")
    assert article.sections.count() == len(PAYLOADS) - 20 and article.references.count() == len(PAYLOADS)
    baseline = ArticleFactory(title_zh_hans="无害")
    for script in ("zh-hans", "zh-hant"):
        with translation.override(script):
            assert page_problems(client, article.get_absolute_url(), baseline.get_absolute_url()) == []
            for tag in Tag.objects.all():
                assert page_problems(client, tag.get_absolute_url(), baseline.get_absolute_url()) == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_category_names_and_descriptions(editor_client, client, payload):
    add = reverse("admin:articles_category_add")
    data = form_data(editor_client.get(add).content.decode(), "category_form")
    data.update({"name_zh_hans": [payload[:200].replace("\x00", "") or "x"], "description_zh_hans": [payload]})
    assert editor_client.post(add, data).status_code == 302
    category = Category.objects.get()
    article = ArticleFactory(title_zh_hans="分类成员")
    article.categories.add(category)
    baseline = Category.objects.create(name_zh_hans="无害分类")
    assert page_problems(client, category.get_absolute_url(), baseline.get_absolute_url()) == []
    assert page_problems(client, article.get_absolute_url(), ArticleFactory().get_absolute_url()) == []
    assert client.get(reverse("articles:home")).status_code == 200


def test_payloads_through_the_importer(tmp_path, client):
    body = "\n\n".join(PAYLOADS)
    source = tmp_path / "hostile.md"
    source.write_text(
        f"**恶意导入**是[<script>x</script>](javascript:alert(1) \"wikilink\")。{body}\n\n## <b onclick=x>章节</b>\n\n{body}\\[1\\]\n\n"
        f"## 参考文献\n\n[Category:<svg onload=alert(1)>](https://zh.wikipedia.org/wiki/Category:x \"wikilink\")\n\n1.  {PAYLOADS[2]}\n",
        encoding="utf-8",
    )
    call_command("import_wiki", str(source), "--status", "published", stdout=StringIO())
    article = Article.objects.get()
    stored = article.lead_zh_hans + "".join(article.sections.values_list("body_zh_hans", flat=True))
    assert "<script" not in stored.lower().replace("`<script>alert(1)</script>`", "")
    baseline = ArticleFactory(title_zh_hans="无害")
    for script in ("zh-hans", "zh-hant"):
        with translation.override(script):
            assert page_problems(client, article.get_absolute_url(), baseline.get_absolute_url()) == []


@pytest.mark.parametrize("query", PAYLOADS)
def test_search_queries(client, query):
    ArticleFactory(title_zh_hans="条约")
    baseline = reverse("articles:search") + "?q=条约"
    assert page_problems(client, reverse("articles:search") + "?" + f"q={query}".replace("#", "%23").replace("&", "%26"),
                         baseline) == []


def test_ten_megabyte_body_gets_a_clear_error(editor_client):
    data = form_data(editor_client.get(ADD).content.decode(), "article_form")
    data.update({"title_zh_hans": ["超长条目"], "lead_zh_hans": ["条" * (10 * 1024 * 1024 // 3)]})
    response = editor_client.post(ADD, data)
    assert response.status_code == 200
    assert f"最多 {MAX_TEXT_CHARS} 个字符" in response.content.decode()
    assert not Article.objects.filter(title_zh_hans="超长条目").exists()


def test_oversize_import_is_reported_not_saved(tmp_path):
    (tmp_path / "big.md").write_text("**超长导入**" + "条" * (MAX_TEXT_CHARS + 1), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_wiki", str(tmp_path), stdout=StringIO(), stderr=err)
    assert "the limit is 200,000" in err.getvalue() and not Article.objects.exists()


def test_nul_bytes_are_refused_by_forms(editor_client):
    data = form_data(editor_client.get(ADD).content.decode(), "article_form")
    data.update({"title_zh_hans": ["空字\x00符"], "lead_zh_hans": ["正文\x00"]})
    response = editor_client.post(ADD, data)
    assert response.status_code == 200 and not Article.objects.exists()


def test_deeply_nested_lists_and_quotes_render(client):
    nested = "\n".join("  " * depth + "- 层" for depth in range(5000)) + "\n\n" + ">" * 5000 + " 引文"
    article = ArticleFactory(lead_zh_hans=nested)
    response = client.get(article.get_absolute_url())
    # markdown-it caps nesting, so the page renders (the innermost levels are cut, never a 500).
    assert response.status_code == 200 and "层" in response.content.decode()


def test_rtl_override_is_inert_text(client):
    article = ArticleFactory(lead_zh_hans="文件\u202egnp.exe")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "文件\u202egnp.exe" in page and executable_content(page.split('<div class="lead">')[1].split("</div>")[0]) == []
