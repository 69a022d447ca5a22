#!/usr/bin/env python3
"""The benchmark's mixed workload: Zipf-distributed anonymous reads over 10,000 articles while an
editor saves one edit per second (``mixed_workload()``, called from ``site_bench.py``; standalone:
``.venv/bin/python bench/mixed_workload.py``, which drops and recreates its own database).

Decisions:

* **Content: the rows the model save path writes, written in bulk.** Saving an article and its
  2–3 sections through ``save()`` costs ~50 queries and ~40 ms of CPU (script conversion and the
  conversion review count, redone on every part save): 10,000 took over half an hour here. So each
  instance goes through the models' own save rule (``strip_control_characters``,
  ``date_publication``, ``sync_scripts``, ``fill_slugs``) and the derived columns come from the
  functions the post-save signals call (``search_columns``, ``unreviewed_count``,
  ``wikilink_targets``), once per article, in two forked processes (CPU-bound); the rows are then
  written with three ``bulk_create`` per 250 articles, and the invalidation the signals would ask
  for is asked for. Before generating, ``verify_bulk_path`` saves four articles both ways
  (``save()`` and the bulk path, rolled back) and refuses to go on unless every column of the
  article, its sections and its link rows is identical — so a change to the save rule fails
  the benchmark instead of silently generating rows the site would not write.
  Half the articles are typed in Traditional, half in Simplified (the editor's script); each has a
  bold lead term, 2–3 sections of a few hundred characters, and three ``[[wikilinks]]`` to other
  generated titles (targets drawn uniformly, so an article has ~3 inbound links, Poisson-spread),
  so an article edit also invalidates the pages linking to it. Titles that already exist in the
  database (in either script, by ``title_key``) are skipped: the admin would refuse them.
* **Zipf with s = 1 over pages.** Both scripts' pages of every article (20,000 paths) are put in
  a random order (seeded) and rank k is requested with probability (1/k)/H_N — the classic
  model of web-page popularity and the customary round exponent (Breslau et al., INFOCOM 1999,
  measured 0.64–0.83 on proxy traces: a flatter tail, so s = 1 is slightly kind to a cache — read
  the hit rate as an upper estimate for the same site size). Popularity of the two
  scripts of one article is independent. The edit thread picks what to edit with the same
  distribution (a page's rank → its article), so popular articles are edited most often: the
  realistic and the hard case for a page cache (a hot page is invalidated while it is read).
  An edit alternates between the lead (``Article.save``: the article and its linking pages are
  invalidated) and a section body (``Section.save``: the article's own pages), one script side
  changed (the save rule regenerates the other). Edits run on a fixed schedule of one per
  second (t0 + n), not ``sleep(1)`` after each save.
* **Steady state first.** A public site's pages are all read every day — by readers' long tail
  and by the crawlers that follow its sitemap — and a page stays cached until an edit changes it
  (``ARTICLE_CACHE_SECONDS`` is a day). So the bulk path ends as each save does, with the
  article's reader pages rendered and stored (``renderings.refresh``), every page is read once
  before the measurement, then a Zipf warm-up of half the measured duration.
  What the measured run then misses comes from the edits (and the cache's own races): the issue
  this workload exists for is that one edit used to empty the whole cache. Without the crawl, a
  minute of Zipf reads over 20,000 pages mostly measures the cold tail (56 % on 2026-12-03 at
  57 requests/s, every miss a first render; a Zipf model of the same run predicts it).
* **Hit rate** = hits / (hits + misses), counted by wrk's Lua script from the page cache's
  ``X-Cache`` header (``hit`` for answers from the page store, ``miss`` for cacheable answers
  rendered by the view). Answers without the header (none expected: every path is canonical) are
  reported as "uncached"; non-2xx/3xx answers and socket errors as errors.
* **Why misses happen** is measured, not guessed: the page-store keys of all 20,000 paths are
  checked in Redis before and after the measured run, and the invalidations that this process's
  edits trigger are recorded (observing ``pages.invalidate``, not changing it). Misses then split
  into first requests of pages never cached before (cold tail), re-renders of invalidated pages
  (including several readers missing the same hot page at once) and the rest (TTL expiry — the
  page lifetime, ``ARTICLE_CACHE_SECONDS`` = 600 s, is longer than the whole run).
* **Steady state is modelled as well** (``steady_state_hit_rate``): a run of a minute cannot
  show what a site that has been up for hours sees, so the report adds the hit rate that a
  TTL cache with these invalidations reaches at the measured request rate.

Everything is bounded: wrk runs for a fixed duration under a timeout, the edit thread stops with
the measured run, gunicorn (``site_bench.gunicorn``) is killed however we leave.
"""
from __future__ import annotations

