"""Purging the reverse proxies (articles/serving/proxy.py) against real sockets on loopback: a
proxy that answers and one that accepts connections and never answers (a hung Varnish)."""
from __future__ import annotations

import base64
import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from articles.serving import proxy


class _Recorder(BaseHTTPRequestHandler):
    def do_PURGE(self) -> None:  # noqa: N802 (the HTTP method's name)
        self.server.purged.append((self.path, self.headers.get("Authorization")))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


class _Proxy(ThreadingHTTPServer):
    request_queue_size = 128  # a real proxy's backlog (the default, 5, drops parallel connections)


@pytest.fixture
def healthy():
    server = _Proxy(("127.0.0.1", 0), _Recorder)
    server.purged = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def hung():
    """Listens (the kernel completes the handshake) but never reads or answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    yield sock.getsockname()[1]
    sock.close()


def test_a_hung_proxy_delays_neither_the_others_nor_the_editor(settings, healthy, hung, caplog):
    paths = [f"/zh-hans/articles/条目{i}/" for i in range(80)]  # a glossary term's purge
    settings.PROXY_PURGE_URLS = [f"http://editor:s3cret@127.0.0.1:{hung}", f"http://127.0.0.1:{healthy.server_port}"]
    caplog.set_level(logging.WARNING, logger="articles.serving")
    started = time.monotonic()
    proxy.purge(paths)
    waited = time.monotonic() - started
    deadline = started + 10  # one after another with 1 s each, the healthy proxy waited 80 s
    while len(healthy.purged) < len(paths) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(path for path, _ in healthy.purged) == sorted(p.replace("条目", "%E6%9D%A1%E7%9B%AE") for p in paths)
    assert waited < 3  # the editor's request waits about PURGE_WAIT_SECONDS, not per page
    deadline = time.monotonic() + 5
    while not caplog.records and time.monotonic() < deadline:
        time.sleep(0.05)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert f"127.0.0.1:{hung}" in logged and "80 of 80 paths not purged" in logged
    assert "s3cret" not in logged and "editor" not in logged
    assert len(caplog.records) == 1  # one warning for the batch, not 80 timeouts


def test_credentials_in_a_proxy_url_are_sent_as_basic_authentication(settings, healthy):
    settings.PROXY_PURGE_URLS = [f"http://editor:s3cret@127.0.0.1:{healthy.server_port}"]
    proxy.purge(["/zh-hant/articles/x/"])
    deadline = time.monotonic() + 5
    while not healthy.purged and time.monotonic() < deadline:
        time.sleep(0.05)
    assert healthy.purged == [("/zh-hant/articles/x/", "Basic " + base64.b64encode(b"editor:s3cret").decode())]
    assert proxy.redacted("http://u:p@[::1]:6081/x") == "http://[::1]:6081/x"
