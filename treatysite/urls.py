from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.conf import settings
from django.urls import include, path, re_path

from articles.serving import health
from articles.images.views import serve_media
from articles.sitemaps import sitemap_view
from articles.views import choose_script

urlpatterns = [
    path("", choose_script, name="choose_script"),
    path("admin/", admin.site.urls),
    # Development (SERVE_MEDIA); production serves MEDIA_URL from the reverse proxy (README).
    re_path(r"^%s(?P<path>.+)$" % settings.MEDIA_URL.lstrip("/"), serve_media, name="media"),
    path("sitemap.xml", sitemap_view, name="django.contrib.sitemaps.views.sitemap"),
    path("robots.txt", health.robots_txt, name="robots_txt"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
urlpatterns += i18n_patterns(
    path("", include("articles.urls")),
    prefix_default_language=True,
)

handler500 = "articles.errors.server_error"
