"""``python manage.py fidelity [FOLDER]``: how faithfully imported articles read, measured against pandoc.

For every ``.md`` file of the folder (default ``../shared/corpus/``) the file is imported, the article
rendered in zh-hans and in zh-hant, and the visible text of the page body (title, lead, headings,
sections, references) compared with the visible text of ``pandoc -f gfm -t html`` of the same file
(Debian's pandoc, the tool that wrote the import format — an oracle, never a site dependency). Both
sides are folded to Simplified before comparing. pandoc (GFM has no math) shows a formula as its
TeX source; we render MathML, so a formula counts by its TeX source on our side too (the
``<annotation>`` MathML carries), not by its glyphs (``\\alpha`` is drawn as α). Likewise pandoc
shows MediaWiki's conversion markup ``-{…}-`` as source; on pandoc's side each span counts as what
MediaWiki shows for it in the script measured (``-{zh-hans:软件;zh-hant:軟體}-`` → 软件 or 軟體,
``-{H|…}-`` → nothing), so rendering it right is not counted as a loss.

* **coverage** — the share of pandoc's letters and digits (a multiset) that our page shows too,
  leaving out category links and image file names (not body text); an image link whose text is
  a caption rather than a file name counts (figures render captions);
* **markup** — characters ``* | [ ] { } \\`` our page shows beyond pandoc's count of each;
  a formula's own characters are not markup and are left out of this count;
* **``**``** — literal double asterisks visible on our page outside code (code shows what it says).

Why a management command rather than a script in ``bench/``: it needs the importer, the renderer
and a database, and as a command it runs against whatever database is configured inside one
transaction that is rolled back at the end — ``make fidelity`` leaves no trace, and the test calls
it with ``call_command`` inside the test database.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django.utils.html import escape

from articles import conversion
from articles.conversion import SCRIPTS
from articles.importing import ImportFailure, read_article_file, save_article
from articles.importing.reader import CATEGORY_NAMESPACES
from articles.management.commands.import_wiki import collect_files
from articles.models import Article
from articles.rendering import conversion_markup_text, render_article

DEFAULT_FOLDER = Path(settings.BASE_DIR) / ".." / "shared" / "corpus"
MARKUP_CHARACTERS = "*|[]{}\\"
# Targets (issue #11): every file, both scripts.
MIN_COVERAGE = 0.98
MIN_MEAN_COVERAGE = 0.995
_IMAGE_TARGET = re.compile(r"(?i)(?:^|[/:])(?:file|image|文件|档案|檔案|图像|圖像):")
_CATEGORY_TARGET = re.compile(r"(?i)(?:^|[/:])(?:" + "|".join(CATEGORY_NAMESPACES) + r")\s*:")
_IMAGE_FILE = re.compile(r"(?i)\.(?:jpe?g|png|gif|svg|tiff?|webp|bmp)$")
_SKIPPED_ELEMENTS = {"script", "style"}


class PageText(NamedTuple):
    text: str  # visible text outside formulas (code included)
    formulas: str = ""  # the TeX of each formula
    code: str = ""  # the part of ``text`` inside <code>/<pre>


class _VisibleText(HTMLParser):
    """The text a reader sees in an HTML fragment, without category links and image file names."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.formulas: list[str] = []  # the TeX source of each <math> (its annotation)
        self.code: list[str] = []
        self._code_depth = 0
        self._skipping: list[str] = []
        self._math_depth = 0
        self._in_annotation = False
        self._image_link = False
        self._image_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        href, title = attributes.get("href", ""), attributes.get("title", "")
        # An image link's text is its file name (left out) unless the source gave a caption.
        if tag == "a":
            self._image_link = title.startswith("fig:") or bool(_IMAGE_TARGET.search(href))
        hidden = tag in _SKIPPED_ELEMENTS or (tag == "a" and bool(_CATEGORY_TARGET.search(unquote(href))))
        if hidden or self._skipping:
            self._skipping.append(tag)
        self._math_depth += tag == "math"
        self._code_depth += tag in {"code", "pre"}
        self._in_annotation = self._in_annotation or (tag == "annotation" and self._math_depth > 0)

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()
        self._math_depth -= tag == "math" and self._math_depth > 0
        self._code_depth -= tag in {"code", "pre"} and self._code_depth > 0
        self._in_annotation = self._in_annotation and tag != "annotation"
        if self._image_link and tag == "a":
            text = "".join(self._image_text)
            if not _IMAGE_FILE.search(text.strip()):
                self.parts.append(text)
            self._image_link, self._image_text = False, []

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        if self._image_link:
            self._image_text.append(data)
            return
        if self._in_annotation:
            self.formulas.append(data)
        elif not self._math_depth:
            self.parts.append(data)
            if self._code_depth:
                self.code.append(data)

    @classmethod
    def of(cls, html: str, fold: bool = True) -> PageText:
        """The visible text (folded to Simplified unless ``fold`` is off), the formulas' TeX and the code's text."""
        parser = cls()
        parser.feed(html)
        parser.close()
        text = " ".join(parser.parts)
        return PageText(conversion.to_simplified(text) if fold else text, " ".join(parser.formulas),
                        " ".join(parser.code))


