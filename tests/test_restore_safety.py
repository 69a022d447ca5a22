"""A restore never destroys what it cannot replace, and a backup is private (issue 26).

``make restore FILE=… FORCE=1`` used to flush (and commit) before it read the file: a wrong file
or a truncated backup left 0 articles and 0 users. Here every kind of broken file is restored over
a full database, which must come out with every row, every image file and the other
applications' Redis keys as they were."""
from __future__ import annotations

import gzip
import os
import stat
import tarfile
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from articles.backup_files import CONTENT_MEMBER
from articles.images.models import Image
from articles.models import Article, Tag
from tests.conftest import SEED, image_bytes, run_import
from tests.test_backup import everything

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def full_site(media_root):
    """Articles, tags, users, a group, and an image with its files."""
    run_import(str(SEED), "--status", "published")
    Article.objects.get().tags.add("条约", "中苏关系")
    get_user_model().objects.create_superuser("admin", password="a-long-password")
    get_user_model().objects.create_user("editor", password="another-long-password")
    Group.objects.get_or_create(name="Reviewers")[0].permissions.set(
        Permission.objects.filter(codename__in=["view_article", "change_article"]))
    image = Image.objects.create(name="签字.jpg", caption_zh_hans="签字仪式")
    image.attach(image_bytes(300, 200))
    return image


def rows() -> dict:
    return {**everything(), "images": sorted(Image.objects.values_list("name", "file")),
            "counts": (Article.objects.count(), Tag.objects.count(), get_user_model().objects.count())}


def media_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def real_backup(tmp_path: Path) -> Path:
    backup = tmp_path / "good.tar.gz"
    call_command("backup_content", str(backup), stdout=StringIO())
    return backup


def with_content(tmp_path: Path, name: str, content: bytes, media: dict[str, bytes] | None = None) -> Path:
    """A .tar.gz laid out like a backup, holding ``content`` as its content.xml."""
    import io

    path = tmp_path / name
    with tarfile.open(path, "w:gz") as archive:
        for member, data in {CONTENT_MEMBER: content, **(media or {})}.items():
            info = tarfile.TarInfo(member)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def broken_files(tmp_path: Path) -> dict[str, Path]:
    good = real_backup(tmp_path)
    data = good.read_bytes()
    with tarfile.open(good) as archive:
        content = archive.extractfile(CONTENT_MEMBER).read()
    files = {}
    files["not a backup"] = tmp_path / "notes.tar.gz"
    files["not a backup"].write_text("这不是备份文件\n", encoding="utf-8")  # gzip.BadGzipFile
    files["truncated archive"] = tmp_path / "truncated.tar.gz"
    files["truncated archive"].write_bytes(data[: len(data) // 2])
    files["truncated XML"] = with_content(tmp_path, "cut.tar.gz", content[: len(content) // 2])
    files["truncated content-only"] = tmp_path / "cut.xml.gz"
    with gzip.open(files["truncated content-only"], "wb") as out:
        out.write(content[: len(content) // 2])
    # Well-formed, but its last object points at a user that is not in the file: the load fails
    # after the flush and after most rows are in.
    files["object that cannot load"] = with_content(tmp_path, "dangling.tar.gz", content.replace(
        b"</django-objects>",
        b'<object model="admin.logentry" pk="999"><field name="action_time" type="DateTimeField">'
        b'2026-01-01T00:00:00+00:00</field><field name="user" rel="ManyToOneRel" to="auth.user">'
        b'<natural>nobody-here</natural></field><field name="action_flag" type="PositiveSmallIntegerField">1'
        b'</field><field name="change_message" type="TextField"></field>'
        b'<field name="object_repr" type="CharField">x</field></object></django-objects>'),
        {"media/images/new-from-backup.jpg": image_bytes(50, 50)})
    return files


def test_a_broken_backup_restored_over_a_full_site_changes_nothing(tmp_path, full_site, media_root):
    before, files_before = rows(), media_files(media_root)
    assert before["counts"][0] == 1 and len(files_before) >= 2
    for kind, path in broken_files(tmp_path).items():
        with pytest.raises(CommandError, match="nothing was changed|Nothing was changed"):
            call_command("restore_content", str(path), "--flush", "--yes", stdout=StringIO())
        assert rows() == before, kind
        assert media_files(media_root) == files_before, kind
    assert not default_storage.exists("images/new-from-backup.jpg")


def test_a_good_backup_still_replaces_the_site(tmp_path, full_site):
    backup = real_backup(tmp_path)
    before = rows()
    Article.objects.all().delete()
    get_user_model().objects.filter(username="editor").delete()
    call_command("restore_content", str(backup), "--flush", "--yes", stdout=StringIO())
    assert rows() == before


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("name", ["site.tar.gz", "site.xml.gz"])
def test_backups_are_readable_by_their_owner_only(tmp_path, settings, name):
    run_import(str(SEED))
    get_user_model().objects.create_superuser("admin", password="a-long-password")
    old_umask = os.umask(0o022)  # the usual umask, which made them 0644 in a 0755 folder
    try:
        settings.BASE_DIR = tmp_path / "site"
        call_command("backup_content", stdout=StringIO())  # the default place: backups/<time>.tar.gz
        (written,) = (tmp_path / "site" / "backups").iterdir()
        assert mode(written.parent) == 0o700 and mode(written) == 0o600
        explicit = tmp_path / "elsewhere" / "nested" / name
        call_command("backup_content", str(explicit), stdout=StringIO())
        assert mode(explicit) == 0o600
        assert mode(explicit.parent) == 0o700 and mode(explicit.parent.parent) == 0o700
    finally:
        os.umask(old_umask)


def test_the_default_backups_folder_is_made_private_even_if_it_existed(tmp_path, settings):
    run_import(str(SEED))
    settings.BASE_DIR = tmp_path
    (tmp_path / "backups").mkdir(mode=0o755)
    (tmp_path / "backups").chmod(0o755)
    call_command("backup_content", stdout=StringIO())
    assert mode(tmp_path / "backups") == 0o700


def test_restore_clears_the_site_pages_but_not_other_applications_keys(tmp_path, redis, client, settings):
    import redis as redis_py
    from django.core.cache import cache

    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": "treatysite"}}

    run_import(str(SEED), "--status", "published")
    backup = real_backup(tmp_path)
    article = Article.objects.get()
    assert client.get(article.get_absolute_url())["X-Cache"] == "miss"
    assert client.get(article.get_absolute_url())["X-Cache"] == "hit"
    other = redis_py.Redis.from_url(redis.url)
    other.set("other-app:session:42", "keep me")
    other.set("treatysite-other:1:page", "another site's prefix")
    site_keys = [k for k in other.keys("*") if k.startswith(cache.make_key("").encode())]
    assert site_keys  # the page is in Redis under the site's prefix

    call_command("restore_content", str(backup), "--flush", "--yes", stdout=StringIO())

    assert other.get("other-app:session:42") == b"keep me"
    assert other.get("treatysite-other:1:page") == b"another site's prefix"
    assert not [k for k in other.keys("*") if k.startswith(cache.make_key("").encode())]
    assert client.get(Article.objects.get().get_absolute_url())["X-Cache"] == "miss"
    other.close()
