"""The image library: uploads and their checks, renditions, figures in both scripts, image pages,
media headers, the model-layer rule that referenced images exist, and the admin's image pieces."""
from __future__ import annotations

import io
import re
import zlib
import struct

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image as PILImage

from articles.images.markup import canonical_name, figure_links
from articles.images.processing import ImageRejected
from articles.images.models import Image
from articles.models import Article
from tests.conftest import image_bytes
from tests.factories import ArticleFactory, SectionFactory
from tests.forms import form_data

pytestmark = pytest.mark.django_db


def page(client, article, script: str) -> str:
    with translation.override(script):
        return client.get(article.get_absolute_url()).content.decode()


def uploaded(name: str = "签字.jpg", **kwargs) -> Image:
    image = Image.objects.get_or_create(name=name)[0]
    image.attach(image_bytes(**kwargs))
    return image


@pytest.mark.parametrize("script", ["zh-hans", "zh-hant"])
def test_only_the_leads_first_figure_is_eager_and_every_figure_link_has_a_name(client, media_root, script):
    """Issue 22: the lead's figure loads at once, later ones lazily; a figure without caption or
    alt text still names its link (by the image's name), so a screen reader can announce it."""
    for name in ("Ketteler_portrait.jpg", "地图.png", "第三.png"):
        uploaded(name, width=400, height=300)
    article = ArticleFactory(lead_zh_hans="导言。\n\n[[File:Ketteler_portrait.jpg]]\n\n[[File:地图.png|地图]]")
    SectionFactory(article=article, position=1, heading_zh_hans="生平", body_zh_hans="[[File:第三.png]]正文。")
    html = page(client, article, script)
    images = re.findall(r"<img [^>]*>", html)
    assert [re.search(r'loading="(\w+)"', img).group(1) for img in images] == ["eager", "lazy", "lazy"]
    assert [re.search(r'alt="([^"]*)"', img).group(1) for img in images] == [
        "Ketteler portrait", "地图" if script == "zh-hans" else "地圖", "第三"]  # a name is never converted


# --- markup -------------------------------------------------------------------------------------


def test_names_and_namespaces():
    assert canonical_name("File:405px-WP_Clemens_von_Ketteler.jpg") == "WP_Clemens_von_Ketteler.jpg"
    assert canonical_name("檔案:《辛丑条约》签字时的情景.jpg") == "《辛丑条约》签字时的情景.jpg"
    assert canonical_name("../../etc/pass wd.png") == "Pass_wd.png"
    links = figure_links("[[文件:a.jpg|thumb|right|300px|说明]] [[图像:b.png]] [[Image:c.gif|alt=替代|说明二]] [[条约]]")
    assert [(l.name, l.caption, l.alt) for l in links] == [
        ("A.jpg", "说明", ""), ("B.png", "", ""), ("C.gif", "说明二", "替代")
    ]


# --- upload → renditions → figure in both scripts ---------------------------------------------


def test_upload_makes_renditions_and_figure_renders_in_both_scripts(client, media_root):
    article = ArticleFactory(lead_zh_hans="签约前。\n\n[[File:签字.jpg|签字时的头发与面条]]\n\n签约后。")
    image = uploaded(width=2000, height=1000)
    widths = sorted({r["width"] for r in image.renditions})
    assert widths == [320, 640, 1280]
    assert {r["format"] for r in image.renditions} == {"webp", "jpeg"}
    for rendition in image.renditions:
        with default_storage.open(rendition["name"]) as stored, PILImage.open(stored) as decoded:
            assert decoded.size == (rendition["width"], rendition["height"])
            assert decoded.format == {"webp": "WEBP", "jpeg": "JPEG"}[rendition["format"]]
    assert image.content_hash[:16] in image.file.name

    hans, hant = page(client, article, "zh-hans"), page(client, article, "zh-hant")
    assert "<figcaption>签字时的头发与面条</figcaption>" in hans
    assert "<figcaption>簽字時的頭髮與麵條</figcaption>" in hant
    for html in (hans, hant):
        img = re.search(r"<img [^>]*>", html[html.index("<figure"):]).group(0)
        # The lead's figure is in view when the page opens: not lazy-loaded (issue 22).
        assert 'loading="eager"' in img and 'width="1280" height="640"' in img
        assert "320w" in img and "1280w" in img and 'sizes="' in img
        assert '<source type="image/webp" srcset="' in html
    assert 'href="/zh-hant/images/%E7%AD%BE%E5%AD%97.jpg/"' in hant
    # The figure is not inside a paragraph (invalid HTML), the text around it is.
    assert "<p>签约前。</p>\n<figure" in hans or "<p>签约前。</p><figure" in hans


