"""Text that enters the site is kept free of control characters.

U+0000–U+001F (and U+007F) other than tab and line breaks have no meaning in an article, but they
arrive — U+000B from Word pastes, NUL from broken exports — and XML 1.0 cannot carry them: the
Atom feeds and ``make backup`` failed on one such character (issue 17). One rule, applied where
text is saved (``articles.models``), where files are read (the importer) and where XML is written
(feeds, backups — for rows stored before the rule existed).

Line breaks are stored as ``\n`` only. Browsers submit a textarea's breaks as ``\r\n`` but show
and script them as ``\n``; stored ``\r\n`` made every offset computed on the server (the conversion
review's pins) drift by one per line break from the text the editor's browser holds (issue 23).
"""
from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control_characters(text: str) -> str:
    """``text`` without C0 control characters (tab, newline and carriage return kept) and DEL."""
    return _CONTROL.sub("", text) if text else text


_CARRIAGE_RETURN = re.compile(r"\r\n?")


def with_newlines(text: str) -> str:
    """``text`` with every ``\r\n`` and lone ``\r`` as ``\n``."""
    return _CARRIAGE_RETURN.sub("\n", text) if text and "\r" in text else text


def has_control_characters(text: str) -> bool:
    return bool(text) and _CONTROL.search(text) is not None
