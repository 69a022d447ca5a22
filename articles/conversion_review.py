"""Conversion review: which characters of a text OpenCC had to choose a form for, and the choices.

A character is *ambiguous* when OpenCC's own character dictionary lists more than one candidate for
it: ``STCharacters`` then ``TWVariants`` for Simplified → Traditional, as ``s2tw`` does (里 → 裏 →
裡), ``TWVariantsRev`` then ``TSCharacters`` for Traditional → Simplified, as ``tw2s`` does. OpenCC's phrase tables usually pick the right
form (头发 → 頭髮), but only an editor can confirm it, so every such character is shown with the
chosen form and the alternatives until it is *reviewed*: pinned with ``-{zh-hans:X;zh-hant:Y}-``
(protected spans are never converted) or covered by a glossary term. Reviews live in the text and
the glossary, so they persist across saves with no extra table.

Decision — where the candidate lists come from: the .ocd2 files in the installed ``opencc`` wheel
are marisa-trie tries in OpenCC's own container format. Parsing that format in Python would mean
depending on an undocumented layout; instead ``make review-candidates`` dumps the four
dictionaries with Debian's ``opencc_dict`` (``articles/conversion_review_data.py``) into the
committed ``articles/data/opencc_character_tables.tsv`` (8,242 rows, 105 KB), and the site reads only that
file at run time — no Debian binary in production. ``tests/test_conversion_review.py`` dumps the
wheel's files independently and fails if the TSV is stale.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import conversion
from .conversion import HANS, HANT, Glossary
from .text_memo import TextMemo

CANDIDATES_FILE = Path(__file__).with_name("data") / "opencc_character_tables.tsv"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


@lru_cache(maxsize=1)
def _tables() -> dict[str, dict[str, list[str]]]:
    tables: dict[str, dict[str, list[str]]] = {"s2t": {}, "tw": {}, "twrev": {}, "t2s": {}}
    for line in CANDIDATES_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            direction, key, values = line.split("\t")
            tables[direction][key] = values.split(" ")
    return tables


def _unique(values) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def candidates(char: str, source_script: str) -> tuple[str, ...]:
    """Every form OpenCC may give ``char`` (written in ``source_script``) in the other script."""
    tables = _tables()
    # The character steps of OpenCC's chains: s2tw = STCharacters then TWVariants; tw2s =
    # TWVariantsRev (裡 → 裏) then TSCharacters. Every candidate of each step counts.
    first, second = ("s2t", "tw") if source_script == HANS else ("twrev", "t2s")
    return _unique(
        form for step in tables[first].get(char, [char]) for form in tables[second].get(step, [step])
    )


@dataclass(frozen=True)
class Piece:
    """A run of converted text; ``alternatives`` is set on an ambiguous character."""

    text: str
    source: str = ""
    offset: int = -1  # position of the source character in the source text, in UTF-16 code units
    alternatives: tuple[str, ...] = ()
    word_source: str = ""  # the character with a neighbour, for a glossary term
    word_target: str = ""
    word_index: int = 0  # where the character sits in word_source

    @property
    def ambiguous(self) -> bool:
        return len(self.alternatives) > 1


def _plain_segments(text: str, glossary: Glossary, target: str) -> list[tuple[int, int, bool]]:
    """(start, end, converted_by_opencc) covering ``text``: protected spans and glossary terms are not."""
    fixed = conversion.protected_spans(text)
    pattern, _ = glossary.pattern_for(target) if glossary else (None, {})
    segments: list[tuple[int, int, bool]] = []
    pos = 0
    for start, end in fixed + [(len(text), len(text))]:
        if start > pos:
            inner = pos
            for match in pattern.finditer(text, pos, start) if pattern else ():
                if match.start() > inner:
                    segments.append((inner, match.start(), True))
                segments.append((match.start(), match.end(), False))
                inner = match.end()
            if start > inner:
                segments.append((inner, start, True))
        if end > start:
            segments.append((start, end, False))
        pos = max(pos, end)
    return segments


def review(text: str, source_script: str, glossary: Glossary = conversion.EMPTY_GLOSSARY) -> list[Piece]:
    """``text`` converted to the other script, split so that each ambiguous character is a Piece."""
    target = conversion.other_script(source_script)
    pieces: list[Piece] = []
    utf16 = 0
    for start, end, by_opencc in _plain_segments(text or "", glossary, target):
        segment = text[start:end]
        converted = conversion.convert(segment, target, glossary) if by_opencc else segment
        if by_opencc and len(converted) == len(segment):
            run = []
            for i, (char, chosen) in enumerate(zip(segment, converted)):
                options = candidates(char, source_script)
                if len(options) > 1:
                    if run:
                        pieces.append(Piece("".join(run)))
                        run = []
                    position = start + i
                    word_start, word_end = _word_around(text, position)
                    word_source = text[word_start:word_end]
                    word_target = conversion.convert(word_source, target, glossary)
                    alternatives = _unique([chosen, *options])
                    pieces.append(Piece(chosen, char, utf16, alternatives, word_source, word_target,
                                        position - word_start))
                else:
                    run.append(chosen)
                utf16 += 2 if ord(char) > 0xFFFF else 1
            if run:
                pieces.append(Piece("".join(run)))
        else:
            # Protected, a glossary term, or a conversion that changed the length (cannot align).
            pieces.append(Piece(converted))
            utf16 += len(segment.encode("utf-16-le")) // 2
    return pieces


def _word_around(text: str, position: int) -> tuple[int, int]:
    """The character and a CJK neighbour: the glossary term an editor most likely means. A pair
    that OpenCC's phrase table converts differently from its characters (头发, 干部) wins."""
    spans = []
    if position > 0 and _CJK.match(text[position - 1]):
        spans.append((position - 1, position + 1))
    if position + 1 < len(text) and _CJK.match(text[position + 1]):
        spans.append((position, position + 2))
    for start, end in spans:
        word = text[start:end]
        if conversion.fold_to_simplified(word) == word:  # a Simplified pair: compare s2tw phrase vs chars
            if conversion.to_traditional(word) != "".join(conversion.to_traditional(c) for c in word):
                return start, end
        elif conversion.to_simplified(word) != "".join(conversion.to_simplified(c) for c in word):
            return start, end
    return spans[-1] if spans else (position, position + 1)


