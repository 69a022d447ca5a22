"""The backup file, read and written by ``backup_content`` / ``restore_content`` (issue 26).

Two decisions live here so that both commands share them:

* **A backup is read whole before anything is changed.** :func:`unpack` opens the file (a
  ``.tar.gz`` with ``content.xml`` and ``media/…``, or a content-only ``.xml.gz``), copies every
  member into a private folder and parses the XML to its end. A wrong file (``BadGzipFile``), a
  truncated archive or XML that does not parse is a :class:`BackupError` before the restore
  flushes anything; the backup command reads its own file back with the same function before it
  reports success, so a backup it calls written is one the restore can read.
* **A backup is private.** It holds every user's password hash: files are created 0600
  (:func:`create_private`) in a folder created 0700 (:func:`private_folder`) — a umask of 022
  made them world-readable.
"""
from __future__ import annotations

import gzip
import os
import shutil
import tarfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO
from xml.etree.ElementTree import ParseError, XMLPullParser

CONTENT_MEMBER = "content.xml"
MEDIA_PREFIX = "media/"
#: Read size when copying members and feeding the XML parser.
CHUNK = 1 << 20


class BackupError(Exception):
    """The file is not a complete, readable backup."""


@dataclass
class UnpackedBackup:
    """A backup copied into ``folder``: the content as a plain XML file and the image files by
    their storage names."""

    content: Path
    media: dict[str, Path] = field(default_factory=dict)


def private_folder(folder: Path, *, own: bool = False) -> None:
    """Create ``folder`` (and missing parents) readable by its owner only. A folder that already
    existed keeps its mode (it may be ``/tmp``) unless it is the site's ``backups`` folder
    (``own``), which earlier versions created 0755."""
    missing = []
    for parent in (folder, *folder.parents):
        if parent.exists():
            break
        missing.append(parent)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for created in missing:  # mkdir's mode is reduced by the umask; parents get the umask's default
        created.chmod(0o700)
    if own:
        folder.chmod(0o700)


def create_private(path: Path) -> BinaryIO:
    """A new file at ``path`` (which must not exist), mode 0600 whatever the umask."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(descriptor, 0o600)
    return os.fdopen(descriptor, "wb")


def check_xml(path: Path) -> None:
    """Parse ``path`` to its end (streaming: a backup can be larger than memory allows)."""
    parser = XMLPullParser(events=())
    try:
        with path.open("rb") as data:
            while chunk := data.read(CHUNK):
                parser.feed(chunk)
        parser.close()
    except ParseError as error:
        raise BackupError(f"{CONTENT_MEMBER} is not well-formed XML: {error}") from error
    except ValueError as error:  # expat's "invalid XML character" and the like
        raise BackupError(f"{CONTENT_MEMBER} cannot be read: {error}") from error


def _safe_media_name(member: str) -> str:
    name = member[len(MEDIA_PREFIX):]
    parts = PurePosixPath(name).parts
    if not name or name.startswith("/") or ".." in parts:
        raise BackupError(f"{member}: unsafe path in backup")
    return name


def unpack(file: Path, folder: Path) -> UnpackedBackup:
    """Copy the backup ``file`` into ``folder`` and check all of it; :class:`BackupError` if any
    part is missing, truncated or unreadable."""
    content = folder / CONTENT_MEMBER
    media: dict[str, Path] = {}
    try:
        if tarfile.is_tarfile(file):
            with tarfile.open(file, "r:gz") as archive:
                found = False
                for number, member in enumerate(archive):  # reads the archive to its end
                    if not member.isfile():
                        continue
                    if member.name == CONTENT_MEMBER:
                        target, found = content, True
                    elif member.name.startswith(MEDIA_PREFIX):
                        target = folder / "media" / str(number)
                        target.parent.mkdir(exist_ok=True)
                        media[_safe_media_name(member.name)] = target
                    else:
                        continue
                    with archive.extractfile(member) as packed, target.open("wb") as plain:
                        shutil.copyfileobj(packed, plain, CHUNK)
                if not found:
                    raise BackupError(f"{file}: no {CONTENT_MEMBER} in the archive")
        else:
            with gzip.open(file, "rb") as packed, content.open("wb") as plain:
                shutil.copyfileobj(packed, plain, CHUNK)
    except (OSError, EOFError, tarfile.TarError, zlib.error) as error:  # BadGzipFile is an OSError
        raise BackupError(f"{file} is not a readable backup: {error}") from error
    check_xml(content)
    return UnpackedBackup(content, media)
