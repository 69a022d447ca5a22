"""Scoped (named) glossaries: opt-in by article or category, conversion order, regional forms,
re-rendering and purging exactly the pages using a glossary, history and the gold-set gate
(articles/glossaries.py, articles/models.py, articles/serving/invalidation.py, issue 25).

公交车 (bus) is a word OpenCC leaves alone in every variant (公交車 in Traditional), so what a
reader sees for it here comes from the glossary or nowhere: Taiwan says 公車, Hong Kong 巴士."""
from __future__ import annotations

import pytest
from django.urls import reverse
from reversion.models import Version

from articles import glossaries
from articles.models import Article, GlossaryTerm, NamedGlossary, NamedGlossaryTerm
from articles.rendering import render_article
from articles.serving.models import ArticleRendering
from tests.conftest import article_url
from tests.factories import ArticleFactory, CategoryFactory
from tests.forms import form_data, with_inline_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def transport(**forms: str) -> NamedGlossary:
    glossary = NamedGlossary.objects.create(name="交通")
    NamedGlossaryTerm.objects.create(glossary=glossary, **(forms or {"hans": "公交车", "hant": "公交車",
                                                                      "zh_tw": "公車", "zh_hk": "巴士"}))
    return glossary


def lead_in(article: Article, variant: str) -> str:
    return render_article(Article.objects.get(pk=article.pk), variant).lead_html


def test_an_article_that_opts_in_reads_the_regional_forms_written_in_simplified() -> None:
    article = ArticleFactory(lead_zh_hans="市民乘坐公交车上班。")
    transport().articles.add(article)
    assert "公車" in lead_in(article, "zh-tw")
    assert "巴士" in lead_in(article, "zh-hk")
    assert "公交车" in lead_in(article, "zh-cn")
    assert "公交車" in lead_in(article, "zh-hant")  # a script page: script only, as before


def test_written_in_traditional_taiwan_words_read_as_each_region_says() -> None:
    article = ArticleFactory(lead_zh_hans="", lead_zh_hant="市民搭乘公車上班。")
    transport().articles.add(article)
    assert "公交车" in lead_in(article, "zh-cn")
    assert "巴士" in lead_in(article, "zh-hk")
    assert "公車" in lead_in(article, "zh-tw")


def test_an_article_in_a_category_that_opts_in_uses_it_and_others_do_not() -> None:
    railways = CategoryFactory(name_zh_hans="铁路")
    member = ArticleFactory(lead_zh_hans="乘公交车到车站。")
    member.categories.add(railways)
    outsider = ArticleFactory(lead_zh_hans="乘公交车到车站。")
    transport().categories.add(railways)
    assert "巴士" in lead_in(member, "zh-hk")
    assert "巴士" not in lead_in(outsider, "zh-hk") and "公交車" in lead_in(outsider, "zh-hk")


def test_conversion_order_article_then_glossaries_then_site() -> None:
    article = ArticleFactory(lead_zh_hans="乘公交车。")
    GlossaryTerm.objects.create(hans="公交车", hant="公交車", zh_tw="公車客運")  # site-wide
    assert "公車客運" in lead_in(article, "zh-tw")
    transport().articles.add(article)
    assert "公車客運" not in lead_in(article, "zh-tw") and "公車" in lead_in(article, "zh-tw")
    GlossaryTerm.objects.create(article=article, hans="公交车", hant="公交車", zh_tw="市公車")
    assert "市公車" in lead_in(article, "zh-tw")


def test_a_term_may_name_one_variant_only() -> None:
    article = ArticleFactory(lead_zh_hans="他坐出租车去机场。")
    transport(hans="出租车", zh_hk="的士").articles.add(article)
    assert "的士" in lead_in(article, "zh-hk")
    assert "計程車" in lead_in(article, "zh-tw")  # left to OpenCC's Taiwan phrases
    assert "出租車" in lead_in(article, "zh-hant")


def test_terms_for_article_lists_the_article_first_and_the_site_last() -> None:
    article = ArticleFactory()
    GlossaryTerm.objects.create(hans="甲", hant="甲", zh_tw="甲站")
    transport(hans="乙", hant="乙", zh_tw="乙站").articles.add(article)
    GlossaryTerm.objects.create(article=article, hans="丙", hant="丙", zh_tw="丙站")
    wanted = [t[2] for t in glossaries.terms_for_article(article) if t[0] == "zh-tw"]
    assert wanted.index("丙站") < wanted.index("乙站") < wanted.index("甲站")


