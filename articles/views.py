"""Public reading views, in the variant of the URL prefix (``/zh-hans/…``, ``/zh-hant/…``, ``/zh-tw/…`` …).

Each view fetches what it renders in a fixed number of queries. Article pages for anonymous
readers are cached whole (see ``serving/``).
"""
from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.utils.safestring import SafeString
from django.views.decorators.http import require_safe

from . import article_body, scripts, search
from .collation import sort_by_title
from .models import Article, Category, Tag, field_name, published_condition
from .rendering import RenderContext, render_markdown, source_in, source_script
from .scripts import alternates_for, current_script, current_variant, url_in
from .serving import pages, renderings

PAGE_SIZE = 50
SEARCH_PAGE_SIZE = 20
# What a list of articles shows: a title linking to the article, and its date.
LISTING_FIELDS = ("title_zh_hans", "title_zh_hant", "slug_zh_hans", "slug_zh_hant", "updated_at", "status",
                  "published_at")


def can_edit(request: HttpRequest) -> bool:
    return request.user.is_authenticated and request.user.has_perm("articles.change_article")


@require_safe
def choose_script(request: HttpRequest) -> HttpResponse:
    """``/``: send the reader to their variant (cookie, then Accept-Language normalised to the
    five variants, then the default)."""
    variant = scripts.variant_from_request(request)
    response = HttpResponseRedirect(url_in(variant, "articles:home"))
    response["Vary"] = "Cookie, Accept-Language"
    return response


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    recent = Article.objects.published().order_by("-updated_at").only(*LISTING_FIELDS)[:20]
    categories = Category.objects.filter(parent=None, hidden=False).annotate(
        num_articles=Count("articles", filter=published_condition("articles__"))
    )
    return render(request, "articles/home.html", {
        "recent": recent, "categories": sort_by_title(categories, "name"),
    })


@require_safe
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """An article in the URL's script. Published pages are marked for the page cache, which
    answers anonymous readers before this view runs (``serving/middleware.py``); on a miss, a
    reader's page comes from its stored rendering (``serving/renderings.py``) when it is current."""
    script = current_script()
    variant = current_variant()
    editor = can_edit(request)
    stored = renderings.lookup(variant, slug) if not editor and renderings.enabled() else None
    if stored is not None and stored.current:
        return _article_response(request, stored.page, stored.alternates,
                                 reader_page=not request.user.is_authenticated)

    visible = Article.objects.all() if editor else Article.objects.published()
    try:
        # One article per slug and script (unique constraints): get(), as first() would build an
        # ORDER BY for nothing (~1 % of a full render's CPU).
        article = article_body.with_content(visible).get(**{field_name("slug", script): slug})
    except Article.DoesNotExist:
        article = None
    if article is None:
        # Another script's slug or title, or a former slug: 301 to the canonical URL.
        other = Article.find_by_any_name(slug)
        if other is not None and (other.is_published or editor):
            return HttpResponsePermanentRedirect(other.get_absolute_url())
        raise Http404("No such article")

    reader_page = article.is_published and not request.user.is_authenticated
    # When the page changes by itself (a red link turning blue at a scheduled publication) matters
    # only to what keeps it: the stored rendering and the page cache. Without both, the probe for
    # it is a query nobody reads (a full render, issue 24).
    kept = stored is not None or (reader_page and pages.lifetime() > 0)
    page = article_body.render_page(article, variant, editor=editor, expiry=kept)
    if stored is not None:
        renderings.store(stored.article_id, variant, stored.generation, page)
    elif not editor and renderings.enabled():
        renderings.ensure_rows(article.pk)  # stored from the next reader's visit on
    return _article_response(request, page, alternates_for(article), reader_page=reader_page)


def _article_response(request: HttpRequest, page: article_body.ArticlePage, alternates: dict[str, str], *,
                      reader_page: bool) -> HttpResponse:
    response = render(request, "articles/article_detail.html", {"page": page, "alternates": alternates})
    response.page_cache = reader_page
    if reader_page and page.valid_until is not None:  # a red link turns blue then
        response.page_cache_until = page.valid_until
    if not reader_page:  # an editor's page or a draft: never for a shared cache
        patch_cache_control(response, private=True, no_cache=True)
    return response


