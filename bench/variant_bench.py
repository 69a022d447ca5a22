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
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=5)
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


def in_process_hit_us(paths: dict[str, str], batches: int = 15, per_batch: int = 200) -> dict[str, float]:
    """Microseconds per cached-page hit through Django's whole WSGI handler, in this process
    (no network, no other process): interleaved batches per variant, median batch. Far less
    noisy than wrk on a shared machine, and it measures exactly the code a hit runs."""
    import statistics
    import time

    from django.test import Client

    client = Client()
    for path in paths.values():
        client.get(path)
        assert client.get(path)["X-Cache"] == "hit"
    timings: dict[str, list[float]] = {variant: [] for variant in paths}
    for _ in range(batches):
        for variant, path in paths.items():
            started = time.perf_counter()
            for _ in range(per_batch):
                client.get(path)
            timings[variant].append((time.perf_counter() - started) / per_batch * 1e6)
    return {variant: statistics.median(values) for variant, values in timings.items()}


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
    hit_us = in_process_hit_us(paths)
    port = args.port
    rounds: dict[str, list[WrkResult]] = {variant: [] for variant in VARIANTS}
    with contextlib.ExitStack() as servers:
        servers.enter_context(gunicorn(cached_env, port, args.workers))
        pages = {variant: fetch(f"http://127.0.0.1:{port}{paths[variant]}") for variant in VARIANTS}  # warm
        assert len(set(pages.values())) == len(VARIANTS), "two variants answered the same page"
        for number in range(1, args.rounds + 1):
            # Rotated each round so that no variant always runs first (or last) on a busy machine.
            order = VARIANTS[number % len(VARIANTS):] + VARIANTS[:number % len(VARIANTS)]
            for variant in order:
                result = run_wrk(f"http://127.0.0.1:{port}{paths[variant]}", args)
                rounds[variant].append(result)
                print(f"round {number} {variant}: {result.requests_per_s:.0f} req/s, p50 {result.p50_ms:.2f} ms, "
                      f"p99 {result.p99_ms:.2f} ms, errors {result.errors}", flush=True)

        rendering = servers.enter_context(gunicorn(server_env(args, cache=False, stored=False), port + 1, args.workers))
        for _ in range(4):  # today's two scripts only, in every worker
            for variant in ("zh-hans", "zh-hant"):
                fetch(f"http://127.0.0.1:{port + 1}{paths[variant]}")
        scripts_only = worker_rss_mib(rendering.pid)
        for _ in range(4):  # then every worker renders every variant from the models
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
    print("In process, one cached-page hit through the WSGI handler (median of 15 interleaved batches of 200):")
    print("  " + ", ".join(f"{v} {us:.0f} µs" for v, us in hit_us.items()))
    print()
    print("Worker RSS (rendering from the models, caches off): after zh-hans + zh-hant only → after all five:")
    before = {pid: rss for pid, rss, _ in scripts_only}
    for pid, rss, hwm in workers:
        print(f"  worker {pid}: {before.get(pid, float('nan')):.0f} MiB → {rss:.0f} MiB (peak {hwm:.0f} MiB)")
    # Same-round ratios against today's two pages (their mean), median over the rounds: the
    # machine's load changes between rounds far more than between neighbouring runs.
    ratios = {}
    for variant in ("zh-cn", "zh-tw", "zh-hk"):
        per_round = sorted(
            rounds[variant][i].requests_per_s
            / ((rounds["zh-hans"][i].requests_per_s + rounds["zh-hant"][i].requests_per_s) / 2)
            for i in range(args.rounds)
        )
        ratios[variant] = per_round[len(per_round) // 2]
    cheapest_variant = min(ratios, key=ratios.get)
    cheapest = ratios[cheapest_variant]
    script_hit = (hit_us["zh-hans"] + hit_us["zh-hant"]) / 2
    slowest_hit = max(hit_us[v] for v in ("zh-cn", "zh-tw", "zh-hk"))
    cheap = cheapest >= CHEAP_SHARE or slowest_hit <= script_hit / CHEAP_SHARE
    light = peak < MEMORY_TARGET_MIB
    print()
    print("Same-round ratio to today's cached page (median over rounds): "
          + ", ".join(f"{v} {r:.2f}×" for v, r in ratios.items()))
    print(f"[{'met' if cheap else 'NOT met'}] a cached variant page as cheap as today's cached page: "
          f"over HTTP the slowest regional variant {cheapest_variant} at {cheapest:.2f}× of requests/s; in process "
          f"{slowest_hit:.0f} µs per hit against {script_hit:.0f} µs (target: within {1 / CHEAP_SHARE - 1:.0%})")
    print(f"[{'met' if light else 'NOT met'}] memory of a worker with the five variants loaded: "
          f"peak {peak:.0f} MiB (target < {MEMORY_TARGET_MIB:.0f} MiB)")
    return 0 if cheap and light else 1


if __name__ == "__main__":
    raise SystemExit(main())
