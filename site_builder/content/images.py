"""Image references in content: stay inside the content, exist, and decode.

The loader runs `load_image` for every image in `check` and in `build` alike, so both
refuse the same files: photos are decoded in full here (content/raster.py, the code the
build encodes with), SVGs are checked for anything but drawing (content/svg.py).
A photo's check is remembered in the project's cache, by the file's identity and by its
content (`_memo`), so each photo is decoded once, however often it is copied or renamed.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import sys
import threading
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from site_builder.content import photo_limits as photo
from site_builder.content import svg
from site_builder.content.model import Image
from site_builder.content.photo_limits import MAX_PIXELS
from site_builder.content.schema import Problem
from site_builder.filestate import settled, state_of
from site_builder.libraries import versions
from site_builder.messages import Msg

if TYPE_CHECKING:
    from site_builder.cache import BuildCache

CACHE_DIR = ".site-builder-cache"

EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".svg"}
MAX_BYTES = 100 * 1024 * 1024  # a 50 MP JPEG at top quality is ~30 MB


def load_image(folder: Path, name: object) -> Image:
    """Check one image named in `folder`'s file and read its size."""
    if not isinstance(name, str) or not name.strip():
        raise Problem(Msg("expected an image file name such as doll.jpg."))
    name = name.strip()
    if name.startswith(("/", "\\")) or ".." in Path(name).parts or re.match(r"^[a-zA-Z]:", name):
        raise Problem(
            Msg("'{name}' points outside this folder.", name=name),
            Msg("Put the image in the same folder and write only its file name."),
        )
    path = folder / name
    if path.suffix.lower() not in EXTENSIONS:
        raise Problem(
            Msg("'{name}' is not a supported image type.", name=name),
            Msg("Use a .jpg, .png, .webp, .heic or .svg file."),
        )
    if not path.is_file():
        path = _same_letters(folder, name) or path
    if not path.is_file():
        _not_a_file(path, name)
        near = sorted(p.name for p in folder.iterdir() if p.suffix.lower() in EXTENSIONS)
        hint = (
            Msg("Images in this folder: {names}.", names=", ".join(near))
            if near
            else Msg(
                "Copy the image into this folder, or correct the name (capital letters count)."
            )
        )
        raise Problem(Msg("the image '{name}' does not exist.", name=name), hint)
    real = _resolve(path, folder)
    if real is None:
        raise Problem(
            Msg("'{name}' is a link to a file outside this folder.", name=name),
            Msg("Copy the image itself into the folder."),
        )
    size = real.stat().st_size
    if size > MAX_BYTES:
        raise Problem(
            Msg(
                "'{name}' is {size:.1f} MB; the limit is {limit} MB.",
                name=name,
                size=size / 1024 / 1024,
                limit=MAX_BYTES // 1024 // 1024,
            ),
            Msg("Save the photo again as .jpg (any phone photo is well under this)."),
        )
    if path.suffix.lower() == ".svg":
        width, height = _svg(real, name)
        return Image(file=name, path=real, width=width, height=height)
    facts = _raster(real, name)
    return Image(file=name, path=real, width=facts.width, height=facts.height, alpha=facts.alpha)


def _same_letters(folder: Path, name: str) -> Path | None:
    """The file of `folder` whose name is `name` with its accents stored another way:
    macOS (and files copied from it) write 'ả' as 'a' plus a combining hook (NFD), while
    item.yaml, typed on any keyboard, has the one letter (NFC). Both look the same on
    screen; the message listed the folder's 'ảnh.jpg' as missing 'ảnh.jpg'."""
    wanted = unicodedata.normalize("NFC", name)
    if wanted == name and name.isascii():
        return None
    try:
        names = os.listdir(folder)
    except OSError:
        return None
    found = [n for n in names if n != name and unicodedata.normalize("NFC", n) == wanted]
    return folder / found[0] if len(found) == 1 else None


