"""The write path and the full render, next to the figures of earlier runs (issue 24).

``make bench-write`` (also run by ``make bench``) measures, on PostgreSQL + Redis with production
settings (``DEBUG=0``):

* saving a 100,000-character article through the models — the article, then five sections of
  20,000 characters, one ``create`` each in one transaction inside ``Article.saving_parts()``, as
  the admin's form saves them; a different text on each run, so no run profits from what an
  earlier one computed — median of 3, and the queries it made; once with the demo article's text
  repeated (the figure of earlier runs) and once with the corpus's (varied text: many more
  distinct search tokens);
* importing ``../shared/corpus`` with ``import_wiki`` in process (articles/s, no article or
  category in the database), in one process and again with ``--jobs 2`` (``--jobs``);
* rendering the demo article's page from the models through gunicorn (2 sync workers) with the
  page cache and stored renderings off (``ARTICLE_CACHE_SECONDS=0``, ``STORED_RENDERINGS=0``),
  with wrk (``-t2 -c16``), median of ``--rounds``.

It prints each figure beside the targets and the figures of 2026-12-03 (``make bench``) and of
turn 1 (2026-11-24), and saves them as JSON in ``bench-results/``. Not part of the test suite.
"""
from __future__ import annotations

import argparse
import io
import json
import shutil
import signal
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from site_bench import (REPO, SEED, fetch, gunicorn, manage, median_result, recreate_database, run_wrk,  # noqa: E402
                        seed_article, server_env, setup_django)

#: Per row of the report: (target, figure of 2026-12-03, figure of turn 1).
EARLIER = {
    "save": ("≤ 150 ms", "1,444 ms", "92–123 ms"),
    "import": ("≥ 30 articles/s", "5.7 articles/s", "34 articles/s"),
    "render": ("≥ 150 requests/s", "52 requests/s", "~160–200 requests/s (206 at 10 s)"),
}


