"""Each worker's own copy of cached pages (articles/serving/near_cache.py): a hit from it asks
Redis nothing, and any change to the page in Redis — by another process, an expiry, a flush, an
outage — takes it away before the next request is answered."""
from __future__ import annotations

import shutil
from urllib.parse import unquote

import pytest
import redis as redis_py
from django.core.cache import cache

from articles.serving import pages
from tests.conftest import article_url

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")]


def commands_processed(client: redis_py.Redis) -> int:
    return int(client.info("stats")["total_commands_processed"])


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
