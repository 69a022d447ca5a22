"""``python manage.py backup_content [FILE]``: all content, users and history as gzipped XML.

``dumpdata`` (primary keys kept, natural keys for content types and permissions) is database-neutral, so a backup of the SQLite development site
restores into PostgreSQL and back (``pg_dump`` would tie backups to one database). Caches,
sessions, login-failure records and the permission tables that migrations recreate are left out.
"""
from __future__ import annotations

import gzip
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

INCLUDED = ["auth.user", "auth.group", "taggit", "articles", "reversion"]


class Command(BaseCommand):
    help = "Write all content (both scripts), users, groups and revision history to an .xml.gz file."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, help="default: backups/<timestamp>.xml.gz")

    def handle(self, *args, file: Path | None, **options):
        if file is None:
            file = Path(settings.BASE_DIR) / "backups" / f"{datetime.now():%Y%m%d-%H%M%S}.xml.gz"
        file.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(file, "wt", encoding="utf-8") as out:
            # XML keeps timestamps to the microsecond (Django's JSON encoder rounds to milliseconds).
            call_command("dumpdata", *INCLUDED, natural_foreign=True, format="xml", stdout=out)
        self.stdout.write(self.style.SUCCESS(f"Backup written to {file} ({file.stat().st_size:,} bytes)"))
