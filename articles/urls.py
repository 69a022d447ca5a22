from django.urls import path

from . import feeds, views
from .images import views as image_views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<str:slug>/", views.article_detail, name="article"),
    path("articles/<str:slug>/links/", views.what_links_here, name="what_links_here"),
    path("categories/<str:slug>/", views.category_detail, name="category"),
    path("tags/<str:slug>/", views.tag_detail, name="tag"),
    path("search/", views.search_results, name="search"),
    path("images/<str:name>/", image_views.image_detail, name="image"),
    path("feed/", feeds.RecentArticlesFeed(), name="feed"),
]
