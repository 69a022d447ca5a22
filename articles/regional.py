"""Regional vocabulary (zh-cn 软件 / zh-tw 軟體 / zh-hk 軟件) on top of script conversion, never
across a word boundary.

Why not OpenCC's ``s2twp`` / ``s2hkp`` / ``tw2sp`` as they are: their segmentation step is a
maximum forward match on the *script* phrase dictionary (STPhrases / TSPhrases), and characters
that dictionary does not know are kept together as one segment. The vocabulary step then runs its
own maximum match inside that segment, so ``改变量子比特`` (no STPhrases entry: one segment) has
``變量`` (→ 變數) matched across 改变|量子 and comes out ``改變數子位元``; older dictionaries gave
``互联网络`` → 網際網路絡 the same way (互聯網 matched, 絡 left over).

The principled fix used here: a regional phrase may replace text only where it *starts and ends on
word boundaries* of a real word segmentation of the sentence. The segmentation is jieba's
dictionary segmentation (``rjieba``, the Python binding of jieba-rs, MIT: a well-kept segmenter
with its own 350k-word dictionary, ~35 MiB resident, microseconds per sentence; the pure-Python
``jieba`` needs ~80 MiB and a second to load), run with HMM off so that only dictionary words
make boundaries. Word boundaries are found on the *Simplified* form of the text (jieba's
dictionary is Simplified), and the regional tables are keyed by the Simplified form of each phrase
too, so text typed in 简体 and in 繁體 is matched the same way. A phrase may span several words
(数据|库 → 資料庫), never part of one (改变|量子: 变量 starts inside 改变 and is refused), except
at the joint of a compound made of two dictionary words (内存|不足 → 記憶體不足, see
:func:`word_boundaries`).

The tables are OpenCC's own regional phrase dictionaries, dumped once into
``articles/data/opencc_regional_phrases.tsv`` by :mod:`articles.regional_phrases_data`. Each phrase
has a domain: site-wide, or :data:`COMPUTING` (OpenCC's IT vocabulary that MediaWiki too keeps out of
its site-wide tables: 保存 → 儲存, 支持 → 支援, 執行 → 运行 …), which a text gets only when its
article opted into that conversion group (``groups``; see the generator's docstring for the rule).

The same boundary rule holds for OpenCC's *script* phrases (STPhrases) in a regional page's
Simplified → Traditional step: :func:`script_cuts` cuts the text where one would match across a
word boundary (总|发行 → 總髮行, 社长|胡恩溥 → 社長鬍恩溥, 一个|中队 → 一箇中隊 in OpenCC).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

TABLE_FILE = Path(__file__).with_name("data") / "opencc_regional_phrases.tsv"
SCRIPT_PHRASE_FILE = Path(__file__).with_name("data") / "opencc_script_phrases.txt"

#: The conversion group of OpenCC's computing vocabulary (the table's domain ``it``): the named
#: glossaries whose ``conversion_group`` is this turn it on for the articles using them.
COMPUTING = "it"
#: Every domain of the tables: what :func:`table` gives by default (OpenCC's whole dictionaries).
ALL_GROUPS = frozenset({COMPUTING})


@dataclass(frozen=True)
class Substitution:
    """One regional phrase a text receives: ``[start, end)`` in the text, the phrase as it
    reads in Simplified, and what the variant reads instead."""

    start: int
    end: int
    simplified: str
    replacement: str


@lru_cache(maxsize=1)
def _domains() -> dict[str, dict[str, dict[str, str]]]:
    """Per variant, per domain ("" for site-wide): {Simplified phrase: variant's phrase}."""
    tables: dict[str, dict[str, dict[str, str]]] = {}
    for line in TABLE_FILE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        variant, key, value, domain = line.split("\t")
        tables.setdefault(variant, {}).setdefault(domain, {})[key] = value
    return tables


@lru_cache(maxsize=32)
def _tables(variant: str, groups: frozenset[str]) -> tuple[dict[str, str], frozenset[str]]:
    """The phrases ``variant`` uses with the conversion ``groups`` on (site-wide ones always),
    and the set of every key prefix."""
    phrases: dict[str, str] = {}
    for domain, entries in _domains().get(variant, {}).items():
        if not domain or domain in groups:
            phrases.update(entries)
    return phrases, frozenset(key[:n] for key in phrases for n in range(1, len(key) + 1))


def table(variant: str, groups: frozenset[str] = ALL_GROUPS) -> dict[str, str]:
    """The regional phrases of ``variant`` (empty for the script variants zh-hans / zh-hant): by
    default every domain (OpenCC's whole dictionaries), else the site-wide ones and ``groups``."""
    return _tables(variant, frozenset(groups))[0]


@lru_cache(maxsize=1)
def _segmenter():
    import rjieba

    rjieba.cut("预热")  # loads the dictionary once per process, not on a reader's request
    return rjieba


def word_boundaries(simplified: str) -> set[int]:
    """Offsets (0 … len) between the words of ``simplified`` in jieba's dictionary segmentation,
    plus the joints of compound words: a word that is two dictionary words of two characters or
    more (内存|不足, 信息|技术, 网络|游戏) may have a phrase replaced in one of them. A dictionary
    word plus one character at either end (服务器|端, 公元|前: jieba keeps 服务器端 and 公元前
    whole, so 服务器 → 伺服器 and 公元前 → 西元前 of OpenCC's s2twp were refused) has a joint too,
    unless that character makes a dictionary word with its neighbour across the joint (互联网|络:
    网络; 数据|库: 据库): that leftover is exactly what the cross-boundary failures leave behind
    (互联网络 → 網際網路絡). Measured on the gold set: zh-tw +2, zh-hk +1, nothing lost; without
    the neighbour condition 数据库 typed in 繁體 lost 資料庫 (數據 is a Taiwan word)."""
    segmenter = _segmenter()
    bounds = {0}
    offset = 0
    for word in segmenter.cut(simplified, False):
        for joint in range(2, len(word) - 1):
            if segmenter.has_word(word[:joint]) and segmenter.has_word(word[joint:]):
                bounds.add(offset + joint)
        if len(word) >= 3:
            # A dictionary word plus one character (服务器|端, 公元|前 in 公元前) has a joint there
            # unless the character makes a word with its neighbour across it (互联网|络: 网络).
            if segmenter.has_word(word[:-1]) and not segmenter.has_word(word[-2:]):
                bounds.add(offset + len(word) - 1)
            if segmenter.has_word(word[1:]) and not segmenter.has_word(word[:2]):
                bounds.add(offset + 1)
        offset += len(word)
        bounds.add(offset)
    if offset != len(simplified):  # never seen; then only whole-text phrases could match
        return {0, len(simplified)}
    return bounds


@lru_cache(maxsize=1)
def _script_phrases() -> tuple[frozenset[str], frozenset[str]]:
    """OpenCC's script phrases that change a text (:func:`regional_phrases_data.script_phrase_keys`)
    and every prefix of them."""
    keys = frozenset(line for line in SCRIPT_PHRASE_FILE.read_text(encoding="utf-8").splitlines()
                     if line and not line.startswith("#"))
    return keys, frozenset(key[:n] for key in keys for n in range(1, len(key) + 1))


def script_cuts(simplified: str) -> list[int]:
    """The word boundaries where OpenCC's Simplified → Traditional step must cut ``simplified``:
    the same rule as the regional phrases, for its script phrases (STPhrases). A phrase that
    starts or ends inside a word (一个|中队: 个中 → 箇中; 总|发行: 总发 → 總髮; 社长|胡恩溥:
    长胡 → 長鬍) has its inner word boundaries cut, unless another phrase spanning that boundary
    starts and ends on word boundaries (a phrase of several whole words keeps them together).
    OpenCC's converter then reads each stretch on its own: a cut refuses exactly the matches that
    cross it, and a text with no such phrase is converted whole, as before."""
    keys, prefixes = _script_phrases()
    bounds: set[int] | None = None
    wanted: set[int] = set()
    kept: set[int] = set()
    length = len(simplified)
    for start in range(length - 1):
        if simplified[start] not in prefixes:
            continue
        end = start + 2
        while end <= length and simplified[start:end] in prefixes:
            if simplified[start:end] in keys:
                if bounds is None:
                    bounds = word_boundaries(simplified)
                inner = [b for b in range(start + 1, end) if b in bounds]
                (kept if start in bounds and end in bounds else wanted).update(inner)
            end += 1
    return sorted(wanted - kept)


def convert_by_words(simplified: str, converter) -> str:
    """``converter`` (an OpenCC Simplified → Traditional step) applied to ``simplified`` cut at its
    :func:`script_cuts`: no script phrase across a word boundary."""
    cuts = script_cuts(simplified)
    if not cuts:
        return converter.convert(simplified)
    edges = [0, *cuts, len(simplified)]
    return "".join(converter.convert(simplified[a:b]) for a, b in zip(edges, edges[1:]))


# Variants whose regional vocabulary replaces only words written in another region's script: zh-cn's
# tables undo Taiwan / Hong Kong words (軟體 → 软件), and a word already typed in 简体 is mainland
# usage as written (执行 stays 执行; the reverse tables would make it 运行, 载入 加载, 程序 进程).
_FOREIGN_SCRIPT_ONLY = frozenset({"zh-cn", "zh-tw>zh-cn", "zh-hk>zh-cn"})


# Clauses: the stretch of text whose script decides a word that reads the same in both scripts.
_CLAUSE_END = frozenset("，。、；：！？,.;:!?()（）「」『』“”《》〈〉\n")


def _script_votes(text: str) -> tuple[int, int]:
    """(characters only Traditional writes, characters only Simplified writes) in ``text``."""
    from .conversion_review import script_only_characters

    traditional, simplified = script_only_characters()
    return sum(char in traditional for char in text), sum(char in simplified for char in text)


def written_in_simplified(written: str, start: int, end: int) -> bool:
    """True if ``written[start:end]`` was typed in 简体 (this region's own word as written), False
    if in 繁體 (another region's word). The span's own characters decide when they can (軟體, 载入);
    a span both scripts write alike (执行, 程序, 雷射) takes the script of its clause, then of the
    whole text; with no evidence at all it counts as Simplified (left as typed)."""
    traditional, simplified = _script_votes(written[start:end])
    if traditional or simplified:
        return simplified >= traditional
    left = start
    while left > 0 and written[left - 1] not in _CLAUSE_END:
        left -= 1
    right = end
    while right < len(written) and written[right] not in _CLAUSE_END:
        right += 1
    for context in (written[left:right], written):
        traditional, simplified = _script_votes(context)
        if traditional or simplified:
            return simplified >= traditional
    return True


def _table_form(simplified: str) -> str:
    """``simplified`` in the Simplified forms the tables are keyed by (``t2s`` of OpenCC's
    Traditional keys): a phrase whose Simplified spelling varies (二恶英, keyed 二𫫇英 from 二噁英)
    is matched through Traditional and back, as OpenCC's ``s2twp`` matches it after ``s2t``.
    Unchanged when the round trip changes the length (never a misplaced phrase)."""
    from .conversion import _opencc

    keyed = _opencc("t2s").convert(_opencc("s2t").convert(simplified))
    return keyed if len(keyed) == len(simplified) else simplified


def substitutions(simplified: str, variant: str, written: str | None = None,
                  groups: frozenset[str] = frozenset()) -> Iterator[Substitution]:
    """The regional phrases ``variant`` puts in a text whose Simplified form is ``simplified``:
    longest phrase first at each word start, each ending on a word boundary, none overlapping.
    Site-wide phrases, plus those of the conversion ``groups`` the article opted into.

    ``written`` is the text as typed (same length as ``simplified``): for zh-cn a phrase replaces
    only a span written in Traditional, decided per span since stored text is often mixed."""
    phrases, prefixes = _tables(variant, frozenset(groups))
    if not phrases or not simplified:
        return
    keyed = _table_form(simplified)
    foreign_only = variant in _FOREIGN_SCRIPT_ONLY and written is not None and len(written) == len(simplified)
    bounds = word_boundaries(simplified)
    length = len(simplified)
    start = 0
    while start < length:
        if start not in bounds or keyed[start] not in prefixes:
            start += 1
            continue
        best = None
        end = start + 1
        while end <= length and keyed[start:end] in prefixes:
            if end in bounds and keyed[start:end] in phrases:
                best = end
            end += 1
        if best is None:
            start += 1
            continue
        key = keyed[start:best]
        if foreign_only and written_in_simplified(written, start, best):
            start = best  # the word as typed is this region's own: left as written, not cut either
            continue
        yield Substitution(start, best, key, phrases[key])
        start = best


def apply(text: str, simplified: str, variant: str, written: str | None = None,
          groups: frozenset[str] = frozenset()) -> str:
    """``text`` (already in the variant's script) with the variant's regional phrases; ``simplified``
    is its Simplified form, character for character. If the two are not the same length (a
    one-to-many character conversion), the text is returned unchanged: script only, never a
    misplaced phrase."""
    if len(text) != len(simplified):
        return text
    out: list[str] = []
    pos = 0
    for found in substitutions(simplified, variant, written, groups):
        out.append(text[pos : found.start])
        out.append(found.replacement)
        pos = found.end
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)
