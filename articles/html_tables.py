"""Tables whose cells hold lists or paragraphs: pandoc writes them as raw HTML ``<table>`` (GFM
cells hold one line), and they are kept as such in the stored dialect (issue 22).

The stored form is deliberately narrow — the importer writes it, the renderer reads it, both
through this module:

* structure tags only, bare: ``table thead tbody tfoot tr th td caption ul ol li p br``, with
  ``colspan``/``rowspan`` (numbers) on cells and nothing else (no class, no style, no event);
* everything between tags is the dialect's inline Markdown (``[[链接|标签]]``, ``[^1]``,
  ``-{…}-``, ``**粗**``), so links resolve, citations number and the two scripts convert as in
  any text.

The renderer keeps raw HTML off everywhere else: only a block that starts with ``<table>`` on a
line of its own and ends at its balanced ``</table>`` is read this way, its tags are rebuilt from
the allow-list here (never copied), and nh3 cleans the page afterwards as for all content.
A table whose end is missing stays text. Writing a tiny tokenizer rather than using an HTML
parser: the input is pandoc's regular output or our own stored form, and the text between tags
must stay Markdown, which an HTML parser would decode and re-escape.
"""
from __future__ import annotations

import html
import re
from typing import Callable

STRUCTURE_TAGS = ("table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "ul", "ol", "li", "p", "br")
_SPAN_ATTRIBUTE = re.compile(r"""\b(colspan|rowspan)\s*=\s*["']?(\d{1,3})["']?""", re.I)
# Any tag (pandoc's output may carry attributes: class="odd", style=…).
_ANY_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)((?:\s+[^<>]*?)?)\s*/?>", re.S)
# A table in pandoc's output, outermost first (inner tables are taken with it).
_TABLE_START = re.compile(r"<table\b[^<>]*>", re.I)
_TABLE_END = re.compile(r"</table\s*>", re.I)
_LINK = re.compile(r"<a\b([^<>]*)>(.*?)</a\s*>", re.S | re.I)
_HREF = re.compile(r"""\bhref\s*=\s*"([^"]*)"|\bhref\s*=\s*'([^']*)'""", re.I)
_TITLE = re.compile(r"""\btitle\s*=\s*"([^"]*)\"""", re.I)
# The stored form: a bare structure tag (cells may carry colspan/rowspan).
STORED_TAG = re.compile(
    r"<(/?)(" + "|".join(STRUCTURE_TAGS) + r")((?:\s+(?:colspan|rowspan)=\"\d{1,3}\")*)\s*/?>", re.I
)


def find_tables(text: str) -> list[tuple[int, int]]:
    """Spans of the outermost ``<table>…</table>`` of ``text`` (balanced; an unclosed one is not a table)."""
    spans, pos = [], 0
    while (start := _TABLE_START.search(text, pos)) is not None:
        depth, cursor, end = 1, start.end(), -1
        while depth:
            opening, closing = _TABLE_START.search(text, cursor), _TABLE_END.search(text, cursor)
            if closing is None:
                break
            if opening is not None and opening.start() < closing.start():
                depth, cursor = depth + 1, opening.end()
            else:
                depth, cursor = depth - 1, closing.end()
                end = cursor if depth == 0 else end
        if end < 0:
            break
        spans.append((start.start(), end))
        pos = end
    return spans


def from_pandoc(table: str, link: Callable[[str, str, str], str], text: Callable[[str], str]) -> str:
    """pandoc's ``<table>`` → the stored form: structure tags bare, ``<a>`` through ``link(href,
    title, label)`` (the importer's wiki-link rule), other tags dropped with their text kept, and
    the text through ``text`` (the importer's inline conversion) after HTML entities are decoded.
    One line per row, so the block is easy to read and diff."""

    def replace_link(match: re.Match[str]) -> str:
        href = _HREF.search(match.group(1))
        title = _TITLE.search(match.group(1))
        label = _plain(match.group(2))
        target = html.unescape((href.group(1) or href.group(2)) if href else "")
        return "\ue010" + link(target, html.unescape(title.group(1)) if title else "", label) + "\ue011"

    table = _LINK.sub(replace_link, table)
    out: list[str] = []
    pos = 0
    for tag in _ANY_TAG.finditer(table):
        out.append(_text(table[pos:tag.start()], text))
        pos = tag.end()
        closing, name = tag.group(1), tag.group(2).lower()
        if name not in STRUCTURE_TAGS:
            continue
        spans = "" if closing else "".join(
            f' {m.group(1).lower()}="{m.group(2)}"' for m in _SPAN_ATTRIBUTE.finditer(tag.group(3) or "")
        ) if name in ("th", "td") else ""
        out.append(f"<{closing}{name}{spans}>")
        if name in ("table", "thead", "tbody", "tfoot", "tr") or (closing and name in ("ul", "ol")):
            out.append("\n")
    out.append(_text(table[pos:], text))
    stored = re.sub(r"\n\s*\n+", "\n", "".join(out)).strip()
    return re.sub(r"\ue010|\ue011", "", stored)


def _plain(fragment: str) -> str:
    """A link label's text: inner tags dropped, entities decoded, white space folded."""
    return " ".join(html.unescape(_ANY_TAG.sub("", fragment)).split())


def _text(fragment: str, convert: Callable[[str], str]) -> str:
    """Text between tags: decoded, white space folded (a cell is one line), converted — except the
    links already made, which are not decoded or converted twice."""
    parts = re.split(r"(\ue010.*?\ue011)", fragment, flags=re.S)
    folded = "".join(part if part.startswith("\ue010") else html.unescape(part) for part in parts)
    folded = " ".join(folded.split()) if folded.strip() else ""
    if not folded:
        return ""
    parts = re.split(r"(\ue010.*?\ue011)", folded, flags=re.S)
    return "".join(part if part.startswith("\ue010") else convert(part) for part in parts)


# --- the renderer's side -------------------------------------------------------------------------


_STORED_TABLE_TAG = re.compile(r"<(/?)table>", re.I)


def stored_table_blocks(lines: list[str]) -> dict[int, int]:
    """Where each stored table starts (a line opening with ``<table>``) → the line after its
    balanced ``</table>``; one pass, so a text of many unclosed ``<table>`` lines costs linear time."""
    blocks: dict[int, int] = {}
    stack: list[int] = []
    for index, line in enumerate(lines):
        for tag in _STORED_TABLE_TAG.finditer(line):
            if not tag.group(1):
                stack.append(index)
            elif stack:
                start = stack.pop()
                if not stack:
                    blocks[start] = index + 1
    return {start: end for start, end in blocks.items() if re.match(r"^\s*<table>", lines[start], re.I)}


def render_stored(table: str, render_text: Callable[[str], str]) -> str:
    """HTML of a stored table: its structure tags rebuilt from the allow-list, the text between
    them rendered by ``render_text`` (inline Markdown); anything else in angle brackets is text."""
    out, pos = [], 0
    for tag in STORED_TAG.finditer(table):
        segment = table[pos:tag.start()]
        if segment.strip():
            out.append(render_text(segment.strip()))
        pos = tag.end()
        closing, name = tag.group(1), tag.group(2).lower()
        spans = "".join(f' {m.group(1).lower()}="{m.group(2)}"' for m in _SPAN_ATTRIBUTE.finditer(tag.group(3) or ""))
        out.append(f"<{closing}{name}{spans if not closing else ''}>")
    if table[pos:].strip():
        out.append(render_text(table[pos:].strip()))
    return "".join(out) + "\n"
