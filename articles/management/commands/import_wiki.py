"""``python manage.py import_wiki PATH…``: import pandoc-exported wiki articles (or our exports).

Idempotent (an article is matched by title in either script and updated), one transaction per
article; a bad file is reported with its path and reason and the rest go on; the exit status is
non-zero when any file failed. ``--dry-run`` imports inside a transaction that is rolled back.
``--media DIR`` then gives every image without a file the file of the same name found in DIR.
``--only-new`` imports only the articles not yet in the database (same identity rule as an update,
``article_for_import``) and leaves the others untouched: ``make run`` imports the demo article so,
and an editor's edits to it survive the next start.

At scale (issue 24): each imported article keeps a digest of its file (name, bytes, ``--status``),
so a run that was interrupted (Ctrl-C stops after the current file; ``--limit N`` after N files)
is resumed by running it again — files imported and unchanged are skipped (``--force`` imports
them anyway; any other save of the article clears its digest). Memory stays flat: one file at a
time, one transaction per article, bounded memos. The stored renderings of the published
articles are built in batches once the files are done, not one render per commit. A progress
bar (tqdm) shows on a terminal; otherwise a line per file (``--quiet``: none).
"""
from __future__ import annotations

import contextlib
import hashlib
import itertools
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import reversion
from asgiref.local import Local
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, OperationalError, connection, connections, transaction
from tqdm import tqdm

from articles.images.models import Image
from articles.images.sources import attach_from_folder
from articles.importing import ImportFailure, article_for_import, read_article_file, save_article
from articles.importing.parsed import ParsedArticle
from articles.conversion import title_key
from articles.models import Article
from articles.serving import renderings

SKIPPED_NAMES = {"readme.md"}
#: Part of every file digest: a new importer that reads files differently imports them again.
DIGEST_VERSION = "import_wiki/1"


class DryRunRollback(Exception):
    pass


