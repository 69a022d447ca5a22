from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = _("百科内容")

    def ready(self) -> None:
        from . import caching, revisions  # noqa: F401  (revisions registers with reversion)

        from .images import usage

        caching.connect_signals()
        usage.connect_signals()
