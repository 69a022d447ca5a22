"""``python manage.py export_wiki DIR``: every article as Markdown in the stored dialect."""
from pathlib import Path

from django.core.management.base import BaseCommand

from articles.exporting import export_articles


class Command(BaseCommand):
    help = "Write each article to DIR as Markdown (stored dialect, both scripts); import_wiki reads it back."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory: Path, **options):
        written = export_articles(directory)
        self.stdout.write(self.style.SUCCESS(f"Exported {len(written)} articles to {directory}"))
