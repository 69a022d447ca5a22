#!/usr/bin/env python3
"""Wagtail as a peer in the load benchmark: the same article HTML, served by Wagtail.

Why: ``site_bench.py`` compares our article page with the fastest things that can serve the same
bytes (a WhiteNoise static file, nginx). A peer from our own world is the other useful yardstick:
what would a stock Wagtail site on the same machine, PostgreSQL and Redis do with this page?

To keep the comparison fair, Wagtail is given the least possible work: one page model whose
template is nothing but ``{{ page.html|safe }}``, so the response body is byte-identical to ours
and every microsecond measured is Wagtail's routing, middleware and page serving, not template
work of our choosing. The project is what ``wagtail start`` would give (its apps and middleware
stack, DEBUG off), optionally with Django's per-site cache middleware in front, the plain cache a
Wagtail user would add.

Wagtail lives in its own virtualenv (``REPO/.bench-venvs/wagtail``), never in the project's: it
pins its own Django and would otherwise fight our requirements. The venv is installed on first
use and reused while its marker file matches ``REQUIREMENTS``. The Wagtail project itself is
generated into a temporary directory on each call, and its database (``database_url``) is dropped
and recreated. Everything is bounded by timeouts; gunicorn is killed (its whole process group) on
the way out, also on errors.

Standalone: ``python bench/wagtail_peer.py [HTML_FILE]`` runs wrk against it, cache on and off.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from site_bench import stop  # noqa: E402  (one way to stop a server's process group)

REPO = Path(__file__).resolve().parent.parent
VENV = REPO / ".bench-venvs" / "wagtail"
WAGTAIL_VERSION = "8.0.1"
REQUIREMENTS = (f"wagtail=={WAGTAIL_VERSION}", "gunicorn", "psycopg[binary]", "redis")
MARKER = VENV / ".bench-requirements.json"
PAGE_PATH = "/article/"  # the article page, a child of Wagtail's default home page

VENV_TIMEOUT = 120
PIP_TIMEOUT = 1200
MANAGE_TIMEOUT = 600
STARTUP_TIMEOUT = 60

# --- the virtualenv ----------------------------------------------------------------------------


def _marker_content() -> dict[str, object]:
    return {"requirements": list(REQUIREMENTS), "python": sys.version.split()[0]}


def venv_python() -> Path:
    """The Wagtail venv's python, installing the venv first if its marker does not match."""
    python = VENV / "bin" / "python"
    if python.exists() and MARKER.exists():
        try:
            if json.loads(MARKER.read_text()) == _marker_content():
                return python
        except ValueError:
            pass
    _install_venv()
    return python


