"""Simplified ↔ Traditional script conversion.

OpenCC (``opencc`` on PyPI, Apache-2.0) does the generic conversion with the configurations
``s2tw`` (to Traditional, Taiwan-standard character forms without vocabulary changes) and ``tw2s``
(to Simplified): on one-to-many pairs such as 头发/頭髮, 干部/幹部, 里面/裡面 they beat plain
``s2t``/``t2s`` (see DESIGN.md). This module adds what a wiki needs on top of it:

* protected spans are never converted: ``-{…}-`` markup, code, URLs, Markdown link destinations,
  citation keys ``[^key]`` and image names in figure links ``[[File:名称.jpg|…`` (a name is an
  identifier; the caption after ``|`` is converted);
* a glossary of (Simplified, Traditional) term pairs is applied *before* OpenCC, for proper nouns
  and terms the converter gets wrong;
* :func:`reconcile` is the save rule for a translated field (DESIGN.md, "Two scripts").

The module is pure (no database); callers pass the glossary in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable

import opencc

from .images.markup import NAMESPACES

HANS = "zh-hans"
HANT = "zh-hant"
SCRIPTS = (HANS, HANT)

_OPENCC_CONFIG = {HANT: "s2tw", HANS: "tw2s"}

# Spans that pass through untouched. Order matters: the first alternative that matches wins. Each
# alternative stops at the next bracket, brace or backtick run, so runs of openers (``-{`` ×100,000)
# convert in linear time (they took 75 s — issue 17).
_PROTECTED = re.compile(
    r"""
      \[\[\s*(?i:"""
    + "|".join(NAMESPACES)
    + r""")\s*:[^|\]\n]*               # figure link's image name [[File:名称.jpg
    |
      ^[ ]{0,3}(?P<fence>`{3,}+|~{3,}+)[^\n]*+\n.*?(?:^[ ]{0,3}(?P=fence)[ \t]*$|\Z)  # fenced code block
    | -\{[^{}]*\}-                       # MediaWiki -{…}- (no conversion / explicit variants)
    | (?<!`)`++[^`\n]*+`++                # inline code (whole backtick runs: linear on ```…)
    | \[\^[^\[\]\s]{1,50}\]                 # citation key [^key]
    | \]\([^)\s]*                        # Markdown link destination ](url
    | <[a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]*>  # autolink <scheme:…>
    | (?:https?|ftp)://[^\s<>()\[\]"'，。、；：（）「」『』]+  # bare URL
    """,
    re.VERBOSE | re.DOTALL | re.MULTILINE,
)


@lru_cache(maxsize=2)
def _converter(script: str) -> opencc.OpenCC:
    return opencc.OpenCC(_OPENCC_CONFIG[script])


@dataclass(frozen=True)
class Glossary:
    """Term pairs applied before OpenCC. ``pairs`` holds (simplified, traditional) tuples."""

    pairs: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def __bool__(self) -> bool:
        return bool(self.pairs)

    def pattern_for(self, script: str) -> tuple[re.Pattern[str] | None, dict[str, str]]:
        return _glossary_pattern(self.pairs, script)


EMPTY_GLOSSARY = Glossary()


@lru_cache(maxsize=256)
def _glossary_pattern(
    pairs: tuple[tuple[str, str], ...], script: str
) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """A regex matching any glossary term in either script, and the term's form in ``script``."""
    target: dict[str, str] = {}
    for hans, hant in pairs:
        wanted = hant if script == HANT else hans
        for term in (hans, hant):
            if term:
                target.setdefault(term, wanted)
    if not target:
        return None, {}
    # Longest first so that a longer term wins over a term it contains.
    alternatives = sorted(target, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, alternatives))), target


def _convert_plain(text: str, script: str, glossary: Glossary) -> str:
    """Convert text that holds no protected span: glossary terms first, then OpenCC between them."""
    converter = _converter(script)
    pattern, target = glossary.pattern_for(script) if glossary else (None, {})
    if pattern is None:
        return converter.convert(text)
    out: list[str] = []
    pos = 0
    for match in pattern.finditer(text):
        if match.start() > pos:
            out.append(converter.convert(text[pos : match.start()]))
        out.append(target[match.group(0)])
        pos = match.end()
    if pos < len(text):
        out.append(converter.convert(text[pos:]))
    return "".join(out)


def convert(text: str, script: str, glossary: Glossary = EMPTY_GLOSSARY) -> str:
    """Return ``text`` in ``script`` (``zh-hans`` or ``zh-hant``), protected spans untouched."""
    if script not in _OPENCC_CONFIG:
        raise ValueError(f"unknown script {script!r}; expected one of {SCRIPTS}")
    if not text:
        return text
    out: list[str] = []
    pos = 0
    for match in _PROTECTED.finditer(text):
        if match.start() > pos:
            out.append(_convert_plain(text[pos : match.start()], script, glossary))
        out.append(match.group(0))
        pos = match.end()
    if pos < len(text):
        out.append(_convert_plain(text[pos:], script, glossary))
    return "".join(out)


def protected_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every span :func:`convert` leaves untouched (``-{…}-``, code, URLs …)."""
    return [match.span() for match in _PROTECTED.finditer(text)] if text else []


def to_traditional(text: str, glossary: Glossary = EMPTY_GLOSSARY) -> str:
    return convert(text, HANT, glossary)


def to_simplified(text: str, glossary: Glossary = EMPTY_GLOSSARY) -> str:
    return convert(text, HANS, glossary)


def in_both_scripts(names: Iterable[str]) -> set[str]:
    """Each name as written, in Simplified and in Traditional: what a lookup "by a name in either
    script" compares against the stored columns of both scripts."""
    return {form for name in names for form in (name, to_simplified(name), to_traditional(name))}


def fold_to_simplified(text: str) -> str:
    """Every character in its Simplified form, nothing protected: for comparing and searching
    text, never for storing it."""
    return _converter(HANS).convert(text)


def other_script(script: str) -> str:
    return HANT if script == HANS else HANS


def reconcile(
    old: tuple[str, str] | None,
    new: tuple[str, str],
    glossary: Glossary | Callable[[], Glossary] = EMPTY_GLOSSARY,
) -> tuple[str, str]:
    """The save rule for one translated field, as (simplified, traditional) values.

    ``old`` is what was stored (None for a new object), ``new`` what the editor submitted.
    If the editor changed one script's value, the other is regenerated by conversion; if they
    changed both, both are kept as typed (a manual correction); an empty side is always filled.
    ``glossary`` may be a function that gives it: called only when a side is converted, so a
    save that converts nothing (both scripts given, nothing changed) never reads the glossary.
    """
    hans, hant = (value or "" for value in new)
    if old is None:
        changed_hans, changed_hant = bool(hans), bool(hant)
    else:
        changed_hans, changed_hant = hans != (old[0] or ""), hant != (old[1] or "")

    def terms() -> Glossary:
        return glossary if isinstance(glossary, Glossary) else glossary()

    if changed_hans and not changed_hant:
        hant = to_traditional(hans, terms()) if hans else hant
    elif changed_hant and not changed_hans:
        hans = to_simplified(hant, terms()) if hant else hans
    # Both changed (or neither): keep as typed, then fill whatever is still empty.
    if hans and not hant:
        hant = to_traditional(hans, terms())
    elif hant and not hans:
        hans = to_simplified(hant, terms())
    return hans, hant


def title_key(title: str) -> str:
    """THE title normalisation: titles (and aliases, link targets) match across scripts by their
    Simplified form. Wikilink tables, alias rows and the importer all key by this."""
    return to_simplified(title.strip())
