"""django-axes' app and model names in the reader's script.

django-axes ships no Chinese catalogue, so its sidebar entries ("Axes", "Access attempts", …)
showed in English in a 简体 or 繁體 admin. Translating its English msgids in our catalogue would
mix English msgids into a catalogue whose msgids are 简体 (and ``makemessages`` cannot see strings
inside .venv, so it would mark them obsolete). Instead the app is installed through this
AppConfig, which names the app and its models with 简体 msgids of our own: they are extracted and
filled like every other UI string. The label stays ``axes``, so migrations and URLs are unchanged.
"""
from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _

#: model name → (verbose_name, verbose_name_plural)
MODEL_NAMES = {
    "AccessAttempt": (_("登录尝试"), _("登录尝试")),
    "AccessLog": (_("登录记录"), _("登录记录")),
    "AccessFailureLog": (_("登录失败记录"), _("登录失败记录")),
    "AccessAttemptExpiration": (_("登录尝试到期时间"), _("登录尝试到期时间")),
}


class AxesConfig(AxesAppConfig):
    verbose_name = _("登录安全")

    def ready(self) -> None:
        super().ready()
        for model in self.get_models():
            names = MODEL_NAMES.get(model.__name__)
            if names:
                model._meta.verbose_name, model._meta.verbose_name_plural = names