def _install_venv() -> None:
    started = time.monotonic()
    if VENV.exists():
        shutil.rmtree(VENV)
    VENV.parent.mkdir(parents=True, exist_ok=True)
    print(f"wagtail_peer: installing Wagtail into {VENV} ({' '.join(REQUIREMENTS)}); this takes a while …",
          file=sys.stderr, flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True, timeout=VENV_TIMEOUT)
    python = str(VENV / "bin" / "python")
    done = subprocess.run([python, "-m", "pip", "install", "--disable-pip-version-check", *REQUIREMENTS],
                          capture_output=True, text=True, timeout=PIP_TIMEOUT)
    if done.returncode != 0:
        raise RuntimeError(f"wagtail_peer: pip install into {VENV} failed:\n{(done.stdout + done.stderr)[-4000:]}")
    MARKER.write_text(json.dumps(_marker_content()))
    print(f"wagtail_peer: Wagtail installed in {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)


# --- the generated Wagtail project --------------------------------------------------------------

INSTALLED_APPS = [  # as `wagtail start` generates them, with our one app in place of home/search
    "bench_pages",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

WAGTAIL_MIDDLEWARE = [  # `wagtail start`'s stack (Wagtail 8.0's project template), in its order
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]


def middleware(cache: bool) -> list[str]:
    """Wagtail's stack, wrapped in Django's per-site cache when ``cache`` is set."""
    if not cache:
        return list(WAGTAIL_MIDDLEWARE)
    return ["django.middleware.cache.UpdateCacheMiddleware", *WAGTAIL_MIDDLEWARE,
            "django.middleware.cache.FetchFromCacheMiddleware"]


def database_settings(database_url: str) -> dict[str, object]:
    url = urlparse(database_url)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": url.path.lstrip("/"),
        "USER": url.username or "root",
        "PASSWORD": url.password or "",
        "HOST": url.hostname or "127.0.0.1",
        "PORT": str(url.port or 5432),
        # Persistent connections, as a tuned Wagtail deployment has (the stock template opens one
        # per request): the stronger peer, comparable with our pooled connections.
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
    }


def settings_source(cache: bool, database_url: str, redis_url: str) -> str:
    caches = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": redis_url,
        "KEY_PREFIX": "bench_wagtail_" + os.urandom(4).hex(),  # fresh per run: no stale pages, nothing to flush
    }}
    return f'''"""Generated by bench/wagtail_peer.py: a stock Wagtail project, DEBUG off."""
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = {("bench-only-" + os.urandom(16).hex())!r}
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
INSTALLED_APPS = {INSTALLED_APPS!r}
MIDDLEWARE = {middleware(cache)!r}
CACHE_MIDDLEWARE_SECONDS = 600
CACHE_MIDDLEWARE_KEY_PREFIX = ""
ROOT_URLCONF = "benchwagtail.urls"
TEMPLATES = [{{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {{"context_processors": [
        "django.template.context_processors.debug",
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]}},
}}]
WSGI_APPLICATION = "benchwagtail.wsgi.application"
DATABASES = {{"default": {database_settings(database_url)!r}}}
CACHES = {caches!r}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"
WAGTAIL_SITE_NAME = "bench"
WAGTAILADMIN_BASE_URL = "http://127.0.0.1"
WAGTAILSEARCH_BACKENDS = {{"default": {{"BACKEND": "wagtail.search.backends.database"}}}}
LOGGING = {{"version": 1, "disable_existing_loggers": False,
           "handlers": {{"console": {{"class": "logging.StreamHandler"}}}},
           "root": {{"handlers": ["console"], "level": "WARNING"}}}}
'''


URLS = '''from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [  # `wagtail start`'s, less its search view
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include(wagtail_urls)),  # wagtail_serve
]
'''

WSGI = '''import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchwagtail.settings")
application = get_wsgi_application()
'''

MANAGE = '''import os
import sys

from django.core.management import execute_from_command_line

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchwagtail.settings")
execute_from_command_line(sys.argv)
'''

MODELS = '''from django.db import models
from wagtail.models import Page


class ArticlePage(Page):
    """The article's finished HTML, output as it is."""

    html = models.TextField()
'''

TEMPLATE = "{{ page.html|safe }}"  # no trailing newline: the body must be exactly the HTML

SETUP_COMMAND = '''from pathlib import Path

from django.core.management.base import BaseCommand
from wagtail.models import Page, Site

from bench_pages.models import ArticlePage


class Command(BaseCommand):
    help = "Publish the article page under the home page and make the home page the default site's root."

    def add_arguments(self, parser):
        parser.add_argument("html_file")

    def handle(self, html_file, **options):
        html = Path(html_file).read_bytes().decode("utf-8")
        home = Page.get_first_root_node().get_children().first()  # the page Wagtail's migrations create
        page = home.add_child(instance=ArticlePage(title="Article", slug="article", html=html, live=False))
        page.save_revision().publish()
        Site.objects.update_or_create(
            is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
        )
        self.stdout.write(page.url)
'''