def collect_files(paths: list[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The .md files named or found under folders (sorted), and paths that don't exist."""
    files: list[Path] = []
    missing: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*.md")) if p.name.lower() not in SKIPPED_NAMES)
        elif path.is_file():
            files.append(path)
        else:
            missing.append((path, "no such file or folder"))
    return files, missing


def file_digest(path: Path, status: str | None) -> str:
    """What a file would import as: its name (the title), its bytes and the status asked for."""
    digest = hashlib.blake2b(digest_size=32)
    for part in (DIGEST_VERSION, status or "", path.name):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass
class _Read:
    """A file as the reader thread left it: its digest, and the parsed article or why it failed
    (``parsed`` is None for a file imported before: it is not parsed at all)."""

    digest: str
    parsed: ParsedArticle | None = None
    error: Exception | None = None


def _read(path: Path, status: str | None, imported: set[str]) -> _Read:
    digest = file_digest(path, status)
    if digest in imported:
        return _Read(digest)
    try:
        return _Read(digest, read_article_file(path))
    except Exception as error:  # noqa: BLE001 — reported by the loop with the file's path
        return _Read(digest, error=error)


def read_ahead(files: list[Path], status: str | None, imported: set[str], depth: int = 4) -> Iterator[tuple[Path, Future]]:
    """Each file with a future of its :class:`_Read`, read and parsed up to ``depth`` files ahead
    in one thread while the loop saves the current one.

    Why: a profile of the corpus's import (issue 24) found the saving thread waiting for
    PostgreSQL a third of the time, with the GIL released, and parsing (markdown-it) an eighth of
    the rest; in a thread the parse of the next files fills those waits. The bound keeps memory
    flat; files already imported are only digested, never parsed."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-reader") as pool:
        queued = iter(files)
        pending: deque[tuple[Path, Future]] = deque(
            (path, pool.submit(_read, path, status, imported)) for path in itertools.islice(queued, depth))
        try:
            while pending:
                path, future = pending.popleft()
                following = next(queued, None)
                if following is not None:
                    pending.append((following, pool.submit(_read, following, status, imported)))
                yield path, future
        finally:  # stopped early (--limit, Ctrl-C, an error): read no more
            for _, future in pending:
                future.cancel()


@dataclass(frozen=True)
class _Task:
    """What every file of a run is imported with (picklable: a worker process gets a copy)."""

    status: str | None
    only_new: bool
    imported: set[str]  # digests of files imported before (each process adds its own)


@dataclass(frozen=True)
class Outcome:
    """What became of one file: ``kind`` is a key of the summary's counts, or ``failed``."""

    path: Path
    kind: str
    message: str
    sections: int = 0
    references: int = 0
    categories: int = 0


#: Errors of two processes writing at once (a category or image both create, a slug both take, a
#: deadlock between them): the file is imported again, once the other's transaction is over.
_RACES = (IntegrityError, OperationalError)


def import_file(path: Path, read: _Read, task: _Task, retries: int = 0) -> Outcome:
    """Import one file as read by :func:`read_ahead` (its own transaction and revision)."""
    if read.digest in task.imported:
        return Outcome(path, "unchanged", "unchanged (imported before)")
    if read.error is not None:
        return Outcome(path, "failed", str(read.error) if isinstance(read.error, ImportFailure)
                       else f"{type(read.error).__name__}: {read.error}")
    parsed = read.parsed
    for attempt in range(retries + 1):
        try:
            if task.only_new and (existing := article_for_import(parsed)) is not None:
                return Outcome(path, "kept", f"already present, left as it is: {existing.title_zh_hans}")
            # Managed manually: save_article adds the article (following its parts) once at the
            # end; automatic adds followed every relation at each save.
            with reversion.create_revision(manage_manually=True):
                reversion.set_comment(f"import_wiki {path.name}")
                result = save_article(parsed, status=task.status, import_digest=read.digest)
        except ImportFailure as error:
            return Outcome(path, "failed", str(error))
        except _RACES as error:
            if attempt < retries:
                continue
            return Outcome(path, "failed", f"{type(error).__name__}: {error}")
        except Exception as error:  # noqa: BLE001 — report any file and go on
            return Outcome(path, "failed", f"{type(error).__name__}: {error}")
        task.imported.add(read.digest)
        verb = "created" if result.created else "updated"
        return Outcome(path, verb, f"{verb}: {result.article.title_zh_hans}", result.sections,
                       result.references, result.categories)
    raise AssertionError("unreachable")


def _in_this_process(files: list[Path], task: _Task, stop: "_StopRequest", edited: set[int],
                     retries: int = 0) -> Iterator[Outcome]:
    """The files' outcomes, one after the other, until Ctrl-C; the ids of the articles to render
    at the end are added to ``edited``."""
    with renderings.collected_for_bulk() as collected:
        try:
            for path, reading in read_ahead(files, task.status, task.imported):
                if stop.requested:
                    return
                yield import_file(path, reading.result(), task, retries)
        finally:
            edited |= collected


#: What a worker inherited from its parent and must never use nor close (see
#: :func:`_forget_inherited_connections`). Kept referenced: a worker ends with ``os._exit``, so
#: nothing here is ever finalised.
_INHERITED: list[Any] = []


def _forget_inherited_connections() -> None:
    """In a forked worker, before any query: fresh connection wrappers and pools for this process.

    The parent closes its connections before the fork, but only those of its own thread and
    context: a wrapper opened elsewhere (another thread, a greenlet such as Playwright's in the
    browser tests) stayed open, and both workers found it and shared one PostgreSQL session
    ("connection in transaction status INTRANS"). Closing it here would end the *parent's*
    session on the shared socket, so it is only forgotten."""
    from django.db.backends.postgresql.base import DatabaseWrapper

    _INHERITED.extend((connections._connections, dict(DatabaseWrapper._connection_pools)))
    connections._connections = Local(connections.thread_critical)
    DatabaseWrapper._connection_pools.clear()


def _worker(files: list[Path], task: _Task, results) -> None:
    """A worker process of ``--jobs``: imports its share, sends each outcome, then the ids to
    render and ``None``. Ctrl-C reaches it too: it stops after the file it is saving."""
    stop = _StopRequest()
    edited: set[int] = set()
    _forget_inherited_connections()
    try:
        for outcome in _in_this_process(files, task, stop, edited, retries=2):
            results.put(outcome)
        results.put(edited)
    except BaseException as error:  # noqa: BLE001 — the parent reports it as the rest's failure
        results.put(("crashed", f"{type(error).__name__}: {error}"))
    finally:
        results.put(None)
        connections.close_all()


def shares(files: list[Path], jobs: int) -> list[list[Path]]:
    """The files split between ``jobs`` processes, the files of one title (the identity rule:
    the file name, in either script) always together — two processes never create the same
    article — and otherwise in turn, so that every share has as much to do."""
    by_title: dict[str, list[Path]] = {}
    for path in files:
        by_title.setdefault(title_key(path.stem), []).append(path)
    result: list[list[Path]] = [[] for _ in range(jobs)]
    for index, group in enumerate(by_title.values()):
        result[index % jobs].extend(group)
    return result


def _in_processes(files: list[Path], task: _Task, jobs: int, edited: set[int], stop: "_StopRequest") -> Iterator[Outcome]:
    """The files' outcomes as ``jobs`` forked processes import their :func:`shares` (each with
    its own connection and transactions); the ids to render are added to ``edited``.

    Why processes: an article's import is Python (the ORM, conversion, revisions) a third of
    whose time waits for PostgreSQL; one process keeps one core busy. Forked, not spawned: a
    fresh interpreter would set Django up again (~1 s). The connections — and the pool, whose
    sockets the children would otherwise share — are closed before the fork; every process
    reconnects when it next queries."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    connections.close_all()
    for alias in connections:
        if hasattr(connections[alias], "close_pool"):
            connections[alias].close_pool()
    workers = [context.Process(target=_worker, args=(share, task, results), daemon=True)
               for share in shares(files, jobs) if share]
    for worker in workers:
        worker.start()
    running, forwarded = len(workers), False
    try:
        while running:
            if stop.requested and not forwarded:
                # A SIGINT sent to this process alone (a terminal's Ctrl-C reaches them all).
                for worker in workers:
                    if worker.is_alive():
                        os.kill(worker.pid, signal.SIGINT)
                forwarded = True
            try:
                item = results.get(timeout=1)
            except queue.Empty:
                if not any(worker.is_alive() for worker in workers):
                    break  # killed without a word: the files it did not report are not done
                continue
            if item is None:
                running -= 1
            elif isinstance(item, Outcome):
                yield item
            elif isinstance(item, set):
                edited |= item
            else:
                raise CommandError(f"an import process failed: {item[1]}")
    finally:
        for worker in workers:
            worker.join(timeout=60)


class _StopRequest:
    """Ctrl-C (SIGINT) stops the import after the file being saved, which commits or rolls back
    whole; a second Ctrl-C interrupts at once. (A KeyboardInterrupt raised inside a query is
    turned into a query error by psycopg, which the per-file error handling would swallow.)"""

    def __init__(self) -> None:
        self.requested = False
        self.previous = None
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self._handle)

    def _handle(self, signum, frame) -> None:
        self.requested = True
        self.restore()

    def restore(self) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
            self.previous = None


class Command(BaseCommand):
    help = "Import wiki articles exported to Markdown by pandoc (files or folders)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="parse and save, then roll everything back")
        parser.add_argument(
            "--status", choices=["draft", "published"], default=None,
            help="status of imported articles (default: draft for new ones, unchanged for existing ones)",
        )
        parser.add_argument(
            "--only-new", action="store_true",
            help="import only articles that are not in the database yet; leave existing ones (and their edits) as they are",
        )
        parser.add_argument(
            "--media", type=Path, default=None, metavar="DIR",
            help="folder of image files: images the articles use and that have no file get the file of the same name",
        )
        parser.add_argument("--force", action="store_true",
                            help="import every file, also those an earlier run imported and that did not change")
        parser.add_argument("--limit", type=int, default=None, metavar="N",
                            help="stop after N files (a batch; the next run goes on where this one stopped)")
        parser.add_argument("--quiet", action="store_true", help="no line per file (the summary and failures only)")
        parser.add_argument("--jobs", type=int, default=1, metavar="N",
                            help="import in N processes at once (PostgreSQL only; a file's article is always "
                                 "imported by the same process as another file of the same title)")

    def handle(self, *args, paths: list[Path], dry_run: bool, status: str | None, media: Path | None = None,
               only_new: bool = False, force: bool = False, limit: int | None = None, quiet: bool = False,
               jobs: int = 1, **options):
        if media is not None and not media.is_dir():
            raise CommandError(f"{media}: no such folder")
        if jobs < 1:
            raise CommandError("--jobs must be 1 or more")
        if jobs > 1 and dry_run:
            raise CommandError("--dry-run imports in one transaction, in one process: leave out --jobs")
        if jobs > 1 and connection.in_atomic_block:
            raise CommandError("--jobs imports in processes of their own: it cannot run inside a transaction")
        if jobs > 1 and connection.vendor != "postgresql":
            self.stderr.write("--jobs: SQLite takes one writer at a time; importing in one process")
            jobs = 1
        files, failures = collect_files(paths)
        missing = len(failures)
        interrupted = None
        if limit is not None and len(files) > limit:
            files, interrupted = files[:limit], f"stopped after {limit} files (--limit)"
        counts = {"created": 0, "updated": 0, "unchanged": 0, "kept": 0, "sections": 0, "references": 0,
                  "categories": 0}
        interactive = self.stdout.isatty()
        # One read: the digests of what earlier runs imported (an unchanged file is skipped).
        imported = set() if force else set(
            Article.objects.exclude(import_digest="").values_list("import_digest", flat=True))
        task = _Task(status, only_new, imported)
        start = time.perf_counter()
        bar = tqdm(total=len(files), unit="file", disable=not interactive, file=sys.stdout, dynamic_ncols=True)
        stop = _StopRequest()
        edited: set[int] = set()
        done_files = 0
        try:
            # Each article commits on its own; a dry run wraps them all in one rolled-back transaction.
            # Stored renderings are built once at the end, in batches (collected_for_bulk).
            with transaction.atomic() if dry_run else contextlib.nullcontext():
                if jobs > 1:
                    outcomes = _in_processes(files, task, jobs, edited, stop)
                else:
                    outcomes = _in_this_process(files, task, stop, edited)
                for number, outcome in enumerate(outcomes, start=1):
                    done_files = number
                    bar.update(1)
                    if outcome.kind == "failed":
                        failures.append((outcome.path, outcome.message))
                        self._failed(bar, interactive, number, len(files), outcome.path, outcome.message)
                        continue
                    counts[outcome.kind] += 1
                    for key in ("sections", "references", "categories"):
                        counts[key] += getattr(outcome, key)
                    if not interactive:
                        self._progress(quiet, number, len(files), outcome.path, outcome.message)
                bar.close()
                if done_files < len(files):  # Ctrl-C: each process stopped after its file
                    interrupted = f"interrupted (Ctrl-C) after {done_files} of {len(files)} files"
                if media is not None and not interrupted:
                    self._attach_media(media)
                if dry_run:
                    raise DryRunRollback
        except DryRunRollback:
            pass
        finally:
            stop.restore()
        elapsed = max(time.perf_counter() - start, 1e-9)
        done = counts["created"] + counts["updated"]
        kept = f"{counts['kept']} already present (left as they are), " if only_new else ""
        self.stdout.write(
            f"{'Dry run — nothing saved. Would have: ' if dry_run else ''}"
            f"{counts['created']} created, {counts['updated']} updated, {kept}{len(failures)} failed, "
            f"{counts['unchanged']} unchanged; "
            f"{counts['sections']} sections, {counts['references']} references, {counts['categories']} categories; "
            f"{done / elapsed:.1f} articles/s" + (f" ({jobs} processes)" if jobs > 1 else "")
        )
        if edited and not dry_run and not interrupted:
            self._render(edited, interactive)
        for path, reason in failures:
            self.stderr.write(self.style.ERROR(f"{path}: {reason}"))
        if interrupted:
            self.stdout.write(f"{interrupted}; run the same command again to go on (imported files are skipped)")
        if failures:
            raise CommandError(f"{len(failures)} of {len(files) + missing} paths failed to import")

    def _render(self, article_ids: set[int], interactive: bool) -> None:
        """The reader pages of the imported published articles, in batches (the others render
        on their first reader's miss)."""
        started = time.perf_counter()
        with tqdm(total=len(article_ids), unit="article", desc="rendering", disable=not interactive,
                  file=sys.stdout, dynamic_ncols=True) as bar:
            pages = renderings.refresh_in_bulk(article_ids, progress=bar.update)
        self.stdout.write(f"Stored renderings: {pages} pages in {time.perf_counter() - started:.1f} s")

    def _attach_media(self, folder: Path) -> None:
        outcome = attach_from_folder(folder)
        self.stdout.write(f"Images: {len(outcome.attached)} files attached from {folder}, "
                          f"{Image.objects.without_file().count()} still without a file")
        for name, reason in outcome.failed:
            self.stderr.write(self.style.WARNING(f"{name}: {reason}"))

    def _failed(self, bar, interactive: bool, number: int, total: int, path: Path, error: Exception) -> None:
        if interactive:
            bar.write(f"{path}: FAILED: {error}")
        else:
            self._progress(False, number, total, path, f"FAILED: {error}")

    def _progress(self, quiet: bool, number: int, total: int, path: Path, message: str) -> None:
        if not quiet and not self.stdout.isatty():
            self.stdout.write(f"[{number}/{total}] {path}: {message}")