import argparse
import bisect
import multiprocessing
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from site_bench import WrkResult, gunicorn, manage, parse_wrk, recreate_database, server_env, setup_django  # noqa: E402

LUA_SCRIPT = Path(__file__).resolve().parent / "zipf_reads.lua"
BATCH = 250  # articles per transaction
GENERATION_PROCESSES = 2  # conversion and review are CPU-bound: one per CPU
LINKS_PER_ARTICLE = 3
TARGET_HIT_RATE = 0.90

# --- generated content -----------------------------------------------------------------------

COUNTRIES = [("中", "中国"), ("苏", "苏联"), ("日", "日本"), ("美", "美国"), ("英", "英国"), ("法", "法国"),
             ("德", "德国"), ("俄", "俄国"), ("朝", "朝鲜"), ("越", "越南"), ("印", "印度"), ("蒙", "蒙古"),
             ("泰", "泰国"), ("缅", "缅甸"), ("意", "意大利"), ("荷", "荷兰"), ("葡", "葡萄牙"), ("西", "西班牙"),
             ("奥", "奥地利"), ("土", "土耳其"), ("波", "波兰"), ("瑞", "瑞典"), ("挪", "挪威"), ("丹", "丹麦"),
             ("加", "加拿大"), ("澳", "澳大利亚"), ("巴", "巴西"), ("墨", "墨西哥"), ("埃", "埃及"), ("伊", "伊朗")]
KINDS = ["互不侵犯条约", "友好条约", "通商条约", "边界条约", "同盟条约", "和平条约", "领事条约", "航海条约",
         "引渡条约", "文化协定", "贸易协定", "渔业协定"]
CITIES = ["北京", "莫斯科", "东京", "华盛顿", "伦敦", "巴黎", "柏林", "日内瓦", "南京", "上海", "海牙", "维也纳",
          "罗马", "曼谷", "新德里"]
HEADINGS = ["背景", "谈判经过", "主要内容", "批准与生效", "影响", "评价", "后续发展"]
SENTENCES = [
    "条约共{n}条，规定双方互相尊重领土完整，互不干涉内政。",
    "签约后，两国关系在此后数年间明显改善，贸易额逐年增长。",
    "谈判历时{m}个月，双方代表在{c}举行了多轮会谈，会议里气氛时而紧张。",
    "部分历史学家认为，该条约与{link}有密切关系。",
    "条约的批准书于{y2}年在{c}互换，条约随即生效。",
    "条约文本以{a}和{b}两国的官方语言写成，两种文本具有同等效力。",
    "{a}国内舆论对条约褒贬不一，反对者认为它限制了本国的外交空间。",
    "此后双方又签订了若干补充议定书，进一步明确了执行细节。",
    "研究这一时期外交史的学者常把它与{link}相提并论。",
    "条约有效期为{k}年，期满后如无一方提出废止，则自动延长。",
    "由于国际形势的变化，条约在{y3}年实际上已失去效力。",
    "档案公开后，关于谈判过程的许多细节才为人所知，干部回忆录里面也有记载。",
    "双方还约定设立联合委员会，每年轮流在两国首都举行会议。",
    "当年{c}的会场如今已辟为纪念馆，对公众开放。",
    "后来的外交官回忆说，谈判桌上双方为一个措辞往往争论到深夜。",
    "条约签订的消息发表后，各国报纸纷纷发表评论，{b}的反应尤为冷淡。",
]


@dataclass(frozen=True)
class Spec:
    """One article to generate, in the script its editor types."""

    title: str
    script: str  # "zh-hans" or "zh-hant"
    lead: str
    sections: tuple[tuple[str, str], ...]  # (heading, body)


