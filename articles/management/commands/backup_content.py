"""``python manage.py backup_content [FILE]``: all content, users, history and image files.

``dumpdata`` (primary keys kept, natural keys for content types and permissions) is database-neutral, so a backup of the SQLite development site
restores into PostgreSQL and back (``pg_dump`` would tie backups to one database). Caches,
sessions, login-failure records and the permission tables that migrations recreate are left out.

The default file is a ``.tar.gz`` holding ``content.xml`` and, under ``media/``, every stored image
file (full size and renditions) read through the storage API, so a backup of a site on S3 works the
same. A ``FILE`` ending in ``.xml.gz`` gets the content alone (the format before images existed).
The file is created 0600 in a 0700 folder and read back whole (``articles.backup_files``) before
the command reports it written (issue 26).
"""
from __future__ import annotations

import gzip
import io
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from articles.backup_files import (CONTENT_MEMBER, MEDIA_PREFIX, BackupError, create_private, private_folder,
                                    unpack)
from articles.images.models import Image

INCLUDED = ["auth.user", "auth.group", "admin.logentry", "taggit", "articles", "reversion"]
#: Derived data, re-made from the content on the first reads after a restore.
EXCLUDED = ["articles.ArticleRendering"]


def stored_image_files() -> list[str]:
    """Storage names of every image file (full size and renditions), without repeats."""
    names: dict[str, None] = {}
    for file_name, renditions in Image.objects.with_file().values_list("file", "renditions"):
        names.setdefault(file_name, None)
        for rendition in renditions:
            names.setdefault(rendition["name"], None)
    return list(names)


class Command(BaseCommand):
    help = "Write all content (both scripts), users, groups, revision history and image files to a .tar.gz file."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, help="default: backups/<timestamp>.tar.gz")

    def handle(self, *args, file: Path | None, **options):
        default_folder = Path(settings.BASE_DIR) / "backups"
        if file is None:
            file = default_folder / f"{datetime.now():%Y%m%d-%H%M%S}.tar.gz"
        private_folder(file.parent, own=file.parent.resolve() == default_folder.resolve())
        # Written beside the target and renamed when complete: a failed backup leaves no file that
        # looks like a backup (a half-written one used to stay behind).
        partial = file.with_name(f".{file.name}.partial")
        partial.unlink(missing_ok=True)  # left by a killed run: created afresh, private
        try:
            with create_private(partial) as raw:
                if file.name.endswith(".xml.gz"):
                    with gzip.open(raw, "wt", encoding="utf-8") as out:
                        self._dump(out)
                    self.stdout.write(self.style.WARNING("Content only: image files are kept in .tar.gz backups."))
                else:
                    self._write_archive(raw)
            self._verify(partial)
            partial.replace(file)
        except BaseException as error:
            partial.unlink(missing_ok=True)
            if isinstance(error, Exception):
                raise CommandError(f"Backup failed, nothing written: {error}") from error
            raise
        self.stdout.write(self.style.SUCCESS(f"Backup written to {file} ({file.stat().st_size:,} bytes)"))

    def _dump(self, out) -> None:
        # XML keeps timestamps to the microsecond (Django's JSON encoder rounds to milliseconds).
        # xml_clean: stored control characters (older rows) are left out rather than failing the dump.
        call_command("dumpdata", *INCLUDED, exclude=EXCLUDED, natural_foreign=True, format="xml_clean", stdout=out)

    @staticmethod
    def _verify(file: Path) -> None:
        """Read the file back as the restore will: only a readable backup is reported written."""
        with tempfile.TemporaryDirectory() as folder:
            try:
                unpack(file, Path(folder))
            except BackupError as error:
                raise CommandError(f"the written file does not read back: {error}") from error

    def _write_archive(self, raw) -> None:
        with tarfile.open(fileobj=raw, mode="w:gz") as archive, tempfile.TemporaryFile("w+", encoding="utf-8") as content:
            self._dump(content)
            content.seek(0)
            data = content.read().encode("utf-8")
            self._add(archive, CONTENT_MEMBER, data)
            names = stored_image_files()
            for name in names:
                with default_storage.open(name, "rb") as stored:
                    self._add(archive, MEDIA_PREFIX + name, stored.read())
        self.stdout.write(f"{len(names)} image files included")

    @staticmethod
    def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mtime = int(datetime.now().timestamp())
        archive.addfile(info, io.BytesIO(data))
