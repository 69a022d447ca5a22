"""make backup / make restore round-trip every piece of content in both scripts."""
from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command

from articles.models import Article, Category, GlossaryTerm, Tag
from tests.conftest import SEED, run_import, snapshot

# serialized_rollback: these tests commit (and flush), so restore what migrations created afterwards.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def everything() -> dict:
    return {
        "articles": [snapshot(a) for a in Article.objects.order_by("pk")],
        "categories": sorted(Category.objects.values_list("name_zh_hans", "name_zh_hant", "slug_zh_hans",
                                                          "slug_zh_hant", "description_zh_hans", "parent__name_zh_hans")),
        "tags": sorted(Tag.objects.values_list("name", "name_zh_hant", "slug")),
        "glossary": sorted(GlossaryTerm.objects.values_list("hans", "hant", "article__title_zh_hans")),
        "users": sorted(get_user_model().objects.values_list("username", "password", "is_superuser")),
        "groups": sorted(Group.objects.values_list("name", "permissions__codename")),
    }


def test_backup_and_restore_round_trip(tmp_path):
    run_import(str(SEED), "--status", "published")
    article = Article.objects.get()
    article.tags.add("条约", "中苏关系")
    section = article.sections.get(position=2)
    section.heading_zh_hans, section.heading_zh_hant = "条约全文", "條約內文"  # a manual correction
    section.save()
    Category.objects.filter(name_zh_hans="中苏条约").update(parent=Category.objects.get(name_zh_hans="抗日战争"))
    GlossaryTerm.objects.create(hans="斯大林", hant="史達林")
    get_user_model().objects.create_superuser("admin", password="a-long-password")
    Group.objects.get_or_create(name="Reviewers")[0].permissions.set(
        Permission.objects.filter(codename__in=["view_article", "change_article"]))
    before = everything()

    backup = tmp_path / "site.xml.gz"
    call_command("backup_content", str(backup), stdout=StringIO())
    call_command("flush", interactive=False, verbosity=0)
    assert not Article.objects.exists()
    call_command("restore_content", str(backup), stdout=StringIO())

    after = everything()
    for key in before:
        if key == "articles":
            for field in before[key][0]:
                assert after[key][0][field] == before[key][0][field], field
    assert after == before
    restored = Article.objects.get()
    assert restored.search_document and restored.is_published


def test_restore_refuses_a_database_with_content(tmp_path):
    run_import(str(SEED))
    backup = tmp_path / "site.xml.gz"
    call_command("backup_content", str(backup), stdout=StringIO())
    with pytest.raises(CommandError, match="already has articles"):
        call_command("restore_content", str(backup), stdout=StringIO())
    with pytest.raises(CommandError, match="no such backup"):
        call_command("restore_content", str(tmp_path / "missing.xml.gz"), stdout=StringIO())


def test_backup_keeps_admin_history_search_and_the_hard_cases(tmp_path):
    """Every case issue 17 found, through backup and restore: control characters, punctuation-only
    tags, a per-article glossary term, admin log entries, revisions, and searchable first/last tokens."""
    import reversion
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType
    from reversion.models import Version

    from tests.factories import ArticleFactory

    editor = get_user_model().objects.create_superuser("editor", password="a-long-password")
    with reversion.create_revision():
        article = ArticleFactory(title_zh_hans="甲乙条约", lead_zh_hans="甲乙丙丁")
    article.tags.add("…", "条约")
    GlossaryTerm.objects.create(article=article, hans="丙丁", hant="丙丁")
    Article.objects.filter(pk=article.pk).update(title_zh_hant="甲乙條約\x0b")  # a row from before the rule
    Version.objects.update(object_repr="甲乙\x0b条约")
    LogEntry.objects.log_actions(editor.pk, [article], CHANGE, change_message="改了导言")
    assert LogEntry.objects.count() == 1

    backup = tmp_path / "site.tar.gz"
    call_command("backup_content", str(backup), stdout=StringIO())
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore_content", str(backup), stdout=StringIO())

    entry = LogEntry.objects.get()
    assert entry.change_message == "改了导言" and entry.content_type == ContentType.objects.get_for_model(Article)
    assert Version.objects.count() == 1 and sorted(Tag.objects.values_list("name", flat=True)) == ["…", "条约"]
    assert list(Article.objects.search("甲")) == [Article.objects.get()]  # first token of the document
    assert list(Article.objects.search("丁")) == [Article.objects.get()]  # and the last
    assert Article.objects.get().title_zh_hant == "甲乙條約"
