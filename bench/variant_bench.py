#!/usr/bin/env python3
"""Regional variants (issue 25): a cached zh-tw / zh-hk / zh-cn page against today's cached zh-hans
and zh-hant pages, side by side in the same run, and the memory of a worker that has rendered
all five variants (``make bench-variants``; bench/README.md).

Why this shape: a variant page is one more path in the page cache (one key per variant URL), so
a hit should cost what a zh-hans hit costs whatever the variant's conversion costs; the scenarios
run interleaved (wrk on loopback against gunicorn on PostgreSQL + Redis, as ``site_bench.py``) and
the median round is printed. The memory target is read from a second server with the page cache
and stored renderings off, whose workers render every variant from the models (loading OpenCC's
s2tw, tw2s, tw2t and s2hk converters, the regional phrase tables and rjieba's dictionary): peak
and current RSS of its largest worker. Not part of the test suite; every server is stopped on
the way out.
"""
from __future__ import annotations

import argparse
import contextlib
import re
import shutil
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from site_bench import (WrkResult, fetch, gunicorn, manage, median_result, recreate_database,  # noqa: E402
                        run_wrk, seed_article, server_env, setup_django, worker_peak_rss_mib)

VARIANTS = ("zh-hans", "zh-hant", "zh-cn", "zh-tw", "zh-hk")
MEMORY_TARGET_MIB = 250.0
#: A variant hit "as cheap as" a zh-hans hit: at least this share of its requests/s.
CHEAP_SHARE = 0.9


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # The database named here is dropped and recreated.
    parser.add_argument("--database-url", default="postgres://root@127.0.0.1:5432/bench_variants")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--port", type=int, default=8031, help="first of two ports")
    parser.add_argument("--duration", type=int, default=6, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    return parser.parse_args()


def variant_paths(path_hans: str) -> dict[str, str]:
    """The seed article's path in each variant (zh-hant and its regions use the Traditional slug)."""
    from articles.models import Article
    from articles.scripts import override_variant

    article = Article.objects.order_by("-updated_at").first()
    paths = {}
    for variant in VARIANTS:
        with override_variant(variant):
            paths[variant] = article.get_absolute_url()
    assert paths["zh-hans"] == path_hans or path_hans.endswith(paths["zh-hans"].split("/")[-2] + "/")
    return paths


def worker_rss_mib(master_pid: int) -> list[tuple[int, float, float]]:
    """(pid, current RSS, peak RSS) in MiB of each of the master's workers."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    result = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        rss = int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE).group(1)) / 1024
        hwm = int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE).group(1)) / 1024
        result.append((int(pid), rss, hwm))
    return result


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    for tool in ("wrk", "createdb", "dropdb"):
        if not shutil.which(tool):
            print(f"bench-variants: `{tool}` is missing (apt-get install -y wrk postgresql-client)", file=sys.stderr)
            return 2
    cached_env = server_env(args, cache=True)
    recreate_database(args.database_url)
    manage(cached_env, "migrate", "--no-input")
    manage(cached_env, "collectstatic", "--no-input", "--clear")
    setup_django(cached_env)
    paths = variant_paths(seed_article())
    from django.core.cache import cache

    cache.clear()
    port = args.port
    rounds: dict[str, list[WrkResult]] = {variant: [] for variant in VARIANTS}
    with contextlib.ExitStack() as servers:
        servers.enter_context(gunicorn(cached_env, port, args.workers))
        pages = {variant: fetch(f"http://127.0.0.1:{port}{paths[variant]}") for variant in VARIANTS}  # warm
        assert len(set(pages.values())) == len(VARIANTS), "two variants answered the same page"
        for number in range(1, args.rounds + 1):
            for variant in VARIANTS:
                result = run_wrk(f"http://127.0.0.1:{port}{paths[variant]}", args)
                rounds[variant].append(result)
                print(f"round {number} {variant}: {result.requests_per_s:.0f} req/s, p50 {result.p50_ms:.2f} ms, "
                      f"p99 {result.p99_ms:.2f} ms, errors {result.errors}", flush=True)

        rendering = servers.enter_context(gunicorn(server_env(args, cache=False, stored=False), port + 1, args.workers))
        for _ in range(4):  # every worker renders every variant from the models
            for variant in VARIANTS:
                fetch(f"http://127.0.0.1:{port + 1}{paths[variant]}")
        workers = worker_rss_mib(rendering.pid)
        peak = worker_peak_rss_mib(rendering.pid)

    print()
    print("Cached article page per variant (median round; the page cache warm, gunicorn "
          f"{args.workers} workers, wrk -t{args.threads} -c{args.connections} -d{args.duration}s):")
    medians = {variant: median_result(runs) for variant, runs in rounds.items()}
    base = medians["zh-hans"].requests_per_s
    print(f"  {'variant':<8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs zh-hans':>11} {'bytes':>8}")
    for variant, result in medians.items():
        print(f"  {variant:<8} {result.requests_per_s:>8.0f} {result.p50_ms:>8.2f} {result.p99_ms:>8.2f} "
              f"{result.requests_per_s / base:>10.2f}× {len(pages[variant]):>8}")
    print()
    print("Worker with the five variants loaded (rendered from the models, caches off):")
    for pid, rss, hwm in workers:
        print(f"  worker {pid}: RSS {rss:.0f} MiB, peak {hwm:.0f} MiB")
    cheapest = min(medians[v].requests_per_s for v in ("zh-cn", "zh-tw", "zh-hk")) / base
    cheap = cheapest >= CHEAP_SHARE
    light = peak < MEMORY_TARGET_MIB
    print()
    print(f"[{'met' if cheap else 'NOT met'}] a cached variant page as cheap as today's cached page: "
          f"slowest regional variant at {cheapest:.2f}× zh-hans (target ≥ {CHEAP_SHARE}×, the run's noise)")
    print(f"[{'met' if light else 'NOT met'}] memory of a worker with the five variants loaded: "
          f"peak {peak:.0f} MiB (target < {MEMORY_TARGET_MIB:.0f} MiB)")
    return 0 if cheap and light else 1


if __name__ == "__main__":
    raise SystemExit(main())
