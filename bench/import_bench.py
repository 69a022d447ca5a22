"""Import at scale: 10,000 articles through ``import_wiki``, interrupted and resumed (issue 24).

``make bench-import`` (``python bench/import_bench.py [--articles N]``) writes ``--articles`` files
into a temporary folder by repeating ``../shared/corpus`` with changed file names (the file name
is the title, so each copy is another article; its text is the corpus file's), then, on a fresh
PostgreSQL database with production settings:

1. runs ``manage.py import_wiki DIR --status published --quiet`` and interrupts it (SIGINT, as
   Ctrl-C) after ``--interrupt-after`` seconds;
2. runs the same command again: what the first run committed is skipped (a digest per file kept on
   the article), the rest is imported, and the stored renderings of every imported article are
   built in batches at the end;
3. checks that the database holds exactly one article per file, and prints articles/s of the
   resumed run, the rendering time, and the peak resident memory of each run (``ru_maxrss`` of
   the child process), so that a bounded memory shows as a peak that does not grow with N.

Not part of the test suite (``tests/test_importing.py`` covers resuming on a few files).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from site_bench import REPO, manage, recreate_database, server_env  # noqa: E402


def generate(corpus: Path, folder: Path, count: int) -> int:
    """``count`` files: the corpus files in turn, the n-th copy named ``<title> (n).md``."""
    sources = [p for p in sorted(corpus.glob("*.md")) if p.name.lower() != "readme.md"]
    if not sources:
        raise SystemExit(f"import_bench: no .md files in {corpus}")
    for number in range(count):
        source = sources[number % len(sources)]
        copy = number // len(sources)
        name = source.stem if copy == 0 else f"{source.stem} ({copy})"
        shutil.copyfile(source, folder / f"{name}.md")
    return len(sources)


def run_import(env: dict[str, str], folder: Path, interrupt_after: float | None) -> tuple[float, float, str]:
    """(seconds, peak RSS in MiB, output) of one ``import_wiki`` run in a child process; its
    peak comes from ``wait4``, the resource usage of that child alone."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "import_wiki", str(folder), "--status", "published", "--quiet"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, text=True,
        )
        interrupted = False
        try:
            while True:
                pid, _, usage = os.wait4(process.pid, os.WNOHANG)
                if pid:
                    break
                if not interrupted and interrupt_after is not None and time.perf_counter() - started > interrupt_after:
                    process.send_signal(signal.SIGINT)  # as an operator's Ctrl-C
                    interrupted = True
                time.sleep(0.2)
        except BaseException:  # this bench stopped (SIGTERM, Ctrl-C): never leave the import running
            process.kill()
            process.wait()
            raise
        process.returncode = 0  # reaped by wait4 above
        log.seek(0)
        output = log.read()
    return time.perf_counter() - started, usage.ru_maxrss / 1024, output


def summary_line(output: str) -> str:
    lines = [line for line in output.splitlines() if re.search(r"created, .* updated|Stored renderings|stopped|interrupted", line)]
    return " | ".join(lines) or output[-500:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--interrupt-after", type=float, default=60.0, help="seconds before the first run is interrupted")
    parser.add_argument("--database-url", default="postgres://root@127.0.0.1:5432/bench_import")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up the folder and the child
    if not args.corpus.is_dir():
        print(f"import_bench: no corpus at {args.corpus}", file=sys.stderr)
        return 2
    env = server_env(args, cache=True)
    recreate_database(args.database_url)
    manage(env, "migrate", "--no-input")
    with tempfile.TemporaryDirectory(prefix="import-bench-") as tmp:
        folder = Path(tmp)
        sources = generate(args.corpus, folder, args.articles)
        print(f"{args.articles:,} files from {sources} corpus files in {folder}", flush=True)
        first = run_import(env, folder, args.interrupt_after)
        print(f"first run, interrupted after {args.interrupt_after:.0f} s: {first[0]:.1f} s, peak RSS {first[1]:.0f} MiB; "
              f"{summary_line(first[2])}", flush=True)
        second = run_import(env, folder, None)
        print(f"resumed run: {second[0]:.1f} s, peak RSS {second[1]:.0f} MiB; {summary_line(second[2])}", flush=True)

    os.environ.update(env)
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from articles.models import Article
    from articles.serving.models import ArticleRendering

    articles = Article.objects.count()
    current = ArticleRendering.objects.filter(rendered_generation__isnull=False).count()
    created = [int(n) for n in re.findall(r"(\d+) created", first[2] + second[2])]
    unchanged = re.search(r"(\d+) unchanged", second[2])
    rate = sum(created[1:]) / second[0] if len(created) > 1 else float("nan")
    print()
    print(f"articles in the database: {articles:,} for {args.articles:,} files (duplicates: {articles - args.articles})")
    print(f"created by the first run: {created[0] if created else '?'}; skipped by the resumed run as unchanged: "
          f"{unchanged.group(1) if unchanged else '?'}; created by it: {created[1] if len(created) > 1 else '?'}")
    print(f"resumed run: {rate:.1f} articles/s over its whole time (import and bulk rendering); "
          f"stored renderings: {current:,} pages")
    print(f"peak RSS: first run {first[1]:.0f} MiB, resumed run {second[1]:.0f} MiB")
    return 0 if articles == args.articles else 1


if __name__ == "__main__":
    sys.exit(main())
