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
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline.state_inline import StateInline
from markdown_it.token import Token

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


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _strong(opening: bool) -> Token:
    token = Token("strong_open" if opening else "strong_close", "strong", 1 if opening else -1)
    token.markup = "**"
    return token


def _pair_leftover_double_stars(state: StateCore) -> None:
    """``**`` that no emphasis rule took (pandoc's exports have them where CommonMark's flanking
    rules fail even with the CJK amendment): pairs in the same run of text at the same nesting
    depth become bold; a marker left without a partner is dropped. Readers never see ``**``
    outside code."""
    for block in state.tokens:
        if block.type != "inline" or not block.children or not any(
            child.type == "text" and "**" in child.content for child in block.children
        ):
            continue
        result: list[Token] = []
        opened: tuple[int, int] | None = None  # (index in result, depth) of an unmatched opener
        depth = 0
        for child in block.children:
            if child.type != "text" or "**" not in child.content:
                depth += child.nesting
                result.append(child)
                continue
            for index, part in enumerate(child.content.split("**")):
                if index:
                    if opened is not None and opened[1] == depth:
                        result.append(_strong(False))
                        opened = None
                    else:
                        if opened is not None:  # an opener at another depth: drop it
                            del result[opened[0]]
                        opened = (len(result), depth)
                        result.append(_strong(True))
                if part:
                    result.append(_text(part))
        if opened is not None:
            del result[opened[0]]
        block.children = result


def cjk_friendly(md: MarkdownIt) -> None:
    """Enable CJK-friendly emphasis on this parser: ``MarkdownIt().use(cjk_friendly)``, and bold
    for the ``**`` pairs emphasis still leaves over."""
    md.cjk_friendly = True  # type: ignore[attr-defined]
    md.core.ruler.push("leftover_double_stars", _pair_leftover_double_stars)