def test_a_glossary_used_by_an_article_converts_its_script_on_save_too() -> None:
    glossary = transport(hans="鲍格莫洛夫", hant="鮑格莫洛夫")
    article = ArticleFactory(lead_zh_hans="原文")
    glossary.articles.add(article)
    article = Article.objects.get(pk=article.pk)
    article.lead_zh_hans = "鲍格莫洛夫致电莫斯科。"
    article.save()
    assert Article.objects.get(pk=article.pk).lead_zh_hant.startswith("鮑格莫洛夫")


class TestAnEditReRendersAndPurgesExactlyItsPages:
    """Exactly: the regional pages of the articles using the glossary. Their zh-hans / zh-hant pages
    show the stored script text, which a glossary changes only when the article is next saved."""

    def test_only_the_using_articles_regional_pages_are_purged(self, client, committed,
                                                               django_assert_num_queries) -> None:
        railways = CategoryFactory(name_zh_hans="铁路")
        by_category = ArticleFactory(lead_zh_hans="乘公交车到车站。")
        by_category.categories.add(railways)
        direct = ArticleFactory(lead_zh_hans="乘公交车到车站。")
        outsider = ArticleFactory(lead_zh_hans="乘公交车到车站。")
        with committed():
            glossary = transport()
            glossary.categories.add(railways)
            glossary.articles.add(direct)
        for article in (by_category, direct, outsider):
            for variant in ("zh-hk", "zh-hant"):
                client.get(article_url(article, variant))
        with committed():
            NamedGlossaryTerm.objects.create(glossary=glossary, hans="车站", hant="車站", zh_hk="車站月台")
        with django_assert_num_queries(0):
            client.get(article_url(outsider, "zh-hk"))  # still cached
            client.get(article_url(direct, "zh-hant"))
        for article in (by_category, direct):
            with django_assert_num_queries(1):  # purged; served from its re-rendered stored page
                page = client.get(article_url(article, "zh-hk")).content.decode()
            assert "車站月台" in page and "巴士" in page

    def test_every_regional_rendering_of_the_using_articles_is_rendered_again(self, committed) -> None:
        users = [ArticleFactory(lead_zh_hans=f"乘公交车{n}。") for n in range(12)]  # more than the eager limit
        outsider = ArticleFactory(lead_zh_hans="乘公交车。")
        with committed():
            glossary = transport()
            glossary.articles.add(*users)

        before = {(r.article_id, r.script): r.generation
                  for r in ArticleRendering.objects.filter(article__in=users + [outsider])}
        with committed():
            term = glossary.terms.get()
            term.zh_hk = "巴士車"
            term.save()
        after = {(r.article_id, r.script): r for r in ArticleRendering.objects.filter(article__in=users + [outsider])}
        for (article_id, script), row in after.items():
            regional = script in ("zh-cn", "zh-tw", "zh-hk") and article_id != outsider.pk
            assert (row.generation > before[(article_id, script)]) == regional, (article_id, script)
            if regional:
                assert row.rendered_generation == row.generation
            if regional and script == "zh-hk":
                assert "巴士車" in row.body

    def test_deleting_a_glossary_purges_its_articles(self, client, committed, django_assert_num_queries) -> None:
        article = ArticleFactory(lead_zh_hans="乘公交车。")
        with committed():
            glossary = transport()
            glossary.articles.add(article)
        assert "巴士" in client.get(article_url(article, "zh-hk")).content.decode()
        with committed():
            glossary.delete()
        page = client.get(article_url(article, "zh-hk")).content.decode()
        assert "巴士" not in page and "公交車" in page


