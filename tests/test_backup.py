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
