"""``python manage.py import_wiki PATH…``: import pandoc-exported wiki articles (or our exports).

Idempotent (an article is matched by title in either script and updated), one transaction per
article; a bad file is reported with its path and reason and the rest go on; the exit status is
non-zero when any file failed. ``--dry-run`` imports inside a transaction that is rolled back.
``--media DIR`` then gives every image without a file the file of the same name found in DIR.
"""
from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
import reversion
from django.db import transaction

from articles.images.models import Image
from articles.images.sources import attach_from_folder
from articles.importing import ImportFailure, read_article_file, save_article

SKIPPED_NAMES = {"readme.md"}


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
            "--media", type=Path, default=None, metavar="DIR",
            help="folder of image files: images the articles use and that have no file get the file of the same name",
        )

    def handle(self, *args, paths: list[Path], dry_run: bool, status: str | None, media: Path | None = None,
               **options):
        if media is not None and not media.is_dir():
            raise CommandError(f"{media}: no such folder")
        files, failures = collect_files(paths)
        missing = len(failures)
        counts = {"created": 0, "updated": 0, "sections": 0, "references": 0, "categories": 0}
        interactive = self.stdout.isatty()
        start = time.perf_counter()
        try:
            # Each article commits on its own; a dry run wraps them all in one rolled-back transaction.
            with transaction.atomic() if dry_run else contextlib.nullcontext():
                for number, path in enumerate(files, start=1):
                    try:
                        # Managed manually: save_article adds the article (following its parts)
                        # once at the end; automatic adds followed every relation at each save.
                        with reversion.create_revision(manage_manually=True):
                            reversion.set_comment(f"import_wiki {path.name}")
                            result = save_article(read_article_file(path), status=status)
                    except ImportFailure as error:
                        failures.append((path, str(error)))
                        self._progress(interactive, number, len(files), path, f"FAILED: {error}")
                        continue
                    except Exception as error:  # noqa: BLE001 — report any file and go on
                        failures.append((path, f"{type(error).__name__}: {error}"))
                        self._progress(interactive, number, len(files), path, f"FAILED: {error}")
                        continue
                    counts["created" if result.created else "updated"] += 1
                    counts["sections"] += result.sections
                    counts["references"] += result.references
                    counts["categories"] += result.categories
                    verb = "created" if result.created else "updated"
                    self._progress(interactive, number, len(files), path, f"{verb}: {result.article.title_zh_hans}")
                if media is not None:
                    self._attach_media(media)
                if dry_run:
                    raise DryRunRollback
        except DryRunRollback:
            pass
        elapsed = max(time.perf_counter() - start, 1e-9)
        if interactive:
            self.stdout.write("")
        done = counts["created"] + counts["updated"]
        self.stdout.write(
            f"{'Dry run — nothing saved. Would have: ' if dry_run else ''}"
            f"{counts['created']} created, {counts['updated']} updated, {len(failures)} failed; "
            f"{counts['sections']} sections, {counts['references']} references, {counts['categories']} categories; "
            f"{done / elapsed:.1f} articles/s"
        )
        for path, reason in failures:
            self.stderr.write(self.style.ERROR(f"{path}: {reason}"))
        if failures:
            raise CommandError(f"{len(failures)} of {len(files) + missing} paths failed to import")

    def _attach_media(self, folder: Path) -> None:
        outcome = attach_from_folder(folder)
        self.stdout.write(f"Images: {len(outcome.attached)} files attached from {folder}, "
                          f"{Image.objects.without_file().count()} still without a file")
        for name, reason in outcome.failed:
            self.stderr.write(self.style.WARNING(f"{name}: {reason}"))

    def _progress(self, interactive: bool, number: int, total: int, path: Path, message: str) -> None:
        if interactive:
            width = 30
            filled = width * number // max(total, 1)
            sys.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {number}/{total} {path.name[:40]:<40}")
            sys.stdout.flush()
            if message.startswith("FAILED"):
                self.stdout.write(f"\n{path}: {message}")
        else:
            self.stdout.write(f"[{number}/{total}] {path}: {message}")
