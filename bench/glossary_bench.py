"""A named glossary used by 1,000 articles: time from an edit of one of its terms to every page
using it purged and every stored rendering of those articles rendered again (issue 25's target:
under 60 s).

Not a test: prints figures. Runs on a throwaway SQLite database in a temporary folder, or on
``--database-url`` (e.g. ``postgres://root@127.0.0.1:5432/bench``; migrated, and the articles it
makes are deleted at the end). The articles are the seed article's text (sections, references,
citations, a wikilink) under 1,000 titles, all in one category that opts into the glossary. The
re-rendering runs in this thread (``GLOSSARY_RERENDER=inline``) so that its end can be timed; on a
site it runs in a background thread after the editor's save returns.

Usage: ``python bench/glossary_bench.py [--articles 1000] [--database-url URL]``.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SEED = ROOT.parent / "shared" / "seed"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="glossary-bench-"))
    os.environ.setdefault("DATABASE_URL", args.database_url or f"sqlite:///{work / 'bench.sqlite3'}")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "treatysite.test_settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ["GLOSSARY_RERENDER"] = "inline"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from articles.models import Article, Category, NamedGlossary, NamedGlossaryTerm, Reference, Section
    from articles.serving import pages
    from articles.serving.models import ArticleRendering

    setup_test_environment()
    settings.GLOSSARY_RERENDER = "inline"
    call_command("migrate", verbosity=0, interactive=False)
    seed_files = sorted(SEED.glob("*.md"))
    if not seed_files:
        sys.exit(f"no seed article in {SEED}")
    call_command("import_wiki", str(seed_files[0]), "--status", "published", verbosity=0)
    seed = Article.objects.order_by("pk").last()
    sections = list(seed.sections.all())
    references = list(seed.references.all())
    category = Category.objects.create(name_zh_hans="条约基准", name_zh_hant="條約基準")

    started = time.perf_counter()
    # bulk_create: the articles' own save work (search columns, links) is not what is measured.
    now = timezone.now()
    Article.objects.bulk_create([
        Article(title_zh_hans=f"基准条约{n}", title_zh_hant=f"基準條約{n}", slug_zh_hans=f"基准条约{n}",
                slug_zh_hant=f"基準條約{n}", lead_zh_hans=seed.lead_zh_hans + "市民乘坐公交车。",
                lead_zh_hant=seed.lead_zh_hant + "市民乘坐公交車。", status=Article.Status.PUBLISHED, published_at=now)
        for n in range(args.articles)])
    made = list(Article.objects.filter(title_zh_hans__startswith="基准条约").values_list("pk", flat=True))
    Section.objects.bulk_create([Section(article_id=pk, position=s.position, level=s.level,
                                         heading_zh_hans=s.heading_zh_hans, heading_zh_hant=s.heading_zh_hant,
                                         body_zh_hans=s.body_zh_hans, body_zh_hant=s.body_zh_hant)
                                 for pk in made for s in sections])
    Reference.objects.bulk_create([Reference(article_id=pk, key=r.key, text_zh_hans=r.text_zh_hans,
                                             text_zh_hant=r.text_zh_hant) for pk in made for r in references])
    Category.articles.through.objects.bulk_create(
        [Category.articles.through(article_id=pk, category_id=category.pk) for pk in made])
    print(f"made {len(made)} articles from {seed_files[0].name} in {time.perf_counter() - started:.1f} s")

    glossary = NamedGlossary.objects.create(name="交通")
    term = NamedGlossaryTerm.objects.create(glossary=glossary, hans="公交车", hant="公交車", zh_tw="公車")
    settings.GLOSSARY_RERENDER = "off"  # the opt-in would re-render them all too: not what is timed
    with transaction.atomic():
        glossary.categories.add(category)
    settings.GLOSSARY_RERENDER = "inline"

    load = os.getloadavg()[0]
    purged: list[int] = []
    real_invalidate = pages.invalidate
    pages.invalidate = lambda paths: (purged.append(len(set(paths))), real_invalidate(paths))[1]
    started, cpu = time.perf_counter(), time.process_time()
    with transaction.atomic():
        term.zh_hk = "巴士"
        term.save()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    pages.invalidate = real_invalidate

    rows = ArticleRendering.objects.filter(article_id__in=made)
    current = sum(1 for r in rows if r.rendered_generation == r.generation)
    print(f"glossary edit → {sum(purged)} page paths purged, {current}/{rows.count()} stored renderings current "
          f"({len(made)} articles) in {elapsed:.1f} s ({1000 * elapsed / len(made):.1f} ms per article; "
          f"{cpu:.1f} s CPU in this process; load average before {load:.1f}); "
          f"target < 60 s: {'met' if elapsed < 60 and current == rows.count() else 'NOT met'}")
    sample = Article.objects.get(pk=made[0])
    from articles.rendering import render_article
    print("zh-hk lead of the first article ends:", render_article(sample, "zh-hk").lead_html[-40:].strip())
    Article.objects.filter(pk__in=made + [seed.pk]).delete()
    glossary.delete()
    category.delete()


if __name__ == "__main__":
    main()
