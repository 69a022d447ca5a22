"""import_wiki / export_wiki on the seed, the corpus and hostile or broken files."""
from __future__ import annotations

import re
import shutil
import subprocess
from io import StringIO

import pytest
from markdown_it import MarkdownIt
from django.core.management import CommandError, call_command

from articles.importing import convert_inline, parse_wiki_markdown, wiki_target
from articles.models import Article, Category, GlossaryTerm, Reference, Section
from tests.conftest import CORPUS, CORPUS_FILES, ROOT, SEED, needs_corpus, run_import, snapshot

pytestmark = pytest.mark.django_db


class TestSeed:
    def test_seed_imports_exactly(self):
        summary = run_import(str(SEED), "--status", "published")
        assert "1 created, 0 updated, 0 failed" in summary
        article = Article.objects.get()
        assert article.title_zh_hant == "中蘇互不侵犯條約" and article.title_zh_hans == "中苏互不侵犯条约"
        assert article.is_published
        assert [s.heading_zh_hant for s in article.sections.all()] == ["緣起", "條約內容", "影響"]
        references = list(article.references.all())
        assert [r.key for r in references] == [str(n) for n in range(1, 13)]
        assert [r.key for r in references if not r.is_empty] == ["11"]
        assert "China Handbook, 1937-1945" in references[10].text_zh_hant
        assert article.categories.count() == 10
        assert Category.objects.filter(name_zh_hant="中華民國與蘇聯關係").exists()
        assert Category.objects.filter(name_zh_hans="第二次世界大战条约").exists()

    def test_seed_links_and_citations(self):
        run_import(str(SEED))
        article = Article.objects.get()
        # pandoc glued 与 into the label: the link is on 中华民国 only.
        first_link = re.search(r"\[\[[^\]]+\]\]", article.lead_zh_hans)
        assert first_link.group(0) == "[[中华民国]]"
        assert article.lead_zh_hans[first_link.end()] == "与"
        origin = article.sections.get(position=1)
        assert origin.body_zh_hant.startswith("1937年3月，[[蘇聯]]駐華[[大使]][[鮑格莫洛夫]]返任")
        all_text = article.lead_zh_hans + "".join(s.body_zh_hans for s in article.sections.all())
        assert re.findall(r"\[\^(\d+)\]", all_text) == [str(n) for n in range(1, 13)]
        assert "wikilink" not in all_text and "\\[" not in all_text and "](" not in all_text
        assert "[^10][^11][^12]。" in article.sections.get(position=3).body_zh_hans

    def test_reimport_updates_without_duplicates(self):
        run_import(str(SEED))
        first = Article.objects.get()
        summary = run_import(str(SEED), "--force")  # imported again although unchanged
        assert "0 created, 1 updated" in summary
        assert Article.objects.get().pk == first.pk
        assert (Section.objects.count(), Reference.objects.count(), Category.objects.count()) == (3, 12, 10)

    def test_dry_run_changes_nothing(self):
        summary = run_import(str(SEED), "--dry-run")
        assert "Dry run" in summary and "1 created" in summary
        assert not Article.objects.exists() and not Category.objects.exists()

    def test_status_flag(self):
        run_import(str(SEED), "--status", "draft")
        assert Article.objects.get().status == "draft"
        run_import(str(SEED), "--status", "published")
        assert Article.objects.get().is_published


def test_folder_with_a_broken_file_imports_the_good_ones(tmp_path):
    shutil.copy(SEED, tmp_path / SEED.name)
    (tmp_path / "南京条约.md").write_text("**南京条约**是[[英国]]与清朝签订的条约。\n\n## 内容\n\n割让香港。\n", encoding="utf-8")
    (tmp_path / "broken.md").write_bytes("**坏文件**".encode("gb18030") + b"\xff\xfe\x00")
    err = StringIO()
    with pytest.raises(CommandError, match="1 of 3"):
        call_command("import_wiki", str(tmp_path), stdout=StringIO(), stderr=err)
    assert f"{tmp_path / 'broken.md'}: not UTF-8" in err.getvalue()
    assert sorted(Article.objects.values_list("title_zh_hans", flat=True)) == ["中苏互不侵犯条约", "南京条约"]


def test_missing_path_reported(tmp_path):
    with pytest.raises(CommandError):
        call_command("import_wiki", str(tmp_path / "nope.md"), stdout=StringIO(), stderr=StringIO())


