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
from typing import Iterable

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


@lru_cache(maxsize=1)
def script_only_characters() -> tuple[frozenset[str], frozenset[str]]:
    """(characters only 繁體 writes, characters only 简体 writes), from OpenCC's character tables:
    a character whose every candidate in the other script is another character (執, 软). Characters
    both scripts write (游, 里, 发 …) are in neither set: they tell nothing about what was typed."""
    tables = _tables()
    traditional = {key for name in ("t2s", "twrev") for key, values in tables[name].items() if key not in values}
    simplified = {key for key, values in tables["s2t"].items() if key not in values}
    return frozenset(traditional), frozenset(simplified)


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


@lru_cache(maxsize=2)
def _ambiguous_chars(source_script: str) -> frozenset[str]:
    """Every character written in ``source_script`` with more than one candidate."""
    tables = _tables()
    first, second = ("s2t", "tw") if source_script == HANS else ("twrev", "t2s")
    return frozenset(c for c in set(tables[first]) | set(tables[second]) if len(candidates(c, source_script)) > 1)


@lru_cache(maxsize=2)
def _ambiguous_pattern(source_script: str) -> re.Pattern:
    """One character class of :func:`_ambiguous_chars`: a regex scan finds where they are at C
    speed, so a 200,000-character text is reviewed in milliseconds, not seconds."""
    return re.compile("[" + "".join(re.escape(c) for c in sorted(_ambiguous_chars(source_script))) + "]")


def _aligned_segments(text: str, source_script: str, glossary: Glossary):
    """(start, end, converted, aligned) per segment; ``aligned`` when OpenCC converted it
    character for character, so that ``converted[i]`` is the form chosen for ``text[start + i]``."""
    target = conversion.other_script(source_script)
    for start, end, by_opencc in _plain_segments(text or "", glossary, target):
        segment = text[start:end]
        converted = conversion.convert_unprotected(segment, target) if by_opencc else segment
        yield start, end, converted, by_opencc and len(converted) == len(segment)


def _piece(text: str, position: int, chosen: str, utf16: int, source_script: str, glossary: Glossary) -> Piece:
    char = text[position]
    word_start, word_end = _word_around(text, position)
    word_source = text[word_start:word_end]
    word_target = conversion.convert(word_source, conversion.other_script(source_script), glossary)
    return Piece(chosen, char, utf16, _unique([chosen, *candidates(char, source_script)]), word_source, word_target,
                 position - word_start)


def _utf16_length(text: str) -> int:
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def review(text: str, source_script: str, glossary: Glossary = conversion.EMPTY_GLOSSARY) -> list[Piece]:
    """``text`` converted to the other script, split so that each ambiguous character is a Piece.
    The whole text, for tests and small texts; the live preview uses :func:`choices` (bounded)."""
    pattern = _ambiguous_pattern(source_script)
    pieces: list[Piece] = []
    utf16 = 0
    for start, end, converted, aligned in _aligned_segments(text, source_script, glossary):
        if not aligned:
            # Protected, a glossary term, or a conversion that changed the length (cannot align).
            pieces.append(Piece(converted))
            utf16 += _utf16_length(text[start:end])
            continue
        done = start
        for match in pattern.finditer(text, start, end):
            position = match.start()
            if position > done:
                pieces.append(Piece(converted[done - start:position - start]))
                utf16 += _utf16_length(text[done:position])
            pieces.append(_piece(text, position, converted[position - start], utf16, source_script, glossary))
            utf16 += _utf16_length(text[position])
            done = position + 1
        if end > done:
            pieces.append(Piece(converted[done - start:]))
            utf16 += _utf16_length(text[done:end])
    return pieces


@dataclass(frozen=True)
class Choice:
    """An ambiguous character for the live preview's review: the Piece and a little converted
    context either side (within its segment), instead of a copy of the whole text."""

    piece: Piece
    before: str
    after: str


def choices(text: str, source_script: str, glossary: Glossary = conversion.EMPTY_GLOSSARY, limit: int = 100,
            context: int = 12) -> tuple[list[Choice], int]:
    """The first ``limit`` ambiguous characters of ``text`` with context, and how many there are
    in all. Only the shown ones pay for a word lookup, so time and size stay bounded."""
    pattern = _ambiguous_pattern(source_script)
    shown: list[Choice] = []
    total = 0
    utf16, counted = 0, 0  # UTF-16 offset of text[counted], advanced incrementally
    for start, end, converted, aligned in _aligned_segments(text, source_script, glossary):
        if not aligned:
            continue
        if len(shown) >= limit:
            total += len(pattern.findall(text, start, end))
            continue
        for match in pattern.finditer(text, start, end):
            total += 1
            if len(shown) >= limit:
                continue
            position = match.start()
            utf16 += _utf16_length(text[counted:position])
            counted = position
            index = position - start
            piece = _piece(text, position, converted[index], utf16, source_script, glossary)
            shown.append(Choice(piece, converted[max(0, index - context):index],
                                converted[index + 1:index + 1 + context]))
    return shown, total