def _not_a_file(path: Path, name: str) -> None:
    """Raise the Problem of a name that is there but is no file: a folder, a broken link."""
    if path.is_symlink() and not path.exists():
        raise Problem(
            Msg("'{name}' is a shortcut (link) to a file that is not there.", name=name),
            Msg("Copy the photo itself into this folder, in place of the shortcut."),
        )
    if path.is_dir():
        raise Problem(
            Msg("'{name}' is a folder, not a photo.", name=name),
            Msg("Rename the folder, or put the photo itself here under this name."),
        )


def published_once(image: Image, before: list[Image]) -> None:
    """Refuse `image` when one of `before` would be published under the same names
    (`doll.jpg` and `doll.heic` both become `doll-640.webp`)."""
    stem = Path(image.file).stem
    for other in before:
        if other.file == image.file:
            raise Problem(
                Msg("'{name}' is listed twice.", name=image.file),
                Msg("Remove one of the two."),
            )
        if Path(other.file).stem == stem:
            raise Problem(
                Msg(
                    "'{name}' and '{other}' have the same name before the dot; their copies "
                    "on the site would overwrite each other.",
                    name=image.file,
                    other=other.file,
                ),
                Msg(
                    "Rename one of them (for example {stem}-2{ext}).",
                    stem=stem,
                    ext=Path(image.file).suffix,
                ),
            )


def _resolve(path: Path, folder: Path) -> Path | None:
    """`path.resolve()`, or None when that lies outside `folder` (a link out of it).

    A plain file in `folder` that is no link resolves to the folder's real path plus its
    name; checking that (one `lstat`) spares resolving every parent directory again.
    """
    home = folder.resolve()
    if os.name == "posix" and path.parent == folder and not path.is_symlink():
        return home / path.name
    real = path.resolve()
    return real if real.is_relative_to(home) else None


def _inspect(path: Path) -> photo.Facts:
    from site_builder.content import raster  # (Pillow: only for a photo not remembered)

    return raster.inspect(path)


def photo_digest(path: Path) -> str:
    """The SHA-256 (20 hex digits) of a photo, remembered in the build cache under the
    file's identity (path, size, mtime_ns, inode): an unchanged photo is not read again
    by the next build. A photo written in the last two seconds is always read (its next
    change could keep the same time stamp). Names the photo's derivatives
    (render/images.py)."""
    from site_builder.cache import current

    memo = current()
    st = path.stat()
    key = f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}"  # filestate.key_of, followed
    known = memo.photos.get(key) if memo is not None else None
    if memo is not None and isinstance(known, str) and len(known) == 20:
        # (its check's facts stay in the table too: a build whose items came from the item
        # cache checked no photo, and an item edited after it finds them there)
        memo.photos.keep((facts_key(key), content_key(known)))
        return known
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:20]
    if memo is not None and settled(st.st_mtime_ns):
        memo.photos.put(key, digest)
    return digest


def _raster(path: Path, name: str) -> photo.Facts:
    try:
        return _memo(path, _inspect)
    except photo.Empty as exc:
        raise Problem(
            Msg("'{name}' is empty (0 bytes).", name=name),
            Msg("Copy the photo again from the phone or camera."),
        ) from exc
    except photo.NotAnImage as exc:
        raise Problem(
            Msg("'{name}' is not a photo in a format we read (JPEG, PNG, WebP, HEIC).", name=name),
            Msg("Open it in an image viewer and save it again as .jpg or .png."),
        ) from exc
    except photo.TooLarge as exc:
        raise Problem(
            Msg(
                "'{name}' is {width} x {height} pixels, too large to process.",
                name=name,
                width=exc.width,
                height=exc.height,
            ),
            Msg(
                "The limit is {limit} megapixels; resize it to at most 8000 pixels on its "
                "longest side.",
                limit=MAX_PIXELS // 1_000_000,
            ),
        ) from exc
    except photo.Failure as exc:
        raise Problem(
            Msg("'{name}' cannot be read as an image; the file may be damaged.", name=name),
            Msg("Open it in an image viewer and save it again as .jpg or .png."),
        ) from exc


