"""A bounded memo for pure functions of long texts (search columns, unreviewed-character counts).

Why: saving one section recomputes the article's derived data from *all* its parts (the search
columns, the unreviewed count), so an article saved section by section did the same work over and
over — quadratic in its length (1.4 s for 100,000 characters in five sections, issue 24). With the
parts' results memoised, a save works on what changed and only joins the rest.

Keys are a 128-bit BLAKE2b digest of the texts plus the other (hashable) arguments, never the
texts themselves, and the memo is bounded by the characters of the texts it has seen, so a worker
keeps a few articles' worth of results at most. ``functools.lru_cache`` keys by the arguments
(it would keep every text alive) and bounds by entries only, hence this small class.
"""
from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Callable, Generic, Hashable, TypeVar

R = TypeVar("R")


def digest(*texts: str) -> bytes:
    """A 128-bit digest of the texts (their boundaries included)."""
    h = hashlib.blake2b(digest_size=16)
    for text in texts:
        data = text.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.digest()


class TextMemo(Generic[R]):
    """``memo(texts, extra)`` is ``function(*texts, *extra)``, remembered for the texts seen last."""

    def __init__(self, function: Callable[..., R], max_chars: int) -> None:
        self.function = function
        self.max_chars = max_chars
        self.entries: OrderedDict[tuple[bytes, Hashable], tuple[R, int]] = OrderedDict()
        self.chars = 0

    def __call__(self, texts: tuple[str, ...], extra: tuple[Hashable, ...] = ()) -> R:
        key = (digest(*texts), extra)
        found = self.entries.get(key)
        if found is not None:
            self.entries.move_to_end(key)
            return found[0]
        result = self.function(*texts, *extra)
        size = sum(len(text) for text in texts) + 1
        self.entries[key] = (result, size)
        self.chars += size
        while self.chars > self.max_chars and self.entries:
            _, (_, dropped) = self.entries.popitem(last=False)
            self.chars -= dropped
        return result

    def clear(self) -> None:
        self.entries.clear()
        self.chars = 0
