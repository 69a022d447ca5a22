"""No lost updates: a save based on an outdated form is refused, and nothing typed is lost."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from articles.models import Article
from tests.factories import ArticleFactory, EditorFactory, SectionFactory
from tests.forms import form_data

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_second_editor_is_refused_with_input_kept_then_may_overwrite():
    article = ArticleFactory(title_zh_hans="中苏互不侵犯条约", lead_zh_hans="原来的导言")
    SectionFactory(article=article, heading_zh_hans="缘起")
    alice, bob = EditorFactory(username="alice"), EditorFactory(username="bob")
    a, b = Client(), Client()
    a.force_login(alice)
    b.force_login(bob)
    url = reverse("admin:articles_article_change", args=[article.pk])
    form_a = form_data(a.get(url).content.decode(), "article_form")
    form_b = form_data(b.get(url).content.decode(), "article_form")

    form_a["lead_zh_hans"] = ["甲编辑的导言"]
    assert a.post(url, form_a).status_code == 302

    form_b["lead_zh_hans"] = ["乙编辑的导言，写了很久"]
    form_b["sections-0-heading_zh_hans"] = ["乙改的标题"]
    refused = b.post(url, form_b)
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "“alice”在" in page and "所以这次没有保存" in page
    assert "乙编辑的导言，写了很久" in page and "乙改的标题" in page  # nothing lost
    article.refresh_from_db()
    assert article.lead_zh_hans == "甲编辑的导言"

    # Saving again from the re-rendered form is a deliberate overwrite.
    again = form_data(page, "article_form")
    assert b.post(url, again).status_code == 302
    article.refresh_from_db()
    assert article.lead_zh_hans == "乙编辑的导言，写了很久" and article.lead_zh_hant == "乙編輯的導言，寫了很久"


SAVER = """
import os, sys, time, django
django.setup()
from django.db import transaction
from articles.models import Article
from articles.revisions import lock_and_find_conflict
pk, token, text, pause = int(sys.argv[1]), sys.argv[2], sys.argv[3], float(sys.argv[4])
with transaction.atomic():
    conflict = lock_and_find_conflict(pk, token)
    if conflict:
        print("REFUSED")
        sys.exit(0)
    time.sleep(pause)  # hold the row lock while the other process tries
    article = Article.objects.get(pk=pk)
    article.lead_zh_hans = text
    article.save()
print("SAVED")
"""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_processes_cannot_both_save_the_same_version():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) need PostgreSQL")
    from articles.revisions import edit_token

    article = ArticleFactory(lead_zh_hans="原文")
    token = edit_token(article)
    settings_dict = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "treatysite.test_settings",
        "DATABASE_URL": f"postgres://{settings_dict['USER'] or 'root'}@{settings_dict['HOST'] or '127.0.0.1'}:"
                        f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}",
        "DATABASE_POOL": "0",
        "PYTHONPATH": str(ROOT),
    }
    first = subprocess.Popen([sys.executable, "-c", SAVER, str(article.pk), token, "第一个进程", "1.5"],
                             env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Start the second once the first holds the lock (it prints nothing until done; give it time
    # to connect and lock: the second then blocks on the row until the first commits).
    import time

    time.sleep(0.8)
    second = subprocess.run([sys.executable, "-c", SAVER, str(article.pk), token, "第二个进程", "0"],
                            env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    out_first, err_first = first.communicate(timeout=60)
    assert out_first.strip() == "SAVED", err_first
    assert second.stdout.strip() == "REFUSED", second.stderr
    assert Article.objects.get(pk=article.pk).lead_zh_hans == "第一个进程"