def test_small_image_is_never_upscaled_and_png_keeps_its_format(media_root):
    image = uploaded("小图.png", width=500, height=300, fmt="PNG")
    assert sorted({r["width"] for r in image.renditions}) == [320, 500]
    assert {r["format"] for r in image.renditions} == {"webp", "png"}
    assert image.file.name.endswith("full.png")


def test_exif_orientation_applied_and_metadata_stripped(media_root):
    exif = PILImage.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0)}  # GPS: a location
    exif[0x010F] = "CameraMaker"
    image = uploaded("旋转.jpg", width=400, height=200, exif=exif)
    assert (image.width, image.height) == (200, 400)
    for name in [image.file.name] + [r["name"] for r in image.renditions]:
        with default_storage.open(name) as stored:
            data = stored.read()
        with PILImage.open(io.BytesIO(data)) as decoded:
            assert not dict(decoded.getexif()), name
        assert b"CameraMaker" not in data and b"Exif" not in data


def test_same_upload_twice_is_stored_once(media_root):
    first = uploaded("一.jpg")
    second = uploaded("二.jpg")
    assert first.file.name == second.file.name
    second.delete_files_if_unshared()
    assert default_storage.exists(first.file.name)


# --- hostile uploads ----------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def huge_png(width: int = 30000, height: int = 30000) -> bytes:
    """A valid PNG header claiming 30000×30000 pixels (tiny on disk, 2.7 GB decoded)."""
    header = _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    row = b"\x00" + b"\x00" * (width * 3)
    data = _png_chunk(b"IDAT", zlib.compress(row * 4, 9))
    return b"\x89PNG\r\n\x1a\n" + header + data + _png_chunk(b"IEND", b"")


