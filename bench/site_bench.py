#!/usr/bin/env python3
"""Load benchmark of a published article page against its own limit (``make bench``; see README.md).

Why this shape: the interesting number is not requests/s alone but how far the article page is
from the fastest thing the same stack can do, serving the same bytes as a static file through
gunicorn + WhiteNoise. So the script measures, with wrk as a separate process on loopback:
(a) the article page with the page cache warm, (b) the same page with every cache off,
(c) the same HTML bytes as a static file; and prints a/c and b/c. It also measures queries per
article page, the time to save a 100k-character article through the model layer (script
conversion included), the corpus import rate and the peak RSS of a gunicorn worker.

Everything is bounded (wrk runs for a fixed duration under a timeout) and the gunicorn servers
are killed on the way out, also on errors and Ctrl-C. Not part of the test suite.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "articles" / "demo" / "中蘇互不侵犯條約.md"
STATIC_NAME = "bench/article.html"


@dataclass
class WrkResult:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # socket errors + non-2xx/3xx responses


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # Options only, no environment variables: the database named here is dropped and recreated.
    parser.add_argument("--database-url", default="postgres://root@127.0.0.1:5432/bench_site")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--port", type=int, default=8021, help="cached server; the uncached one uses port + 1")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--keep-database", action="store_true", help="do not drop and recreate the benchmark database")
    return parser.parse_args()


def server_env(args: argparse.Namespace, cache: bool) -> dict[str, str]:
    """Production-like settings (DEBUG off) on PostgreSQL + Redis; plain HTTP on loopback."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="treatysite.settings",
        DEBUG="0",
        SECRET_KEY="bench-only-" + os.urandom(16).hex(),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        LOG_LEVEL="ERROR",
    )
    if not cache:
        env["ARTICLE_CACHE_SECONDS"] = "0"  # the page cache is the only cache on a page view
    return env


def manage(env: dict[str, str], *command: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *command], cwd=REPO, env=env, text=True, capture_output=True, timeout=timeout, check=True
    )


