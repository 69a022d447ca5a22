"""``python manage.py fetch_media``: download the files of images that content uses but nobody uploaded.

The URL comes from ``MEDIA_FETCH_URL`` (``{name}`` is the image name; default Wikimedia Commons'
``Special:FilePath/{name}``) or ``--url``. Each download is bounded (``--timeout``, ``--max-bytes``),
must say it is an image and must pass the upload checks. A tqdm progress bar shows the way;
failures are listed at the end and make the exit status 1.
"""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.images import processing
from articles.images.models import Image
from articles.images.sources import fetch_missing


class Command(BaseCommand):
    help = "Download missing image files from a URL template (MEDIA_FETCH_URL, default Wikimedia Commons)."

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="only these images (default: every image without a file)")
        parser.add_argument("--url", dest="template", help="URL template with {name}, e.g. https://host/files/{name}")
        parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request (default 30)")
        parser.add_argument("--max-bytes", type=int, default=None, help="largest file accepted (default IMAGE_MAX_BYTES)")

    def handle(self, *args, names: list[str], template: str | None, timeout: float, max_bytes: int | None, **options):
        images = Image.objects.without_file().order_by("name")
        if names:
            images = images.filter(name__in=names)
        images = list(images)
        if not images:
            self.stdout.write("No images are missing a file.")
            return
        with tqdm(total=len(images), file=self.stdout, unit="image", disable=None) as bar:
            def progress(image: Image, error: str | None) -> None:
                bar.set_postfix_str(image.name[:30])
                bar.update(1)

            outcome = fetch_missing(images, template=template, timeout=timeout,
                                    max_bytes=max_bytes or processing.max_bytes(), progress=progress)
        self.stdout.write(f"{len(outcome.attached)} downloaded, {len(outcome.failed)} failed")
        for name, reason in outcome.failed:
            self.stderr.write(self.style.ERROR(f"{name}: {reason}"))
        if outcome.failed:
            raise CommandError(f"{len(outcome.failed)} of {len(images)} images could not be fetched")