def candidate_titles(count: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """(title, country A, country B) in Simplified: "中苏互不侵犯条约", then with a year if needed."""
    combos = [(s1 + s2 + kind, n1, n2) for s1, n1 in COUNTRIES for s2, n2 in COUNTRIES if s1 != s2 for kind in KINDS]
    rng.shuffle(combos)
    titles = list(combos)
    year = 1900
    while len(titles) < count:
        titles += [(f"{title}（{year}年）", a, b) for title, a, b in combos]
        year += 1
    return titles


def sentence(template: str, a: str, b: str, year: int, link: str, rng: random.Random) -> str:
    return template.format(a=a, b=b, c=rng.choice(CITIES), n=rng.randint(4, 30), m=rng.randint(2, 30),
                           k=rng.choice([5, 10, 20, 30]), y2=year + 1, y3=year + rng.randint(3, 40), link=link)


def paragraph(a: str, b: str, year: int, links: list[str], sentences: int, rng: random.Random) -> str:
    """Sentences from the pool; each {link} slot takes the next of ``links`` (or a plain phrase)."""
    parts = []
    for template in rng.sample(SENTENCES, sentences):
        link = ""
        if "{link}" in template:
            link = links.pop() if links else "同期的其他条约"
        parts.append(sentence(template, a, b, year, link, rng))
    for link in links:  # links no template took
        parts.append(f"另见[[{link[2:-2].split('|')[0]}|同类条约]]。" if rng.random() < 0.3 else f"另见{link}。")
    links.clear()
    return "".join(parts)


def article_spec(title: str, a: str, b: str, targets: list[str], rng: random.Random, to_traditional) -> Spec:
    year = rng.randint(1842, 1990)
    links = [f"[[{t}]]" for t in targets]
    lead_links, body_links = links[:1], links[1:]
    lead = (f"**{title}**是{a}与{b}于{year}年在{rng.choice(CITIES)}签订的双边条约。"
            + paragraph(a, b, year, lead_links, 2, rng))
    count = rng.choice([2, 3])
    headings = rng.sample(HEADINGS, count)
    sections = []
    for i, heading in enumerate(headings):
        mine = body_links[i::count]
        sections.append((heading, paragraph(a, b, year, mine, rng.randint(6, 9), rng)))
    if rng.random() < 0.5:
        return Spec(title, "zh-hans", lead, tuple(sections))
    t = to_traditional
    return Spec(t(title), "zh-hant", t(lead), tuple((t(h), t(body)) for h, body in sections))


def save_spec(spec: Spec) -> None:
    """Save one article the way an editor does: the article (published), then its sections. The
    reference for :func:`build_batch` (see :func:`verify_bulk_path`) and nothing else: at ~50
    queries an article it needs minutes per thousand articles on this machine."""
    from articles.models import Article, Section

    suffix = spec.script.replace("-", "_")
    article = Article(**{f"title_{suffix}": spec.title, f"lead_{suffix}": spec.lead})
    article.publish()
    article.save()
    for position, (heading, body) in enumerate(spec.sections):
        Section.objects.create(article=article, position=position, level=2,
                               **{f"heading_{suffix}": heading, f"body_{suffix}": body})


def derived_rows(spec: Spec, glossary) -> tuple[dict[str, object], list[dict[str, object]], dict[str, str]]:
    """The column values ``save_spec`` ends with for ``spec`` (slugs aside): article, sections, links.

    Each instance goes through the models' own save rule (``strip_control_characters``,
    ``date_publication``, ``sync_scripts`` with the glossary a new article gets); the derived
    columns are computed by the functions the post-save signals call (``search.search_columns``,
    ``unreviewed_count``, ``wikilink_targets``/``title_key``) from the texts in memory instead of
    reading them back, once per article instead of once per part save. No database access: it
    runs in worker processes.
    """
    from articles import search
    from articles.conversion import title_key
    from articles.conversion_review import unreviewed_count
    from articles.models import Article, ArticleLink, Section, strip_control_characters
    from articles.wikilinks import wikilink_targets

    suffix = spec.script.replace("-", "_")
    article = Article(**{f"title_{suffix}": spec.title, f"lead_{suffix}": spec.lead})
    article.publish()
    article.date_publication()
    strip_control_characters(article)
    article.sync_scripts(glossary)
    sections = []
    for position, (heading, body) in enumerate(spec.sections):
        section = Section(position=position, level=2, **{f"heading_{suffix}": heading, f"body_{suffix}": body})
        strip_control_characters(section)
        section.sync_scripts(glossary)
        sections.append(section)
    # What rebuild_search_document, rebuild_review_count and rebuild_links compute.
    texts = [article.lead_zh_hans]
    for section in sections:
        texts += [section.heading_zh_hans, section.body_zh_hans]
    for name, value in search.search_columns(article.title_zh_hans, article.title_zh_hant, texts).items():
        setattr(article, name, value)
    pairs = [(article.title_zh_hans, article.title_zh_hant), (article.lead_zh_hans, article.lead_zh_hant)]
    for section in sections:
        pairs += [(section.heading_zh_hans, section.heading_zh_hant), (section.body_zh_hans, section.body_zh_hant)]
    article.unreviewed_characters = unreviewed_count(pairs, glossary)
    link_texts = [article.lead_zh_hans, article.lead_zh_hant]
    for section in sections:
        link_texts += [section.body_zh_hans, section.body_zh_hant]
    length = ArticleLink._meta.get_field("target").max_length
    links = {title_key(t)[:length]: t[:length] for t in sorted(wikilink_targets(link_texts))}

    def values(instance) -> dict[str, object]:
        return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields
                if not f.primary_key and f.attname != "article_id"}

    return values(article), [values(section) for section in sections], links


_worker_glossary = None


def _derive(spec: Spec):
    return derived_rows(spec, _worker_glossary)


