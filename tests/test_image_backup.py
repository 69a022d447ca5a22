"""make backup / make restore carry image files; export_wiki writes them beside the Markdown."""
from __future__ import annotations

import shutil
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from articles.images.models import Image
from articles.models import Article
from tests.conftest import image_bytes, run_import
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_backup_and_restore_include_image_files(tmp_path, media_root, client):
    image = Image.objects.create(name="签字.jpg", caption_zh_hans="签字仪式")
    image.attach(image_bytes(900, 600))
    article = ArticleFactory(title_zh_hans="用图条目", lead_zh_hans="[[File:签字.jpg]]")
    names = [image.file.name] + [r["name"] for r in image.renditions]

    backup = tmp_path / "site.tar.gz"
    out = StringIO()
    call_command("backup_content", str(backup), stdout=out)
    assert f"{len(names)} image files included" in out.getvalue()
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media_root)
    assert not default_storage.exists(image.file.name)

    call_command("restore_content", str(backup), stdout=StringIO())
    restored = Image.objects.get(name="签字.jpg")
    assert restored.caption_zh_hant == "簽字儀式"
    assert all(default_storage.exists(name) for name in names)
    assert list(restored.articles.all()) == [Article.objects.get(pk=article.pk)]
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<figure" in page and client.get(restored.file.url).status_code == 200


def test_export_writes_figures_and_files_and_reimports(tmp_path, media_root):
    image = Image.objects.create(name="签字.jpg")
    image.attach(image_bytes(700, 500))
    ArticleFactory(title_zh_hans="用图条目", lead_zh_hans="前文\n\n[[File:签字.jpg|签字时]]")
    Image.objects.create(name="未上传.png")
    call_command("export_wiki", str(tmp_path / "export"), stdout=StringIO())
    markdown = (tmp_path / "export" / "用图条目.md").read_text(encoding="utf-8")
    assert "[[File:签字.jpg|签字时]]" in markdown
    exported = tmp_path / "export" / "media" / "签字.jpg"
    assert exported.is_file() and exported.read_bytes() == default_storage.open(image.file.name).read()
    assert not (tmp_path / "export" / "media" / "未上传.png").exists()

    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media_root)
    output = run_import(str(tmp_path / "export"), "--media", str(tmp_path / "export" / "media"))
    assert "Images: 1 files attached" in output
    assert Image.objects.get(name="签字.jpg").has_file
