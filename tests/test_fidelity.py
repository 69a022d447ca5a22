"""``manage.py fidelity``: the corpus reads as well as pandoc's rendering of it (issue #11 targets),
and the measurement itself notices lost text, leaked markup and visible ``**``."""
from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from articles.management.commands.fidelity import (
    MIN_COVERAGE, MIN_MEAN_COVERAGE, compare, measure_folder, meets_targets, summary,
)
from articles.models import Article
from tests.conftest import CORPUS, installed, needs_corpus

HAS_PANDOC = installed("pandoc") is not None
needs_pandoc = pytest.mark.skipif(not HAS_PANDOC, reason="pandoc is not installed")

pytestmark = pytest.mark.django_db


@needs_pandoc
@needs_corpus
def test_corpus_meets_the_fidelity_targets_in_both_scripts(tmp_path):
    out = StringIO()
    call_command("fidelity", str(CORPUS), "--json", str(tmp_path / "fidelity.json"), stdout=out)
    data = json.loads((tmp_path / "fidelity.json").read_text(encoding="utf-8"))
    report = out.getvalue()
    for script, figures in data["summary"].items():
        assert figures["mean_coverage"] >= MIN_MEAN_COVERAGE, (script, report)
        assert figures["min_coverage"] >= MIN_COVERAGE, (script, report)
        assert figures["markup_beyond_pandoc"] == 0, (script, report)
        assert figures["visible_double_asterisks"] == 0, (script, report)
        assert figures["structure_mismatches"] == 0, (script, report)  # list nesting and tables as pandoc's
    assert all(not row["error"] for row in data["files"]), report
    assert f"meets the target on {len(data['files'])}/{len(data['files'])} files" in report
    assert Article.objects.count() == 0  # measured inside a transaction that is rolled back


def test_the_measure_notices_lost_text_markup_and_stars():
    pandoc = "甲乙丙丁 [1] 2024"
    assert compare(("甲乙丙丁 [1] 2024", ""), pandoc).coverage == 1.0
    lost = compare(("甲乙 [1]", ""), pandoc)
    assert lost.coverage == pytest.approx(3 / 9) and lost.missing == "丙丁2204"
    leaked = compare(("甲乙丙丁 [[1]] 2024 **粗**", ""), pandoc)
    assert leaked.markup_beyond_pandoc == {"*": 4, "[": 1, "]": 1} and leaked.visible_double_asterisks == 2
    # A formula counts by its TeX source (pandoc shows the source; we draw \alpha as α).
    assert compare(("α", "\\alpha"), "\\alpha").coverage == 1.0


@needs_pandoc
def test_a_file_with_lost_text_misses_the_target(tmp_path):
    (tmp_path / "好文.md").write_text("**好文**是一篇文章。\n", encoding="utf-8")
    # Wikitable residue: pandoc shows the cell attributes as text, we (rightly) drop them — a loss
    # the measure must see.
    (tmp_path / "坏文.md").write_text('**坏文**是文章。\n\n{{-}}   |- |colspan="3" style="text-align:center;"|甲\n|-\n',
                                      encoding="utf-8")
    results = measure_folder(tmp_path)
    assert [r.file for r in results] == ["坏文.md", "好文.md"]  # worst first
    bad, good = results
    assert good.meets_target() and good.scripts["zh-hant"].coverage == 1.0
    assert not bad.meets_target() and bad.scripts["zh-hans"].coverage < MIN_COVERAGE
    assert not meets_targets(results) and summary(results)["zh-hans"]["files"] == 2


def test_image_file_names_are_left_out_but_captions_count():
    from articles.management.commands.fidelity import _VisibleText

    html = ('<p>正文<a href="https://zh.wikipedia.org/wiki/File:Ab_c.jpg" title="fig:Ab_c.jpg">Ab_c<em>x</em>.jpg</a>'
            '<a href="https://zh.wikipedia.org/wiki/File:D.png" title="fig:签字时的情景">签字时的情景</a>'
            '<a href="https://zh.wikipedia.org/wiki/Category:X" title="wikilink">Category:X</a></p>')
    page = _VisibleText.of(html)
    assert page.text.split() == ["正文", "签字时的情景"] and page.formulas == "" and page.code == ""


@pytest.mark.parametrize("script, shown", [("zh-hans", "用软件写"), ("zh-hant", "用软体写")])
def test_pandoc_side_reads_conversion_markup_as_mediawiki_shows_it(script, shown):
    from articles.management.commands.fidelity import pandoc_text

    html = "<p>-{H|zh-hans:甲;zh-hant:乙}-用-{zh-hans:软件;zh-hant:軟體}-写-{T|标题}-</p>"
    assert pandoc_text(html, script) == shown
