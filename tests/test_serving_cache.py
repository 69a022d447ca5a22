"""The cache is an accelerator, never a dependency: a real Redis of the test's own is stopped and
started under the site (the shared Redis is never touched)."""
from __future__ import annotations

import logging
import shutil
import time
from urllib.parse import unquote

import pytest
from django.core.cache import cache

from articles.serving import cache as resilient
from articles.serving import pages
from tests.conftest import article_url

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")]


def test_redis_down_serves_pages_uncached_and_saves_succeed(client, seed_article, redis, caplog,
                                                           django_capture_on_commit_callbacks,
                                                           django_assert_num_queries):
    url = article_url(seed_article, "zh-hans")
    assert client.get(url).status_code == 200
    redis.stop()
    with caplog.at_level(logging.WARNING, logger="articles.serving"):
        for _ in range(3):
            response = client.get(url)
            assert response.status_code == 200 and "中苏互不侵犯条约" in response.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            seed_article.lead_zh_hans = "缓存停机时保存的导言"
            seed_article.save()  # an editor's save must not be lost to a cache outage
    assert [r.message for r in caplog.records].count(
        next(r.message for r in caplog.records if "unreachable" in r.message)) == 1  # one warning per outage
    assert "缓存停机时保存的导言" in client.get(url).content.decode()

    redis.start()
    client.get(url)  # caching resumes
    with django_assert_num_queries(0):
        assert "缓存停机时保存的导言" in client.get(url).content.decode()


def test_an_invalidation_missed_while_redis_was_away_is_sent_when_it_returns(client, seed_article, redis,
                                                                             monkeypatch,
                                                                             django_capture_on_commit_callbacks):
    monkeypatch.setattr(resilient, "RETRY_AFTER_SECONDS", 2.0)
    url = article_url(seed_article, "zh-hans")
    client.get(url)
    assert pages.lookup(unquote(url)) is not None
    # Redis keeps its data (the old page) but stops answering for 2.5 s, as in a network partition.
    cache._cache.get_client(write=True).execute_command("CLIENT", "PAUSE", "2500", "ALL")
    with django_capture_on_commit_callbacks(execute=True):
        seed_article.lead_zh_hans = "暂停期间的修改"
        seed_article.save()
    assert resilient.is_down()
    time.sleep(2.7)
    assert "暂停期间的修改" in client.get(url).content.decode()  # not the page cached before the edit


def test_an_edit_saved_during_the_back_off_invalidates_at_once_once_redis_answers(client, seed_article, redis,
                                                                                  monkeypatch,
                                                                                  django_capture_on_commit_callbacks):
    """Found by bench/fault_run.py's reasoning: a process that saw Redis fail skipped its invalidations
    for the whole back-off (5 s) even after Redis answered again — while the other gunicorn workers,
    which never saw the failure, kept serving the page cached before the edit (and longer, up to the
    page's lifetime, if that process served nothing more)."""
    monkeypatch.setattr(resilient, "RETRY_AFTER_SECONDS", 60.0)
    url = article_url(seed_article, "zh-hans")
    client.get(url)
    key = cache.make_key(pages.page_key(unquote(url)))
    raw = cache._cache.get_client(write=True)  # what another worker reads, past this process's back-off
    assert raw.exists(key)
    resilient._failed(ConnectionError("one timeout"))  # this process alone saw Redis fail, just now
    with django_capture_on_commit_callbacks(execute=True):
        seed_article.lead_zh_hans = "退避期间的修改"
        seed_article.save()
    assert not raw.exists(key), "the page cached before the edit is still served by the other workers"
    assert not resilient.is_down()
