"""Fill the gettext catalogues from the Simplified source strings.

UI strings are written in Simplified Chinese in the code and templates. After ``makemessages``,
this fills every untranslated entry: the zh_Hans catalogue with the string itself, the zh_Hant
catalogue with its OpenCC ``s2tw`` conversion plus a reviewed Taiwan UI vocabulary (``UI_TERMS``;
fix an entry by hand and it is kept, since only empty entries are filled). Then run
``compilemessages``.

Two kinds of entry are not ours to fill:

- ``fuzzy`` guesses by ``msgmerge`` (a neighbouring string's translation, e.g. "分類：" for
  "图片："): gettext skips them when compiling, so the page shows the Simplified msgid to a 繁體
  reader. They are cleared and filled afresh from their own msgid.
- strings that Django or a contrib app already translates (a template here that says
  ``{% translate "Home" %}`` like the admin's own): an entry here, even "Home" → "Home", would
  shadow Django's 首页/首頁 because the project's catalogue wins. They are dropped.

The parsing is polib's (a maintained .po library) rather than a hand-written line scanner, so
multi-line and plural entries round-trip exactly.
"""
from __future__ import annotations

import gettext
import shutil
import subprocess
from functools import cache
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand

from articles.conversion import to_traditional

#: Reviewed Taiwan UI vocabulary applied after ``s2tw`` (which converts characters, not words:
#: it leaves mainland terms such as 保存 / 文件 / 登錄 that a 繁體 reader would not use in an
#: interface). Not OpenCC's ``s2twp`` phrase table: it also turns 發佈 into 釋出, 像素 into 畫素
#: and 圖庫 into 相簿, all wrong here. Longer terms first.
UI_TERMS = (
    ("用戶名", "使用者名稱"), ("用戶", "使用者"), ("數據庫", "資料庫"), ("元數據", "中繼資料"),
    ("數據", "資料"), ("文件名", "檔名"), ("文件", "檔案"), ("縮略圖", "縮圖"), ("字節", "位元組"),
    ("屏幕", "螢幕"), ("創建", "建立"), ("不支持", "不支援"), ("字符", "字元"), ("搜索", "搜尋"),
    ("實時", "即時"), ("字段", "欄位"), ("鏈接", "連結"), ("登錄", "登入"), ("網絡", "網路"),
    ("賬號", "帳號"), ("腳本代碼", "指令碼"), ("導入", "匯入"), ("添加", "新增"), ("散列", "雜湊"),
    ("保存", "儲存"), ("打開", "開啟"), ("新窗口", "新視窗"), ("發佈", "發布"), ("默認", "預設"),
)


def to_traditional_ui(text: str) -> str:
    """A UI string in 繁體: OpenCC ``s2tw`` plus the reviewed vocabulary above."""
    text = to_traditional(text)
    for mainland, taiwan in UI_TERMS:
        text = text.replace(mainland, taiwan)
    return text


CATALOGUES = {"zh_Hans": lambda s: s, "zh_Hant": to_traditional_ui}


@cache
def framework_catalogue(locale: str) -> dict[str, str]:
    """Django's own and its contrib apps' translations for ``locale`` (msgid → msgstr)."""
    import django

    root = Path(django.__file__).parent
    dirs = [root / "conf" / "locale", *(root / "contrib").glob("*/locale")]
    catalogue: dict[str, str] = {}
    for localedir in dirs:
        try:
            translation = gettext.translation("django", localedir=str(localedir), languages=[locale])
        except OSError:
            continue
        catalogue.update({k: v for k, v in translation._catalog.items() if isinstance(k, str) and k})
    return catalogue


def shadows_framework(entry: polib.POEntry, locale: str) -> bool:
    """True for an entry whose msgid Django itself translates (ours would hide Django's)."""
    return entry.msgid in framework_catalogue(locale)


def fill(po: polib.POFile, translate, locale: str) -> int:
    """Fill ``po`` in place (see the module docstring); return how many entries were filled."""
    filled = 0
    for entry in [e for e in po if not e.obsolete and shadows_framework(e, locale)]:
        po.remove(entry)
    for entry in po:
        if entry.obsolete:
            continue
        if entry.fuzzy:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
            entry.msgstr = ""
            entry.msgstr_plural = {k: "" for k in entry.msgstr_plural}
        if entry.msgid_plural:
            if not all(entry.msgstr_plural.values()):
                entry.msgstr_plural = {0: translate(entry.msgid_plural)}
                filled += 1
        elif not entry.msgstr:
            entry.msgstr = translate(entry.msgid)
            filled += 1
    return filled


class Command(BaseCommand):
    help = "Fill untranslated entries of the zh_Hans/zh_Hant catalogues (then run compilemessages)."

    def handle(self, *args, **options):
        for locale, translate in CATALOGUES.items():
            for base in settings.LOCALE_PATHS:
                path = Path(base) / locale / "LC_MESSAGES" / "django.po"
                if not path.exists():
                    continue
                po = polib.pofile(str(path), wrapwidth=79)
                filled = fill(po, translate, locale)
                # The header's "#, fuzzy" would make compilemessages skip the header.
                po.metadata_is_fuzzy = 0
                po.save(str(path))
                # polib wraps long lines differently from gettext; msgcat (GNU gettext, which
                # makemessages needs anyway) rewraps them as msgmerge does, so diffs stay small.
                if shutil.which("msgcat"):
                    subprocess.run(["msgcat", "-o", str(path), str(path)], check=True)
                self.stdout.write(f"{path}: filled {filled} entries")
