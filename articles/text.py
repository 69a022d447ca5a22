"""Text that enters the site is kept free of control characters.

U+0000–U+001F (and U+007F) other than tab and line breaks have no meaning in an article, but they
arrive — U+000B from Word pastes, NUL from broken exports — and XML 1.0 cannot carry them: the
Atom feeds and ``make backup`` failed on one such character (issue 17). One rule, applied where
text is saved (``articles.models``), where files are read (the importer) and where XML is written
(feeds, backups — for rows stored before the rule existed).
"""
from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control_characters(text: str) -> str:
    """``text`` without C0 control characters (tab, newline and carriage return kept) and DEL."""
    return _CONTROL.sub("", text) if text else text


def has_control_characters(text: str) -> bool:
    return bool(text) and _CONTROL.search(text) is not None
