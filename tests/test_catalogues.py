"""The UI catalogues (locale/zh_Hans, locale/zh_Hant) and what an editor or reader sees through them.

The .po files are parsed with polib (the library ``fill_catalogues`` uses); the character check
uses OpenCC's own ``s2t`` table, independent of the catalogue filler's ``s2tw`` + vocabulary.
"""
from __future__ import annotations

import re

import opencc
import polib
import pytest
from django.contrib.auth import get_user_model

from articles.management.commands.fill_catalogues import fill, to_traditional_ui
from tests.conftest import ROOT

LOCALES = ("zh_Hans", "zh_Hant")
CJK = re.compile(r"[\u3400-\u9fff]")
#: Characters OpenCC's one-character table turns into another form although they are right here:
#: 丑 in 辛丑 (the earthly branch, not 醜).
TRADITIONAL_AS_IS = {"丑"}


def catalogue(locale: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locale" / locale / "LC_MESSAGES" / "django.po"))


def translations(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_entry_is_translated_and_none_is_fuzzy_or_english(locale):
    entries = [e for e in catalogue(locale) if not e.obsolete]
    assert len(entries) > 200
    assert [e.msgid for e in entries if e.fuzzy] == []
    assert [e.msgid for e in entries if not all(translations(e))] == []
    # An English msgid comes from Django's own templates ("Home"): an entry here, translated or
    # not, overrides Django's 首页 / 首頁, so there must be none.
    assert [e.msgid for e in entries if not CJK.search(e.msgid)] == []


def test_traditional_catalogue_has_no_simplified_characters():
    s2t = opencc.OpenCC("s2t")
    simplified = {
        e.msgid: [c for text in translations(e) for c in text if c not in TRADITIONAL_AS_IS and s2t.convert(c) != c]
        for e in catalogue("zh_Hant") if not e.obsolete
    }
    assert {msgid: chars for msgid, chars in simplified.items() if chars} == {}


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalogue_matches_the_po_file(locale):
    """compilemessages was run after the last edit: the .mo holds exactly the .po's translations."""
    compiled = polib.mofile(str(ROOT / "locale" / locale / "LC_MESSAGES" / "django.mo"))
    mo = {e.msgid: translations(e) for e in compiled if e.msgid}
    po = {e.msgid: translations(e) for e in catalogue(locale) if not e.obsolete}
    assert mo == po


def test_fill_clears_fuzzy_guesses_and_drops_strings_django_translates():
    po = polib.pofile(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#, fuzzy, python-format\n#| msgid "分类：%(name)s"\nmsgid "图片：%(name)s"\nmsgstr "分類：%(name)s"\n\n'
        'msgid "Home"\nmsgstr "Home"\n\nmsgid "保存文件"\nmsgstr ""\n\nmsgid "搜索"\nmsgstr "搜索（已审）"\n'
    )
    fill(po, to_traditional_ui, "zh_Hant")
    assert {e.msgid: e.msgstr for e in po} == {
        "图片：%(name)s": "圖片：%(name)s",
        "保存文件": "儲存檔案",  # Taiwan UI vocabulary, not s2tw's 保存文件
        "搜索": "搜索（已审）",  # an entry already filled (by hand) is kept
    }
    assert not any(e.fuzzy for e in po)


# --- what an editor sees ----------------------------------------------------------------------


@pytest.fixture
def superuser_client(client, db):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw-not-used")
    client.force_login(user)
    return client


@pytest.mark.parametrize(("accept", "expected", "absent"), [
    ("zh-TW,zh;q=0.9", ["登入安全", "登入嘗試", "最近更改（所有編輯）", "百科內容"], ["首页", "最近更改（所有编辑）"]),
    ("zh-CN,zh;q=0.9", ["登录安全", "登录尝试", "最近更改（所有编辑）", "百科内容"], ["首頁", "登入安全"]),
])
def test_admin_speaks_the_browsers_script_including_django_axes(superuser_client, accept, expected, absent):
    html = superuser_client.get("/admin/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    for text in expected:
        assert text in html
    for text in absent + ["Axes", "Access attempts", "Access logs", "access failure"]:
        assert text not in html
    # The sidebar of any other admin page names django-axes the same way.
    sidebar = superuser_client.get("/admin/articles/category/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    assert expected[0] in sidebar and expected[1] in sidebar and "Access attempts" not in sidebar


def test_article_history_breadcrumbs_use_djangos_translation(superuser_client, article):
    """compare.html says {% translate "Home" %}: Django's 首頁, not an English entry of ours."""
    article.save()
    response = superuser_client.get(f"/admin/articles/article/{article.pk}/links/", HTTP_ACCEPT_LANGUAGE="zh-TW")
    html = response.content.decode()
    assert response.status_code == 200
    assert ">首頁</a>" in html and ">Home</a>" not in html