def count_ambiguous(text: str, source_script: str, glossary: Glossary = conversion.EMPTY_GLOSSARY) -> int:
    """How many characters of ``text`` the converter had to choose a form for.

    Counted by set membership, not by the regex of :func:`_ambiguous_pattern`: a class of ~2,000
    characters costs ``re`` 0.25 µs per character scanned, ``frozenset.__contains__`` a tenth of
    that (a 20,000-character section: 5 ms → 0.6 ms; every save counts its new parts, issue 24)."""
    ambiguous = _ambiguous_chars(source_script).__contains__
    return sum(sum(map(ambiguous, text[start:end]))
               for start, end, _, aligned in _aligned_segments(text, source_script, glossary) if aligned)


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
    """A guess at which script of a stored pair was written (the other generated from it), for rows
    saved before the written script was recorded; :func:`review_source` prefers the record."""
    hans, hant = hans or "", hant or ""
    if hans and (not hant or conversion.to_traditional(hans, glossary) == hant):
        return HANS
    if hant and (not hans or conversion.to_simplified(hant, glossary) == hans):
        return HANT
    return None  # both typed by hand, or empty: nothing was guessed


def review_source(hans: str, hant: str, written: str | None,
                  glossary: Glossary = conversion.EMPTY_GLOSSARY) -> str | None:
    """The script to review a pair from: the one the editor wrote it in (``written``, as recorded
    by ``ScriptSyncedModel.written_scripts``), so 繁體-typed text lists only 繁→简 candidates and
    简体-typed text only 简→繁 ones. ``both`` (each typed by hand) has nothing to review; no record
    (older rows) falls back to :func:`source_script`."""
    if written in (HANS, HANT):
        return written if (hans if written == HANS else hant) else None
    if written == conversion.BOTH:
        return None
    return source_script(hans, hant, glossary)


def _pair_count(hans: str, hant: str, written: str | None, glossary: Glossary) -> int:
    script = review_source(hans, hant, written, glossary)
    return count_ambiguous(hans if script == HANS else hant, script, glossary) if script else 0


# Each text's count is remembered (articles/text_memo.py), so a save recounts only the parts that
# changed (issue 24); the counts are small numbers, so the bound (characters seen) is generous.
_pair_counts = TextMemo(_pair_count, max_chars=20_000_000)


def unreviewed_count(pairs, glossary: Glossary = conversion.EMPTY_GLOSSARY) -> int:
    """Ambiguous characters left in ``(hans, hant)`` or ``(hans, hant, written script)`` items,
    counted in the script each was written in."""
    return sum(_pair_counts((hans or "", hant or ""), (written[0] if written else None, glossary))
               for hans, hant, *written in pairs)


# --- regional vocabulary (issue 25) -------------------------------------------------------------

@dataclass(frozen=True)
class RegionalSubstitution:
    """A word a regional variant reads differently from the script alone: 软件 → zh-tw 軟體."""

    variant: str
    written: str  # the word as it stands in the field
    offset: int  # where it starts in the field, in UTF-16 code units (what the editor's JS counts)
    script_form: str  # what the variant would read with script conversion only ("as written")
    regional: str  # what the variant reads: OpenCC's regional phrase
    hans: str  # the word's two script forms, for a -{…}- pin or a glossary term
    hant: str

    @property
    def label(self) -> str:
        from .variants import LABELS

        return LABELS[self.variant]


def regional_substitutions(text: str, terms: Iterable[tuple[str, str, str]] = ()) -> list[RegionalSubstitution]:
    """The regional-vocabulary substitutions a text receives in zh-cn, zh-tw and zh-hk, exactly as
    ``conversion.to_variant`` makes them (``conversion.vocabulary_substitutions``: never inside
    ``-{…}-``, code, URLs, titles of works or glossary ``terms``, which apply first), leaving out
    those that read as the script conversion alone. Ordered by position, then variant."""
    from .conversion import to_variant, vocabulary_substitutions
    from .variants import REGIONAL

    if not text:
        return []
    terms = tuple(terms)
    found = []
    for variant in REGIONAL:
        for start, _end, word, replacement in vocabulary_substitutions(text, variant, terms):
            script_form = to_variant(word, variant, vocabulary=False)
            if replacement == script_form:
                continue
            offset = len(text[:start].encode("utf-16-le")) // 2
            found.append(RegionalSubstitution(variant, word, offset, script_form, replacement,
                                              conversion.to_simplified(word), conversion.to_traditional(word)))
    return sorted(found, key=lambda s: (s.offset, REGIONAL.index(s.variant)))