def long_article_text(run: int, length: int = 20_000) -> str:
    """``length`` characters of the demo article, starting at a different place on each run."""
    source = SEED.read_text(encoding="utf-8")
    repeated = source * (length // len(source) + 2)
    start = (run * 7_919) % len(source)
    return repeated[start:start + length]


def corpus_text(corpus: Path, run: int, length: int = 20_000) -> str:
    """``length`` characters of the corpus's articles joined (real, varied text: 24,000 distinct
    search tokens in 100,000 characters, where the repeated demo article has 1,300), starting at a
    different place on each run."""
    source = "".join(path.read_text(encoding="utf-8") for path in sorted(corpus.glob("*.md")))
    start = (run * 7_919) % max(len(source) - length, 1)
    return source[start:start + length]


def save_100k_article(runs: int = 3, text=long_article_text) -> tuple[float, int, float]:
    """Median seconds to save a ~100,000-character article (5 sections) through the models, the
    queries of one save and the median CPU seconds of this process (the figure that a machine
    shared with other work does not inflate). As the admin's form saves it: the article, then each
    section, inside ``Article.saving_parts()``. Each run saves a different text (per-text results
    are memoised); a small save first loads what any first save loads (OpenCC's dictionaries,
    the candidate tables), a start-up cost rather than a save's."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from articles.models import Article, Section

    def save(run: int, length: int) -> Article:
        with transaction.atomic():
            article = Article(title_zh_hant=f"長條目{run}", lead_zh_hant=long_article_text(run, 100))
            with article.saving_parts():
                article.save()
                for position in range(5):
                    Section.objects.create(article=article, position=position, heading_zh_hant=f"章節{position}",
                                           body_zh_hant=text(run * 5 + position + 1, length))
        return article

    save(-1, 200).delete()
    timings, cpu, queries = [], [], 0
    for run in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as captured:
            article = save(run, 20_000)
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        queries = len(captured)
        article.delete()
    return statistics.median(timings), queries, statistics.median(cpu)


def import_rate(corpus: Path, jobs: int = 1) -> tuple[float | None, str]:
    """Articles per second for ``import_wiki --jobs N`` over the corpus (in process, so Django's
    start-up is not counted) into a database without articles or categories, and a description;
    ``None`` when the corpus is absent."""
    from django.core.management import CommandError, call_command

    from articles import conversion
    from articles.models import Article, Category

    if not corpus.is_dir():
        return None, f"not available (no corpus at {corpus})"
    Article.objects.all().delete()
    Category.objects.all().delete()
    # Start-up, not import: OpenCC loads each direction's dictionaries once per process (~0.16 s,
    # a tenth of this corpus's import); the save above loaded only 繁→简.
    conversion.to_simplified("發"), conversion.to_traditional("发")
    refused = ""
    started, started_cpu = time.perf_counter(), time.process_time()
    try:
        call_command("import_wiki", str(corpus), "--jobs", str(jobs), stdout=io.StringIO(), stderr=io.StringIO())
    except CommandError as error:  # it goes on past bad files and complains at the end
        refused = f"; {error}"
    elapsed, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    imported = Article.objects.count()
    files = len(list(corpus.rglob("*.md")))
    rate = imported / elapsed
    where = (f"{cpu / max(imported, 1) * 1000:.0f} ms CPU per article in this process" if jobs == 1
             else f"{jobs} processes")
    return rate, f"{rate:.1f} articles/s ({imported} new from {files} files in {elapsed:.2f} s, {where}{refused})"


def render_cpu_ms(path: str, requests: int = 100) -> float:
    """CPU milliseconds of this process per full render of ``path`` through Django's handler
    (the same settings as the servers: no page cache, no stored rendering)."""
    from django.test import Client

    client = Client()
    for _ in range(5):
        assert client.get(path).status_code == 200
    started = time.process_time()
    for _ in range(requests):
        client.get(path)
    return (time.process_time() - started) / requests * 1000


def load_average() -> str:
    """The 1-minute load average: on a machine shared with other work, wall-clock figures are
    only comparable with it beside them."""
    return Path("/proc/loadavg").read_text().split()[0]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://root@127.0.0.1:5432/bench_write")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--port", type=int, default=8031)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-render", action="store_true", help="leave out the gunicorn + wrk run")
    parser.add_argument("--jobs", type=int, default=2, help="import the corpus once more with import_wiki --jobs N "
                        "(1: only in one process)")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    for tool in ("createdb", "dropdb") + (() if args.skip_render else ("wrk",)):
        if not shutil.which(tool):
            print(f"bench-write: `{tool}` is missing (apt-get install -y wrk postgresql-client)", file=sys.stderr)
            return 2
    env = server_env(args, cache=False, stored=False)
    recreate_database(args.database_url)
    manage(env, "migrate", "--no-input")
    setup_django(env)

    load_at_start = load_average()
    figures: dict[str, str] = {}
    met: dict[str, bool | None] = {}
    print("saving a 100,000-character article (median of 3)", flush=True)
    seconds, queries, cpu = save_100k_article()
    figures["save"] = f"{seconds * 1000:,.0f} ms ({cpu * 1000:,.0f} ms CPU in this process, {queries} queries)"
    met["save"] = seconds <= 0.150
    if args.corpus.is_dir():
        print("saving a 100,000-character article of the corpus's text (median of 3)", flush=True)
        seconds, queries, cpu = save_100k_article(text=lambda run, length: corpus_text(args.corpus, run, length))
        figures["save (corpus text)"] = (f"{seconds * 1000:,.0f} ms ({cpu * 1000:,.0f} ms CPU in this process, "
                                         f"{queries} queries)")
        met["save (corpus text)"] = seconds <= 0.150
    print("importing the corpus", flush=True)
    rate, described = import_rate(args.corpus)
    figures["import"] = described
    met["import"] = None if rate is None else rate >= 30
    if rate is not None and args.jobs > 1:
        print(f"importing the corpus with --jobs {args.jobs}", flush=True)
        rate, described = import_rate(args.corpus, args.jobs)
        figures["import --jobs"] = described
        met["import --jobs"] = rate >= 30

    if not args.skip_render:
        manage(env, "collectstatic", "--no-input", "--clear")
        path = seed_article()
        url = f"http://127.0.0.1:{args.port}{path}"
        with gunicorn(env, args.port, args.workers):
            for _ in range(20):  # every worker has loaded everything
                fetch(url)
            rounds = []
            for number in range(args.rounds):
                print(f"full render, round {number + 1} of {args.rounds}", flush=True)
                rounds.append(run_wrk(url, args))
        result = median_result(rounds)
        cpu_ms = render_cpu_ms(path)
        figures["render"] = (f"{result.requests_per_s:,.0f} requests/s (p50 {result.p50_ms:.1f} ms, p99 "
                             f"{result.p99_ms:.1f} ms, {result.errors} errors; rounds "
                             f"{', '.join(f'{r.requests_per_s:,.0f}' for r in rounds)}; "
                             f"{cpu_ms:.1f} ms CPU per request in process, the database's not counted)")
        met["render"] = result.requests_per_s >= 150 and result.errors == 0

    figures["load average during the run"] = f"{load_at_start} at the start, {load_average()} at the end"
    met["load average during the run"] = None
    labels = {"save": "save a 100k-character article", "save (corpus text)": "the same, the corpus's text",
              "import": "import the corpus (one process)",
              "import --jobs": f"import the corpus (--jobs {args.jobs})",
              "render": "full render (no page cache, no stored rendering)"}
    print()
    print(f"| {'figure':<50} | now | target | 2026-12-03 | turn 1 |")
    print(f"| {'-' * 50} | --- | --- | --- | --- |")
    for key, figure in figures.items():
        target, before, turn1 = EARLIER.get(key.split(" ")[0], ("", "", ""))
        verdict = {True: "met", False: "NOT met", None: "n/a"}[met[key]]
        print(f"| {labels.get(key, key):<50} | {figure} | {target} ({verdict}) | {before} | {turn1} |")
    out = REPO / "bench-results"
    out.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    (out / f"write-{stamp}.json").write_text(json.dumps(
        {"figures": figures, "met": met, "earlier": EARLIER}, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
