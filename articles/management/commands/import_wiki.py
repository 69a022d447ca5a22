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
import signal
import sys
import threading
import time
from pathlib import Path

import reversion
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from articles.images.models import Image
from articles.images.sources import attach_from_folder
from articles.importing import ImportFailure, article_for_import, read_article_file, save_article
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

    def handle(self, *args, paths: list[Path], dry_run: bool, status: str | None, media: Path | None = None,
               only_new: bool = False, force: bool = False, limit: int | None = None, quiet: bool = False,
               **options):
        if media is not None and not media.is_dir():
            raise CommandError(f"{media}: no such folder")
        files, failures = collect_files(paths)
        missing = len(failures)
        counts = {"created": 0, "updated": 0, "unchanged": 0, "kept": 0, "sections": 0, "references": 0,
                  "categories": 0}
        interactive = self.stdout.isatty()
        # One read: the digests of what earlier runs imported (an unchanged file is skipped).
        imported = set() if force else set(
            Article.objects.exclude(import_digest="").values_list("import_digest", flat=True))
        start = time.perf_counter()
        interrupted = None
        bar = tqdm(total=len(files), unit="file", disable=not interactive, file=sys.stdout, dynamic_ncols=True)
        stop = _StopRequest()
        try:
            # Each article commits on its own; a dry run wraps them all in one rolled-back transaction.
            # Stored renderings are built once at the end, in batches (collected_for_bulk).
            with transaction.atomic() if dry_run else contextlib.nullcontext(), \
                    renderings.collected_for_bulk() as edited:
                for number, path in enumerate(files, start=1):
                    if limit is not None and number > limit:
                        interrupted = f"stopped after {limit} files (--limit)"
                        break
                    if stop.requested:
                        interrupted = f"interrupted (Ctrl-C) after {number - 1} of {len(files)} files"
                        break
                    bar.update(1)
                    try:
                        digest = file_digest(path, status)
                        if digest in imported:
                            counts["unchanged"] += 1
                            self._progress(quiet, number, len(files), path, "unchanged (imported before)")
                            continue
                        parsed = read_article_file(path)
                        if only_new and (existing := article_for_import(parsed)) is not None:
                            counts["kept"] += 1
                            self._progress(quiet, number, len(files), path,
                                           f"already present, left as it is: {existing.title_zh_hans}")
                            continue
                        # Managed manually: save_article adds the article (following its parts)
                        # once at the end; automatic adds followed every relation at each save.
                        with reversion.create_revision(manage_manually=True):
                            reversion.set_comment(f"import_wiki {path.name}")
                            result = save_article(parsed, status=status, import_digest=digest)
                    except ImportFailure as error:
                        failures.append((path, str(error)))
                        self._failed(bar, interactive, number, len(files), path, error)
                        continue
                    except Exception as error:  # noqa: BLE001 — report any file and go on
                        failures.append((path, f"{type(error).__name__}: {error}"))
                        self._failed(bar, interactive, number, len(files), path, error)
                        continue
                    imported.add(digest)
                    counts["created" if result.created else "updated"] += 1
                    counts["sections"] += result.sections
                    counts["references"] += result.references
                    counts["categories"] += result.categories
                    verb = "created" if result.created else "updated"
                    if not interactive:
                        self._progress(quiet, number, len(files), path, f"{verb}: {result.article.title_zh_hans}")
                bar.close()
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
            f"{done / elapsed:.1f} articles/s"
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