def test_export_then_import_round_trips(tmp_path):
    run_import(str(SEED), "--status", "published")
    article = Article.objects.get()
    # Data an import alone would not produce: a manual correction, tags, a glossary term, a URL.
    section = article.sections.get(position=2)
    section.heading_zh_hans, section.heading_zh_hant = "条约全文", "條約內文"
    section.save()
    article.tags.add("条约", "中苏关系")
    GlossaryTerm.objects.create(article=article, hans="斯大林", hant="史達林")
    Reference.objects.filter(article=article, key="11").update(url="https://example.org/handbook")
    before = snapshot(article)

    out = tmp_path / "export"
    call_command("export_wiki", str(out), stdout=StringIO())
    exported = next(out.glob("*.md")).read_text(encoding="utf-8")
    assert "## 条约全文" in exported and "[^11]: 以上见《China Handbook" in exported

    Article.objects.all().delete()
    run_import(str(out))
    assert snapshot(Article.objects.get()) == before


def test_export_of_titles_longer_than_a_file_name_round_trips(tmp_path):
    """200 CJK characters are 600 bytes, beyond the file system's 255 (export_wiki used to abort)."""
    from articles.exporting import NAME_MAX_BYTES

    titles = ["条" * 199 + "甲", "条" * 199 + "乙"]  # the same long prefix: names must still differ
    for title in titles:
        Article.objects.create(title_zh_hans=title, lead_zh_hans=f"{title[-1]}的导言。")
    before = {a.title_zh_hans: (a.title_zh_hant, a.slug_zh_hans, a.lead_zh_hant) for a in Article.objects.all()}
    out = tmp_path / "export"
    call_command("export_wiki", str(out), stdout=StringIO())
    names = [path.name for path in out.glob("*.md")]
    assert len(names) == 2 and all(len(name.encode()) <= NAME_MAX_BYTES for name in names)
    Article.objects.all().delete()
    run_import(str(out))
    after = {a.title_zh_hans: (a.title_zh_hant, a.slug_zh_hans, a.lead_zh_hant) for a in Article.objects.all()}
    assert after == before


class TestInlineConversion:
    def test_wiki_url_forms_and_escapes(self):
        assert wiki_target("https://zh.wikipedia.org/wiki/陸軍士官學校_\\(日本\\)") == "陸軍士官學校 (日本)"
        assert wiki_target("../Page/%E8%8B%8F%E8%81%94.md") == "苏联"
        assert wiki_target("https://zh.wikipedia.org/wiki/鎮台#東京鎮台") == "鎮台"
        assert wiki_target("https://example.org/x") is None

    def test_labels(self):
        assert convert_inline('[苏联](../Page/苏联.md "wikilink")') == "[[苏联]]"
        assert convert_inline('[中华民国与](https://zh.wikipedia.org/wiki/中华民国 "wikilink")') == "[[中华民国]]与"
        assert convert_inline('[苏联政府](https://zh.wikipedia.org/wiki/蘇聯 "wikilink")') == "[[蘇聯|苏联]]政府"
        assert convert_inline('[空军](https://zh.wikipedia.org/wiki/航空队 "wikilink")') == "[[航空队|空军]]"
        assert convert_inline("[Marc\nW. Buie在](https://zh.wikipedia.org/wiki/Marc_W._Buie \"wikilink\")") == (
            "[[Marc W. Buie]]在"
        )
        assert convert_inline("[外部](https://example.org/a)") == "[外部](https://example.org/a)"

    def test_figures_kept_and_html_dropped_safely(self):
        text = '[X.jpg](https://zh.wikipedia.org/wiki/File:X.jpg "fig:X.jpg")正文<script>alert(1)</script><b onclick="x">粗</b>'
        assert convert_inline(text) == "[[File:X.jpg]]正文粗"

    def test_variants_and_rules(self):
        parsed = parse_wiki_markdown("\\-{H|zh-hans:杰;zh-hant:傑;}- **楊-{杰}-**是-{zh-cn:软件;zh-tw:軟體;}-。", "x")
        assert parsed.title == "x" and parsed.aliases == ["楊杰"]
        assert parsed.glossary == [("杰", "傑")]
        assert parsed.lead == "**楊-{杰}-**是-{zh-hans:软件;zh-hant:軟體}-。"


# -------------------------------------------------------------------------------------------
# The corpus: each file's counts by a deliberately simple, line-based count of our own.