def pin_markup(source: str, form: str, source_script: str) -> str:
    """The ``-{…}-`` markup that fixes ``source`` to ``form`` in the other script."""
    hans, hant = (source, form) if source_script == HANS else (form, source)
    return f"-{{zh-hans:{hans};zh-hant:{hant}}}-"


def source_script(hans: str, hant: str, glossary: Glossary = conversion.EMPTY_GLOSSARY) -> str | None:
    """Which script of a stored pair was written (the other generated from it), if one was."""
    hans, hant = hans or "", hant or ""
    if hans and (not hant or conversion.to_traditional(hans, glossary) == hant):
        return HANS
    if hant and (not hans or conversion.to_simplified(hant, glossary) == hans):
        return HANT
    return None  # both typed by hand, or empty: nothing was guessed


@lru_cache(maxsize=2)
def _ambiguous_characters(script: str) -> frozenset[str]:
    """Every character :func:`candidates` gives more than one form when written in ``script``
    (only characters of the two tables' keys can have more than one)."""
    tables = _tables()
    first, second = ("s2t", "tw") if script == HANS else ("twrev", "t2s")
    chars = {key for key in (*tables[first], *tables[second]) if len(key) == 1}
    return frozenset(char for char in chars if len(candidates(char, script)) > 1)


def ambiguous_count(text: str, script: str, glossary: Glossary = conversion.EMPTY_GLOSSARY) -> int:
    """How many pieces of :func:`review` are ambiguous, without building them: the same segments
    and the same length check, the ambiguous characters counted by a set lookup (building every
    Piece of a 100,000-character article took ~0.2 s per save, this ~15 ms)."""
    target = conversion.other_script(script)
    is_ambiguous = _ambiguous_characters(script).__contains__
    count = 0
    for start, end, by_opencc in _plain_segments(text or "", glossary, target):
        if by_opencc:
            segment = text[start:end]
            if len(conversion.convert(segment, target, glossary)) == len(segment):
                count += sum(map(is_ambiguous, segment))
    return count


def _pair_count(hans: str, hant: str, glossary: Glossary) -> int:
    script = source_script(hans, hant, glossary)
    return ambiguous_count(hans if script == HANS else hant, script, glossary) if script else 0


# The counts are small numbers: the bound (characters of the texts counted) is generous.
_pair_counts = TextMemo(_pair_count, max_chars=20_000_000)


def unreviewed_count(pairs, glossary: Glossary = conversion.EMPTY_GLOSSARY) -> int:
    """Ambiguous characters left in (hans, hant) pairs, counted in the script each was written in."""
    return sum(_pair_counts((hans or "", hant or ""), (glossary,)) for hans, hant in pairs)
