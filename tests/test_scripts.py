"""Which script a reader gets: Accept-Language, cookie, default, and remembering it."""
from __future__ import annotations

import pytest
from django.test import override_settings

from tests.conftest import article_url

pytestmark = pytest.mark.django_db


class TestScriptChoice:
    @pytest.mark.parametrize(
        ("header", "script"),
        [
            # Normalised to the five variants (issue 25): regions get their regional variant.
            ("zh-TW,zh;q=0.9", "zh-tw"), ("zh-HK", "zh-hk"), ("zh-MO,en;q=0.5", "zh-hk"),
            ("zh-Hant-TW", "zh-tw"), ("zh-CN,zh;q=0.9", "zh-cn"), ("zh-SG", "zh-cn"),
            ("en-US,zh-TW;q=0.8", "zh-tw"), ("en-US,en;q=0.9", "zh-hans"), ("zh-Hant", "zh-hant"),
        ],
    )
    def test_root_follows_accept_language(self, client, header, script):
        response = client.get("/", HTTP_ACCEPT_LANGUAGE=header)
        assert response.status_code == 302 and response["Location"] == f"/{script}/"

    def test_cookie_beats_accept_language(self, client):
        client.cookies["django_language"] = "zh-hant"
        assert client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN")["Location"] == "/zh-hant/"

    @override_settings(DEFAULT_SCRIPT="zh-hant")
    def test_default_is_configurable(self, client):
        assert client.get("/")["Location"] == "/zh-hant/"

    def test_reading_a_page_remembers_the_script(self, client, article):
        client.get(article_url(article, "zh-hant"))
        assert client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN")["Location"] == "/zh-hant/"


@pytest.mark.parametrize(("variant", "expected"), [
    ("zh-tw", "軟體"), ("zh-hk", "軟件港"), ("zh-cn", "软件"),
    ("zh-hans", "软件"), ("zh-hant", "軟體"),  # zh-hant falls back to zh-tw before zh-hk
])
def test_a_rule_names_a_variant_and_falls_back_like_mediawiki(variant, expected):
    from articles.scripts import rule_text

    assert rule_text("zh-cn:软件;zh-tw:軟體;zh-hk:軟件港", variant) == expected


def test_a_rule_for_singapore_or_macau_serves_the_variant_it_falls_back_to():
    from articles.scripts import rule_text

    assert rule_text("zh-sg:新加坡写法;zh-mo:澳門寫法", "zh-cn") == "新加坡写法"
    assert rule_text("zh-sg:新加坡写法;zh-mo:澳門寫法", "zh-hk") == "澳門寫法"
    # Only the other script named: its text in the reader's script, never mixed.
    assert rule_text("zh-cn:头发", "zh-tw") == "頭髮"