def write_project(directory: Path, html: bytes, cache: bool, database_url: str, redis_url: str) -> Path:
    """Write the Wagtail project into ``directory``; returns the path of the HTML file to import."""
    files = {
        "manage.py": MANAGE,
        "benchwagtail/__init__.py": "",
        "benchwagtail/settings.py": settings_source(cache, database_url, redis_url),
        "benchwagtail/urls.py": URLS,
        "benchwagtail/wsgi.py": WSGI,
        "bench_pages/__init__.py": "",
        "bench_pages/models.py": MODELS,
        "bench_pages/migrations/__init__.py": "",
        "bench_pages/templates/bench_pages/article_page.html": TEMPLATE,
        "bench_pages/management/__init__.py": "",
        "bench_pages/management/commands/__init__.py": "",
        "bench_pages/management/commands/bench_setup.py": SETUP_COMMAND,
    }
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    html_file = directory / "article.html"
    html_file.write_bytes(html)
    return html_file


# --- database, setup and server ----------------------------------------------------------------


def recreate_database(database_url: str) -> None:
    """Drop and create the peer's own database (and only that one)."""
    url = urlparse(database_url)
    name = url.path.lstrip("/")
    if not name:
        raise ValueError(f"no database name in {database_url!r}")
    common = ["-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "root"]
    for command in (["dropdb", *common, "--if-exists", name], ["createdb", *common, name]):
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:  # e.g. a leftover server still connected to it
            raise RuntimeError(f"wagtail_peer: `{' '.join(command)}` failed: {done.stderr.strip()}")


def manage(python: Path, project: Path, *command: str) -> str:
    done = subprocess.run([str(python), "manage.py", *command], cwd=project, env=_env(), text=True,
                          capture_output=True, timeout=MANAGE_TIMEOUT)
    if done.returncode != 0:
        raise RuntimeError(f"wagtail_peer: `manage.py {' '.join(command)}` failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "VIRTUAL_ENV", "PYTHON"))}
    env["DJANGO_SETTINGS_MODULE"] = "benchwagtail.settings"
    return env


def set_up_site(python: Path, project: Path, html_file: Path) -> str:
    """Migrate, publish the article page; returns its URL path as Wagtail reports it."""
    manage(python, project, "makemigrations", "bench_pages", "--no-input")
    manage(python, project, "migrate", "--no-input")
    return manage(python, project, "bench_setup", str(html_file)).strip().splitlines()[-1]


@contextmanager
def gunicorn(python: Path, project: Path, port: int, workers: int) -> Iterator[subprocess.Popen[bytes]]:
    """gunicorn in its own process group, killed with its workers however we leave."""
    log = (project / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        [str(python), "-m", "gunicorn", "benchwagtail.wsgi", "--workers", str(workers), "--worker-class", "sync",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=project, env=_env(), start_new_session=True, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        stop(process)
        log.close()


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        try:
            fetch(url)
            return
        except (urllib.error.URLError, ConnectionError) as error:  # HTTPError included: keep waiting
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"wagtail_peer: gunicorn did not serve {url} ({error}); its log:\n"
                                   f"{log.read_text(errors='replace')[-3000:]}") from None
        time.sleep(0.2)


def verify_body(url: str, html: bytes, workers: int) -> None:
    """Every worker (and, cached, the cache) must answer with exactly ``html``."""
    for _ in range(4 * workers):
        body = fetch(url)
        if body != html:
            prefix = os.path.commonprefix([body, html])
            raise RuntimeError(
                f"wagtail_peer: {url} answered {len(body)} bytes, not the {len(html)} bytes given; "
                f"they first differ at byte {len(prefix)}: {body[len(prefix):len(prefix) + 80]!r} "
                f"vs {html[len(prefix):len(prefix) + 80]!r}"
            )


@contextmanager
def wagtail_server(html: bytes, port: int, workers: int, cache: bool, database_url: str,
                   redis_url: str) -> Iterator[str]:
    """Yields the full URL of a Wagtail page whose response body is exactly `html`.

    Drops and recreates the database at ``database_url``; uses ``redis_url`` for Django's cache
    (under a fresh key prefix, nothing is flushed). One server per database at a time.
    """
    python = venv_python()
    recreate_database(database_url)
    with tempfile.TemporaryDirectory(prefix="bench-wagtail-") as tmp:
        project = Path(tmp)
        html_file = write_project(project, html, cache, database_url, redis_url)
        path = set_up_site(python, project, html_file)
        if not path.startswith("/"):
            raise RuntimeError(f"wagtail_peer: unexpected page URL from the setup command: {path!r}")
        url = f"http://127.0.0.1:{port}{path}"
        with gunicorn(python, project, port, workers) as process:
            wait_until_up(url, process, project / "gunicorn.log")
            verify_body(url, html, workers)
            yield url


# --- standalone run --------------------------------------------------------------------------------


def sample_html(size: int = 11_000) -> bytes:
    """A fixed article-like page of about ``size`` bytes (Chinese paragraphs with links)."""
    head = ('<!DOCTYPE html>\n<html lang="zh-Hans"><head><meta charset="utf-8"><title>中苏互不侵犯条约</title>'
            '<link rel="stylesheet" href="/static/site.css"></head><body><main><article><h1>中苏互不侵犯条约</h1>\n')
    paragraph = ('<p>《中苏互不侵犯条约》是中华民国与苏联于1937年8月21日在南京签订的条约，'
                 '双方约定互不侵犯，并不与第三国缔结任何不利于对方的协定。<a href="/zh-hans/articles/x/">参见</a></p>\n')
    tail = "</article></main></body></html>\n"
    body = head
    while len((body + paragraph + tail).encode()) <= size:
        body += paragraph
    return (body + tail).encode()


def run_wrk(url: str, duration: int = 5) -> str:
    done = subprocess.run(["wrk", "-t2", "-c16", f"-d{duration}s", "--latency", url], capture_output=True,
                          text=True, timeout=duration + 30, check=True)
    return done.stdout


def server_cpu_seconds(port: int) -> float:
    """User + system CPU of the gunicorn processes bound to ``port`` (master and workers), from /proc:
    CPU per request is a figure that other load on the machine barely moves, unlike req/s."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
            if b"benchwagtail.wsgi" in cmdline and f"127.0.0.1:{port}".encode() in cmdline:
                fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            continue
    return total / tick


def main(argv: list[str]) -> int:
    html = Path(argv[1]).read_bytes() if len(argv) > 1 else sample_html()
    database_url = "postgres://root@127.0.0.1:5432/bench_wagtail"
    redis_url = "redis://127.0.0.1:6379/10"
    print(f"{len(html):,} bytes of HTML; wrk -t2 -c16 -d5s --latency; gunicorn --workers 2")
    for port, cache in ((8100, True), (8101, False)):
        started = time.monotonic()
        with wagtail_server(html, port, 2, cache, database_url, redis_url) as url:
            print(f"\ncache={cache}: {url} up and verified in {time.monotonic() - started:.1f} s")
            for _ in range(20):
                fetch(url)
            cpu_before = server_cpu_seconds(port)
            output = run_wrk(url)
            cpu = server_cpu_seconds(port) - cpu_before
        rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
        latency = re.search(r"^\s*50%\s+(\S+)", output, re.MULTILINE)
        requests = re.search(r"^\s*(\d+) requests in", output, re.MULTILINE)
        per_request = cpu / int(requests.group(1)) * 1000 if requests and int(requests.group(1)) else float("nan")
        print(output.rstrip())
        print(f"=> cache={cache}: {float(rate.group(1)) if rate else float('nan'):,.0f} req/s, "
              f"p50 {latency.group(1) if latency else '?'}, gunicorn CPU {per_request:.2f} ms/request")
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks that stop gunicorn
    sys.exit(main(sys.argv))
