"""The admin base for every model edited in both scripts: modeltranslation's tabs, named 简体 / 繁體.

modeltranslation labels its tabs with language codes (ZH-HANS / ZH-HANT); ``script_tabs.js``
renames them to the scripts' own names, as the readers' switcher and the preview panes show them.
"""
from __future__ import annotations

from modeltranslation.admin import TabbedTranslationAdmin


class ScriptTabsAdmin(TabbedTranslationAdmin):
    class Media:
        js = ("admin/js/script_tabs.js",)
