"""``python manage.py conversion_check``: agreement of the variant converter with the gold set.

Prints, per variant (zh-cn, zh-tw, zh-hk), the sentences agreeing / total and the percentage, then
the first disagreements; exits 1 when a variant falls below the committed baseline
(``articles/data/variants_gold_baseline.json``). ``--write-baseline`` records the figures of this
run as the new baseline (after a reviewed change that raises agreement, or a new gold version).

``--converter site`` (default) is ``articles.conversion.to_variant``; ``--converter opencc`` is
OpenCC's regional configs alone (:func:`articles.variants_gold.opencc_reference`), the yardstick.
``--site-glossary`` converts with the database's site-wide glossary too, to see what it does to the
set. A management command (not a script) for that reason: it reads the configured database.
"""
from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from articles import variants_gold

CONVERTERS = ("site", "opencc")


def converter_named(name: str):
    """(converter, baseline key) for ``site`` or ``opencc``."""
    if name == "opencc":
        return variants_gold.opencc_reference, "opencc_reference"
    convert = variants_gold.site_converter()
    if convert is None:
        raise CommandError("articles.conversion.to_variant does not exist yet; use --converter opencc")
    return convert, "to_variant"


class Command(BaseCommand):
    help = "Agreement per variant of the converter with the regional-variant gold set (issue 25)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--converter", choices=CONVERTERS, default="site")
        parser.add_argument("--show", type=int, default=5, help="disagreements shown per variant")
        parser.add_argument("--write-baseline", action="store_true")
        parser.add_argument("--site-glossary", action="store_true", help="convert with the site-wide glossary")

    def handle(self, *args, converter: str, show: int, write_baseline: bool, site_glossary: bool, **options) -> None:
        convert, key = converter_named(converter)
        terms = ()
        if site_glossary:
            from articles.glossaries import site_terms

            terms = site_terms()
        gold = variants_gold.load()
        results = variants_gold.check(convert, terms, gold)
        self.stdout.write(f"gold set version {gold.version}, {len(gold.rows)} sentences, converter {key}"
                          + (f", site glossary ({len(terms)} terms)" if site_glossary else ""))
        self.stdout.write(variants_gold.report(results, show))
        if write_baseline:
            baseline = variants_gold.load_baseline() if variants_gold.BASELINE_PATH.exists() else {}
            baseline.setdefault("converters", {})[key] = variants_gold.baseline_record(results, gold, key)
            variants_gold.BASELINE_PATH.write_text(json.dumps(baseline, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            self.stdout.write(f"baseline for {key} written to {variants_gold.BASELINE_PATH}")
            return
        recorded = variants_gold.load_baseline().get("converters", {}).get(key)
        if recorded is None:
            raise CommandError(f"no baseline for {key}: run with --write-baseline")
        failures = variants_gold.below_baseline(results, recorded)
        if failures:
            raise CommandError("below the baseline:\n" + "\n".join(failures))
        self.stdout.write("at or above the baseline: " + ", ".join(
            f"{v} {recorded['agreement'][v]['agree']}/{recorded['agreement'][v]['total']}" for v in results))
