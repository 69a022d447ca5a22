"""``python manage.py restore_content FILE``: load a backup written by ``backup_content``.

Meant for an empty, migrated database (``--flush`` empties the current one first, after asking).
Reads a ``.tar.gz`` backup (content and image files, written back through the storage API) or a
content-only ``.xml.gz``.

Nothing is lost to a bad file (issue 26: a wrong or truncated file left 0 articles and 0 users).
The whole file is read and its XML parsed before anything changes (``articles.backup_files``);
then the flush, the load and the rebuild of derived columns are one transaction, so a backup that
fails to load rolls the flush back too. Image files are only ever added (names are content
hashes, existing files are never deleted or replaced); the ones added by a restore that fails are
removed again. Only this site's cache keys are cleared afterwards, never the whole Redis database.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.backup_files import BackupError, UnpackedBackup, unpack
from articles.models import Article


class Command(BaseCommand):
    help = "Restore content from a backup_content file (into an empty database, or with --flush)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--flush", action="store_true", help="delete all current data first")
        parser.add_argument("--no-input", "--yes", action="store_true", dest="no_input",
                            help="do not ask before --flush (for scripts: make restore FORCE=1)")

    def handle(self, *args, file: Path, flush: bool, no_input: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such backup file")
        if Article.objects.exists() and not flush:
            raise CommandError("The database already has articles: restore into an empty one, or pass --flush.")
        if flush and not no_input:
            if not sys.stdin.isatty():
                raise CommandError("--flush deletes all current data: confirm with --yes (make restore FORCE=1).")
            if input("Delete ALL current data and restore the backup? [yes/no] ") != "yes":
                raise CommandError("Cancelled.")
        with tempfile.TemporaryDirectory() as folder:
            try:
                backup = unpack(file, Path(folder))
            except BackupError as error:
                raise CommandError(f"Nothing was changed: {error}") from error
            added: list[str] = []
            try:
                with transaction.atomic():
                    self._load(backup, flush)
                    # Inside the transaction: a storage failure rolls the database back too.
                    self._restore_media(backup, added)
            except Exception as error:
                for name in added:  # files this restore wrote; files that were there stay
                    default_storage.delete(name)
                ContentType.objects.clear_cache()
                raise CommandError(f"Restore failed, nothing was changed: {error}") from error
        ContentType.objects.clear_cache()  # ids changed with the flush
        if backup.media:
            self.stdout.write(f"{len(backup.media)} image files restored")
        cache.clear()  # this site's keys only (serving/cache.py): every page may show the old content
        self.stdout.write(self.style.SUCCESS(f"Restored {Article.objects.count()} articles from {file}"))

    @staticmethod
    def _load(backup: UnpackedBackup, flush: bool) -> None:
        if flush:
            call_command("flush", interactive=False, verbosity=0)
            ContentType.objects.clear_cache()
        call_command("loaddata", str(backup.content), verbosity=0)
        # Derived columns are recomputed rather than trusted: the XML round trip strips the padding
        # of search_tokens on SQLite, and rows may predate the current rules.
        for article in Article.objects.all():
            article.rebuild_search_document()
            article.rebuild_links()

    @staticmethod
    def _restore_media(backup: UnpackedBackup, added: list[str]) -> None:
        """Write the backup's image files to storage under their own (content-hashed) names."""
        for name, path in backup.media.items():
            if default_storage.exists(name):
                continue
            with path.open("rb") as data:
                saved = default_storage.save(name, File(data))
            added.append(saved)
            if saved != name:
                raise CommandError(f"{name}: the storage stored it as {saved}")
