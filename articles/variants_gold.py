"""The regional-variant gold set and its gate (issue 25).

``articles/data/variants_gold.tsv`` holds sentences with their expected zh-cn, zh-tw and zh-hk
forms (how it was built and checked: :mod:`articles.variants_gold_data`). :func:`check` converts
each sentence *as written* into each variant and counts the sentences that agree, per variant.

The gate has two halves, both here so that the admin, the test suite and ``make
conversion-check`` share one rule:

* the committed baseline (``articles/data/variants_gold_baseline.json``): the test suite fails when
  the site's converter agrees with fewer sentences than recorded, so a conversion change that
  lowers agreement is refused;
* :func:`regressions`: a glossary edit is checked by converting the set with and without it; an
  edit that makes any sentence that agreed disagree is refused (the sentences are named).

The converter is a parameter with ``to_variant``'s signature ``(text, variant, terms=()) -> str``.
:func:`opencc_reference` is OpenCC's regional configs alone, the yardstick the site's converter
is compared with; :func:`site_converter` is ``articles.conversion.to_variant``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Sequence

import opencc

DATA = Path(__file__).with_name("data")
GOLD_PATH = DATA / "variants_gold.tsv"
BASELINE_PATH = DATA / "variants_gold_baseline.json"
GOLD_VARIANTS = ("zh-cn", "zh-tw", "zh-hk")

Converter = Callable[..., str]


@dataclass(frozen=True)
class GoldRow:
    id: str
    source: str
    written: str
    expected: dict[str, str]
    #: The conversion groups the row's article would opt into (its context, by source:
    #: :func:`articles.variants_gold_data.context_groups`); the row is converted with them on.
    groups: frozenset[str] = frozenset()


@dataclass(frozen=True)
class GoldSet:
    version: str
    rows: tuple[GoldRow, ...]


@dataclass(frozen=True)
class Disagreement:
    row: GoldRow
    got: str
    expected: str

    def __str__(self) -> str:
        return f"{self.row.id}: {self.row.written}\n    expected {self.expected}\n    got      {self.got}"


@dataclass
class VariantResult:
    variant: str
    agree: int = 0
    total: int = 0
    disagreements: list[Disagreement] = field(default_factory=list)
    agreeing_ids: set[str] = field(default_factory=set)

    @property
    def percent(self) -> float:
        return 100.0 * self.agree / self.total if self.total else 0.0

    def line(self) -> str:
        return f"{self.variant}: {self.agree}/{self.total} sentences agree ({self.percent:.2f} %)"


@lru_cache(maxsize=4)
def load(path: Path = GOLD_PATH) -> GoldSet:
    """The gold set: ``# version: N`` in the header comments, then a TSV with a header row. Each
    row's context (its conversion groups) follows from its source."""
    from .variants_gold_data import context_groups

    version = ""
    rows: list[GoldRow] = []
    columns: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            if line.startswith("# version:"):
                version = line.split(":", 1)[1].strip()
            continue
        if not line.strip():
            continue
        cells = line.split("\t")
        if columns is None:
            columns = cells
            continue
        record = dict(zip(columns, cells))
        rows.append(GoldRow(record["id"], record["source"], record["written"],
                            {variant: record[variant] for variant in GOLD_VARIANTS}, context_groups(record["source"], record["id"])))
    if not version or not rows:
        raise ValueError(f"{path}: no version line or no rows")
    return GoldSet(version, tuple(rows))


def check(convert: Converter, terms: Sequence = (), gold: GoldSet | None = None,
          variants: Iterable[str] = GOLD_VARIANTS) -> dict[str, VariantResult]:
    """Agreement of ``convert`` with the gold set, per variant. ``terms`` is passed on, with the
    row's conversion groups after them (``articles.conversion.group_term``) when it has any."""
    from .conversion import group_term

    gold = gold or load()
    results: dict[str, VariantResult] = {}
    for variant in variants:
        result = VariantResult(variant)
        for row in gold.rows:
            row_terms = tuple(terms) + tuple(group_term(name) for name in sorted(row.groups))
            got = convert(row.written, variant, row_terms) if row_terms else convert(row.written, variant)
            result.total += 1
            if got == row.expected[variant]:
                result.agree += 1
                result.agreeing_ids.add(row.id)
            else:
                result.disagreements.append(Disagreement(row, got, row.expected[variant]))
        results[variant] = result
    return results


