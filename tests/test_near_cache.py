"""Each worker's own copy of cached pages (articles/serving/near_cache.py): a hit from it asks
Redis nothing, and any change to the page in Redis — by another process, an expiry, a flush, an
outage — takes it away before the next request is answered."""
from __future__ import annotations

import http.client
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from urllib.parse import unquote

import pytest
import redis as redis_py
from django.core.cache import cache

from articles.serving import pages
from tests.conftest import article_url
from tests.servers import ROOT, ThrowawayRedis, gunicorn, manage, site_env

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")]


def commands_processed(client: redis_py.Redis) -> int:
    """Commands Redis ran, except the near cache's heartbeat PINGs (one per 0.25 s at most)."""
    stats = client.info("commandstats")
    return sum(v["calls"] for k, v in stats.items() if k != "cmdstat_ping")


@pytest.fixture
def other_process(redis):
    """A second Redis client, as another gunicorn worker or app server would be."""
    client = redis_py.Redis.from_url(redis.url)
    yield client
    client.close()


@pytest.fixture
def cached_page(client, seed_article, redis):
    url = article_url(seed_article, "zh-hans")
    assert client.get(url)["X-Cache"] == "miss"
    assert client.get(url)["X-Cache"] == "hit"  # now in this process's copy too
    return url


def test_a_hit_from_the_near_copy_asks_redis_nothing(client, cached_page, other_process):
    before = commands_processed(other_process)
    for _ in range(5):
        assert client.get(cached_page)["X-Cache"] == "hit"
    assert commands_processed(other_process) - before == 1  # the INFO that counted


def test_a_page_another_process_invalidates_is_not_served_from_the_copy(client, cached_page, other_process):
    other_process.delete(cache.make_key(pages.page_key(unquote(cached_page))))
    assert client.get(cached_page)["X-Cache"] == "miss"


def test_a_flush_empties_the_copy(client, cached_page, other_process):
    other_process.flushdb()
    assert client.get(cached_page)["X-Cache"] == "miss"


def test_an_outage_empties_the_copy_and_pages_are_served_uncached(client, cached_page, redis):
    redis.stop()
    response = client.get(cached_page)
    assert response.status_code == 200 and "X-Cache" in response and response["X-Cache"] == "miss"
    redis.start()
    client.get(cached_page)
    assert client.get(cached_page)["X-Cache"] == "hit"  # caching resumes


# --- a stalled Redis (issue 26) ------------------------------------------------------------------

EDITOR = """
import sys, time
from django.db import transaction
from articles.models import Article

article = Article.objects.get()
print("ready", flush=True)
for line in sys.stdin:
    with transaction.atomic():
        if line.startswith("edit"):
            article.lead_zh_hans += line.split()[1]
        else:
            article.status = "draft"
        article.save()
    print(time.time(), flush=True)  # acknowledged: committed, and its invalidation tried
"""


class Reader(threading.Thread):
    """Fetches the page every 20 ms; keeps (start time, status, body)."""

    def __init__(self, port: int, path: str) -> None:
        super().__init__(daemon=True)
        self.port, self.path, self.answers, self.running = port, path, [], True

    def run(self) -> None:
        while self.running:
            started = time.time()
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                connection.request("GET", urllib.parse.quote(self.path), headers={"X-Forwarded-Proto": "https"})
                response = connection.getresponse()
                self.answers.append((started, response.status, response.read().decode()))
            except OSError as error:  # counted: a reader who got no page
                self.answers.append((started, 0, str(error)))
            finally:
                connection.close()
            time.sleep(0.02)


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")
def test_a_stalled_redis_never_lets_a_worker_serve_an_invalidated_page(tmp_path, request):
    """Redis stopped by SIGSTOP (a blocked server or a partition: sockets open and silent) while two
    gunicorn workers hold the page in their own copies; another process edits, then unpublishes.
    No answer begun after an acknowledged change shows the old page — during the stall, and after
    Redis resumes with the old page still in it."""
    redis = ThrowawayRedis()
    redis.start()
    database = tmp_path / "site.sqlite3"
    env = site_env(DATABASE_URL=f"sqlite:///{database}", REDIS_URL=redis.url)
    try:
        manage(env, "collectstatic", "--no-input")
        manage(env, "migrate", "--no-input")
        manage(env, "import_wiki", "articles/demo/", "--status", "published")
        with sqlite3.connect(database) as db:
            (slug,) = db.execute("SELECT slug_zh_hans FROM articles_article").fetchone()
        path = f"/zh-hans/articles/{slug}/"
        editor = subprocess.Popen([sys.executable, "manage.py", "shell", "--no-imports", "-c", EDITOR], cwd=ROOT, env=env, text=True,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        with gunicorn(env, workers=2) as port:
            reader = Reader(port, path)
            reader.start()
            request.addfinalizer(lambda: setattr(reader, "running", False))
            assert editor.stdout.readline().strip() == "ready"
            deadline = time.time() + 20
            while sum(1 for _, status, _ in reader.answers if status == 200) < 60 and time.time() < deadline:
                time.sleep(0.1)
            assert sum(1 for _, status, _ in reader.answers if status == 200) >= 60  # both workers' copies hold it
            os.kill(redis.process.pid, signal.SIGSTOP)
            try:
                editor.stdin.write("edit 标记一号\n")
                editor.stdin.flush()
                edited = float(editor.stdout.readline())
                time.sleep(3)
                asked_to_unpublish = time.time()
                editor.stdin.write("unpublish\n")
                editor.stdin.flush()
                unpublished = float(editor.stdout.readline())
                time.sleep(3)
            finally:
                os.kill(redis.process.pid, signal.SIGCONT)
            resumed = time.time()
            time.sleep(7)  # past the 5 s during which a worker does not ask Redis after a failure
            reader.running = False
            reader.join(timeout=40)
        editor.stdin.close()
        editor.wait(timeout=30)
    finally:
        os.kill(redis.process.pid, signal.SIGCONT)
        redis.stop()
    after_edit = [a for a in reader.answers if edited < a[0] < asked_to_unpublish]
    after_unpublish = [a for a in reader.answers if a[0] > unpublished]
    stale_edit = [a for a in after_edit if a[1] != 200 or "标记一号" not in a[2]]
    stale_unpublish = [a for a in after_unpublish if a[1] != 404]
    assert len(after_edit) >= 5 and len([a for a in after_unpublish if a[0] > resumed]) >= 10
    served_stale = [(round(a[0] - edited, 2), a[1]) for a in stale_edit + stale_unpublish]
    assert (len(stale_edit), len(stale_unpublish)) == (0, 0), served_stale
