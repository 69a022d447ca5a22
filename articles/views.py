"""Public reading views (first cut: plain pages; the reading-pages issue extends them)."""
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Article, Category, Tag


def _visible_articles(request: HttpRequest):
    if request.user.has_perm("articles.change_article"):
        return Article.objects.all()
    return Article.objects.published()


def home(request: HttpRequest) -> HttpResponse:
    articles = Article.objects.published().order_by("-updated_at")[:20]
    return render(request, "articles/home.html", {"articles": articles})


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(_visible_articles(request), slug=slug)
    return render(request, "articles/article_detail.html", {"article": article})


def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(Category, slug=slug)
    articles = Article.objects.published().filter(categories=category)
    return render(request, "articles/category_detail.html", {"category": category, "articles": articles})


def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=slug)
    articles = Article.objects.published().filter(tags=tag)
    return render(request, "articles/tag_detail.html", {"tag": tag, "articles": articles})


def search(request: HttpRequest) -> HttpResponse:
    """First cut: title match in either script (the search issue replaces it with ranked search)."""
    from django.db.models import Q

    from .conversion import to_simplified, to_traditional

    query = request.GET.get("q", "").strip()[:200]
    articles = Article.objects.none()
    if query:
        articles = Article.objects.published().filter(
            Q(title_zh_hans__icontains=to_simplified(query)) | Q(title_zh_hant__icontains=to_traditional(query))
        )
    return render(request, "articles/search.html", {"query": query, "articles": articles})
