"""Figure markup in the stored dialect: ``[[File:名称.jpg|说明]]`` (DESIGN.md, "Stored Markdown dialect").

Pure text functions shared by the renderer, the model layer (which makes sure every referenced
image has a record), the importer and the admin chooser — one definition of what a figure link is.

MediaWiki spells the namespace several ways and Chinese wikis use its aliases, so all of
``File:``, ``Image:``, ``文件:``, ``档案:``/``檔案:`` and ``图像:``/``圖像:`` (any case) are figures.
MediaWiki's layout options (``thumb``, ``right``, ``300px``, ``upright=1.2`` …) are accepted and
ignored: the site lays figures out itself; ``alt=`` sets the alternative text; the last other part
is the caption, as in MediaWiki.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

NAMESPACES = ("file", "image", "文件", "档案", "檔案", "图像", "圖像")
_NAMESPACE = re.compile(r"^\s*(?:" + "|".join(NAMESPACES) + r")\s*:\s*", re.I)
# A [[…]] link whose target starts with a file namespace; the inner text holds no brackets or newline.
_FIGURE_LINKS = re.compile(r"\[\[\s*((?:" + "|".join(NAMESPACES) + r")\s*:[^\[\]\n]*)\]\]", re.I)
# MediaWiki thumbnails are named "<width>px-<name>"; the image is <name>.
_THUMB_PREFIX = re.compile(r"^\d{1,5}px-(?=.)", re.I)
_LAYOUT_OPTION = re.compile(
    r"^(thumb|thumbnail|frame|framed|frameless|border|left|right|center|centre|none|baseline|middle|"
    r"sub|super|top|text-top|bottom|text-bottom|upright(=[\d.]+)?|\d*x?\d+px|link=.*|page=\d+|lang=.*|"
    r"缩略图|縮圖|左|右|居中|无|無)$",
    re.I,
)
NAME_MAX_LENGTH = 200


@dataclass(frozen=True)
class FigureLink:
    name: str  # canonical image name
    caption: str  # as written (Markdown inline), may be empty
    alt: str


def is_figure_target(target: str) -> bool:
    """Does a ``[[…]]`` target name a file (``File:X.jpg``, ``文件:X.jpg`` …)?"""
    return bool(_NAMESPACE.match(target))


def canonical_name(name: str) -> str:
    """The stable image name for a written one.

    Namespace and MediaWiki's ``NNNpx-`` thumbnail prefix removed, underscores and spaces folded
    to ``_`` (MediaWiki treats them as one), Unicode NFC, path separators and control characters
    dropped (names become part of URLs and file names), first letter upper-cased like MediaWiki.
    """
    name = _NAMESPACE.sub("", unicodedata.normalize("NFC", name or "")).strip()
    name = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = re.sub(r"[\s_]+", "_", name).strip("_.")
    name = _THUMB_PREFIX.sub("", name)
    if name[:1].islower():
        name = name[0].upper() + name[1:]
    return name[:NAME_MAX_LENGTH]


def parse_figure(inner: str) -> FigureLink | None:
    """``File:X.jpg|thumb|说明`` (the text between ``[[`` and ``]]``) → its parts, or None."""
    if not is_figure_target(inner):
        return None
    # Inside a GFM table cell the separator is written \| (markdown-it unescapes it before us).
    target, *options = inner.replace("\\|", "|").split("|")
    name = canonical_name(target)
    if not name:
        return None
    caption, alt = "", ""
    for option in options:
        option = option.strip()
        if option.lower().startswith("alt="):
            alt = option[4:].strip()
        elif option and not _LAYOUT_OPTION.match(option):
            caption = option
    return FigureLink(name=name, caption=caption, alt=alt)


def figure_links(text: str) -> list[FigureLink]:
    """The figure links of one text, in order."""
    found = (parse_figure(m.group(1)) for m in _FIGURE_LINKS.finditer(text or ""))
    return [link for link in found if link is not None]


def figure_names(texts: Iterable[str]) -> list[str]:
    """Canonical names of the images the texts refer to, first appearance first, no repeats."""
    names: dict[str, None] = {}
    for text in texts:
        for link in figure_links(text):
            names.setdefault(link.name, None)
    return list(names)


def figure_markup(name: str, caption: str = "", *, in_table: bool = False) -> str:
    """The markup an editor (or the chooser, or the importer) writes for an image.

    In a GFM table cell the caption separator must be escaped (``\\|``), or it would split the cell.
    """
    separator = "\\|" if in_table else "|"
    caption = caption.replace("[", "(").replace("]", ")").replace("|", "｜").replace("\n", " ").strip()
    return f"[[File:{name}{separator}{caption}]]" if caption else f"[[File:{name}]]"
