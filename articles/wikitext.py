"""MediaWiki wikitext that editors coming from Wikipedia type by habit, and what to write here instead.

The site's dialect is Markdown plus ``[[ ]]``, ``[^key]``, ``$…$``, ``-{…}-`` and ``[[File:…]]``
(``rendering.py``); ``'''粗體'''``, ``<ref>``, ``{{cite}}`` or ``== 標題 ==`` would reach readers as
literal text. The rules live here only, in one plain function: the live preview endpoint
(``editing.preview_view``) returns its warnings and ``article_editor.js`` just shows them, and the
admin's save shows the same warnings as a message. A warning never refuses a save: a text may
quote wikitext on purpose (inside backticks it is not even looked at).
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

# Code (fenced, indented by a fence, or inline) may show wikitext on purpose.
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)

_RULES: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"'''[^'\n]+'''"), "bold"),
    (re.compile(r"(?<!')''[^'\n]+''(?!')"), "italic"),
    (re.compile(r"<ref\b[^>]*>|</ref>|<references\s*/?>", re.I), "ref"),
    (re.compile(r"\{\{[^{}\n]*\}\}"), "template"),
    (re.compile(r"^[ \t]*(={2,6})[^=\n]+\1[ \t]*$", re.M), "heading"),
    (re.compile(r"(?<!\[)\[(?:https?:)?//[^\s\]]+ [^\]\n]+\](?!\()"), "external"),
)


def _message(kind: str) -> str:
    return {
        "bold": _("'''粗体''' 是维基文字，读者会看到引号：本站写作 **粗体**。"),
        "italic": _("''斜体'' 是维基文字：本站写作 *斜体*。"),
        "ref": _("<ref> 是维基文字：本站在正文写 [^键]，来源填在下面的“参考文献”里（同一个键）。"),
        "template": _("{{模板}} 是维基文字，本站没有模板：请直接写出内容，引用写作 [^键]。"),
        "heading": _("== 标题 == 是维基文字：章节请用下面的“章节”添加，每节一个标题。"),
        "external": _("[网址 文字] 是维基文字：外部链接写作 [文字](网址)。"),
    }[kind]


def wikitext_kinds(text: str) -> list[str]:
    """The kinds of wikitext found in ``text`` (outside code), in rule order."""
    text = _CODE.sub("", text or "")
    return [kind for pattern, kind in _RULES if pattern.search(text)]


def wikitext_warnings(fields: Iterable[tuple[str, str, str]]) -> list[str]:
    """One warning per field and kind of wikitext, "label：message"; ``fields`` are (label, 简体
    text, 繁體 text) — the same text in both scripts is reported once."""
    warnings: list[str] = []
    for label, hans, hant in fields:
        kinds = dict.fromkeys(wikitext_kinds(hans) + wikitext_kinds(hant))
        warnings.extend(f"{label}：{_message(kind)}" for kind in kinds)
    return list(dict.fromkeys(warnings))
