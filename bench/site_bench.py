#!/usr/bin/env python3
"""Load benchmark of a published article page against its peers and its own limit (``make bench``;
see README.md).

Why this shape: the interesting number is not requests/s alone but how the article page compares
with what a reader's site could be instead, in the same run on the same machine: (a) our page with
the page cache warm, (b) with the page cache off (a miss: the stored rendering, one query),
(b0) with stored renderings off too (the full render from the models), (c) the same HTML bytes as
a static file through the same gunicorn + WhiteNoise, (d) from nginx, (e) Wagtail serving the same
bytes behind Django's cache middleware and (f) without it. The scenarios run in interleaved
rounds (wrk as a separate process on loopback) and the median of the rounds is printed with
ratios. Then the mixed workload (``mixed_workload.py``: 10,000 articles, Zipf reads, one edit per
second) and the fault run (``fault_run.py``: Redis stopped and started, PostgreSQL restarted,
under load) — and a verdict for each of issue 13's targets.

Everything is bounded (wrk runs for a fixed duration under a timeout) and every server is killed
on the way out, also on errors and Ctrl-C. Not part of the test suite.
"""
from __future__ import annotations

import argparse
import contextlib
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
    parser.add_argument("--port", type=int, default=8021,
                        help="first of the ports (port .. port + 9): our servers, nginx, Wagtail, the mixed workload, the fault run")
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of the peer comparison (median printed)")
    parser.add_argument("--articles", type=int, default=10_000, help="articles of the mixed workload (0 skips it)")
    parser.add_argument("--skip-faults", action="store_true", help="leave out the fault run")
    parser.add_argument("--skip-wagtail", action="store_true", help="leave out the Wagtail peers (no virtualenv install)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--keep-database", action="store_true", help="do not drop and recreate the benchmark database")
    return parser.parse_args()


def server_env(args: argparse.Namespace, cache: bool, stored: bool = True) -> dict[str, str]:
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
        # Canonical and hreflang links from configuration, as in production: every server of the
        # run (cached, uncached, full render) then serves the same bytes.
        SITE_URL="https://treatysite.example",
    )
    if not cache:
        env["ARTICLE_CACHE_SECONDS"] = "0"  # the page cache is the only cache on a page view
    if not stored:
        env["STORED_RENDERINGS"] = "0"  # every miss renders from the models
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


def queries_per_page(path: str) -> tuple[int, int, int]:
    """Queries for one anonymous request to the article page: the first reader (rendered from the
    models and stored), a page-cache miss (the stored rendering), a page-cache hit."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from articles.serving.models import ArticleRendering

    counts = []
    ArticleRendering.objects.update(rendered_generation=None)  # as after an edit nobody re-rendered
    for clear in (True, True, False):
        if clear:
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = Client().get(path)
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        counts.append(len(queries))
    return counts[0], counts[1], counts[2]


@contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int) -> Iterator[subprocess.Popen[bytes]]:
    """A gunicorn server in its own process group, killed with its workers however we leave."""
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "treatysite.wsgi", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        cwd=REPO, env=env, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:  # a cold worker's first request imports everything: give it time under load
                urllib.request.urlopen(f"http://127.0.0.1:{port}/zh-hans/", timeout=15).read()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
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


LABELS = {
    "a": "(a) ours, page cache warm",
    "b": "(b) ours, page cache off (stored rendering)",
    "b0": "(b0) ours, page cache and stored renderings off",
    "c": "(c) same HTML as a static file (our gunicorn + WhiteNoise)",
    "d": "(d) same HTML from nginx",
    "e": "(e) Wagtail 8.0.1, same HTML, Django's cache middleware on Redis",
    "f": "(f) Wagtail 8.0.1, same HTML, no cache",
}


def median_result(runs: list[WrkResult]) -> WrkResult:
    """The round with the median requests/s (its latencies with it)."""
    return sorted(runs, key=lambda r: r.requests_per_s)[len(runs) // 2]


def targets(results: dict[str, WrkResult], extras: dict[str, str]) -> list[tuple[str, str, bool | None]]:
    """Issue 13's "done when", each with the figure and whether it is met (None: not measured)."""
    rate = {k: r.requests_per_s for k, r in results.items()}
    checks: list[tuple[str, str, bool | None]] = []

    def ratio(label: str, top: str, bottom: str, minimum: float, strict: bool = False) -> None:
        if top in rate and bottom in rate:
            value = rate[top] / rate[bottom]
            met = value > minimum if strict else value >= minimum
            checks.append((label, f"{value:.2f}×", met))
        else:
            checks.append((label, "not measured", None))

    ratio("cached ≥ 0.8 × WhiteNoise static (a ÷ c)", "a", "c", 0.8)
    ratio("cached > Wagtail + cache middleware (a ÷ e)", "a", "e", 1.0, strict=True)
    ratio("uncached ≥ 2 × Wagtail uncached (b ÷ f)", "b", "f", 2.0)
    hit = re.search(r"([\d.]+)%", extras.get("mixed: hit rate", ""))
    checks.append(("mixed workload hit rate ≥ 90 %", f"{hit.group(1)} %" if hit else "not measured",
                   float(hit.group(1)) >= 90 if hit else None))
    verdict = extras.get("fault run: verdict")
    checks.append(("0 errors with Redis down, 0 lost edits (fault run)", verdict or "not measured",
                   verdict.startswith("PASS") if verdict else None))
    return checks