def _svg(path: Path, name: str) -> tuple[int, int]:
    try:
        return svg.inspect(path)
    except svg.Unsafe as exc:
        raise Problem(
            Msg(
                "'{name}' contains {what}, which could run code on the site; it is not published.",
                name=name,
                what=exc.what,
            ),
            Msg(
                "Export the drawing again as plain SVG (Inkscape: Save As > Optimized SVG), "
                "or as .png."
            ),
        ) from exc
    except svg.NoSize as exc:
        raise Problem(
            Msg("'{name}' has no width/height or viewBox.", name=name),
            Msg("Add a viewBox to the <svg> tag."),
        ) from exc
    except svg.NotSvg as exc:
        raise Problem(
            Msg("'{name}' is not an SVG image.", name=name),
            Msg("Export it again as SVG, or use .png."),
        ) from exc


@functools.cache
def memo_version() -> str:
    """What a photo check's result depends on besides the file (the libraries' versions
    without importing them: a command whose photos are all remembered needs no Pillow)."""
    found = versions(("Pillow", "pillow-heif"))
    # 2: checks made before raster.strict() (a long-running preview could take a photo cut
    # short for a good one) are not trusted: each photo is decoded once more
    return f"2 {MAX_PIXELS} Pillow={found['Pillow']} heif={found['pillow-heif']}"


def _memo(path: Path, inspect: Callable[[Path], photo.Facts]) -> photo.Facts:
    """`inspect(path)`, remembered in the project's cache under the file's identity
    (path, size, mtime, inode): a photo is decoded once, not at every build or check.
    When a build cache is in use (build, check, stickers), also under the photo's content
    (`photo_digest`): a photo copied, moved or renamed (a project copied to another
    computer, a folder renamed, every time stamp changed) or the same photo in two items
    is hashed, not decoded again. The digest is made here, while the file is in the page
    cache: in a large build by the loading workers, so the main process names the
    derivatives without reading every photo again (`check` saves the digests too: the
    build after it finds them). Only good results are remembered; a failure is found
    again each time.

    With a build cache, both are entries of its photos table (`_memo_in_table`: no file
    per photo); without one (the live preview's updates), a memo file each."""
    state = state_of(path)
    if state is None or not settled(state.mtime_ns):
        return inspect(path)  # (its next change could keep the same time stamp)
    identity = "\0".join(map(str, state))
    from site_builder.cache import current

    table = current()
    if table is not None:
        return _memo_in_table(table, path, identity, inspect)
    root = _project_of(str(path.parent))
    if root is None:
        return inspect(path)
    memo = _memo_file(root, f"{memo_version()}\0{identity}")
    facts = _recall(memo)
    if facts is None:
        facts = inspect(path)
        _keep(memo, facts)
    return facts


def _memo_in_table(
    cache: BuildCache, path: Path, identity: str, inspect: Callable[[Path], photo.Facts]
) -> photo.Facts:
    """`_memo` with a build cache: the facts are entries of its photos table, by identity
    (`facts_key`) and by content (`content_key`), saved with it. A cold build of 2,000
    items wrote 4,000 memo files and renamed each into place: ~5 % of its CPU. A memo
    file from a command without a cache (the preview) is still read, if there are any."""
    table = cache.photos
    key = facts_key(identity)
    facts = _facts_of(table.get(key))
    if facts is not None:
        return facts
    try:
        digest: str | None = photo_digest(path)
    except OSError:
        digest = None
    content = None if digest is None else content_key(digest)
    facts = None if content is None else _facts_of(table.get(content))
    if facts is None and _memo_files_in(cache.dir):
        root = str(cache.dir.parent)
        for name in (f"{memo_version()}\0{identity}", f"{memo_version()}\0content\0{digest}"):
            facts = facts or _recall(_memo_file(root, name))
    if facts is None:
        facts = inspect(path)
    value = [facts.width, facts.height, facts.alpha]
    table.put(key, value)
    if content is not None:
        table.put(content, value)
    return facts


