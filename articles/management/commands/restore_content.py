"""``python manage.py restore_content FILE``: load a backup written by ``backup_content``.

Meant for an empty, migrated database (``--flush`` empties the current one first, after asking).
Reads a ``.tar.gz`` backup (content and image files, written back through the storage API) or a
content-only ``.xml.gz``.
"""
from __future__ import annotations

import gzip
import sys
import shutil
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction

from articles.management.commands.backup_content import CONTENT_MEMBER, MEDIA_PREFIX
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
        if flush:
            if not no_input:
                if not sys.stdin.isatty():
                    raise CommandError("--flush deletes all current data: confirm with --yes (make restore FORCE=1).")
                if input("Delete ALL current data and restore the backup? [yes/no] ") != "yes":
                    raise CommandError("Cancelled.")
            call_command("flush", interactive=False, verbosity=0)
        with tempfile.TemporaryDirectory() as folder:
            fixture = Path(folder) / "backup.xml"
            restored_files = 0
            if tarfile.is_tarfile(file):
                with tarfile.open(file, "r:gz") as archive:
                    with archive.extractfile(CONTENT_MEMBER) as packed, fixture.open("wb") as plain:
                        shutil.copyfileobj(packed, plain)
                    restored_files = self._restore_media(archive)
            else:
                with gzip.open(file, "rb") as packed, fixture.open("wb") as plain:
                    shutil.copyfileobj(packed, plain)
            with transaction.atomic():
                call_command("loaddata", str(fixture), verbosity=0)
        ContentType.objects.clear_cache()  # ids changed with the flush
        if restored_files:
            self.stdout.write(f"{restored_files} image files restored")
        # Derived columns are recomputed rather than trusted: the XML round trip strips the padding
        # of search_tokens on SQLite, and rows may predate the current rules.
        for article in Article.objects.all():
            article.rebuild_search_document()
            article.rebuild_links()
        cache.clear()  # every cached page may show what the restore replaced
        self.stdout.write(self.style.SUCCESS(f"Restored {Article.objects.count()} articles from {file}"))

    @staticmethod
    def _restore_media(archive: tarfile.TarFile) -> int:
        """Write the archive's image files back to storage under their own (content-hashed) names."""
        count = 0
        for member in archive.getmembers():
            if not member.isfile() or not member.name.startswith(MEDIA_PREFIX):
                continue
            name = member.name[len(MEDIA_PREFIX):]
            if ".." in PurePosixPath(name).parts or name.startswith("/"):
                raise CommandError(f"{member.name}: unsafe path in backup")
            if not default_storage.exists(name):
                with archive.extractfile(member) as data:
                    default_storage.save(name, ContentFile(data.read()))
            count += 1
        return count
