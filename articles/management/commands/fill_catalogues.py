"""Fill the gettext catalogues from the Simplified source strings.

UI strings are written in Simplified Chinese in the code and templates. After ``makemessages``,
this fills every untranslated entry: the zh_Hans catalogue with the string itself, the zh_Hant
catalogue with its OpenCC ``s2tw`` conversion (reviewed like any conversion: fix an entry by
hand and it is kept, since only empty entries are filled). Then run ``compilemessages``.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from articles.conversion import to_traditional

CATALOGUES = {"zh_Hans": lambda s: s, "zh_Hant": to_traditional}


def _unquote(line: str) -> str:
    return ast.literal_eval(line.strip()) if line.strip().startswith('"') else ""


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def fill(po_text: str, translate) -> tuple[str, int]:
    """Return the catalogue with empty msgstr entries filled, and how many were filled."""
    lines = po_text.split("\n")
    out: list[str] = []
    msgid, current, filled, index = "", None, 0, 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("msgid "):
            current, msgid = "msgid", _unquote(line[6:])
        elif line.startswith("msgid_plural "):
            current = "plural"
        elif line.startswith('"') and current == "msgid":
            msgid += _unquote(line)
        elif re.match(r'msgstr(\[\d+\])? ""$', line) and msgid:
            continued = index + 1 < len(lines) and lines[index + 1].startswith('"')
            if not continued:
                out.append(line.split(" ", 1)[0] + " " + _quote(translate(msgid)))
                filled += 1
                index += 1
                continue
            current = None
        elif not line.strip():
            msgid, current = "", None
        out.append(line)
        index += 1
    return "\n".join(out), filled


class Command(BaseCommand):
    help = "Fill untranslated entries of the zh_Hans/zh_Hant catalogues (then run compilemessages)."

    def handle(self, *args, **options):
        for locale, translate in CATALOGUES.items():
            for base in settings.LOCALE_PATHS:
                path = Path(base) / locale / "LC_MESSAGES" / "django.po"
                if not path.exists():
                    continue
                text, filled = fill(path.read_text(encoding="utf-8"), translate)
                # The header's "#, fuzzy" would make compilemessages skip the header.
                text = text.replace('#, fuzzy\nmsgid ""', 'msgid ""', 1)
                path.write_text(text, encoding="utf-8")
                self.stdout.write(f"{path}: filled {filled} entries")
