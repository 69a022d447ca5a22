"""Figures from the corpus import, ``import_wiki --media`` and ``fetch_media`` against a local server."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from articles.images.models import Image
from articles.models import Article
from tests.conftest import CORPUS, image_bytes, needs_corpus, run_import

pytestmark = pytest.mark.django_db
KP_NAMES = [f"(2+1)_D_KP_equation_traveling_wave_plot_{i}.gif" for i in range(1, 5)]


def import_corpus(*names: str, media: Path | None = None) -> str:
    media_args = ["--media", str(media)] if media is not None else []
    return run_import(*(str(CORPUS / name) for name in names), "--status", "published", *media_args)




@needs_corpus
def test_corpus_figures_become_records_at_the_right_places():
    import_corpus("辛丑条约.md", "克林德.md")
    treaty = Article.find_by_any_name("辛丑条约")
    history = treaty.sections.get(heading_zh_hant="歷史")
    assert history.body_zh_hans.startswith("[[File:Li_Hongzhang_1900_in_Beijing.jpg|占领北京后，李鸿章")
    signers = treaty.sections.get(heading_zh_hant="代表各國簽署條約者")
    assert signers.body_zh_hans.startswith("[[File:《辛丑条约》签字时的情景.jpg]]\n")
    # The image name is never converted, the caption is.
    assert "[[File:《辛丑条约》签字时的情景.jpg]]" in signers.body_zh_hant
    assert "[[File:Li_Hongzhang_1900_in_Beijing.jpg|佔領北京後" in history.body_zh_hant
    ketteler = Article.find_by_any_name("克莱门斯·冯·克林德男爵")
    assert set(ketteler.figure_images.values_list("name", flat=True)) == {
        "WP_Clemens_von_Ketteler.jpg",  # from 405px-WP_Clemens_von_Ketteler.jpg
        "Aerial_view_of_Beijing_in_1902_at_the_scene_of_Ambassador_Von_Ketteler's_murder.jpg",
        "Grab_Klemens_von_Ketteler.jpg", "Enhai.jpg", "Peking_Kettler_Monument.jpg",
    }
    assert set(treaty.figure_images.values_list("name", flat=True)) == {
        "Li_Hongzhang_1900_in_Beijing.jpg", "《辛丑条约》签字时的情景.jpg"
    }
    assert not Image.objects.with_file().exists()
    # Re-import is idempotent: no duplicate records.
    count = Image.objects.count()
    import_corpus("辛丑条约.md", "克林德.md")
    assert Image.objects.count() == count == 7


@needs_corpus
def test_import_with_media_folder_attaches_files_and_table_of_four_renders(client, media_root, tmp_path):
    folder = tmp_path / "images"
    folder.mkdir()
    for i, name in enumerate(KP_NAMES):
        (folder / name).write_bytes(image_bytes(400, 300, "GIF", color=(i * 50, 10, 10)))
    (folder / "405px-WP_Clemens_von_Ketteler.jpg").write_bytes(image_bytes(405, 500))
    output = import_corpus("(2+1)维_KP方程.md", "克林德.md", media=folder)
    assert "Images: 5 files attached" in output
    assert sorted(Image.objects.with_file().values_list("name", flat=True)) == sorted(KP_NAMES + ["WP_Clemens_von_Ketteler.jpg"])
    article = Article.objects.get(figure_images__name=KP_NAMES[0])
    for script in ("zh-hans", "zh-hant"):
        with translation.override(script):
            html = client.get(article.get_absolute_url()).content.decode()
        row = html[html.index("<table"):html.index("</table>")]
        assert row.count('<td><figure class="figure">') == 4, script
    # A second import finds the files attached and changes nothing.
    import_corpus("(2+1)维_KP方程.md", media=folder)
    assert Image.objects.with_file().count() == 5


@needs_corpus
def test_import_media_folder_must_exist(tmp_path):
    with pytest.raises(CommandError):
        call_command("import_wiki", str(CORPUS / "克林德.md"), media=tmp_path / "nope")


# --- fetch_media against a local HTTP server -------------------------------------------------------

GOOD = image_bytes(500, 400)


class _Files(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 — http.server's name
        name = unquote(self.path.rsplit("/", 1)[-1])
        if name == "好.jpg":
            self._send(200, "image/jpeg", GOOD)
        elif name == "Big.jpg":
            self._send(200, "image/jpeg", b"\xff" * 300_000)
        elif name == "Page.jpg":
            self._send(200, "text/html", b"<html>not found page</html>")
        elif name == "Fake.png":
            self._send(200, "image/png", b"this is not a png at all")
        else:
            self._send(404, "text/plain", b"no")

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def file_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/files/{{name}}"
    server.shutdown()
    server.server_close()


def test_fetch_media_downloads_and_reports_failures(media_root, file_server, capsys):
    for name in ("好.jpg", "Missing.jpg", "Big.jpg", "Page.jpg", "Fake.png"):
        Image.objects.create(name=name)
    with pytest.raises(CommandError, match="4 of 5"):
        call_command("fetch_media", url=file_server, max_bytes=200_000, timeout=5)
    good = Image.objects.get(name="好.jpg")
    assert good.has_file and (good.width, good.height) == (500, 400)
    assert good.source_url.startswith("http://127.0.0.1:")
    assert list(Image.objects.with_file()) == [good]
    errors = capsys.readouterr().err
    assert "Missing.jpg: HTTP 404" in errors
    assert "Big.jpg: 文件太大" in errors
    assert "Page.jpg: 不是可接受的图片类型：text/html" in errors
    assert "Fake.png: 这不是图片文件" in errors


def test_fetch_media_with_nothing_missing(media_root, capsys):
    call_command("fetch_media")
    assert "No images are missing a file." in capsys.readouterr().out
