"""The regional-variant gold set and its gate (articles/variants_gold.py, issue 25)."""
from __future__ import annotations

import io
import re

import opencc
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles import variants_gold

GOLD = variants_gold.load()
REFERENCE = variants_gold.opencc_reference


def by_id(row_id: str) -> variants_gold.GoldRow:
    return next(row for row in GOLD.rows if row.id == row_id)


def test_the_gold_set_is_versioned_and_has_500_sentences_with_every_variant() -> None:
    assert GOLD.version
    assert len(GOLD.rows) >= 500
    assert len({row.id for row in GOLD.rows}) == len(GOLD.rows)
    for row in GOLD.rows:
        assert row.written and all(row.expected[v] for v in variants_gold.GOLD_VARIANTS), row.id


def test_the_gold_set_names_its_sources_and_licences() -> None:
    header = variants_gold.GOLD_PATH.read_text(encoding="utf-8").split("\nid\t", 1)[0]
    assert "Apache-2.0" in header and "OpenCC" in header and "CC BY-SA" in header
    sources = {row.source.split(":")[0] for row in GOLD.rows}
    assert {"opencc-testcases", "opencc-golden", "corpus", "seed", "issue-25"} <= sources


def test_sentences_are_written_in_both_scripts() -> None:
    t2s = opencc.OpenCC("t2s")
    simplified = [row for row in GOLD.rows if t2s.convert(row.written) == row.written]
    traditional = [row for row in GOLD.rows if t2s.convert(row.written) != row.written]
    assert len(simplified) >= 200 and len(traditional) >= 200


def test_the_cross_boundary_failures_of_the_issue_are_expected_right() -> None:
    qubit = [row for row in GOLD.rows if "改变量子比特" in row.expected["zh-cn"]]
    assert qubit and all("改變量子位元" in row.expected["zh-tw"] for row in qubit)
    assert not any("改變數子" in row.expected[v] for row in GOLD.rows for v in variants_gold.GOLD_VARIANTS)
    internet = [row for row in GOLD.rows if "互联网络" in row.expected["zh-cn"]]
    assert internet and all("網際網路" in row.expected["zh-tw"] for row in internet)
    assert not any("網際網路絡" in row.expected[v] for row in GOLD.rows for v in variants_gold.GOLD_VARIANTS)


def test_opencc_alone_gets_the_cross_boundary_sentence_wrong() -> None:
    """Why the row is there: OpenCC's s2twp matches 变量 across 改变|量子 (the issue's example)."""
    row = by_id("x-qubit-1")
    got = variants_gold.opencc_reference(row.written, "zh-tw")
    assert got == "改變數子位元" != row.expected["zh-tw"]


def test_the_opencc_reference_meets_its_baseline() -> None:
    recorded = variants_gold.load_baseline()["converters"]["opencc_reference"]
    results = variants_gold.check(variants_gold.opencc_reference)
    assert variants_gold.below_baseline(results, recorded) == []


def test_the_site_converter_meets_its_baseline() -> None:
    convert = variants_gold.site_converter()
    recorded = variants_gold.load_baseline()["converters"].get("to_variant")
    if convert is None or recorded is None:
        pytest.skip("articles.conversion.to_variant or its baseline is not there yet")
    results = variants_gold.check(convert)
    assert variants_gold.below_baseline(results, recorded) == []


def script_only(text: str, variant: str, terms=()) -> str:
    """A converter that lost its regional vocabulary: OpenCC's s2tw / s2hk, script only."""
    simplified = REFERENCE(text, "zh-cn")
    return simplified if variant == "zh-cn" else SCRIPT_ONLY[variant].convert(simplified)


SCRIPT_ONLY = {"zh-tw": opencc.OpenCC("s2tw"), "zh-hk": opencc.OpenCC("s2hk")}


def test_a_conversion_change_that_lowers_agreement_is_refused() -> None:
    recorded = variants_gold.load_baseline()["converters"]["opencc_reference"]
    failures = variants_gold.below_baseline(variants_gold.check(script_only), recorded)
    assert any(failure.startswith("zh-tw:") for failure in failures)


def test_conversion_check_prints_agreement_per_variant_and_first_disagreements() -> None:
    out = io.StringIO()
    call_command("conversion_check", converter="opencc", show=2, stdout=out)
    text = out.getvalue()
    for variant in variants_gold.GOLD_VARIANTS:
        assert re.search(rf"^{variant}: \d+/{len(GOLD.rows)} sentences agree \(\d+\.\d\d %\)$", text, re.M)
    assert "\n      expected " in text and "\n      got      " in text
    assert "at or above the baseline" in text


def test_conversion_check_fails_below_the_baseline(monkeypatch) -> None:
    monkeypatch.setattr(variants_gold, "opencc_reference", script_only)
    with pytest.raises(CommandError, match="below the baseline"):
        call_command("conversion_check", converter="opencc", show=0, stdout=io.StringIO())
