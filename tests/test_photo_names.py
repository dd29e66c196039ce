"""Photo files as members' computers leave them: names with accents stored the macOS way,
a folder or a broken shortcut under a photo's name, a damaged EXIF block."""

from __future__ import annotations

import io
import os
import struct
import unicodedata
from pathlib import Path

from PIL import Image as PILImage

from tests.helpers import copy_project, run_cli

HMONG = "content/dolls/hmong"


def rename_photo(project: Path, stored: str, written: str) -> None:
    """The photo saved as `stored` on disk, named `written` in the item's files."""
    folder = project / HMONG
    (folder / "doll.png").rename(folder / stored)
    for name in ("item.yaml", "vi.md", "en.md"):
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8").replace("doll.png", written), "utf-8")


def test_a_name_with_accents_stored_the_macos_way_is_found(tmp_path: Path) -> None:
    """macOS stores 'ả' as 'a' + a combining hook (NFD); item.yaml typed on any keyboard
    has the one letter (NFC). The message said the photo did not exist, then listed it."""
    project = copy_project(tmp_path / "site")
    name = "ảnh-búp-bê.png"
    stored = unicodedata.normalize("NFD", name)
    assert stored != name
    rename_photo(project, stored, name)
    built = run_cli(project, "build", "--no-pdf")
    assert built.code == 0, built.err
    media = [
        unicodedata.normalize("NFC", p) for p in os.listdir(project / "output/media/dolls/hmong")
    ]
    assert "ảnh-búp-bê-40.webp" in media  # (the fixture's photo is small)
    page = (project / "output/vi/dolls/hmong/index.html").read_text(encoding="utf-8")
    assert "Búp bê mặc váy xoè màu chàm" in page  # its alt text, found under the same name


def test_a_folder_or_a_broken_shortcut_under_a_photo_name_is_said_to_be_one(
    tmp_path: Path,
) -> None:
    project = copy_project(tmp_path / "site")
    photo = project / HMONG / "doll.png"
    photo.unlink()
    photo.mkdir()
    folder = run_cli(project, "--lang", "en", "check")
    assert (
        "Error: content/dolls/hmong/item.yaml:6: images[0]: 'doll.png' is a folder, not a "
        "photo. Rename the folder, or put the photo itself here under this name.\n"
    ) in folder.out
    photo.rmdir()
    photo.symlink_to(tmp_path / "gone.png")
    link = run_cli(project, "--lang", "en", "check")
    assert (
        "Error: content/dolls/hmong/item.yaml:6: images[0]: 'doll.png' is a shortcut (link) "
        "to a file that is not there. Copy the photo itself into this folder, in place of the "
        "shortcut.\n"
    ) in link.out
    vi = run_cli(project, "--lang", "vi", "check")
    assert "Traceback" not in vi.out + vi.err and "doll.png" in vi.out


def jpeg_with_corrupt_exif() -> bytes:
    """A JPEG whose EXIF block points past its end (as some phone editors leave it)."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (800, 1000), (199, 80, 40)).save(buffer, "JPEG")
    data = buffer.getvalue()
    exif = b"Exif\x00\x00MM\x00*" + struct.pack(">I", 0xFFFFFFF0)  # its first IFD: nowhere
    segment = b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
    return data[:2] + segment + data[2:]


def test_a_damaged_exif_block_prints_no_python_warning(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "site")
    rename_photo(project, "doll.jpg", "doll.jpg")
    (project / HMONG / "doll.jpg").write_bytes(jpeg_with_corrupt_exif())
    for args in (["check"], ["build", "--no-pdf"]):
        result = run_cli(project, *args)
        assert result.code == 0, result.err
        assert "Warning" not in result.err and "PIL" not in result.err, result.err
    assert (project / "output/media/dolls/hmong/doll-320.jpg").is_file()
