"""``python manage.py bench_search``: search latency on a realistic 10,000-article corpus.

Generates articles of about 3,000 characters of real Chinese (sentences of the seed and the
corpus, half of them converted to the other script, so documents are mixed like imports), loads
them in bulk, then times the public search (count + first page, as the view does) for common and
rare words of 1–4 characters in both scripts, and prints p50/p95. Run it against PostgreSQL, the
production database; on SQLite it runs but measures the unindexed fallback:

    DATABASE_URL=postgres://root@127.0.0.1:5432/bench make bench-search

The generated articles (slugs ``bench-…``) are deleted at the end unless ``--keep``.
"""
from __future__ import annotations

import random
import re
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from articles import conversion
from articles.models import Article
from articles.search import SEARCH_COLUMNS, search_columns

QUERIES = [
    "苏联", "蘇聯", "条约", "條約", "中国", "中華民國", "政府", "日本", "铁路", "鐵路",
    "互不侵犯", "外交部", "国民党", "軍事", "北京", "南京", "签订", "協定", "援助", "委员会",
    "苏", "約", "冀察政务委员会", "不平等条约", "克林德", "戈壁沙漠", "KP77", "1937年", "清朝", "庚子",
]


def corpus_topics() -> list[list[str]]:
    """The sentences of each seed/corpus article: one topic per source article."""
    roots = [Path(settings.BASE_DIR).parent / "shared" / "corpus", Path(settings.BASE_DIR) / "articles" / "demo"]
    topics = []
    for path in sorted(p for root in roots if root.is_dir() for p in root.glob("*.md") if p.name != "README.md"):
        text = re.sub(r"\]\([^)]*\)", "]", path.read_text(encoding="utf-8"))  # keep link labels only
        text = re.sub(r"[\[\]\\*#>|`_]", "", text)
        sentences = [s.strip() for s in re.split(r"(?<=[。！？；])|\n", text) if len(s.strip()) >= 8]
        sentences = [s for s in sentences if re.search(r"[\u4e00-\u9fff]", s)]
        if sentences:
            topics.append(sentences)
    return topics


class Command(BaseCommand):
    help = "Benchmark the cross-script search on generated articles; prints p50/p95 latency."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=10_000)
        parser.add_argument("--chars", type=int, default=3_000)
        parser.add_argument("--runs", type=int, default=5, help="timed runs per query")
        parser.add_argument("--keep", action="store_true", help="keep the generated articles")
        parser.add_argument("--seed", type=int, default=1937)

    def handle(self, *args, articles: int, chars: int, runs: int, keep: bool, seed: int, **options):
        vendor = connection.vendor
        if vendor != "postgresql":
            self.stderr.write(self.style.WARNING("Not PostgreSQL: measuring the unindexed fallback."))
        topics = corpus_topics()
        self.stdout.write(
            f"{sum(map(len, topics))} sentences in {len(topics)} topics; generating {articles} articles of ~{chars} chars…"
        )
        rng = random.Random(seed)
        start = time.perf_counter()
        self._generate(rng, topics, articles, chars)
        self.stdout.write(f"generated and loaded in {time.perf_counter() - start:.1f} s")
        try:
            with connection.cursor() as cursor:
                if vendor == "postgresql":
                    cursor.execute("ANALYZE articles_article")
            self._measure(runs)
        finally:
            if not keep:
                Article.objects.filter(slug_zh_hans__startswith="bench-").delete()

    def _generate(self, rng: random.Random, topics: list[list[str]], count: int, chars: int) -> None:
        """Each article mixes two topics (as a real article draws on a few subjects)."""
        now = timezone.now()
        batch: list[Article] = []
        for n in range(count):
            sentences = rng.choice(topics) + rng.choice(topics)
            parts, length = [], 0
            while length < chars:
                sentence = rng.choice(sentences)
                if rng.random() < 0.5:  # imports are mixed-script
                    sentence = conversion.to_traditional(sentence)
                parts.append(sentence)
                length += len(sentence)
            mixed = "".join(parts)
            title = f"{rng.choice(sentences)[:12]}（{n}）"
            hans_title, hant_title = conversion.to_simplified(title), conversion.to_traditional(title)
            hans, hant = conversion.to_simplified(mixed), conversion.to_traditional(mixed)
            columns = search_columns(hans_title, hant_title, [hans])
            batch.append(Article(
                title_zh_hans=hans_title, title_zh_hant=hant_title,
                slug_zh_hans=f"bench-{n}", slug_zh_hant=f"bench-{n}-hant",
                lead_zh_hans=hans, lead_zh_hant=hant, status=Article.Status.PUBLISHED, published_at=now,
                **columns,
            ))
            if len(batch) == 500:
                with transaction.atomic():
                    Article.objects.bulk_create(batch)
                batch = []
                self.stdout.write(f"\r  {n + 1}/{count}", ending="")
                self.stdout.flush()
        if batch:
            Article.objects.bulk_create(batch)
        self.stdout.write("")

    def _measure(self, runs: int) -> None:
        published = Article.objects.published()
        rows = []
        all_times: list[float] = []
        for query in QUERIES:
            times, hits = [], 0
            for _ in range(runs + 1):
                started = time.perf_counter()
                results = published.search(query).defer(*SEARCH_COLUMNS)
                hits = results.count()
                list(results[:20])
                times.append((time.perf_counter() - started) * 1000)
            times = times[1:]  # the first run warms caches
            all_times += times
            rows.append((query, hits, statistics.median(times), max(times)))
        self.stdout.write(f"\n{'query':<12} {'hits':>6} {'median ms':>10} {'max ms':>8}")
        for query, hits, median, worst in rows:
            self.stdout.write(f"{query:<12} {hits:>6} {median:>10.1f} {worst:>8.1f}")
        all_times.sort()
        p50 = all_times[len(all_times) // 2]
        p95 = all_times[min(len(all_times) - 1, int(len(all_times) * 0.95))]
        self.stdout.write(self.style.SUCCESS(
            f"\nsearch latency over {len(all_times)} runs on {connection.vendor}: p50 {p50:.1f} ms, p95 {p95:.1f} ms"
            f" (target p95 < 50 ms)"
        ))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                sql, params = published.search("苏联").values("pk").query.sql_with_params()
                cursor.execute("EXPLAIN " + sql, params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            uses_index = "article_search_tokens_gin" in plan
            self.stdout.write(f"plan uses the GIN token index: {'yes' if uses_index else 'no'}")
