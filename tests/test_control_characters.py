"""Control characters never break a page, a feed or a backup (issue 17: U+000B pasted from Word)."""
from __future__ import annotations

import gzip
import tarfile
import xml.etree.ElementTree as ET
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles.models import Article
from tests.conftest import run_import, url
from tests.factories import ArticleFactory
from tests.forms import form_data

pytestmark = pytest.mark.django_db

WORD_PASTE = "导言\x0b第二行\x00\x1f。"
# What older rows can hold (PostgreSQL never stores NUL, SQLite would).
STORED = "导言\x0b第二行\x1f。"


def test_saving_strips_control_characters_but_keeps_line_breaks():
    article = ArticleFactory(title_zh_hans="条约\x0b", lead_zh_hans=WORD_PASTE + "\n\t下一段")
    article.refresh_from_db()
    assert article.title_zh_hans == "条约" and article.lead_zh_hans == "导言第二行。\n\t下一段"
    assert article.lead_zh_hant == "導言第二行。\n\t下一段"


def test_the_admin_form_stores_clean_text(editor_client):
    add = reverse("admin:articles_article_add")
    data = form_data(editor_client.get(add).content.decode(), "article_form")
    data.update({"title_zh_hans": ["粘贴的条目"], "lead_zh_hans": ["导言\x0b第二行"]})
    assert editor_client.post(add, data).status_code == 302
    assert Article.objects.get(title_zh_hans="粘贴的条目").lead_zh_hans == "导言第二行"


def test_imported_files_are_cleaned(tmp_path):
    path = tmp_path / "控制字符.md"
    path.write_text("**控制字符**是\x0b一个条目。\n", encoding="utf-8")
    run_import(str(path))
    assert "\x0b" not in Article.objects.get().lead_zh_hans


@pytest.mark.parametrize("script", ["zh-hans", "zh-hant"])
def test_feeds_survive_a_control_character_already_stored(client, script):
    article = ArticleFactory(title_zh_hans="条约")
    Article.objects.filter(pk=article.pk).update(lead_zh_hans=STORED, lead_zh_hant=STORED,
                                                 title_zh_hant="條約\x0b")  # a row from before the rule
    response = client.get(url(script, "feed"))
    assert response.status_code == 200
    ET.fromstring(response.content)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_works_on_rows_that_already_hold_control_characters(tmp_path):
    import reversion

    with reversion.create_revision():
        article = ArticleFactory(title_zh_hans="旧条目")
    Article.objects.filter(pk=article.pk).update(lead_zh_hans=STORED)
    from reversion.models import Version

    Version.objects.update(object_repr="旧\x0b条目")
    backup = tmp_path / "backup.tar.gz"
    call_command("backup_content", str(backup), stdout=StringIO())
    with tarfile.open(backup) as archive:
        content = archive.extractfile("content.xml").read().decode()
    ET.fromstring(content)
    assert "导言第二行。" in content and "旧条目" in content


def test_a_failed_backup_leaves_no_file(tmp_path, monkeypatch):
    from articles.management.commands import backup_content

    def broken_dump(self, out):
        out.write("<?xml version='1.0'?><django-objects>")
        raise OSError("disk full")

    monkeypatch.setattr(backup_content.Command, "_dump", broken_dump)
    target = tmp_path / "backup.xml.gz"
    with pytest.raises(CommandError, match="nothing written"):
        call_command("backup_content", str(target), stdout=StringIO())
    assert list(tmp_path.iterdir()) == []


def test_restore_without_a_terminal_asks_for_yes(tmp_path, monkeypatch):
    backup = tmp_path / "b.xml.gz"
    with gzip.open(backup, "wt") as out:
        out.write("<?xml version='1.0'?><django-objects version='1.0'></django-objects>")
    ArticleFactory()
    monkeypatch.setattr("sys.stdin", StringIO(""))
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore_content", str(backup), "--flush", stdout=StringIO())
    assert Article.objects.count() == 1