def fill_slugs_batch(articles: list) -> None:
    """``fill_slugs`` for a batch: a slug that ``unique_slug`` would keep as it is (not in the
    database, not twice in the batch) is kept after one query per script; any other falls back
    to the model's own ``fill_slugs`` (which only sees saved rows, hence the in-batch check)."""
    from django.utils.text import slugify

    from articles.models import SLUG_MAX_LENGTH, Article, field_name

    def base(article, script: str) -> str:  # unique_slug's base, from fill_slugs' source
        raw = slugify(getattr(article, field_name("title", script)) or "", allow_unicode=True)
        return (raw or "item")[: SLUG_MAX_LENGTH - 6].strip("-") or "item"

    for script in ("zh-hans", "zh-hant"):
        column = field_name("slug", script)
        bases = [base(a, script) for a in articles]
        taken = set(Article.objects.filter(**{f"{column}__in": bases}).values_list(column, flat=True))
        seen: set[str] = set()
        for article, slug in zip(articles, bases):
            if slug in seen:
                raise RuntimeError(f"two generated articles would share the slug {slug}")
            seen.add(slug)
            if slug not in taken:
                setattr(article, column, slug)
    for article in articles:
        if not (article.slug_zh_hans and article.slug_zh_hant):
            article.fill_slugs()


def write_batch(rows: list) -> list[int]:
    """Write derived rows in three bulk INSERTs, and ask for the invalidation the save signals
    would (the pages linking to the new titles). Inside a transaction; returns the pks."""
    from articles.models import Article, ArticleLink, Section
    from articles.serving import invalidation

    articles = [Article(**fields) for fields, _, _ in rows]
    fill_slugs_batch(articles)
    Article.objects.bulk_create(articles)
    sections, links = [], []
    for article, (_, own_sections, own_links) in zip(articles, rows):
        sections += [Section(article=article, **fields) for fields in own_sections]
        links += [ArticleLink(source=article, target_key=key, target=target) for key, target in own_links.items()]
    Section.objects.bulk_create(sections)
    ArticleLink.objects.bulk_create(links)
    titles = {t for a in articles for t in (a.title_zh_hans, a.title_zh_hant)}
    linking = Article.objects.linking_to(titles).values_list("pk", flat=True)
    invalidation.after_commit({*(a.pk for a in articles), *linking})
    return [a.pk for a in articles]


def build_batch(specs: list[Spec]) -> list[int]:
    """The rows ``save_spec`` writes for ``specs``, in this process (see :func:`verify_bulk_path`)."""
    from articles.models import GlossaryTerm

    glossary = GlossaryTerm.glossary_for(None)  # a new article has no terms of its own yet
    return write_batch([derived_rows(spec, glossary) for spec in specs])


def _rows(article_id: int) -> dict[str, object]:
    """What the database holds for one article, without ids and timestamps."""
    from articles.models import Article, ArticleLink, Section

    skip = {"id", "created_at", "updated_at", "published_at"}
    article = {k: v for k, v in Article.objects.filter(pk=article_id).values()[0].items() if k not in skip}
    sections = [{k: v for k, v in row.items() if k not in {"id", "article_id"}}
                for row in Section.objects.filter(article_id=article_id).order_by("position").values()]
    links = sorted(ArticleLink.objects.filter(source_id=article_id).values_list("target_key", "target"))
    return {"article": article, "sections": sections, "links": links}


def verify_bulk_path(specs: list[Spec]) -> None:
    """Save each spec both ways (rolled back) and insist on identical rows."""
    from django.db import transaction

    from articles.models import Article

    for spec in specs:
        with transaction.atomic():
            save_spec(spec)
            reference = _rows(Article.objects.latest("pk").pk)
            transaction.set_rollback(True)
        with transaction.atomic():
            bulk = _rows(build_batch([spec])[0])
            transaction.set_rollback(True)
        if bulk != reference:
            raise RuntimeError(f"the bulk path differs from the save path for {spec.title}:\n{bulk}\n{reference}")


