"""Error pages: finished, in the reader's script, drawn without the database or cache."""
from __future__ import annotations

import logging

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.failing_urls")]


@pytest.fixture
def reader(client):
    client.raise_request_exception = False  # what a visitor gets, not the test's traceback
    return client


@pytest.mark.parametrize(("script", "heading"), [("zh-hans", "出错了"), ("zh-hant", "出錯了")])
def test_unhandled_exception_is_a_finished_500_page_in_the_reader_script(reader, caplog, script, heading,
                                                                          django_assert_num_queries):
    with caplog.at_level(logging.ERROR), django_assert_num_queries(0):
        response = reader.get(f"/{script}/crash/")
    page = response.content.decode()
    assert response.status_code == 500
    assert f"<h1>{heading}</h1>" in page and "</html>" in page
    assert f"/{script}/crash/" in caplog.text  # logged with the request path


@pytest.mark.parametrize(("script", "heading"), [("zh-hans", "暂时无法访问"), ("zh-hant", "暫時無法訪問")])
def test_unreachable_database_is_a_503_with_retry_after(reader, script, heading):
    response = reader.get(f"/{script}/database-gone/")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert f"<h1>{heading}</h1>" in response.content.decode()


def test_500_page_survives_a_broken_template(reader, monkeypatch):
    from articles import errors

    def broken(*args, **kwargs):
        raise RuntimeError("the template itself fails")

    monkeypatch.setattr(errors.loader, "render_to_string", broken)
    response = reader.get("/zh-hans/crash/")
    assert response.status_code == 500 and "500" in response.content.decode()