HOSTILE = {
    "polyglot_html_after_jpeg": (lambda: image_bytes(64, 64) + b"<html><script>alert(1)</script></html>", "polyglot"),
    "polyglot_zip_after_png": (lambda: image_bytes(64, 64, "PNG") + b"PK\x03\x04" + b"x" * 64, "polyglot"),
    "svg_with_script": (lambda: b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
                                b'<script>alert(1)</script></svg>', "markup"),
    "huge_png": (huge_png, "too_many_pixels"),
    "truncated_jpeg": (lambda: image_bytes(800, 600)[:-3000], "corrupt"),
    "text_file": (lambda: b"just some text, not a picture", "not_image"),
    "bmp": (lambda: image_bytes(32, 32, "BMP"), "format"),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_upload_refused_with_clear_error(media_root, kind):
    make, code = HOSTILE[kind]
    image = Image.objects.create(name="hostile.jpg")
    with pytest.raises(ImageRejected) as refused:
        image.attach(make())
    assert refused.value.code == code
    assert refused.value.messages[0]  # a sentence for the editor
    image.refresh_from_db()
    assert not image.has_file
    assert not (media_root / "images").exists() or not any((media_root / "images").rglob("*.*"))


def test_hostile_upload_through_admin_shows_the_error(editor_client, media_root):
    url = reverse("admin:articles_image_add")
    data = form_data(editor_client.get(url).content.decode(), "image_form")
    data["upload"] = SimpleUploadedFile("evil.svg", HOSTILE["svg_with_script"][0](), "image/svg+xml")
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "不接受 SVG" in response.content.decode()
    assert not Image.objects.exists()


# --- missing files, model-layer records, usage ---------------------------------------------------


def test_saving_an_article_creates_missing_image_records_and_usage(editor_client):
    client = Client()  # a reader (editor_client is the logged-in default client)
    article = ArticleFactory(lead_zh_hans="[[文件:甲.jpg|说明]]")
    SectionFactory(article=article, body_zh_hans="| a | b |\n|---|---|\n| [[File:乙.png]] | x |")
    assert set(Image.objects.values_list("name", flat=True)) == {"甲.jpg", "乙.png"}
    assert set(Image.objects.get(name="乙.png").articles.all()) == {article}
    # Readers never see a broken image: the figure is left out.
    assert "<figure" not in page(client, article, "zh-hans") and "缺少图片" not in page(client, article, "zh-hans")
    # Editors see a marked placeholder.
    editor_page = page(editor_client, article, "zh-hans")
    assert 'class="figure-missing"' in editor_page and "缺少图片：乙.png" in editor_page
    assert "缺少文件的图片（读者看不到）：" in editor_page and "甲.jpg、乙.png" in editor_page
    # Removing the figure from the text removes the usage.
    section = article.sections.get()
    section.body_zh_hans, section.body_zh_hant = "没有图片了", ""
    section.save()
    assert list(Image.objects.get(name="乙.png").articles.all()) == []


def test_figure_in_table_cell(client, media_root):
    uploaded("表中.jpg", width=700, height=500)
    article = ArticleFactory(lead_zh_hans="| 图 | 说明 |\n|---|---|\n| [[File:表中.jpg\\|单元格]] | 文字 |")
    assert Image.objects.get(name="表中.jpg").articles.get() == article
    html = page(client, article, "zh-hans")
    assert re.search(r"<td><figure class=\"figure\">.*?<figcaption>单元格</figcaption></figure></td>", html, re.S)


def test_markdown_images_from_elsewhere_are_not_shown(client):
    article = ArticleFactory(lead_zh_hans="![追踪](https://evil.example/pixel.gif)")
    assert "evil.example" not in page(client, article, "zh-hans").split("<main")[1]


@pytest.mark.parametrize("figures", [0, 1, 10])
def test_article_query_count_does_not_grow_with_figures(client, django_assert_num_queries, media_root, figures):
    for i in range(figures):
        uploaded(f"图{i}.png", width=40 + i, height=30, fmt="PNG")
    article = ArticleFactory(lead_zh_hans="导言[[目标]]" + "".join(f"\n\n[[File:图{i}.png|说明{i}]]" for i in range(figures)))
    ArticleFactory(title_zh_hans="目标")
    # stored rendering, article, sections, references, categories, tags, link targets (+ one for all
    # images, if any), storing the rendering
    with django_assert_num_queries(8 + (1 if figures else 0)):
        html = client.get(article.get_absolute_url()).content.decode()
    assert html.count("<figure") == figures


# --- public image page and media files -----------------------------------------------------------


def test_image_page_shows_credit_and_only_published_articles(client, media_root):
    image = uploaded("签字.jpg", width=900, height=600)
    image.caption_zh_hans, image.author, image.licence = "签字仪式的头发", "摄影师甲", "CC BY-SA 4.0"
    image.save()
    published = ArticleFactory(title_zh_hans="公开条目", lead_zh_hans="[[File:签字.jpg]]")
    ArticleFactory(title_zh_hans="草稿条目", status=Article.Status.DRAFT, lead_zh_hans="[[File:签字.jpg]]")
    with translation.override("zh-hant"):
        html = client.get(image.get_absolute_url()).content.decode()
    assert "簽字儀式的頭髮" in html and "摄影师甲" in html and "CC BY-SA 4.0" in html
    assert "公開條目" in html and "草稿條目" not in html
    assert image.file.url in html
    assert published in image.articles.all()


def test_image_page_title_is_in_the_readers_script(client, media_root):
    """The 繁體 page says 圖片：… (its catalogue entry was a fuzzy 分類：…, so 简体 showed)."""
    image = uploaded("签字.jpg", width=900, height=600)
    for script, label, other in (("zh-hant", "圖片：签字.jpg", "图片："), ("zh-hans", "图片：签字.jpg", "圖片：")):
        with translation.override(script):
            html = client.get(image.get_absolute_url()).content.decode()
        assert f"<h1>{label}</h1>" in html, script  # the file name is a name: not converted
        assert other not in html


def test_image_without_file_has_no_public_page(client):
    image = Image.objects.create(name="未上传.jpg")
    assert client.get(image.get_absolute_url()).status_code == 404


def test_media_files_have_type_nosniff_and_long_cache(client, media_root):
    image = uploaded(width=700, height=400)
    webp = next(r["name"] for r in image.renditions if r["format"] == "webp")
    response = client.get(default_storage.url(webp))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in response["Cache-Control"] and "immutable" in response["Cache-Control"]
    assert client.get("/media/../treatysite/settings.py").status_code == 404


def test_media_not_served_by_django_in_production(client, media_root, settings):
    image = uploaded()
    settings.SERVE_MEDIA = False
    assert client.get(image.file.url).status_code == 404


def test_editing_an_image_caption_refreshes_cached_pages(client, media_root, django_capture_on_commit_callbacks):
    image = uploaded()
    article = ArticleFactory(lead_zh_hans="[[File:签字.jpg]]")
    assert "新说明" not in page(client, article, "zh-hans")
    with django_capture_on_commit_callbacks(execute=True):  # pages are invalidated once committed
        image.caption_zh_hans = "新说明"
        image.save()
    assert "<figcaption>新说明</figcaption>" in page(client, article, "zh-hans")


# --- admin ----------------------------------------------------------------------------------------


def test_editor_uploads_an_image_in_the_admin(editor_client, editor, media_root):
    url = reverse("admin:articles_image_add")
    data = form_data(editor_client.get(url).content.decode(), "image_form")
    data.update({"caption_zh_hans": ["条约签字"], "licence": ["公有领域"],
                 "upload": SimpleUploadedFile("405px-签字.jpg", image_bytes(1000, 800), "image/jpeg")})
    assert editor_client.post(url, data).status_code == 302
    image = Image.objects.get()
    assert image.name == "签字.jpg" and image.has_file and image.uploaded_by == editor
    assert image.caption_zh_hant == "條約簽字"
    listing = editor_client.get(reverse("admin:articles_image_changelist")).content.decode()
    assert thumbnail_src(image) in listing


def thumbnail_src(image: Image) -> str:
    return image.rendition_urls("webp")[0][0]


def test_bulk_upload_attaches_files_to_waiting_records(editor_client, media_root):
    ArticleFactory(lead_zh_hans="[[File:甲.jpg]]")
    url = reverse("admin:articles_image_upload")
    files = [SimpleUploadedFile("甲.jpg", image_bytes(300, 200), "image/jpeg"),
             SimpleUploadedFile("乙.png", image_bytes(300, 200, "PNG", color=(1, 2, 3)), "image/png"),
             SimpleUploadedFile("坏.jpg", b"not an image", "image/jpeg")]
    response = editor_client.post(url, {"files": files, "licence": "CC0"}, follow=True)
    assert response.status_code == 200
    assert "这不是图片文件" in response.content.decode()
    assert sorted(Image.objects.with_file().values_list("name", "licence")) == [("乙.png", "CC0"), ("甲.jpg", "CC0")]
    assert not Image.objects.filter(name="坏.jpg").exists()


def test_bulk_upload_stops_within_its_time_budget_and_names_what_was_stored_and_left(editor_client, media_root,
                                                                                       settings):
    """A budget of 0 s: the first file is always processed, the others are named to send again."""
    settings.IMAGE_UPLOAD_BUDGET_SECONDS = 0
    files = [SimpleUploadedFile(f"照片{i}.jpg", image_bytes(400, 300, color=(i, 2, 3)), "image/jpeg") for i in range(3)]
    response = editor_client.post(reverse("admin:articles_image_upload"), {"files": files}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert list(Image.objects.with_file().values_list("name", flat=True)) == ["照片0.jpg"]
    assert "已上传 1 张图片。 照片0.jpg" in page
    assert "以下 2 个文件没有处理" in page and "照片1.jpg、照片2.jpg" in page


def test_missing_files_page_lists_waiting_articles_and_uploads(editor_client, media_root):
    article = ArticleFactory(title_zh_hans="等图条目", lead_zh_hans="[[File:缺.jpg]]")
    url = reverse("admin:articles_image_missing")
    html = editor_client.get(url).content.decode()
    assert "缺.jpg" in html and "等图条目" in html
    image = Image.objects.get(name="缺.jpg")
    editor_client.post(url, {"image": image.pk, "file": SimpleUploadedFile("x.jpg", image_bytes(), "image/jpeg")})
    image.refresh_from_db()
    assert image.has_file and list(image.articles.all()) == [article]
    assert f'name="image" value="{image.pk}"' not in editor_client.get(url).content.decode()


def test_chooser_finds_images_in_either_script_and_gives_markup(editor_client, media_root):
    image = uploaded("条约.jpg")
    image.caption_zh_hans = "签字仪式"
    image.save()
    uploaded("别的.jpg", color=(9, 9, 9))
    chooser = reverse("admin:articles_image_chooser")
    results = editor_client.get(chooser, {"q": "簽字"}).json()["results"]
    assert [r["name"] for r in results] == ["条约.jpg"]
    assert results[0]["markup"] == "[[File:条约.jpg]]" and results[0]["thumbnail"].startswith("/media/")
    form = editor_client.get(reverse("admin:articles_article_add")).content.decode()
    assert 'id="image-chooser"' in form and "admin/js/image_chooser.js" in form
    assert Client().get(chooser).status_code == 302  # anonymous: to the login page


def test_delete_confirmation_lists_articles_and_page_keeps_working(admin_client, media_root,
                                                                   django_capture_on_commit_callbacks):
    client = Client()
    image = uploaded()
    article = ArticleFactory(title_zh_hans="用图条目", lead_zh_hans="前文[[File:签字.jpg|说明]]后文")
    url = reverse("admin:articles_image_delete", args=[image.pk])
    confirm = admin_client.get(url).content.decode()
    assert "这张图片正被 1 个条目使用" in confirm and "用图条目" in confirm
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, {"post": "yes"})
    assert not Image.objects.filter(pk=image.pk).exists()
    assert not default_storage.exists(image.file.name)
    reader = page(client, article, "zh-hans")
    assert "前文" in reader and "<figure" not in reader
    assert "缺少图片：签字.jpg" in page(admin_client, article, "zh-hans")


def test_editors_may_add_and_change_images_but_not_delete(editor):
    assert editor.has_perm("articles.add_image") and editor.has_perm("articles.change_image")
    assert not editor.has_perm("articles.delete_image")


def test_admin_search_either_script(editor_client, media_root):
    image = uploaded("a.jpg")
    image.alt_zh_hans = "头发"
    image.save()
    html = editor_client.get(reverse("admin:articles_image_changelist"), {"q": "頭髮"}).content.decode()
    assert "A.jpg" in html


def test_hostile_names_and_captions_stay_text(editor_client, media_root):
    reader = Client()
    name = '"><svg onload=alert(1)>.jpg'
    Image.objects.create(name=name, alt_zh_hans='" onerror="alert(2)').attach(image_bytes(300, 200))
    article = ArticleFactory(lead_zh_hans=(
        f"[[File:{name}|<script>alert(3)</script>**粗**]]\n\n[[File:<img src=x onerror=alert(4)>.png|说明]]"
    ))
    for client in (reader, editor_client):
        html = page(client, article, "zh-hans")
        body = html.split("<main", 1)[1]
        assert "<script>alert" not in body and "<svg" not in body and "<img src=x" not in body
        assert 'onerror="alert' not in body and "<strong>粗</strong>" in body
    image_page = reader.get(Image.objects.get(name=canonical_name(name)).get_absolute_url()).content.decode()
    assert "<svg" not in image_page.split("<main", 1)[1]
    listing = editor_client.get(reverse("admin:articles_image_changelist")).content.decode()
    assert "<svg onload" not in listing


def test_staff_without_image_permissions_cannot_upload_or_choose(client, django_user_model, media_root):
    staff = django_user_model.objects.create_user("staff", password="x", is_staff=True)
    client.force_login(staff)
    for name in ("upload", "missing", "chooser", "add", "changelist"):
        assert client.get(reverse(f"admin:articles_image_{name}")).status_code == 403, name
    response = client.post(reverse("admin:articles_image_upload"),
                           {"files": [SimpleUploadedFile("a.jpg", image_bytes(), "image/jpeg")]})
    assert response.status_code == 403 and not Image.objects.exists()


@pytest.mark.parametrize(("script", "caption"), [("zh-hans", "李鸿章抵达使馆"), ("zh-hant", "李鴻章抵達使館")])
def test_a_figure_waiting_for_its_file_keeps_its_written_caption_for_readers(client, script, caption):
    article = ArticleFactory(lead_zh_hans="导言。[[File:Li_1900.jpg|李鸿章抵达使馆]]")
    html = page(client, article, script)
    assert caption in html  # the source's words are not lost
    assert "<figure" not in html and "<img" not in html  # and no broken image


@pytest.mark.django_db(transaction=True)  # the foreign keys are checked at the commit
def test_deleting_articles_with_figures_from_the_admin_list_commits(admin_client):
    """The admin's "delete selected" deletes a queryset of articles: a section's own delete signal
    used to record the article's image usage again, so the commit failed on its foreign key
    and nothing was deleted."""
    with_figures = ArticleFactory(lead_zh_hans="[[文件:甲.jpg|说明]]")
    SectionFactory(article=with_figures, body_zh_hans="[[File:乙.png]]")
    other = ArticleFactory()
    SectionFactory(article=other, body_zh_hans="[[File:乙.png]]")
    response = admin_client.post(reverse("admin:articles_article_changelist"), {
        "action": "delete_selected", "_selected_action": [with_figures.pk, other.pk], "post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.exists()
    # The image records stay (a file may be shared); they are no longer used by any article.
    assert set(Image.objects.values_list("name", flat=True)) == {"甲.jpg", "乙.png"}
    assert not Image.articles.through.objects.exists()
