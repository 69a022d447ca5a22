"""The HTML of a figure: ``<figure>`` with a responsive ``<picture>`` and a ``<figcaption>``.

Renditions were made at upload (``processing.py``), so rendering a figure is string formatting from
the image row — no file access, no image decoding. The browser picks a width from ``srcset`` and
``sizes`` and WebP when it can; ``width``/``height`` reserve the space (no layout shift) and
``loading="lazy"`` defers figures below the fold — except the lead's figure (``eager``), which is
in view when the page opens.

Layout is MediaWiki's thumbnail (issue 22): a figure floats right at a thumbnail width
(``THUMB_WIDTH``, MediaWiki's default ``thumb`` size) and the text wraps around it; on a narrow
screen it takes the column (``static/css/site.css``). The figure's link always has an accessible
name: the alt text, else the caption's words, else the image's name.
"""
from __future__ import annotations

import html

from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from .models import Image

#: CSS pixels of a thumbnail (MediaWiki's default ``thumb`` width is 220 px, 250 px since 1.40).
THUMB_WIDTH = 220
# On a phone (the breakpoint of site.css) a figure takes the whole width, elsewhere a thumbnail.
SIZES = f"(max-width: 480px) 100vw, {THUMB_WIDTH}px"
MISSING_TITLE = _("图片文件尚未上传，读者看不到这张图")
MISSING_LABEL = _("缺少图片")


def fetch_images(names: list[str]) -> dict[str, Image]:
    """The images named, by name — one query however many figures a page has (none for none)."""
    if not names:
        return {}
    return {image.name: image for image in Image.objects.filter(name__in=names)}


def _srcset(image: Image, fmt: str) -> str:
    return ", ".join(f"{url} {width}w" for url, width in image.rendition_urls(fmt))


def figure_html(image: Image, page_url: str, caption_html: str, alt: str, *, eager: bool = False) -> str:
    """A figure for an image that has its file (callers handle missing ones); ``eager`` for the
    figure in view when the page opens (not lazy-loaded)."""
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
    alt = html.unescape(alt).strip() or readable_name(image.name)  # the link's accessible name
    loading = "eager" if eager else "lazy"
    return (
        f'<figure class="figure"><a class="figure-link" href="{escape(page_url)}">'
        f"<picture>{sources}"
        f'<img src="{escape(src)}" srcset="{escape(_srcset(image, fallback))}" sizes="{SIZES}" '
        f'width="{rendition["width"]}" height="{rendition["height"]}" alt="{escape(alt)}" '
        f'loading="{loading}" decoding="async"></picture></a>{caption}</figure>'
    )


def readable_name(name: str) -> str:
    """An image name as words (``Ketteler_portrait.jpg`` → ``Ketteler portrait``): the last resort
    for a figure's alternative text, so that its link never lacks a name."""
    stem = name.rsplit(".", 1)[0] if "." in name.strip(".") else name
    return stem.replace("_", " ").strip() or name


def missing_figure_html(name: str, page_url: str | None) -> str:
    """What editors see where a figure's file is missing (readers see nothing)."""
    label = f"{MISSING_LABEL}：{name}"
    inner = f'<a href="{escape(page_url)}">{escape(label)}</a>' if page_url else escape(label)
    return f'<span class="figure-missing" title="{escape(MISSING_TITLE)}">{inner}</span>'
