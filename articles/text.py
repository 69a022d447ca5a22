"""Text that enters the site holds only characters XML 1.0 can carry.

U+0000–U+001F (and U+007F) other than tab and line breaks have no meaning in an article, but they
arrive — U+000B from Word pastes, NUL from broken exports — and XML 1.0 cannot carry them: the
Atom feeds and ``make backup`` failed on one such character (issue 17). The same held for the
other code points XML 1.0 forbids — U+FFFE and U+FFFF were accepted in titles, leads and tags,
and the backup that ``make backup`` reported written did not parse (issue 26) — so the rule drops
every code point outside XML 1.0's ``Char`` production (C0 controls, lone surrogates, U+FFFE,
U+FFFF) and the other Unicode noncharacters (U+FDD0–U+FDEF, the last two code points of every
plane), which XML 1.0 tells documents to avoid. One rule, applied where text is saved
(``articles.models``), where files are read (the importer) and where XML is written (feeds,
backups — for rows stored before the rule existed).

Line breaks are stored as ``\n`` only. Browsers submit a textarea's breaks as ``\r\n`` but show
and script them as ``\n``; stored ``\r\n`` made every offset computed on the server (the conversion
review's pins) drift by one per line break from the text the editor's browser holds (issue 23).
"""
from __future__ import annotations

import re

_NONCHARACTERS = "".join(f"{chr(plane << 16 | 0xFFFE)}-{chr(plane << 16 | 0xFFFF)}" for plane in range(17))
#: Not in XML 1.0's Char (tab, LF and CR are), plus DEL and the noncharacters.
_FORBIDDEN = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufdd0-\ufdef{_NONCHARACTERS}]")


def without_control_characters(text: str) -> str:
    """``text`` without C0 control characters (tab, newline and carriage return kept), DEL and
    every other code point XML 1.0 forbids or discourages (surrogates, noncharacters)."""
    return _FORBIDDEN.sub("", text) if text else text


_CARRIAGE_RETURN = re.compile(r"\r\n?")


def with_newlines(text: str) -> str:
    """``text`` with every ``\r\n`` and lone ``\r`` as ``\n``."""
    return _CARRIAGE_RETURN.sub("\n", text) if text and "\r" in text else text


def has_control_characters(text: str) -> bool:
    """Whether :func:`without_control_characters` would change ``text``."""
    return bool(text) and _FORBIDDEN.search(text) is not None