REFERENCE_HEADING = re.compile(
    r"^#+\s*(参考文献|參考文獻|参考资料|參考資料|参考来源|參考來源|参考|參考|注释|注釋|註釋|注解|註解|脚注|腳註|附注|附註"
    r"|资料来源|資料來源|来源|來源|引用|注释与参考文献|註釋與參考文獻)\s*$"
)


def independent_counts(text: str) -> tuple[int, int, int]:
    lines = text.split("\n")
    headings = [line for line in lines if re.match(r"^#{1,6} ", line)]
    sections = sum(1 for line in headings if not REFERENCE_HEADING.match(line))
    categories = len(set(re.findall(r"\[Category:([^\]]+)\]", re.sub(r"\n", " ", text))))
    # References: the numbered footnote list after the category links (its last number is the
    # count). Other lists under reference headings stay sections of their own; one empty
    # notes/references heading becomes the heading of the footnotes instead of a section.
    _, _, after = text.partition("[Category:")
    after = after.rsplit("[Category:", 1)[-1] if after else ""
    numbered = [int(m) for m in re.findall(r"^(\d+)\.(?:\s|$)", after, re.M)]
    cited = bool(re.search(r"\\\[\d+\\\]", text)) or any(REFERENCE_HEADING.match(h) for h in headings)
    references = max(numbered) if numbered and numbered[0] == 1 and cited else 0
    blocks = re.split(r"^(#{1,6} .*)$", text, flags=re.M)[1:]
    empty_reference_headings = [
        heading for heading, body in zip(blocks[::2], blocks[1::2])
        # (everything from the first category link on is categories and the footnotes list)
        if REFERENCE_HEADING.match(heading) and not re.sub(
            r"\[Category:.*|\{\{[^{}]*\}\}|<!--.*?-->|<[^>]+>|(^|\s)\|-+", "", body, flags=re.S
        ).strip()
    ]
    sections = len(headings) - (1 if references and empty_reference_headings else 0)
    return sections, references, categories


@needs_corpus
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_corpus_article_imports_with_expected_counts(path):
    summary = run_import(str(path))
    assert "0 failed" in summary
    article = Article.objects.get()
    sections, references, categories = independent_counts(path.read_text(encoding="utf-8"))
    assert (article.sections.count(), article.references.count(), article.categories.count()) == (
        sections, references, categories
    )
    assert article.title_zh_hans and article.title_zh_hant
    stored = "\n\n".join([article.lead_zh_hans, *article.sections.values_list("body_zh_hans", flat=True)])
    # Code blocks stay verbatim, as pandoc shows them (links included); prose has no pandoc links left.
    prose = MarkdownIt("commonmark").enable("table").render(stored)
    prose = re.sub(r"<pre><code>.*?</code></pre>", "", prose, flags=re.S)
    assert '"wikilink"' not in prose and "wikilink&quot;" not in prose and "[Category:" not in prose


@needs_corpus
def test_whole_corpus_twice_is_idempotent():
    first = run_import(str(CORPUS))
    counts = (Article.objects.count(), Section.objects.count(), Reference.objects.count(), Category.objects.count())
    second = run_import(str(CORPUS))  # nothing changed: every file is skipped
    third = run_import(str(CORPUS), "--force")  # imported again all the same
    assert f"{len(CORPUS_FILES)} created" in first and f"{len(CORPUS_FILES)} unchanged" in second
    assert f"{len(CORPUS_FILES)} updated" in third
    assert counts == (Article.objects.count(), Section.objects.count(), Reference.objects.count(), Category.objects.count())


def test_only_new_leaves_an_edited_article_alone(db):
    """`make run` imports the demo article with --only-new on every start: an editor's edits stay."""
    run_import(str(SEED), "--status", "published", "--only-new")
    article = Article.objects.get()
    article.lead_zh_hans, article.lead_zh_hant = "编辑改过的导言。", ""
    article.status = Article.Status.DRAFT
    article.save()
    output = run_import(str(SEED), "--status", "published", "--only-new")
    assert "0 created, 0 updated, 1 already present" in output
    article.refresh_from_db()
    assert article.lead_zh_hans == "编辑改过的导言。" and article.status == Article.Status.DRAFT
    # Without the flag the file wins (the idempotent update the importer always did).
    run_import(str(SEED), "--status", "published")
    article.refresh_from_db()
    assert article.lead_zh_hans != "编辑改过的导言。" and article.status == Article.Status.PUBLISHED


