"""The HTML of a figure: ``<figure>`` with a responsive ``<picture>`` and a ``<figcaption>``.

Renditions were made at upload (``processing.py``), so rendering a figure is string formatting from
the image row — no file access, no image decoding. The browser picks a width from ``srcset`` and
``sizes`` and WebP when it can; ``width``/``height`` reserve the space (no layout shift) and
``loading="lazy"`` defers figures below the fold.
"""
from __future__ import annotations

import html

from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from .models import Image

# The article column is at most 46rem wide; on a phone a figure takes the whole width.
SIZES = "(max-width: 46rem) 100vw, 40rem"
MISSING_TITLE = _("图片文件尚未上传，读者看不到这张图")
MISSING_LABEL = _("缺少图片")


def fetch_images(names: list[str]) -> dict[str, Image]:
    """The images named, by name — one query however many figures a page has (none for none)."""
    if not names:
        return {}
    return {image.name: image for image in Image.objects.filter(name__in=names)}


def _srcset(image: Image, fmt: str) -> str:
    return ", ".join(f"{url} {width}w" for url, width in image.rendition_urls(fmt))


def figure_html(image: Image, page_url: str, caption_html: str, alt: str) -> str:
    """A figure for an image that has its file (callers handle missing ones)."""
    fallback = image.fallback_format()
    fallback_urls = image.rendition_urls(fallback)
    # The widest rendition up to 640 px is the src for browsers without srcset, and its size is the
    # intrinsic size the browser reserves.
    src, _width = next((u for u in reversed(fallback_urls) if u[1] <= 640), fallback_urls[0])
    rendition = max(image.renditions, key=lambda r: r["width"])
    sources = ""
    if fallback != "webp":
        sources = f'<source type="image/webp" srcset="{escape(_srcset(image, "webp"))}" sizes="{SIZES}">'
    caption = f"<figcaption>{caption_html}</figcaption>" if caption_html else ""
    return (
        f'<figure class="figure"><a class="figure-link" href="{escape(page_url)}">'
        f"<picture>{sources}"
        f'<img src="{escape(src)}" srcset="{escape(_srcset(image, fallback))}" sizes="{SIZES}" '
        f'width="{rendition["width"]}" height="{rendition["height"]}" alt="{escape(html.unescape(alt))}" '
        f'loading="lazy" decoding="async"></picture></a>{caption}</figure>'
    )


def missing_figure_html(name: str, page_url: str | None) -> str:
    """What editors see where a figure's file is missing (readers see nothing)."""
    label = f"{MISSING_LABEL}：{name}"
    inner = f'<a href="{escape(page_url)}">{escape(label)}</a>' if page_url else escape(label)
    return f'<span class="figure-missing" title="{escape(MISSING_TITLE)}">{inner}</span>'
