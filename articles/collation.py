"""Sorting Chinese titles the way readers look them up: by pinyin, then by the characters.

Code-point order is meaningless to a reader (苏 U+82CF sorts after 条 U+6761 but 蘇 U+8607 after
條 U+689D, so each script would get a different arbitrary order). pypinyin (MIT) gives the reading
of each character in either script, so both scripts list articles in the same, familiar
音序 order; databases cannot do this portably (SQLite has no CJK collation).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable, TypeVar

from pypinyin import Style, lazy_pinyin

T = TypeVar("T")


@lru_cache(maxsize=20_000)
def title_sort_key(title: str) -> tuple[tuple[str, ...], str]:
    """(pinyin syllables with tone numbers, the title) — ASCII words sort among the syllables."""
    return tuple(s.lower() for s in lazy_pinyin(title, style=Style.TONE3, errors="default")), title


def sort_by_title(items: Iterable[T], attribute: str) -> list[T]:
    """``items`` sorted by ``attribute`` (read in the active script, via modeltranslation)."""
    return sorted(items, key=lambda item: title_sort_key(str(getattr(item, attribute) or "")))