def print_report(results: dict[str, WrkResult], extras: dict[str, str], args: argparse.Namespace,
                 rounds: dict[str, list[WrkResult]]) -> None:
    static = results["c"].requests_per_s
    print(f"\nwrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency, {args.rounds} interleaved "
          f"round(s), median shown; gunicorn --workers {args.workers} (ours and Wagtail's); PostgreSQL + Redis on "
          "127.0.0.1\n")
    print("| scenario | requests/s | p50 ms | p99 ms | errors | ÷ static (c) | rounds (req/s) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for key, label in LABELS.items():
        if key not in results:
            continue
        result = results[key]
        each = ", ".join(f"{r.requests_per_s:,.0f}" for r in rounds[key])
        print(f"| {label} | {result.requests_per_s:,.0f} | {result.p50_ms:.2f} | {result.p99_ms:.2f} | "
              f"{result.errors} | {result.requests_per_s / static:.2f} | {each} |")
    print("\nIssue 13's targets:\n")
    for label, figure, met in targets(results, extras):
        mark = "not measured" if met is None else ("met" if met else "NOT MET")
        print(f"- {label}: {figure} — {mark}")
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


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks that stop gunicorn
    for tool in ("wrk", "createdb", "dropdb"):
        if not shutil.which(tool):
            print(f"bench: `{tool}` is missing (apt-get install -y wrk postgresql-client)", file=sys.stderr)
            return 2
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from fault_run import fault_run
    from mixed_workload import mixed_workload
    from wagtail_peer import wagtail_server
    from write_bench import import_rate, save_100k_article

    cached_env = server_env(args, cache=True)
    if not args.keep_database:
        recreate_database(args.database_url)
    manage(cached_env, "migrate", "--no-input")
    manage(cached_env, "collectstatic", "--no-input", "--clear")
    setup_django(cached_env)

    from django.conf import settings

    path = seed_article()
    cold_queries, stored_queries, warm_queries = queries_per_page(path)
    extras = {
        "queries per article page": f"{cold_queries} rendering it from the models (first reader), "
                                    f"{stored_queries} from its stored rendering (a page-cache miss), {warm_queries} cached",
        "save a 100k-character article (models, conversion included)": "{:.0f} ms (median of 3)".format(save_100k_article()[0] * 1000),
        "import rate of the corpus": import_rate(args.corpus)[1],
    }
    from django.core.cache import cache

    cache.clear()
    static_file = Path(settings.STATIC_ROOT) / STATIC_NAME
    port = args.port
    rounds: dict[str, list[WrkResult]] = {}
    peaks: list[float] = []

    try:
        with contextlib.ExitStack() as servers:
            ours = servers.enter_context(gunicorn(cached_env, port, args.workers))
            html = fetch(f"http://127.0.0.1:{port}{path}")
            static_file.parent.mkdir(parents=True, exist_ok=True)
            static_file.write_bytes(html)  # before the next servers start: WhiteNoise indexes files at startup
            uncached = servers.enter_context(gunicorn(server_env(args, cache=False), port + 1, args.workers))
            full = servers.enter_context(gunicorn(server_env(args, cache=False, stored=False), port + 2, args.workers))
            servers.enter_context(nginx_serving(static_file.parent.parent, port + 3))
            urls = {
                "a": f"http://127.0.0.1:{port}{path}",
                "b": f"http://127.0.0.1:{port + 1}{path}",
                "b0": f"http://127.0.0.1:{port + 2}{path}",
                "c": f"http://127.0.0.1:{port + 1}/static/{STATIC_NAME}",
                "d": f"http://127.0.0.1:{port + 3}/{STATIC_NAME}",
            }
            if not args.skip_wagtail:
                print("starting the Wagtail peers (own virtualenv, own databases)", flush=True)
                for key, cache_on, offset in (("e", True, 4), ("f", False, 5)):
                    database = args.database_url.rsplit("/", 1)[0] + f"/bench_wagtail_{key}"
                    urls[key] = servers.enter_context(wagtail_server(html, port + offset, args.workers, cache_on,
                                                                     database, args.redis_url))
            assert fetch(urls["c"]) == html, "the static copy differs from the page"
            for key, url in urls.items():
                assert fetch(url) == html, f"{LABELS[key]} does not serve the same bytes"
                for _ in range(20):  # every worker has rendered (and, where there is one, cached) it
                    fetch(url)
            for round_number in range(args.rounds):
                print(f"round {round_number + 1} of {args.rounds}", flush=True)
                for key, url in urls.items():
                    rounds.setdefault(key, []).append(run_wrk(url, args))
            peaks += [worker_peak_rss_mib(server.pid) for server in (ours, uncached, full)]
    finally:
        static_file.unlink(missing_ok=True)
    results = {key: median_result(runs) for key, runs in rounds.items()}

    if args.articles > 0:
        print(f"mixed workload: generating {args.articles:,} articles", flush=True)
        extras.update(mixed_workload(cached_env, port + 7, args, articles=args.articles))
    if not args.skip_faults:
        print("fault run: Redis stopped and started, PostgreSQL restarted, under load", flush=True)
        extras.update(fault_run(args, port + 8))

    extras["article page size"] = f"{len(html):,} bytes of HTML"
    extras["peak RSS of a gunicorn worker (VmHWM)"] = f"{max(peaks):.0f} MiB"
    extras["machine"] = machine()
    print_report(results, extras, args, rounds)

    out = REPO / "bench-results"
    out.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    (out / f"{stamp}.json").write_text(json.dumps({
        "results": {k: asdict(v) for k, v in results.items()},
        "rounds": {k: [asdict(r) for r in runs] for k, runs in rounds.items()},
        "targets": [{"target": t, "figure": f, "met": m} for t, f, m in targets(results, extras)],
        "extras": extras,
    }, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
