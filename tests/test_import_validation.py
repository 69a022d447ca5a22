"""import_wiki validates every field as strictly as the admin form (issue 17: export front matter
was trusted — a ``javascript:`` reference URL became a link, a slug with ``/"><`` broke pages)."""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from tests.conftest import run_import, url
from tests.factories import ArticleFactory, ReferenceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(tmp_path):
    article = ArticleFactory(title_zh_hans="条约", lead_zh_hans="导言[^1]。")
    ReferenceFactory(article=article, key="1", url="https://example.org/source")
    call_command("export_wiki", str(tmp_path), stdout=StringIO())
    Article.objects.all().delete()
    return next(tmp_path.glob("*.md"))


@pytest.mark.parametrize(("original", "forged"), [
    ("https://example.org/source", "javascript:alert(1)"),
    ('"slug": "条约"', '"slug": "a/b\\"><x"'),
])
def test_a_forged_field_fails_the_file_with_a_clear_message(client, exported, original, forged):
    text = exported.read_text(encoding="utf-8")
    assert original in text
    exported.write_text(text.replace(original, forged, 1), encoding="utf-8")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("import_wiki", str(exported), stdout=out, stderr=err)
    assert not Article.objects.exists()
    assert "1 failed" in out.getvalue() and exported.name in err.getvalue() + out.getvalue()
    for path in ("/zh-hans/", "/sitemap.xml", url("zh-hans", "search") + "?q=条约"):
        assert client.get(path).status_code == 200


def test_the_untouched_export_imports(exported):
    assert "1 created" in run_import(str(exported))