def generate_articles(count: int, seed: int) -> tuple[int, float]:
    """Generate ``count`` published articles (see :func:`build_batch`); (created, seconds)."""
    from django.db import connection, transaction

    from articles.conversion import title_key, to_traditional
    from articles.models import Article, GlossaryTerm

    rng = random.Random(seed)
    existing = {title_key(t) for pair in Article.objects.values_list("title_zh_hans", "title_zh_hant") for t in pair if t}
    titles = [c for c in candidate_titles(count + len(existing), rng) if title_key(c[0]) not in existing][:count]
    names = [t for t, _, _ in titles]

    def spec(index: int) -> Spec:
        title, a, b = titles[index]
        targets = [t for t in rng.sample(names, LINKS_PER_ARTICLE + 1) if t != title][:LINKS_PER_ARTICLE]
        return article_spec(title, a, b, targets, rng, to_traditional)

    started = time.perf_counter()
    specs = [spec(index) for index in range(count)]
    checked = [s for s in specs[:40] if s.script == "zh-hans"][:2] + [s for s in specs[:40] if s.script == "zh-hant"][:2]
    verify_bulk_path(checked)
    print(f"  bulk path checked against the save path on {len(checked)} articles", flush=True)
    global _worker_glossary
    _worker_glossary = GlossaryTerm.glossary_for(None)  # inherited by the forked workers
    connection.close()  # no database connection (nor the pool's threads) crosses the fork
    if hasattr(connection, "close_pool"):
        connection.close_pool()
    batches = [specs[start:start + BATCH] for start in range(0, count, BATCH)]
    done = 0
    pool = _forked_pool()
    try:
        pending = pool.map_async(_derive, batches[0], chunksize=25) if batches else None
        for index in range(len(batches)):
            rows = pending.get(timeout=300)
            if index + 1 < len(batches):  # the workers derive the next batch while this one is written
                pending = pool.map_async(_derive, batches[index + 1], chunksize=25)
            with transaction.atomic():
                write_batch(rows)
            done += len(rows)
            if done % 1000 == 0 or done == count:
                elapsed = time.perf_counter() - started
                print(f"  generated {done:,}/{count:,} articles in {elapsed:.1f} s ({done / elapsed:.0f}/s)", flush=True)
    finally:
        _finish(pool)
    return count, time.perf_counter() - started


def _forked_pool() -> "multiprocessing.pool.Pool":
    """Workers that die of SIGTERM (the bench's own handler would raise inside a queue lock)."""
    return multiprocessing.get_context("fork").Pool(GENERATION_PROCESSES, initializer=signal.signal,
                                                    initargs=(signal.SIGTERM, signal.SIG_DFL))


def _finish(pool: "multiprocessing.pool.Pool") -> None:
    """close + join, not the context manager's terminate(): killing a worker that holds the task
    queue's lock left its sibling waiting for it forever (seen once in five runs)."""
    pool.close()
    pool.join()


# --- the pages and their popularity ----------------------------------------------------------

@dataclass(frozen=True)
class Page:
    path: str  # unquoted, as request.path and the page store see it
    article_id: int


def ranked_pages(article_ids: list[int], seed: int) -> list[Page]:
    """Both scripts' pages of these articles in a random (seeded) order: index 0 is rank 1."""
    from articles.models import Article

    rows = Article.objects.filter(pk__in=article_ids).values_list("pk", "slug_zh_hans", "slug_zh_hant")
    pages = [Page(f"/{script}/articles/{slug}/", pk) for pk, hans, hant in rows
             for script, slug in (("zh-hans", hans), ("zh-hant", hant))]
    pages.sort(key=lambda p: p.path)  # the database's order is not part of the seed
    random.Random(seed).shuffle(pages)
    return pages


def write_paths(pages: list[Page], directory: Path) -> Path:
    target = directory / "zipf_paths.txt"
    target.write_text("".join(quote(p.path) + "\n" for p in pages), encoding="ascii")
    return target


class Zipf:
    """Ranks 0..n-1 with probability proportional to 1/(rank+1) (s = 1), as the Lua script draws."""

    def __init__(self, n: int, rng: random.Random):
        self.cumulative: list[float] = []
        total = 0.0
        for k in range(1, n + 1):
            total += 1 / k
            self.cumulative.append(total)
        self.rng = rng

    def draw(self) -> int:
        return min(bisect.bisect_left(self.cumulative, self.rng.random() * self.cumulative[-1]), len(self.cumulative) - 1)


# --- edits -----------------------------------------------------------------------------------

_MARK = re.compile(r"（本段第\d+次修订。）$")


def revised(text: str, n: int) -> str:
    return _MARK.sub("", text or "") + f"（本段第{n}次修订。）"


def edit_once(article_id: int, n: int, rng: random.Random) -> str:
    """Change the lead or one section's body (one script side) through the models and save."""
    from articles.models import Article, Section

    suffix = rng.choice(["zh_hans", "zh_hant"])
    if n % 2:
        article = Article.objects.get(pk=article_id)
        setattr(article, f"lead_{suffix}", revised(getattr(article, f"lead_{suffix}"), n))
        article.save()
        return "lead"
    section = rng.choice(list(Section.objects.filter(article_id=article_id)))
    setattr(section, f"body_{suffix}", revised(getattr(section, f"body_{suffix}"), n))
    section.save()
    return "section"


@dataclass
class EditLog:
    applied: int = 0
    failed: int = 0
    late: int = 0  # edits that started more than a second behind schedule
    kinds: dict[str, int] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)