class TestAdmin:
    def add_glossary(self, client, rows: list[dict[str, str]]):
        url = reverse("admin:articles_namedglossary_add")
        data = form_data(client.get(url).content.decode(), "namedglossary_form")
        data["name"] = ["交通"]
        return client.post(url, with_inline_rows(data, "terms", rows))

    def test_an_editor_adds_structured_pairs_and_history_is_kept(self, editor_client) -> None:
        response = self.add_glossary(editor_client, [
            {"hans": "公交车", "hant": "公交車", "zh_tw": "公車", "zh_hk": "巴士", "zh_cn": ""}])
        assert response.status_code == 302, response.content.decode()[:2000]
        glossary = NamedGlossary.objects.get(name="交通")
        assert glossary.terms.get().forms() == {"zh-hans": "公交车", "zh-hant": "公交車", "zh-tw": "公車", "zh-hk": "巴士"}
        assert Version.objects.get_for_object(glossary).count() == 1

    def test_a_glossary_that_breaks_gold_sentences_is_refused(self, editor_client) -> None:
        # 执行 (carry out) is 執行 in Taiwan too; 運行 is for machines: the Constitution's
        # sentences in the gold set would read wrong.
        response = self.add_glossary(editor_client, [
            {"hans": "执行", "hant": "執行", "zh_tw": "運行", "zh_hk": "", "zh_cn": ""}])
        assert response.status_code == 200
        page = response.content.decode()
        assert "转换金标准" in page and "運行" in page
        assert not NamedGlossary.objects.filter(name="交通").exists()

    def test_a_site_wide_term_that_breaks_gold_sentences_is_refused_and_a_harmless_one_kept(self, editor_client) -> None:
        url = reverse("admin:articles_glossaryterm_add")
        data = form_data(editor_client.get(url).content.decode(), "glossaryterm_form")
        data.update({"hans": ["执行"], "hant": ["執行"], "zh_tw": ["運行"]})
        assert editor_client.post(url, data).status_code == 200
        assert not GlossaryTerm.objects.exists()
        data.update({"hans": ["公交车"], "hant": ["公交車"], "zh_tw": ["公車"]})
        assert editor_client.post(url, data).status_code == 302
        assert GlossaryTerm.objects.get().zh_tw == "公車"

    def test_a_term_with_one_form_is_refused(self, editor_client) -> None:
        response = self.add_glossary(editor_client, [{"hans": "公交车", "hant": "", "zh_tw": "", "zh_hk": "", "zh_cn": ""}])
        assert response.status_code == 200 and not NamedGlossary.objects.filter(name="交通").exists()


def test_the_editors_preview_of_an_article_uses_its_glossaries(editor_client) -> None:
    article = ArticleFactory(lead_zh_hans="原文")
    transport().articles.add(article)
    response = editor_client.post(reverse("admin:articles_article_preview", args=[article.pk]),
                                  {"title_zh_hans": article.title_zh_hans, "lead_zh_hans": "乘坐公交车。"})
    panes = response.json()
    assert "巴士" in panes["zh-hk"] and "公車" in panes["zh-tw"] and "公交车" in panes["zh-cn"]


# --- the built-in conversion group 计算机 (OpenCC's computing vocabulary, issue 25) ---------------

def computing() -> NamedGlossary:
    """The glossary migration 0021 creates: no terms, the built-in group ``it``."""
    return NamedGlossary.objects.get(name="计算机", conversion_group="it")


HISTORY_HANS = "清政府支持义和团，参众两院保存议事录，设置官职。"
HISTORY_HANT = "清政府支持義和團，參眾兩院保存議事錄，設置官職。"


@pytest.mark.parametrize("lead", [HISTORY_HANS, HISTORY_HANT])
def test_a_history_articles_taiwan_page_keeps_general_words(lead) -> None:
    # OpenCC's s2twp reads 支援 / 儲存 / 設定 (its computing vocabulary); a treaty's reader must not.
    field = "lead_zh_hans" if lead == HISTORY_HANS else "lead_zh_hant"
    article = ArticleFactory(**{field: lead, ("lead_zh_hant" if field == "lead_zh_hans" else "lead_zh_hans"): ""})
    page = lead_in(article, "zh-tw")
    assert "支持義和團" in page and "保存議事錄" in page and "設置官職" in page
    assert "支援" not in page and "儲存" not in page and "設定" not in page


@pytest.mark.parametrize("written, variant, reads", [
    ("外交部发布的信息", "zh-tw", "外交部發布的資訊"), ("外交部發布的資訊", "zh-cn", "外交部发布的信息")])
def test_the_issues_own_words_need_no_group(written, variant, reads) -> None:
    # Issue 25 names 資訊/信息 with 軟體/软件 as what every Taiwan reader expects: site-wide, although
    # MediaWiki keeps 信息 in its computing group (articles/regional_phrases_data.py).
    field, other = ("lead_zh_hans", "lead_zh_hant") if variant == "zh-tw" else ("lead_zh_hant", "lead_zh_hans")
    article = ArticleFactory(**{field: written, other: ""})
    assert reads in lead_in(article, variant)