def facts_key(identity: str) -> str:
    """The photos table's key of a photo check's facts by the file's identity
    ("path\0size\0mtime_ns\0inode")."""
    return f"checked\0{memo_version()}\0{identity}"


def content_key(digest: str) -> str:
    """The photos table's key of a photo check's facts by the photo's `photo_digest`."""
    return f"checked\0{memo_version()}\0content\0{digest}"


def _facts_of(value: object) -> photo.Facts | None:
    """A table entry's facts; None for none, or one that is not [width, height, alpha]."""
    if isinstance(value, list) and len(value) == 3:
        w, h, alpha = value
        if type(w) is int and type(h) is int and w > 0 and h > 0 and isinstance(alpha, bool):
            return photo.Facts(w, h, alpha)
    return None


@functools.cache
def _memo_files_in(cache_dir: Path) -> bool:
    """Whether the project has memo files (made by a command without a build cache) to
    look in: not in a cold build (one look per process, not two failed opens per photo)."""
    return os.path.isdir(os.path.join(cache_dir, "images", "checked"))


def _memo_file(root: str, key: str) -> str:
    name = hashlib.sha256(key.encode()).hexdigest()
    return os.path.join(root, CACHE_DIR, "images", "checked", name)


def _recall(memo: str) -> photo.Facts | None:
    """What the memo file says, or None when it is missing or cannot be read whole."""
    try:
        with open(memo, "rb") as f:
            w, h, alpha = json.loads(f.read())
        return photo.Facts(int(w), int(h), bool(alpha))
    except (OSError, ValueError, TypeError):
        return None


def _keep(memo: str, facts: photo.Facts) -> None:
    with contextlib.suppress(OSError):  # a read-only project: decode again next time
        _remember(memo, json.dumps([facts.width, facts.height, facts.alpha]).encode())


def _project_of(folder: str) -> str | None:
    """The project holding `folder` (the nearest folder above with a site.yaml): the one
    found last for this folder if its site.yaml is still there (one `stat` per photo,
    not one per folder above it)."""
    known = _PROJECTS.get(folder)
    if known is not None and os.path.isfile(os.path.join(known, "site.yaml")):
        return known
    here = Path(folder)
    found = next((str(p) for p in (here, *here.parents) if (p / "site.yaml").is_file()), None)
    if found is not None:
        _PROJECTS[folder] = found
    return found


_PROJECTS: dict[str, str] = {}  # photo folder -> its project's folder, as last found


def _remember(memo: str, data: bytes) -> None:
    """Write a memo file whole or not at all in four system calls (`write_atomic`, which
    keeps a replaced file's mode and picks a random name, makes about ten): a cold build
    writes one per photo."""
    tmp = f"{memo}.{os.getpid()}.{threading.get_ident()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    try:
        fd = os.open(tmp, flags, 0o644)
    except FileNotFoundError:  # the first memo of this project: its folder made now
        os.makedirs(os.path.dirname(memo), exist_ok=True)
        fd = os.open(tmp, flags, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    try:
        os.replace(tmp, memo)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def let_go_of_photo() -> None:
    """Let go of the photo the check kept decoded for resizing (content/raster.py
    `_kept`), once a build has made every size and print copy of it. (Pillow is not
    imported for this: a build that checked no photo has none.)"""
    raster = sys.modules.get("site_builder.content.raster")
    if raster is not None:
        raster.forget()


def open_image(folder: Path, name: Any) -> Image:
    """`load_image`, with a name the system cannot even look up (too long, NUL) as a Problem."""
    try:
        return load_image(folder, name)
    except (OSError, ValueError) as exc:
        raise Problem(
            Msg("'{name}' cannot be opened as a file name.", name=str(name)[:80]),
            Msg("Write the image's real file name, e.g. doll.jpg."),
        ) from exc