def editor(pages: list[Page], stop: threading.Event, log: EditLog, seed: int) -> None:
    """One edit per second on a fixed schedule until ``stop``; Zipf-chosen like the reads."""
    from django.db import connection

    rng = random.Random(seed)
    zipf = Zipf(len(pages), rng)
    t0 = time.monotonic()
    n = 0
    try:
        while not stop.is_set():
            n += 1
            lag = time.monotonic() - (t0 + n - 1)
            if lag > 1:
                log.late += 1
            started = time.perf_counter()
            try:
                kind = edit_once(pages[zipf.draw()].article_id, n, rng)
                log.applied += 1
                log.kinds[kind] = log.kinds.get(kind, 0) + 1
            except Exception as error:  # a refused save is a result, not a crash of the benchmark
                log.failed += 1
                print(f"  edit {n} failed: {error!r}", file=sys.stderr)
            log.seconds.append(time.perf_counter() - started)
            stop.wait(max(0.0, t0 + n - time.monotonic()))
    finally:
        connection.close()


@contextmanager
def editing(pages: list[Page], seed: int) -> Iterator[EditLog]:
    log = EditLog()
    stop = threading.Event()
    thread = threading.Thread(target=editor, args=(pages, stop, log, seed), name="mixed-editor", daemon=True)
    thread.start()
    try:
        yield log
    finally:
        stop.set()
        thread.join(30)


@dataclass
class InvalidationLog:
    calls: int = 0
    pages: int = 0
    distinct: set[str] = field(default_factory=set)


@contextmanager
def observed_invalidations() -> Iterator[InvalidationLog]:
    """Record what ``pages.invalidate`` is asked to drop in this process (it still does it)."""
    from articles.serving import pages as page_store

    log = InvalidationLog()
    original = page_store.invalidate

    def recording(paths):
        paths = set(paths)
        log.calls += 1
        log.pages += len(paths)
        log.distinct.update(paths)
        return original(paths)

    page_store.invalidate = recording
    try:
        yield log
    finally:
        page_store.invalidate = original


def cached_paths(pages: list[Page]) -> set[str] | None:
    """The paths whose page is in the page store now (one pipelined EXISTS per path), or None if
    the cache is not Redis."""
    from django.core.cache import cache

    from articles.serving import pages as page_store

    try:
        client = cache._cache.get_client(write=False)
        pipe = client.pipeline(transaction=False)
        for page in pages:
            pipe.exists(cache.make_and_validate_key(page_store.page_key(page.path)))
        return {page.path for page, found in zip(pages, pipe.execute()) if found}
    except AttributeError:
        return None


# --- wrk -------------------------------------------------------------------------------------

@dataclass
class ReadCounts:
    hits: int
    misses: int
    uncached: int
    errors: int
    responses: int

    @property
    def hit_rate(self) -> float:
        return self.hits / (self.hits + self.misses) if self.hits + self.misses else float("nan")


def parse_counts(output: str) -> ReadCounts:
    match = re.search(r"^ZIPF_READS hits=(\d+) misses=(\d+) uncached=(\d+) errors=(\d+) responses=(\d+)$", output, re.M)
    if not match:
        raise ValueError(f"no ZIPF_READS line in wrk output:\n{output}")
    return ReadCounts(*map(int, match.groups()))


def run_zipf_wrk(base: str, paths_file: Path, seconds: int, args: argparse.Namespace, seed: int) -> tuple[WrkResult, ReadCounts]:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s", "--latency",
               "-s", str(LUA_SCRIPT), base, "--", str(paths_file), str(seed)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True)
    return parse_wrk(done.stdout), parse_counts(done.stdout)


# --- the workload ----------------------------------------------------------------------------

def miss_analysis(counts: ReadCounts, before: set[str] | None, after: set[str] | None,
                  invalidated: InvalidationLog) -> str:
    """Where the misses came from (see the module docstring)."""
    if before is None or after is None:
        return "not available (the cache is not Redis)"
    first = len(after - before - invalidated.distinct)
    re_rendered = len(after & invalidated.distinct)
    rest = counts.misses - first - re_rendered
    return (f"{len(before):,} pages cached when the measured run began; misses: ≈{first:,} first requests of "
            f"never-cached pages (cold tail), ≈{re_rendered:,} invalidated pages re-rendered, "
            f"≈{max(rest, 0):,} other (several readers missing one page at once, TTL; the split is an estimate)")


def _store_chunk(ids: list[int]) -> int:
    from articles.serving import renderings

    return renderings.refresh(ids)


