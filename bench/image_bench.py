"""Image library figures: rendition time per upload and render time of a page with 10 figures.

Not a test: prints figures. Runs on a throwaway SQLite database and MEDIA_ROOT in a temporary
folder (``--database-url`` to use another database; it is migrated, and the tables it fills are
its own to drop). Usage: ``python bench/image_bench.py`` (``make bench-images``).
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def picture(width: int, height: int, fmt: str) -> bytes:
    """A photo-like picture (noise over gradients, so encoders work as on a real photo)."""
    from PIL import Image, ImageFilter

    noise = Image.effect_noise((width, height), 60).convert("RGB")
    gradient = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    image = Image.blend(noise, gradient, 0.6).filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    image.save(out, fmt, quality=90) if fmt == "JPEG" else image.save(out, fmt)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="image-bench-"))
    os.environ.setdefault("DATABASE_URL", args.database_url or f"sqlite:///{work / 'bench.sqlite3'}")
    os.environ["MEDIA_ROOT"] = str(work / "media")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ["ARTICLE_CACHE_SECONDS"] = "0"
    # The production settings with plain static storage (no collectstatic manifest needed).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "treatysite.test_settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from articles.images.models import Image
    from articles.models import Article
    from articles.rendering import render_article

    setup_test_environment()
    call_command("migrate", verbosity=0)
    print(f"Pillow renditions (320/640/1280 px, WebP + original format), median of {args.rounds}:")
    for label, width, height, fmt in (("JPEG 4000×3000 (12 MP photo)", 4000, 3000, "JPEG"),
                                      ("JPEG 1600×1200", 1600, 1200, "JPEG"),
                                      ("PNG 1200×800", 1200, 800, "PNG")):
        times = []
        for n in range(args.rounds):
            data = picture(width, height, fmt)  # fresh noise: a new hash, so every round really stores
            image = Image.objects.create(name=f"bench-{width}-{n}.{fmt.lower()}")
            start = time.perf_counter()
            image.attach(data)
            times.append(time.perf_counter() - start)
        print(f"  {label:<30} {len(data) / 1e6:5.1f} MB upload  {statistics.median(times) * 1000:7.0f} ms")

    for n in range(10):
        Image.objects.create(name=f"图{n}.jpg", caption_zh_hans=f"说明{n}").attach(picture(1600 + n, 1000, "JPEG"))
    lead = "导言。\n\n" + "\n\n".join(f"[[File:图{n}.jpg|第{n}张图的说明，头发与面条]]\n\n正文段落。" for n in range(10))
    article = Article.objects.create(title_zh_hans="十图条目", lead_zh_hans=lead, status="published")
    plain = Article.objects.create(title_zh_hans="无图条目", lead_zh_hans=lead.replace("[[File:", "[[文"), status="published")
    loaded = Article.objects.prefetch_related("sections", "references").get(pk=article.pk)
    for label, target in (("10 figures", loaded), ("no figures", Article.objects.prefetch_related("sections", "references").get(pk=plain.pk))):
        times = []
        for _ in range(args.rounds * 10):
            start = time.perf_counter()
            render_article(target, "zh-hant")
            times.append(time.perf_counter() - start)
        print(f"render_article, {label}: median {statistics.median(times) * 1000:.2f} ms")
    client = Client()
    for label, target in (("10 figures", article), ("no figures", plain)):
        url = target.get_absolute_url()
        client.get(url)
        times = []
        for _ in range(args.rounds * 4):
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        assert response.status_code == 200
        print(f"whole page, cache off, {label}: median {statistics.median(times) * 1000:.2f} ms, "
              f"{len(queries)} queries, {len(response.content):,} bytes")
    print(f"(work folder {work} — delete it when done)")


if __name__ == "__main__":
    main()
