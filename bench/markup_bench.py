"""Time conversion, rendering and search-text extraction on repeated markup at the size limit.

Issue 17 found quadratic time: within the 200,000-character limit ``-{`` ×100k took 75 s to convert,
``[^`` ×100k 57 s and ``[`` ×200k 35 s to render, ``[[`` ×20k 19 s to extract search text. Target:
under 1 s each on this machine. Run: ``DEBUG=1 .venv/bin/python bench/markup_bench.py``.
Not a test (timings depend on the machine); tests/test_markup_limits.py checks the results.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "treatysite.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from articles import conversion, search  # noqa: E402
from articles.models import MAX_TEXT_CHARS  # noqa: E402
from articles.rendering import RenderContext, render_markdown  # noqa: E402

PATTERNS = {"-{ ×100k": "-{", "[^ ×100k": "[^", "[ ×200k": "[", "[[ ×20k": "[[", "` ×200k": "`",
            "[[File: ×28k": "[[File:", "![ ×100k": "![", "](  ×100k": "](", "| ×200k": "|", "* ×200k": "*",
            "<table>\\n ×25k": "<table>\n"}
STEPS = {
    "convert": lambda text: conversion.to_traditional(text),
    "render": lambda text: render_markdown(text, RenderContext(script="zh-hans", links={})),
    "search text": search.plain_text,
}


def main() -> int:
    worst = 0.0
    print(f"{'pattern':16}" + "".join(f"{step:>14}" for step in STEPS))
    for label, unit in PATTERNS.items():
        count = 20_000 if unit == "[[" else MAX_TEXT_CHARS // len(unit)
        text = unit * count
        row = []
        for step in STEPS.values():
            started = time.perf_counter()
            step(text)
            elapsed = time.perf_counter() - started
            worst = max(worst, elapsed)
            row.append(f"{elapsed:13.2f}s")
        print(f"{label:16}" + "".join(row), flush=True)
    print(f"slowest step: {worst:.2f} s (target < 1 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