def store_renderings(article_ids: list[int]) -> tuple[int, float]:
    """The last step of each article's save (``renderings.refresh`` after its commit): its reader
    pages rendered and stored in both scripts — done for the bulk-written articles in forked
    processes, ``renderings.EAGER_LIMIT`` articles at a time, as the save path would."""
    from django.db import connection

    from articles.serving import renderings

    started = time.perf_counter()
    connection.close()
    if hasattr(connection, "close_pool"):
        connection.close_pool()  # no pooled connection crosses the fork: each child opens its own
    chunks = [article_ids[i:i + renderings.EAGER_LIMIT] for i in range(0, len(article_ids), renderings.EAGER_LIMIT)]
    pool = _forked_pool()
    try:
        stored = sum(pool.map(_store_chunk, chunks, chunksize=20))
    finally:
        _finish(pool)
    return stored, time.perf_counter() - started


def crawl(base: str, pages: list[Page], connections: int) -> tuple[int, float]:
    """Read every page once, as the crawlers of a public site do every day (16 at a time).
    Returns the pages that answered 200 and the seconds it took."""
    import concurrent.futures
    import urllib.request
    from urllib.parse import quote

    def read(page: Page) -> bool:
        with urllib.request.urlopen(base + quote(page.path), timeout=60) as response:
            response.read()
            return response.status == 200

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=connections) as pool:
        answered = sum(pool.map(read, pages, chunksize=50))
    return answered, time.monotonic() - started


@contextmanager
def serving(env: dict[str, str], port: int, workers: int) -> Iterator[None]:
    """``site_bench.gunicorn`` with a patient readiness probe. Its probe gives the first request
    of a cold worker 2 s, and a ``TimeoutError`` is not among the errors it waits out; that first
    request imports most of Django and the site (~1.3 s of CPU here), which on a loaded 2-CPU
    machine takes longer. So while the server starts (only then), the probe's ``urlopen`` may
    wait 30 s. (Better fixed in site_bench itself.)"""
    import urllib.request

    import site_bench

    original = urllib.request.urlopen

    def patient(url, *args, timeout: float = 30, **kwargs):
        return original(url, *args, timeout=max(timeout, 30), **kwargs)

    server = gunicorn(env, port, workers)
    site_bench.urllib.request.urlopen = patient
    try:
        server.__enter__()
    finally:
        site_bench.urllib.request.urlopen = original
    try:
        yield
    finally:
        server.__exit__(None, None, None)


def steady_state_hit_rate(pages: list[Page], requests_per_s: float, edits_per_s: float = 1.0) -> tuple[float, float]:
    """Model hit rates of the page store in steady state, (TTL only, TTL + these edits).

    Page k is read as a Poisson stream of rate R·p_k (p_k = (1/k)/H_N), stored on a miss for the
    page lifetime T, and invalidated at rate μ_k: its article edited (Zipf, like the reads) or, on
    a lead edit (half of them), an article it links to. A cycle lasts 1/λ + (1 − e^(−μT))/μ and
    holds one miss, so the miss share of page k is 1 / (1 + λ·(1 − e^(−μT))/μ). Readers missing a
    page at the same moment are not modelled (the measured run has them).
    """
    import math

    from django.conf import settings

    from articles.conversion import title_key
    from articles.models import Article, ArticleLink

    lifetime = settings.ARTICLE_CACHE_SECONDS
    total = sum(1 / k for k in range(1, len(pages) + 1))
    share = [1 / (k * total) for k in range(1, len(pages) + 1)]
    edit_share: dict[int, float] = {}
    for page, p in zip(pages, share):
        edit_share[page.article_id] = edit_share.get(page.article_id, 0.0) + p
    ids = list(edit_share)
    by_key = {title_key(t): pk for pk, t in Article.objects.filter(pk__in=ids).values_list("pk", "title_zh_hans")}
    invalidated = {pk: edits_per_s * q for pk, q in edit_share.items()}
    for source, key in ArticleLink.objects.filter(source_id__in=ids).values_list("source_id", "target_key"):
        target = by_key.get(key)
        if target is not None:
            invalidated[source] += edits_per_s * 0.5 * edit_share[target]

    def hit_rate(with_edits: bool) -> float:
        misses = 0.0
        for page, p in zip(pages, share):
            rate, mu = requests_per_s * p, invalidated[page.article_id] if with_edits else 0.0
            held = (1 - math.exp(-mu * lifetime)) / mu if mu > 0 else lifetime
            misses += p / (1 + rate * held)
        return 1 - misses

    return hit_rate(False), hit_rate(True)


