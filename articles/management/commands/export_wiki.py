"""``python manage.py export_wiki DIR``: every article as Markdown in the stored dialect, and the
image files they use in ``DIR/media/`` (``import_wiki DIR --media DIR/media`` restores both)."""
from pathlib import Path

from django.core.management.base import BaseCommand

from articles.exporting import export_articles, export_image_files


class Command(BaseCommand):
    help = "Write each article to DIR as Markdown (stored dialect, both scripts); import_wiki reads it back."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory: Path, **options):
        written = export_articles(directory)
        images = export_image_files(directory)
        self.stdout.write(self.style.SUCCESS(f"Exported {len(written)} articles and {len(images)} image files to {directory}"))
