"""The site survives its database restarting: pooled connections are checked, an outage is a 503.

A throwaway PostgreSQL of the test's own (never the shared one) serves a gunicorn of the site with
production settings and Django's connection pool. It is restarted while the server is idle — as
an operator would — and the next requests, an admin login among them, must succeed: before the
pool checked connections, they failed with 500 ("terminating connection due to administrator
command") until the dead connections were drained. While the database is down, readers get a
503 page in their script with ``Retry-After``.
"""
from __future__ import annotations

import pytest

from tests.servers import Browser, ThrowawayPostgres, gunicorn, manage, postgres_bin, site_env

pytestmark = pytest.mark.skipif(postgres_bin() is None, reason="PostgreSQL server binaries are not installed")

PASSWORD = "restart-test-password-9"


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    server = ThrowawayPostgres()
    try:
        server.init()
        env = site_env(DATABASE_URL=server.url(), DJANGO_SUPERUSER_PASSWORD=PASSWORD)
        manage(env, "collectstatic", "--no-input")
        manage(env, "migrate", "--no-input")
        manage(env, "createsuperuser", "--no-input", "--username", "admin", "--email", "admin@example.org")
        manage(env, "import_wiki", "articles/demo/", "--status", "published")
        yield server
    finally:
        server.close()


def test_requests_succeed_after_the_database_restarts(database):
    with gunicorn(site_env(DATABASE_URL=database.url()), workers=1) as port:
        browser = Browser(port)
        assert browser.get("/zh-hans/")[0] == 200
        assert browser.admin_login("admin", PASSWORD) == 302  # the pool now holds connections

        database.restart()

        statuses = [browser.get(path)[0] for path in ("/zh-hans/", "/zh-hant/", "/admin/", "/zh-hans/search/?q=条约")]
        assert statuses == [200, 200, 200, 200]
        fresh = Browser(port)
        assert fresh.admin_login("admin", PASSWORD) == 302
        assert fresh.get("/admin/articles/article/")[0] == 200


def test_database_down_is_a_503_in_the_reader_script_then_recovers(database):
    with gunicorn(site_env(DATABASE_URL=database.url()), workers=1) as port:
        browser = Browser(port)
        assert browser.get("/zh-hant/")[0] == 200
        database.stop()
        try:
            status, headers, page = browser.get("/zh-hant/")
            assert status == 503
            assert int(headers["retry-after"]) > 0
            assert "暫時無法訪問" in page and "<html" in page
            assert Browser(port).admin_login("admin", PASSWORD) == 503  # not a 500, not a lockout
        finally:
            database.start()
        assert browser.get("/zh-hant/")[0] == 200