class Structure(NamedTuple):
    """The block structure a reader sees: list items per nesting depth (1 = top level) and tables."""

    list_items: tuple[int, ...]  # index 0: items at depth 1, index 1: depth 2 …
    tables: int

    def nested(self) -> tuple[int, ...]:
        """Items below the top level, per depth (what re-nesting changes; issue 22)."""
        return self.list_items[1:]


class _StructureCounter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.items: Counter = Counter()
        self.tables = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in {"ul", "ol"}:
            self.depth += 1
        elif tag == "li":
            self.items[max(self.depth, 1)] += 1
        elif tag == "table":
            self.tables += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"ul", "ol"} and self.depth:
            self.depth -= 1


def structure_of(html: str) -> Structure:
    """List items per depth and the number of tables of an HTML fragment."""
    counter = _StructureCounter()
    counter.feed(html)
    counter.close()
    deepest = max(counter.items, default=0)
    return Structure(tuple(counter.items[d] for d in range(1, deepest + 1)), counter.tables)


def pandoc_html(path: Path) -> str:
    return subprocess.run(
        ["pandoc", "-f", "gfm", "-t", "html", str(path)], capture_output=True, text=True, check=True, timeout=60
    ).stdout


_CONVERSION_MARKUP = re.compile(r"-\{(.*?)\}-", re.S)


def pandoc_text(html: str, script: str) -> str:
    """Visible text of pandoc's HTML (folded to Simplified), ``-{…}-`` as MediaWiki shows it in ``script``."""
    text = _VisibleText.of(html, fold=False).text
    text = _CONVERSION_MARKUP.sub(lambda m: conversion_markup_text(m.group(1), script)[0], text)
    return conversion.to_simplified(text)


def page_html(article: Article, script: str) -> str:
    """The article body as the reader gets it in ``script``: title, lead, sections, references."""
    with translation.override(script):
        rendered = render_article(article, script)
    parts = [getattr(article, f"title_{script.replace('-', '_')}"), rendered.lead_html]
    for section in rendered.sections:
        parts += [f"<h{section.level}>{section.heading_html}</h{section.level}>", section.body_html]
    if rendered.references:
        if not rendered.references_section:  # else under that section's own heading, already there
            parts.append(f"<h2>{escape(getattr(article, 'references_heading_' + script.replace('-', '_')))}</h2>")
        parts += ["<ol>", *(f"<li>{reference.html}</li>" for reference in rendered.references), "</ol>"]
    return "\n".join(parts)


def page_text(article: Article, script: str) -> PageText:
    """Visible text of the article body as the reader gets it in ``script`` (folded to Simplified),
    with the TeX of its formulas and the text of its code."""
    return _VisibleText.of(page_html(article, script))


def letters(text: str) -> Counter:
    return Counter(ch for ch in text if ch.isalnum())


@dataclass
class ScriptFigures:
    coverage: float
    markup_beyond_pandoc: dict[str, int]
    visible_double_asterisks: int
    missing: str  # pandoc's letters our page lacks (a sample, for the report)
    structure: Structure = Structure((), 0)  # ours: list items per depth, tables
    pandoc_structure: Structure = Structure((), 0)

    def structure_matches(self) -> bool:
        """Same nesting (list items below the top level, per depth) and as many tables as pandoc.

        The top level is shown but not required equal: an unexpanded infobox becomes a list of
        ``name：value`` lines here (pandoc shows it as one paragraph of template source)."""
        return (self.structure.nested() == self.pandoc_structure.nested()
                and self.structure.tables == self.pandoc_structure.tables)


@dataclass
class FileFidelity:
    file: str
    scripts: dict[str, ScriptFigures] = field(default_factory=dict)
    error: str = ""

    @property
    def worst_coverage(self) -> float:
        return min((s.coverage for s in self.scripts.values()), default=0.0)

    def meets_target(self) -> bool:
        return not self.error and all(
            s.coverage >= MIN_COVERAGE and not s.markup_beyond_pandoc and not s.visible_double_asterisks
            and s.structure_matches()
            for s in self.scripts.values()
        )


def compare(page: PageText | tuple[str, ...], theirs: str) -> ScriptFigures:
    ours, formulas, code = PageText(*page)
    wanted, shown = letters(theirs), letters(ours + formulas)
    total = sum(wanted.values())
    present = sum(min(count, shown[ch]) for ch, count in wanted.items())
    missing = "".join(ch * (count - shown[ch]) for ch, count in wanted.items() if count > shown[ch])
    markup = {
        ch: ours.count(ch) - theirs.count(ch) for ch in MARKUP_CHARACTERS if ours.count(ch) > theirs.count(ch)
    }
    return ScriptFigures(
        coverage=present / total if total else 1.0,
        markup_beyond_pandoc=markup,
        visible_double_asterisks=ours.count("**") - code.count("**"),
        missing=missing[:200],
    )


