"""CommonMark emphasis that works beside CJK punctuation (``**「重要」**です``, ``**共和党**，``).

CommonMark's flanking rules treat full-width punctuation like ASCII punctuation, so ``**`` between
a CJK letter and ``，``/``）``/``」`` can neither open nor close and shows as literal asterisks;
pandoc fails the same way. This follows the CJK-friendly amendment draft
(https://github.com/tats-u/markdown-cjk-friendly): a CJK character counts as punctuation where that
*allows* a delimiter run and not where it would *block* one, so nothing changes for non-CJK text.

Why not the ``mdit-py-cjk-friendly`` package that implements the same idea: its 0.3.0 release pins
``markdown-it-py<4`` and installing it downgrades the renderer's parser (we pin 4.3.0). The rule is
twenty lines, gated per parser (only parsers passed to :func:`cjk_friendly` change).
"""
from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.rules_inline.state_inline import StateInline

_CJK = re.compile("[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003134f]")
_original_scan_delims = StateInline.scanDelims


def is_cjk(char: str) -> bool:
    return bool(char) and bool(_CJK.match(char))


def _punctuation(char: str) -> bool:
    return isMdAsciiPunct(ord(char)) or isPunctChar(char)


def _scan_delims(self: StateInline, start: int, canSplitWord: bool):
    scanned = _original_scan_delims(self, start, canSplitWord)
    if not getattr(self.md, "cjk_friendly", False) or (scanned.can_open and scanned.can_close):
        return scanned
    before = self.src[start - 1] if start > 0 else " "
    after_pos = start + scanned.length
    after = self.src[after_pos] if after_pos < self.posMax else " "
    if not (is_cjk(before) or is_cjk(after)):
        return scanned
    before_blocks = not is_cjk(before) and _punctuation(before)
    after_blocks = not is_cjk(after) and _punctuation(after)
    before_allows = is_cjk(before) or _punctuation(before)
    after_allows = is_cjk(after) or _punctuation(after)
    before_space, after_space = isWhiteSpace(ord(before)), isWhiteSpace(ord(after))
    left = not after_space and (not after_blocks or before_space or before_allows)
    right = not before_space and (not before_blocks or after_space or after_allows)
    if canSplitWord:
        can_open, can_close = left, right
    else:
        can_open = left and (not right or before_allows)
        can_close = right and (not left or after_allows)
    return type(scanned)(can_open, can_close, scanned.length)


StateInline.scanDelims = _scan_delims  # type: ignore[method-assign]


def cjk_friendly(md: MarkdownIt) -> None:
    """Enable CJK-friendly emphasis on this parser: ``MarkdownIt().use(cjk_friendly)``."""
    md.cjk_friendly = True  # type: ignore[attr-defined]