def regressions(convert: Converter, before: Sequence, after: Sequence,
                gold: GoldSet | None = None) -> dict[str, list[Disagreement]]:
    """Sentences that agree with ``before`` terms and no longer with ``after``, per variant: what a
    glossary edit would break. Empty when the edit lowers no agreement."""
    old = check(convert, before, gold)
    new = check(convert, after, gold)
    broken: dict[str, list[Disagreement]] = {}
    for variant, result in new.items():
        lost = [d for d in result.disagreements if d.row.id in old[variant].agreeing_ids]
        if lost:
            broken[variant] = lost
    return broken


def glossary_regressions(before: Sequence, after: Sequence, convert: Converter | None = None,
                         gold: GoldSet | None = None) -> dict[str, list[Disagreement]]:
    """:func:`regressions` of a glossary edit from terms ``before`` to ``after`` with the site's
    converter. Only sentences holding a form of a changed term (as typed or in either script) can
    convert differently, so only those are converted: an admin save stays fast."""
    from .conversion import fold_to_simplified, to_traditional

    convert = convert or site_converter() or opencc_reference
    gold = gold or load()
    changed = set(before) ^ set(after)
    forms = {form for _variant, written, wanted in changed for form in (written, wanted) if form}
    forms |= {fold_to_simplified(form) for form in forms} | {to_traditional(form) for form in forms}
    rows = tuple(row for row in gold.rows if any(form in row.written for form in forms))
    if not rows:
        return {}
    return regressions(convert, tuple(before), tuple(after), GoldSet(gold.version, rows))


def load_baseline(path: Path = BASELINE_PATH) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def baseline_record(results: dict[str, VariantResult], gold: GoldSet, converter_name: str) -> dict:
    return {
        "gold_version": gold.version,
        "converter": converter_name,
        "agreement": {v: {"agree": r.agree, "total": r.total, "percent": round(r.percent, 2)} for v, r in results.items()},
    }


def below_baseline(results: dict[str, VariantResult], baseline: dict) -> list[str]:
    """Variants whose agreement fell below the recorded baseline (as messages)."""
    failures = []
    for variant, result in results.items():
        recorded = baseline["agreement"][variant]
        if result.total != recorded["total"]:
            failures.append(f"{variant}: the gold set has {result.total} sentences, the baseline {recorded['total']} "
                            "(a new gold version needs a new baseline: make conversion-check ARGS=--write-baseline)")
        elif result.agree < recorded["agree"]:
            failures.append(f"{variant}: {result.agree}/{result.total} agree, the baseline is {recorded['agree']}")
    return failures


def report(results: dict[str, VariantResult], show: int = 5) -> str:
    lines = []
    for result in results.values():
        lines.append(result.line())
        for disagreement in result.disagreements[:show]:
            lines.append("  " + str(disagreement).replace("\n", "\n  "))
    return "\n".join(lines)


# --- converters ---------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _opencc(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def opencc_reference(text: str, variant: str, terms: Sequence = ()) -> str:
    """OpenCC's regional configs alone (no glossary, no protected spans): the yardstick.

    Text is first brought to Simplified (tw2sp undoes Taiwan words; text already in Simplified is
    left as typed, since tw2sp also rewrites words both regions use, e.g. 程序 → 进程), then
    converted with s2twp (Taiwan) or s2hk (Hong Kong: the wheel has no s2hkp config)."""
    simplified = text if _opencc("t2s").convert(text) == text else _opencc("tw2sp").convert(text)
    if variant == "zh-cn":
        return simplified
    return _opencc({"zh-tw": "s2twp", "zh-hk": "s2hk"}[variant]).convert(simplified)


def site_converter() -> Converter | None:
    """``articles.conversion.to_variant`` (issue 25's variant layer), or None before it exists."""
    from . import conversion

    return getattr(conversion, "to_variant", None)