def recreate_database(database_url: str) -> None:
    """A fresh database per run, so figures never depend on what an earlier run left behind."""
    from urllib.parse import urlparse

    url = urlparse(database_url)
    common = ["-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "root"]
    name = url.path.lstrip("/")
    subprocess.run(["dropdb", *common, "--if-exists", name], check=True, timeout=60)
    subprocess.run(["createdb", *common, name], check=True, timeout=60)


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


def seed_article() -> str:
    """Import the demo article with ``import_wiki``, publish it and return its URL path."""
    from django.core.management import call_command

    from articles.models import Article

    call_command("import_wiki", str(SEED), stdout=io.StringIO())
    article = Article.objects.order_by("-updated_at").first()  # created or, re-imported, updated
    assert article is not None, "importing the benchmark article failed"
    article.publish()
    article.save()
    return f"/zh-hans/articles/{quote(article.slug_zh_hans)}/"


def queries_per_page(path: str) -> tuple[int, int]:
    """Queries for one anonymous request to the article page: cold cache, then warm."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = Client().get(path)
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        counts.append(len(queries))
    return counts[0], counts[1]


def save_100k_article_seconds(runs: int = 3) -> float:
    """Median wall time to save a ~100,000-character article (5 sections) through the models,
    which converts every field to the other script on save."""
    from django.db import transaction

    from articles.models import Article, Section

    source = SEED.read_text(encoding="utf-8")
    chunk = (source * (20_000 // len(source) + 1))[:20_000]
    timings = []
    for run in range(runs):
        started = time.perf_counter()
        with transaction.atomic():
            article = Article.objects.create(title_zh_hant=f"長條目{run}", lead_zh_hant=chunk[:100])
            for position in range(5):
                Section.objects.create(article=article, position=position, heading_zh_hant=f"章節{position}", body_zh_hant=chunk)
        timings.append(time.perf_counter() - started)
        article.delete()
    return sorted(timings)[len(timings) // 2]


def import_rate(corpus: Path) -> str:
    """Articles per second for ``import_wiki`` over the corpus (in process, so Django's start-up
    is not counted), or why it could not be measured."""
    from django.core.management import CommandError, call_command

    from articles.models import Article

    if not corpus.is_dir():
        return f"not available (no corpus at {corpus})"
    before = Article.objects.count()
    refused = ""
    started = time.perf_counter()
    try:
        call_command("import_wiki", str(corpus), stdout=io.StringIO(), stderr=io.StringIO())
    except CommandError as error:  # it goes on past bad files and complains at the end
        refused = f"; {error}"
    elapsed = time.perf_counter() - started
    imported = Article.objects.count() - before
    files = len(list(corpus.rglob("*.md")))
    return f"{imported / elapsed:.1f} articles/s ({imported} new from {files} files in {elapsed:.2f} s{refused})"


@contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int) -> Iterator[subprocess.Popen[bytes]]:
    """A gunicorn server in its own process group, killed with its workers however we leave."""
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "treatysite.wsgi", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        cwd=REPO, env=env, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/zh-hans/", timeout=2).read()
                break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not come up on port {port}") from None
                time.sleep(0.2)
        yield process
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        pass


def worker_peak_rss_mib(master_pid: int) -> float:
    """Largest VmHWM (peak resident set) among the master's worker processes, in MiB."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    peaks = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        if match:
            peaks.append(int(match.group(1)) / 1024)
    return max(peaks) if peaks else float("nan")


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        if response.status != 200:
            raise RuntimeError(f"{url} answered {response.status}")
        return response.read()


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(output: str) -> WrkResult:
    """Requests/s, p50/p99 (``--latency``) and errors from wrk 4's text report."""
    def latency(percent: str) -> float:
        match = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
        if not match:
            raise ValueError(f"no {percent}% latency in wrk output:\n{output}")
        return float(match.group(1)) * _UNITS_MS[match.group(2)]

    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    total = re.search(r"^\s*(\d+) requests in", output, re.MULTILINE)
    if not rps or not total:
        raise ValueError(f"unexpected wrk output:\n{output}")
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return WrkResult(
        requests_per_s=float(rps.group(1)),
        p50_ms=latency("50"),
        p99_ms=latency("99"),
        requests=int(total.group(1)),
        errors=errors + (int(non_2xx.group(1)) if non_2xx else 0),
    )


def run_wrk(url: str, args: argparse.Namespace) -> WrkResult:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency", url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=args.duration + 30, check=True)
    return parse_wrk(done.stdout)


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    pg = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return (f"{cpu}, {os.cpu_count()} CPUs, {mem_kb / 1024 / 1024:.0f} GiB RAM, {platform.platform()}, "
            f"Python {platform.python_version()}, {pg}")


def print_report(results: dict[str, WrkResult], extras: dict[str, str], args: argparse.Namespace) -> None:
    static = results["c"].requests_per_s
    labels = {
        "a": "(a) article page, page cache warm",
        "b": "(b) article page, caches off",
        "c": "(c) same HTML as a static file (WhiteNoise)",
        "d": "(d) same HTML from nginx (a peer, not our stack)",
    }
    print(f"\nwrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency; gunicorn --workers {args.workers}; "
          f"PostgreSQL + Redis on 127.0.0.1\n")
    print("| scenario | requests/s | p50 ms | p99 ms | errors | ÷ static (c) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for key, result in results.items():
        print(f"| {labels[key]} | {result.requests_per_s:,.0f} | {result.p50_ms:.2f} | {result.p99_ms:.2f} | "
              f"{result.errors} | {result.requests_per_s / static:.2f} |")
    print()
    for name, value in extras.items():
        print(f"- {name}: {value}")


@contextmanager
def nginx_serving(directory: Path, port: int) -> Iterator[None]:
    """Debian's nginx on a loopback port with a temporary config, serving ``directory`` (a peer)."""
    import tempfile

    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    with tempfile.TemporaryDirectory(prefix="bench-nginx-") as tmp:
        conf = Path(tmp) / "nginx.conf"
        conf.write_text(f"""
worker_processes 2; daemon off; pid {tmp}/nginx.pid; error_log {tmp}/error.log;
events {{ worker_connections 256; }}
http {{
  access_log off; client_body_temp_path {tmp}; proxy_temp_path {tmp}; fastcgi_temp_path {tmp};
  uwsgi_temp_path {tmp}; scgi_temp_path {tmp};
  server {{ listen 127.0.0.1:{port}; root {directory}; }}
}}
""")
        process = subprocess.Popen([binary, "-c", str(conf), "-p", tmp], start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until_up(f"http://127.0.0.1:{port}/", process, accept_any_status=True)
            yield
        finally:
            stop(process)


@contextmanager
def bench_redis(port: int) -> Iterator[subprocess.Popen[bytes]]:
    """A bench-owned redis-server (never the shared one: the fault run stops it)."""
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    time.sleep(0.3)
    try:
        yield process
    finally:
        stop(process)


def wait_until_up(url: str, process: subprocess.Popen[bytes], accept_any_status: bool = False) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except urllib.error.HTTPError:
            if accept_any_status:
                return
        except (urllib.error.URLError, ConnectionError):
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not come up")
        time.sleep(0.2)


def fault_run(env: dict[str, str], path: str, args: argparse.Namespace, redis_port: int) -> dict[str, str]:
    """Redis stopped and started under load, one edit every 0.5 s: 5xx answers and lost edits.

    The edits run in this process through the models (the rule the admin uses); an edit is
    acknowledged when ``save()`` returns. Lost = acknowledged edits missing from the database,
    or a page still showing an older edit after the run (a stale cache).
    """
    import threading

    from articles.models import Article

    fault_env = {**env, "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0"}
    acknowledged: list[str] = []
    failed_saves = 0
    stop_editing = threading.Event()

    def editor() -> None:
        nonlocal failed_saves
        article = Article.objects.get(slug_zh_hans=urllib.parse.unquote(path.rstrip("/").rsplit("/", 1)[1]))
        n = 0
        while not stop_editing.is_set():
            n += 1
            marker = f"故障测试第{n}次编辑"
            article.lead_zh_hans = marker
            try:
                article.save()
                acknowledged.append(marker)
            except Exception:
                failed_saves += 1
            time.sleep(0.5)

    with bench_redis(redis_port) as redis_process:
        with gunicorn(fault_env, args.port + 2, args.workers):
            # This process's edits must invalidate in the bench-owned Redis too.
            from django.conf import settings
            from django.test.utils import override_settings

            override_settings(CACHES={"default": {**settings.CACHES["default"], "LOCATION": fault_env["REDIS_URL"]}}).enable()
            base = f"http://127.0.0.1:{args.port + 2}"
            fetch(base + path)
            thread = threading.Thread(target=editor, daemon=True)
            thread.start()
            wrk = subprocess.Popen(["wrk", "-t1", f"-c{args.connections}", f"-d{args.duration * 3}s", base + path],
                                   stdout=subprocess.PIPE, text=True)
            time.sleep(args.duration)
            stop(redis_process)
            time.sleep(args.duration)
            with bench_redis(redis_port):
                out, _ = wrk.communicate(timeout=args.duration * 3 + 30)
                stop_editing.set()
                thread.join(10)
                time.sleep(1.5)
                final = fetch(base + path).decode()
        result = parse_wrk_plain(out)
    stored = Article.objects.get(slug_zh_hans=urllib.parse.unquote(path.rstrip("/").rsplit("/", 1)[1])).lead_zh_hans
    lost = 0 if not acknowledged else int(stored != acknowledged[-1]) + int(acknowledged[-1] not in final)
    return {
        "fault run (Redis stopped then started under load)":
            f"{result.requests:,} requests, {result.errors} errors (non-2xx/3xx or socket), "
            f"{len(acknowledged)} edits acknowledged, {failed_saves} refused, {lost} lost or stale",
    }


def parse_wrk_plain(output: str) -> WrkResult:
    """wrk without ``--latency``: requests and errors only."""
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket:
        errors += sum(int(n) for n in socket.groups())
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return WrkResult(requests_per_s=rate, p50_ms=float("nan"), p99_ms=float("nan"), requests=requests, errors=errors)


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks that stop gunicorn
    for tool in ("wrk", "createdb", "dropdb"):
        if not shutil.which(tool):
            print(f"bench: `{tool}` is missing (apt-get install -y wrk postgresql-client)", file=sys.stderr)
            return 2
    cached_env, uncached_env = server_env(args, cache=True), server_env(args, cache=False)
    if not args.keep_database:
        recreate_database(args.database_url)
    manage(cached_env, "migrate", "--no-input")
    manage(cached_env, "collectstatic", "--no-input", "--clear")
    setup_django(cached_env)

    from django.conf import settings

    path = seed_article()
    cold_queries, warm_queries = queries_per_page(path)
    extras = {
        "queries per article page": f"{cold_queries} with a cold cache, {warm_queries} warm",
        "save a 100k-character article (models, conversion included)": f"{save_100k_article_seconds() * 1000:.0f} ms (median of 3)",
        "import rate of the corpus": import_rate(args.corpus),
    }
    from django.core.cache import cache

    cache.clear()
    static_file = Path(settings.STATIC_ROOT) / STATIC_NAME
    base = f"http://127.0.0.1:{args.port}"
    results: dict[str, WrkResult] = {}
    peaks: list[float] = []

    try:
        with gunicorn(cached_env, args.port, args.workers) as server:
            html = fetch(base + path)
            for _ in range(20):  # every worker renders and caches it
                fetch(base + path)
            static_file.parent.mkdir(parents=True, exist_ok=True)
            static_file.write_bytes(html)  # before the next server starts: WhiteNoise indexes files at startup
            results["a"] = run_wrk(base + path, args)
            peaks.append(worker_peak_rss_mib(server.pid))

        with gunicorn(uncached_env, args.port + 1, args.workers) as server:
            other = f"http://127.0.0.1:{args.port + 1}"
            assert fetch(other + "/static/" + STATIC_NAME) == html, "static copy differs from the page"
            results["b"] = run_wrk(other + path, args)
            results["c"] = run_wrk(other + "/static/" + STATIC_NAME, args)
            peaks.append(worker_peak_rss_mib(server.pid))

        with nginx_serving(static_file.parent.parent, args.port + 3):
            results["d"] = run_wrk(f"http://127.0.0.1:{args.port + 3}/{STATIC_NAME}", args)
    finally:
        static_file.unlink(missing_ok=True)
    extras.update(fault_run(cached_env, path, args, redis_port=args.port + 4))

    extras["article page size"] = f"{len(html):,} bytes of HTML"
    extras["peak RSS of a gunicorn worker (VmHWM)"] = f"{max(peaks):.0f} MiB"
    extras["machine"] = machine()
    print_report(results, extras, args)

    out = REPO / "bench-results"
    out.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    (out / f"{stamp}.json").write_text(
        json.dumps({"results": {k: asdict(v) for k, v in results.items()}, "extras": extras}, ensure_ascii=False, indent=2)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