@require_safe
def what_links_here(request: HttpRequest, slug: str) -> HttpResponse:
    """“链入页面 / 鏈入頁面”: the published articles that link to this one (in either script)."""
    from .links import linking_articles

    script = current_script()
    visible = Article.objects.all() if can_edit(request) else Article.objects.published()
    article = visible.filter(**{field_name("slug", script): slug}).first()
    if article is None:
        raise Http404("No such article")
    sources = linking_articles(article, published_only=True).only(*LISTING_FIELDS)
    return render(request, "articles/what_links_here.html", {
        "article": article, "sources": sort_by_title(sources, "title"),
    })


def _members_page(request: HttpRequest, articles):
    """One page of a listing, sorted by title in the reader's script (pinyin order)."""
    members = sort_by_title(articles.only(*LISTING_FIELDS), "title")
    return Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))


@require_safe
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    script = current_script()
    category = Category.objects.select_related("parent").filter(**{field_name("slug", script): slug}).first()
    if category is None:
        other = Category.find_by_any_name(slug)
        if other is None:
            raise Http404("No such category")
        return HttpResponsePermanentRedirect(other.get_absolute_url())

    page = _members_page(request, Article.objects.published().filter(categories=category))
    children = category.children.all() if can_edit(request) else category.children.filter(hidden=False)
    variant = current_variant()
    context = RenderContext(script=script, variant=variant, links={})
    description = source_in(getattr(category, field_name("description", source_script(category, "description", variant, script))) or "", variant)
    return render(request, "articles/category_detail.html", {
        "category": category,
        "description_html": render_markdown(description, context),
        "subcategories": sort_by_title(children, "name"),
        "page": page,
        "alternates": alternates_for(category),
    })


@require_safe
def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = Tag.objects.filter(slug=slug).first()
    if tag is None:
        tag = get_object_or_404(Tag, Q(slug=Tag.canonical(slug)) | Q(name=Tag.canonical(slug)))
        return HttpResponsePermanentRedirect(tag.get_absolute_url())
    members = Article.objects.published().filter(tags=tag)
    if not members.exists():  # a tag only drafts carry must not leak (as in the sitemap)
        raise Http404("No published article has this tag")
    page = _members_page(request, members)
    return render(request, "articles/tag_detail.html", {
        "tag": tag, "page": page, "alternates": alternates_for(tag),
    })


@dataclass
class SearchHit:
    article: Article
    title: SafeString
    snippet: SafeString


def _snippet_source(article: Article, script: str, terms: list[str]) -> str:
    """The reader-script text where a term occurs first: lead, then sections, else the lead."""
    candidates = [search.plain_text(getattr(article, field_name("lead", script)) or "")]
    candidates += [search.plain_text(getattr(s, field_name("body", script)) or "") for s in article.sections.all()]
    for text in candidates:
        normalised = search.normalise(text)
        if any(term in normalised for term in terms):
            return text
    return candidates[0]


@require_safe
def search_results(request: HttpRequest) -> HttpResponse:
    """``/<script>/search/?q=``: published articles containing every term, in either script."""
    query = request.GET.get("q", "")[:search.MAX_QUERY_LENGTH * 10].strip()
    terms = search.query_terms(query)
    script = current_script()
    results = Article.objects.published().search(query).defer(*search.SEARCH_COLUMNS).prefetch_related("sections")
    page = Paginator(results, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    hits = [
        SearchHit(
            article=article,
            title=search.highlight(getattr(article, field_name("title", script)) or "", terms, width=200),
            snippet=search.highlight(_snippet_source(article, script, terms), terms),
        )
        for article in page.object_list
    ]
    return render(request, "articles/search.html", {
        "query": query[:search.MAX_QUERY_LENGTH], "terms": terms, "page": page, "hits": hits,
        "too_long": len(query) > search.MAX_QUERY_LENGTH,
    })
