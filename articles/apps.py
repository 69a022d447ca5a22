from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = _("百科内容")

    def import_models(self) -> None:
        super().import_models()
        # The image library (articles/images/) is one concern in its own package; its models belong
        # to this app and are registered here, so articles.models never imports it (no cycle).
        from .images import models  # noqa: F401
        from .serving import models as serving_models  # noqa: F401  (stored renderings)

    def ready(self) -> None:
        from . import revisions  # noqa: F401  (registers the content with reversion)
        from .serving import invalidation

        from .images import usage

        invalidation.connect_signals()
        usage.connect_signals()