@pytest.mark.parametrize("field, lead", [("lead_zh_hans", "这个软件支持插件，请保存设置。"),
                                         ("lead_zh_hant", "這個軟件支持插件，請保存設置。")])
def test_an_article_opted_into_computing_reads_taiwans_computing_words(field, lead) -> None:
    other = "lead_zh_hant" if field == "lead_zh_hans" else "lead_zh_hans"
    article = ArticleFactory(**{field: lead, other: ""})
    assert "軟體支持外掛" not in lead_in(article, "zh-tw")
    assert "軟體支持" in lead_in(article, "zh-tw")  # 软件 → 軟體 for everyone (MediaWiki's site-wide table)
    computing().articles.add(article)
    assert "這個軟體支援外掛，請儲存設定。" in lead_in(article, "zh-tw")


def test_a_category_opts_its_articles_into_computing() -> None:
    protocols = CategoryFactory(name_zh_hans="网络协议")
    member = ArticleFactory(lead_zh_hans="服务器端的支持情况。")
    member.categories.add(protocols)
    outsider = ArticleFactory(lead_zh_hans="服务器端的支持情况。")
    computing().categories.add(protocols)
    assert "伺服器端的支援情況" in lead_in(member, "zh-tw")
    assert "伺服器端的支持情況" in lead_in(outsider, "zh-tw")


@pytest.mark.parametrize("variant", ["zh-cn", "zh-hk"])
def test_a_title_typed_in_traditional_keeps_its_words_in_mainland_and_hong_kong(variant) -> None:
    # OpenCC's reverse computing entry 執行 → 运行 made 中央运行委员 of a party title.
    article = ArticleFactory(lead_zh_hans="", lead_zh_hant="1945年5月，他當選中國國民黨第6屆中央執行委員。")
    page = lead_in(article, variant)
    assert ("中央执行委员" if variant == "zh-cn" else "中央執行委員") in page
    assert "运行" not in page and "運行" not in page


def test_computing_text_typed_in_taiwan_reads_mainland_words_only_when_opted_in() -> None:
    article = ArticleFactory(lead_zh_hans="", lead_zh_hant="程式執行時建立檔案。")
    assert "程式执行时建立档案" in lead_in(article, "zh-cn")  # general: the Taiwan text as written
    computing().articles.add(article)
    assert "程序运行时创建文件" in lead_in(article, "zh-cn")


class TestOptingIntoComputingReRendersAndPurges:
    def test_adding_an_article_purges_and_re_renders_its_regional_pages(self, client, committed,
                                                                        django_assert_num_queries) -> None:
        article = ArticleFactory(lead_zh_hans="这个软件支持插件。")
        outsider = ArticleFactory(lead_zh_hans="这个软件支持插件。")
        for page in (article, outsider):
            assert "支持" in client.get(article_url(page, "zh-tw")).content.decode()
        with committed():
            computing().articles.add(article)
        with django_assert_num_queries(0):
            assert "支持" in client.get(article_url(outsider, "zh-tw")).content.decode()  # still cached
        with django_assert_num_queries(1):  # purged; served from its re-rendered stored page
            assert "軟體支援外掛" in client.get(article_url(article, "zh-tw")).content.decode()
        with committed():
            computing().articles.remove(article)
        assert "軟體支持插件" in client.get(article_url(article, "zh-tw")).content.decode()

    def test_turning_the_group_off_and_on_re_renders_the_using_articles(self, committed) -> None:
        article = ArticleFactory(lead_zh_hans="这个软件支持插件。")
        with committed():
            glossary = computing()
            glossary.articles.add(article)
        row = ArticleRendering.objects.get(article=article, script="zh-tw")
        assert "支援" in row.body
        with committed():
            glossary.conversion_group = ""
            glossary.save()
        row = ArticleRendering.objects.get(article=article, script="zh-tw")
        assert row.rendered_generation == row.generation and "支持" in row.body and "支援" not in row.body
        with committed():
            glossary.conversion_group = "it"
            glossary.save()
        assert "支援" in ArticleRendering.objects.get(article=article, script="zh-tw").body


def test_the_editors_preview_uses_the_computing_group(editor_client) -> None:
    article = ArticleFactory(lead_zh_hans="原文")
    computing().articles.add(article)
    response = editor_client.post(reverse("admin:articles_article_preview", args=[article.pk]),
                                  {"title_zh_hans": article.title_zh_hans, "lead_zh_hans": "软件支持插件。"})
    assert "軟體支援外掛" in response.json()["zh-tw"]