def measure_file(path: Path) -> FileFidelity:
    result = FileFidelity(file=path.name)
    try:
        parsed = read_article_file(path)
    except ImportFailure as error:
        result.error = str(error)
        return result
    article = save_article(parsed, status=Article.Status.PUBLISHED).article
    article = Article.objects.prefetch_related("sections", "references").get(pk=article.pk)
    html = pandoc_html(path)
    theirs = structure_of(html)
    for script in SCRIPTS:
        ours = page_html(article, script)
        figures = compare(_VisibleText.of(ours), pandoc_text(html, script))
        figures.structure, figures.pandoc_structure = structure_of(ours), theirs
        result.scripts[script] = figures
    return result


def _shape(structure: Structure) -> str:
    """``13+2/1t``: 13 items at the top level, 2 one level down, 1 table."""
    return "+".join(map(str, structure.list_items or (0,))) + f"/{structure.tables}t"


class _Rollback(Exception):
    pass


def measure_folder(folder: Path) -> list[FileFidelity]:
    """Import and measure every file; nothing is left in the database afterwards."""
    files, _ = collect_files([folder])
    results: list[FileFidelity] = []
    try:
        with transaction.atomic():
            # All files first, so that wikilinks between corpus articles resolve as they would on the site.
            for path in files:
                try:
                    save_article(read_article_file(path), status=Article.Status.PUBLISHED)
                except ImportFailure:
                    pass
            results = [measure_file(path) for path in files]
            raise _Rollback
    except _Rollback:
        pass
    return sorted(results, key=lambda r: (r.meets_target(), r.worst_coverage, r.file))


def summary(results: list[FileFidelity]) -> dict[str, dict[str, float | int]]:
    figures = {}
    for script in SCRIPTS:
        coverages = [r.scripts[script].coverage for r in results if script in r.scripts]
        figures[script] = {
            "files": len(coverages),
            "mean_coverage": sum(coverages) / len(coverages) if coverages else 0.0,
            "min_coverage": min(coverages, default=0.0),
            "markup_beyond_pandoc": sum(sum(r.scripts[script].markup_beyond_pandoc.values())
                                        for r in results if script in r.scripts),
            "visible_double_asterisks": sum(r.scripts[script].visible_double_asterisks
                                            for r in results if script in r.scripts),
            "structure_mismatches": sum(not r.scripts[script].structure_matches()
                                        for r in results if script in r.scripts),
        }
    return figures


def meets_targets(results: list[FileFidelity]) -> bool:
    figures = summary(results)
    return bool(results) and all(r.meets_target() for r in results) and all(
        f["mean_coverage"] >= MIN_MEAN_COVERAGE for f in figures.values()
    )


class Command(BaseCommand):
    help = "Import every .md of a folder, render it in both scripts and compare with pandoc's HTML."

    def add_arguments(self, parser):
        parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
        parser.add_argument("--json", dest="json_path", type=Path, default=Path("fidelity.json"), help="where to save the figures")

    def handle(self, *args, folder: Path, json_path: Path, **options):
        if shutil.which("pandoc") is None:
            raise CommandError("pandoc is not installed (apt-get install pandoc)")
        if not folder.is_dir():
            raise CommandError(f"no such folder: {folder}")
        results = measure_folder(folder)
        write = self.stdout.write
        write(f"{'file':<40} {'简 cov':>8} {'繁 cov':>8} {'markup':>7} {'**':>4} {'lists/tables (ours | pandoc)':<30} missing (简)")
        for r in results:
            if r.error:
                write(f"{r.file:<40} import failed: {r.error}")
                continue
            hans, hant = r.scripts["zh-hans"], r.scripts["zh-hant"]
            markup = sum(hans.markup_beyond_pandoc.values()) + sum(hant.markup_beyond_pandoc.values())
            stars = hans.visible_double_asterisks + hant.visible_double_asterisks
            shape = "ok" if hans.structure_matches() and hant.structure_matches() else "DIFFERS"
            lists = f"{_shape(hans.structure)} | {_shape(hans.pandoc_structure)} {shape}"
            write(f"{r.file:<40} {hans.coverage:>8.2%} {hant.coverage:>8.2%} {markup:>7} {stars:>4} {lists:<30} "
                  f"{hans.missing[:40]}")
        figures = summary(results)
        for script, f in figures.items():
            write(
                f"{script}: {f['files']} files, coverage mean {f['mean_coverage']:.2%} min {f['min_coverage']:.2%}, "
                f"markup beyond pandoc {f['markup_beyond_pandoc']}, visible ** {f['visible_double_asterisks']}, "
                f"list nesting or tables unlike pandoc's {f['structure_mismatches']}"
            )
        verdict = "meets" if meets_targets(results) else "MISSES"
        met = sum(r.meets_target() for r in results)
        write(f"{verdict} the target on {met}/{len(results)} files (every file ≥ {MIN_COVERAGE:.0%}, "
              f"mean ≥ {MIN_MEAN_COVERAGE:.1%}, no markup beyond pandoc, no visible **, "
              "list nesting and tables as pandoc's)")
        data = {"summary": figures, "files": [asdict(r) for r in results]}
        json_path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        write(f"saved {json_path}")