def test_make_run_imports_the_demo_only_when_absent():
    """The Makefile's `run` target passes --only-new (read with `make -n`, which runs nothing)."""
    if not shutil.which("make"):
        pytest.skip("GNU make is not installed")
    plan = subprocess.run(["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, timeout=60).stdout
    imports = [line for line in plan.splitlines() if "import_wiki" in line]
    assert imports and all("--only-new" in line for line in imports)


def _article_files(folder, count: int) -> list:
    """``count`` small wiki files (the file name is the title), each with two sections and a link."""
    paths = []
    for n in range(count):
        path = folder / f"第{n}号条约.md"
        path.write_text(f"**第{n}号条约**是[[第{n + 1}号条约]]之前签订的条约，涉及头发与干部。\n\n"
                        f"## 背景\n\n第{n}号条约的背景。\n\n## 影响\n\n第{n}号条约的影响。\n", encoding="utf-8")
        paths.append(path)
    return paths


class TestResume:
    """An interrupted import goes on where it stopped (the file digest kept per article)."""

    def test_the_rest_is_imported_and_nothing_twice(self, tmp_path):
        _article_files(tmp_path, 6)
        first = run_import(str(tmp_path), "--limit", "2")  # the run stops after two files
        assert "2 created" in first and "stopped after 2 files" in first
        assert Article.objects.count() == 2
        second = run_import(str(tmp_path))
        assert "4 created, 0 updated, 0 failed, 2 unchanged" in second
        titles = sorted(Article.objects.values_list("title_zh_hans", flat=True))
        assert titles == sorted(f"第{n}号条约" for n in range(6))
        assert Section.objects.count() == 12  # no section twice
        assert "0 created, 0 updated, 0 failed, 6 unchanged" in run_import(str(tmp_path))

    def test_a_changed_file_or_an_edited_article_is_imported_again(self, tmp_path):
        paths = _article_files(tmp_path, 3)
        run_import(str(tmp_path))
        paths[0].write_text(paths[0].read_text(encoding="utf-8") + "\n## 后来\n\n又改了。\n", encoding="utf-8")
        edited = Article.objects.get(title_zh_hans="第1号条约")
        edited.lead_zh_hans, edited.lead_zh_hant = "编辑改写的导言。", ""
        edited.save()  # an editor's save: the article no longer is what the file made
        summary = run_import(str(tmp_path))
        assert "0 created, 2 updated, 0 failed, 1 unchanged" in summary
        assert Article.objects.get(title_zh_hans="第0号条约").sections.count() == 3
        assert Article.objects.get(title_zh_hans="第1号条约").lead_zh_hans.startswith("**第1号条约**")

    def test_another_status_is_another_import(self, tmp_path):
        _article_files(tmp_path, 2)
        run_import(str(tmp_path))
        assert "0 created, 2 updated" in run_import(str(tmp_path), "--status", "published")
        assert Article.objects.published().count() == 2


def test_stored_renderings_are_built_once_after_the_import(tmp_path):
    """Published imports are rendered in batches at the end, not after each article's commit."""
    from articles.serving import renderings
    from articles.serving.models import ArticleRendering

    from articles.variants import VARIANTS

    _article_files(tmp_path, 5)
    summary = run_import(str(tmp_path), "--status", "published")
    assert f"Stored renderings: {5 * len(VARIANTS)} pages" in summary  # each article in every variant
    rows = ArticleRendering.objects.all()
    assert rows.count() == 5 * len(VARIANTS)
    assert all(r.rendered_generation == r.generation and r.renderer == renderings.renderer() for r in rows)
    expected = {"zh-hans": "号条约", "zh-cn": "号条约", "zh-hant": "號條約", "zh-tw": "號條約", "zh-hk": "號條約"}
    assert all(expected[r.script] in r.title and expected[r.script] in r.body for r in rows)


def test_collected_edits_render_only_when_asked(django_capture_on_commit_callbacks):
    from articles.importing import read_article_file, save_article
    from articles.serving import renderings
    from articles.serving.models import ArticleRendering

    with django_capture_on_commit_callbacks(execute=True), renderings.collected_for_bulk() as edited:
        save_article(read_article_file(SEED), status="published")
    article = Article.objects.get()
    assert edited == {article.pk}
    assert not ArticleRendering.objects.filter(rendered_generation__isnull=False).exists()  # nothing per commit
    from articles.variants import VARIANTS

    assert renderings.refresh_in_bulk(edited) == len(VARIANTS)
    assert ArticleRendering.objects.filter(article=article, rendered_generation=1).count() == len(VARIANTS)


def _articles_in_shared_categories(folder, count: int) -> None:
    """``count`` files, each in the same new categories (written in either script), a few
    linking to each other: what two processes importing at once would both create."""
    for n in range(count):
        category = "中苏条约" if n % 2 else "中蘇條約"
        (folder / f"共享分类条约{n}.md").write_text(
            f"**共享分类条约{n}**是一项条约，见[[共享分类条约{(n + 1) % count}]]。\n\n## 背景\n\n背景{n}。\n\n"
            f"[Category:{category}](https://zh.wikipedia.org/wiki/Category:{category} \"wikilink\") "
            f"[Category:1937年条约](https://zh.wikipedia.org/wiki/Category:1937年条约 \"wikilink\")\n",
            encoding="utf-8")


class TestJobs:
    """``import_wiki --jobs N``: N processes, each with its own connection (issue 24)."""

    def test_the_files_of_one_title_go_to_one_process(self, tmp_path):
        from articles.management.commands.import_wiki import shares

        names = ["辛丑条约.md", "辛丑條約.md", "何梅协定.md", "何梅協定.md", "克林德.md", "通州事件.md", "秦孝儀.md"]
        files = [tmp_path / name for name in names]
        split = shares(files, 2)
        assert sorted(path for share in split for path in share) == sorted(files)  # each file once
        for one_title in (("辛丑条约.md", "辛丑條約.md"), ("何梅协定.md", "何梅協定.md")):
            assert any({tmp_path / name for name in one_title} <= set(share) for share in split)
        assert abs(len(split[0]) - len(split[1])) <= 2

    def test_with_a_dry_run_it_is_refused(self, db, tmp_path):
        _articles_in_shared_categories(tmp_path, 2)
        with pytest.raises(CommandError, match="--dry-run"):
            run_import(str(tmp_path), "--jobs", "2", "--dry-run")

    @pytest.mark.django_db(transaction=True)
    def test_processes_create_each_article_and_category_once_and_resume(self, tmp_path):
        from django.db import connection

        if connection.vendor != "postgresql":
            # SQLite has one writer: the import says so and runs in this process.
            _articles_in_shared_categories(tmp_path, 4)
            err = StringIO()
            call_command("import_wiki", str(tmp_path), "--jobs", "2", stdout=StringIO(), stderr=err)
            assert "one process" in err.getvalue() and Article.objects.count() == 4
            return
        _articles_in_shared_categories(tmp_path, 12)
        (tmp_path / "坏文件.md").write_bytes(b"\xff\xfe not utf-8")
        # The same title in the other script: the same article, updated by the same process.
        (tmp_path / "共享分類條約0.md").write_text("**共享分類條約0**改過了。\n", encoding="utf-8")
        err = StringIO()
        with pytest.raises(CommandError) as raised:
            call_command("import_wiki", str(tmp_path), "--jobs", "2", stdout=(out := StringIO()), stderr=err)
        assert "1 of 14 paths failed" in str(raised.value), err.getvalue()  # the failures, if not
        assert "坏文件.md" in err.getvalue()
        summary = next(line for line in out.getvalue().splitlines() if "created" in line and "articles/s" in line)
        assert "12 created, 1 updated, 1 failed" in summary and "(2 processes)" in summary
        assert Article.objects.count() == 12
        assert sorted(Category.objects.values_list("name_zh_hans", flat=True)) == ["1937年条约", "中苏条约"]
        updated = Article.objects.get(title_zh_hans="共享分类条约0")  # by the file imported second
        assert "改过了" in updated.lead_zh_hans and not updated.categories.exists()
        assert all(a.categories.count() == 2 for a in Article.objects.exclude(pk=updated.pk))
        assert Article.objects.filter(search_document__contains="背景3").count() == 1  # derived data built
        # Run again (resumed): the files imported before are skipped, nothing is created twice.
        (tmp_path / "坏文件.md").unlink()
        (tmp_path / "共享分類條約0.md").unlink()
        (tmp_path / "共享分类条约0.md").unlink()
        again = run_import(str(tmp_path), "--jobs", "2")
        assert "0 created, 0 updated, 0 failed, 11 unchanged" in again
        assert Article.objects.count() == 12 and Category.objects.count() == 2