def mixed_workload(env: dict[str, str], port: int, args: argparse.Namespace, articles: int = 10_000) -> dict[str, str]:
    """Generates `articles` published articles (in the already-set-up Django of this process, env's database),
    starts our gunicorn (site_bench.gunicorn(env, port, args.workers)), runs Zipf reads with wrk for a warm-up then a measured
    period while this process saves one edit per second, and returns report lines {label: text}."""
    from articles.models import Article

    seed = getattr(args, "seed", 20240601)
    before_ids = set(Article.objects.values_list("pk", flat=True))
    created, generation_seconds = generate_articles(articles, seed)
    new_ids = sorted(set(Article.objects.values_list("pk", flat=True)) - before_ids)
    pages = ranked_pages(new_ids, seed)
    print(f"  storing the reader pages each save would have stored ({len(pages):,})", flush=True)
    rendered, rendering_seconds = store_renderings(new_ids)
    measured = max(20, args.duration * 3)
    warm_up = max(10, measured // 2)
    base = f"http://127.0.0.1:{port}"

    with tempfile.TemporaryDirectory(prefix="bench-mixed-") as tmp:
        paths_file = write_paths(pages, Path(tmp))
        with serving(env, port, args.workers):
            print(f"  steady state: every page read once ({len(pages):,} pages, not counted)", flush=True)
            crawled, crawl_seconds = crawl(base, pages, args.connections)
            print(f"  warm-up: {warm_up} s of Zipf reads (not counted)", flush=True)
            _, warm_counts = run_zipf_wrk(base, paths_file, warm_up, args, seed + 1)
            before = cached_paths(pages)
            print(f"  measured: {measured} s of Zipf reads, one edit per second", flush=True)
            with observed_invalidations() as invalidated, editing(pages, seed + 2) as edits:
                result, counts = run_zipf_wrk(base, paths_file, measured, args, seed + 3)
            after = cached_paths(pages)

    edit_ms = sorted(edits.seconds)
    ttl_only, with_edits = steady_state_hit_rate(pages, result.requests_per_s)
    hit_rate = counts.hit_rate
    verdict = "meets" if hit_rate >= TARGET_HIT_RATE else "BELOW"
    return {
        "mixed: articles generated (models' save rule, bulk-written, checked against save())":
            f"{created:,} in {generation_seconds:.1f} s ({created / generation_seconds:.0f}/s); "
            f"{len(pages):,} pages, Zipf s=1",
        "mixed: stored renderings (each save's last step)": f"{rendered:,} pages in {rendering_seconds:.0f} s",
        "mixed: steady state (not counted)": f"every page read once first, as a public site's crawlers do "
                                             f"({crawled:,} of {len(pages):,} answered 200, {crawl_seconds:.0f} s), "
                                             f"then {warm_up} s of Zipf reads ({warm_counts.responses:,} responses, "
                                             f"hit rate {warm_counts.hit_rate:.1%})",
        "mixed: requests (measured)": f"{result.requests:,} in {measured} s, wrk -t{args.threads} -c{args.connections}, "
                                      f"gunicorn --workers {args.workers}",
        "mixed: requests/s": f"{result.requests_per_s:,.0f}",
        "mixed: latency p50 / p99": f"{result.p50_ms:.2f} ms / {result.p99_ms:.2f} ms",
        "mixed: hit rate": f"{hit_rate:.1%} ({counts.hits:,} hits, {counts.misses:,} misses, {counts.uncached:,} "
                           f"without X-Cache) — {verdict} the {TARGET_HIT_RATE:.0%} target",
        "mixed: errors": f"{result.errors} (socket errors + non-2xx/3xx; {counts.errors} non-2xx/3xx seen by the script)",
        "mixed: edits applied": f"{edits.applied} ({', '.join(f'{v} {k}' for k, v in sorted(edits.kinds.items()))}; "
                                f"{edits.failed} failed, {edits.late} late; save median "
                                f"{edit_ms[len(edit_ms) // 2] * 1000 if edit_ms else float('nan'):.0f} ms)",
        "mixed: pages invalidated by the edits": f"{invalidated.pages:,} in {invalidated.calls} invalidations "
                                                 f"({len(invalidated.distinct):,} distinct)",
        "mixed: where the misses came from": miss_analysis(counts, before, after, invalidated),
        "mixed: steady-state model at the measured requests/s": f"hit rate {with_edits:.1%} with one edit/s, "
                                                               f"{ttl_only:.1%} from the page lifetime alone",
    }


# --- standalone ------------------------------------------------------------------------------

def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # The database named here is dropped and recreated; the Redis database is flushed.
    parser.add_argument("--database-url", default="postgres://root@127.0.0.1:5432/bench_mixed")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--port", type=int, default=8200, choices=range(8200, 8300), metavar="8200-8299")
    parser.add_argument("--duration", type=int, default=10, help="measured run = 3 × this (at least 20 s)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20240601)
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks that stop gunicorn
    started = time.perf_counter()
    env = server_env(args, cache=True)
    recreate_database(args.database_url)
    manage(env, "migrate", "--no-input")
    manage(env, "collectstatic", "--no-input")
    setup_django(env)
    from django.core.cache import cache

    cache.clear()  # the bench's own Redis database
    report = mixed_workload(env, args.port, args, articles=args.articles)
    print()
    for label, text in report.items():
        print(f"- {label}: {text}")
    print(f"- mixed: total run time: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
