"""The site's URLconf plus views that fail, for the error-page tests."""
from django.conf.urls.i18n import i18n_patterns
from django.db import OperationalError
from django.urls import path

from treatysite.urls import handler500, urlpatterns as site_urlpatterns  # noqa: F401  (handler500 is used)


def crash(request):
    raise RuntimeError("an unexpected bug")


def database_gone(request):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


urlpatterns = [*site_urlpatterns, *i18n_patterns(path("crash/", crash), path("database-gone/", database_gone))]
