"""The built site as objects: key, bytes to send, content hash and HTTP headers.

Headers:
- Content-Type from the extension, `charset=utf-8` on every text type.
- Cache-Control: a year and `immutable` for files whose name carries a content hash
  (`site.3f9a01bc.css`); a week for photos (`media/`: their names do not change when a
  member replaces a photo); a day for other assets and PDFs; five minutes for HTML and
  for the files a browser must see fresh (sitemap, robots, manifest, service worker).
- Content-Encoding: gzip when the build left a precompressed `X.gz` next to `X` (and the
  target keeps `compressed: gzip`): the bucket cannot choose by Accept-Encoding, and every
  browser takes gzip, so the gzip bytes are served under the plain name. `.gz`/`.br`
  copies are never uploaded as objects of their own. A copy that does not decompress to
  exactly the file is ignored.
- A QR landing page `Q/<CODE>.html` is also served at `Q/<CODE>` (what a bucket's website
  endpoint looks up) in the case variants QR scanners send: `q/<code>`, `Q/<code>`,
  `q/<CODE>`. GS1 links `01/<GTIN>.html` are served at `01/<GTIN>` too. Their copies
  `Q/<CODE>/index.html` (for web servers) are not uploaded: stores that keep objects as
  files (SeaweedFS, MinIO) cannot hold an object `Q/<CODE>` and a folder `Q/<CODE>/` at
  once (SeaweedFS loses one of them when both are written at the same moment).
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

MANIFEST_DIR = ".site-builder/"  # below the target's prefix: the tool's own objects

TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml",
    ".txt": "text/plain",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".pdf": "application/pdf",
    ".woff2": "font/woff2",
}
TEXT_TYPES = {
    "application/json",
    "application/manifest+json",
    "application/xml",
    "image/svg+xml",
}
HASHED = re.compile(r"[.-](?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{8,64}\.[A-Za-z0-9]+$")
FRESH_NAMES = {"sitemap.xml", "robots.txt", "sw.js", "service-worker.js", "manifest.webmanifest"}
SHORT = "public, max-age=300"
WEEK = "public, max-age=604800"
DAY = "public, max-age=86400"
YEAR = "public, max-age=31536000, immutable"
LANDING = re.compile(r"^Q/([A-Za-z0-9-]+)\.html$")
GS1 = re.compile(r"^01/([0-9]{14})\.html$")
FOLDER_COPY = re.compile(r"^(Q/[A-Za-z0-9-]+|01/[0-9]{14})/index\.html$")


@dataclass(frozen=True)
class LocalFile:
    key: str  # object key, prefix included
    rel: str  # the path below the prefix
    path: Path  # the file whose bytes are sent
    size: int
    md5: str  # hex MD5 of the bytes sent: what the bucket reports as ETag
    content_type: str
    cache_control: str
    encoding: str | None = None

    @property
    def headers(self) -> str:
        """The headers as one string, kept in the manifest: a change re-uploads the file."""
        return f"{self.content_type}|{self.cache_control}|{self.encoding or ''}"

    @property
    def is_html(self) -> bool:
        return self.content_type.startswith("text/html")


def content_type(rel: str) -> str:
    ext = os.path.splitext(rel)[1].lower()
    if ext in (".gz", ".br"):  # a compressed file on its own (no plain copy next to it)
        return "application/gzip" if ext == ".gz" else "application/octet-stream"
    kind = TYPES.get(ext) or mimetypes.guess_type(rel)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind in TEXT_TYPES:
        kind += "; charset=utf-8"
    return kind


def cache_control(rel: str, kind: str) -> str:
    name = rel.rsplit("/", 1)[-1]
    if kind.startswith("text/html") or name in FRESH_NAMES:
        return SHORT
    if HASHED.search(name):
        return YEAR
    if rel.startswith("media/"):
        return WEEK
    return DAY


def _md5(path: Path) -> tuple[str, int]:
    digest = hashlib.md5(usedforsecurity=False)
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _gzip_copy(path: Path) -> Path | None:
    """`path.gz` when it holds exactly the bytes of `path`, else None."""
    gz = path.with_name(path.name + ".gz")
    if not gz.is_file():
        return None
    try:
        same = gzip.decompress(gz.read_bytes()) == path.read_bytes()
    except (OSError, EOFError, zlib.error):
        return None
    return gz if same else None


def aliases(rel: str) -> list[str]:
    """Extra keys a file is served at (QR landing pages in their case variants)."""
    m = LANDING.match(rel)
    if m:
        code = m.group(1)
        variants = [f"{q}/{c}" for q in ("Q", "q") for c in (code, code.upper(), code.lower())]
        return list(dict.fromkeys(variants))
    m = GS1.match(rel)
    return [f"01/{m.group(1)}"] if m else []


def scan(output: Path, prefix: str = "", compressed: str = "gzip") -> dict[str, LocalFile]:
    """Every object of the site in `output`, by key (sorted)."""
    found: dict[str, LocalFile] = {}
    for dirpath, dirnames, filenames in os.walk(output):
        # hidden files (the build's `.site-builder-output` marker, editors' droppings) stay
        # home; `.well-known/` is part of the web
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") or d == ".well-known")
        for name in sorted(n for n in filenames if not n.startswith(".")):
            path = Path(dirpath) / name
            rel = path.relative_to(output).as_posix()
            base, ext = os.path.splitext(name)
            if ext in (".gz", ".br") and (Path(dirpath) / base).is_file():
                continue  # a precompressed copy: sent in place of its file, or not at all
            copy = FOLDER_COPY.match(rel)
            if copy and (output / (copy.group(1) + ".html")).is_file():
                continue  # served at Q/<CODE> instead (see the module text)
            kind = content_type(rel)
            send, encoding = path, None
            if compressed == "gzip" and (gz := _gzip_copy(path)) is not None:
                send, encoding = gz, "gzip"
            md5, size = _md5(send)
            for key in [rel, *aliases(rel)]:
                found[prefix + key] = LocalFile(
                    key=prefix + key,
                    rel=key,
                    path=send,
                    size=size,
                    md5=md5,
                    content_type=kind,
                    cache_control=cache_control(rel, kind),
                    encoding=encoding,
                )
    return dict(sorted(found.items()))
