"""The portable copy: a built site that works opened from a disk or a USB stick (file://).

The hosted site (output/) links from the site's root (`/vi/dolls/hmong/`) and relies on a
web server: `/` and `/x/` are served as `index.html`, `/Q/XM-D01` as `Q/XM-D01.html`. A page
opened from a disk has no server: a root-relative link points at the root of the disk, and
a folder opens as a file listing. So the portable copy is a second folder made from a
finished output/, where every local link is the relative path of the very file the server
would have served (serving.py's rules decide which), e.g. `../../dolls/hmong/index.html`.

output/ is left as it is (its canonical, Open Graph and sitemap URLs stay absolute, and its
files stay byte-identical between builds); the copy keeps those absolute URLs too: they
name the hosted site. What a server needs and a disk does not is left out: the servers'
configuration files, the gzip/brotli copies, robots.txt, sitemap.xml and the printed-code
record (printed-codes.json, a guard for the hosted site).

The root page and the QR landing pages choose a language with a small inline script whose
targets are root-relative URLs: they are rewritten like the links, and the page's
Content-Security-Policy hash is made again for the new script text.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import os
import posixpath
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from site_builder.cache import CACHE_DIR, Table, digest
from site_builder.config import SiteConfig
from site_builder.errors import SiteError
from site_builder.filestate import state_of
from site_builder.messages import Msg
from site_builder.outdir import MARKER, check_output_folder, shown
from site_builder.serving import HIDDEN, resolve
from site_builder.writer import Staging

# written for web servers only: their configuration, precompressed copies, crawlers' files
SERVER_ONLY_FILES = frozenset(
    {".htaccess", "_headers", "_redirects", "robots.txt", "sitemap.xml", "printed-codes.json"}
)
SERVER_ONLY_SUFFIXES = (".br", ".gz")
URL_ATTRIBUTES = frozenset({"href", "src", "poster", "action", "data"})
# <link rel="canonical|alternate"> and <meta property="og:url"> name the hosted site on purpose
HOSTED_RELS = frozenset({"canonical", "alternate"})

_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(\s*=\s*)("[^"]*"|'[^']*')""")
_SCRIPT_STRING = re.compile(r'"(/[^"\\<]*)"')
_REFRESH = re.compile(r"^(\s*\d+\s*;\s*url=)(.*)$", re.IGNORECASE)


class PortableError(SiteError):
    pass


@dataclass(frozen=True)
class PortableReport:
    folder: Path
    pages: int
    files: int
    reused: int = 0  # pages linked from the last copy (unchanged since)


def portable_files(output: Path) -> list[str]:
    """The files of `output` that go into the portable copy (paths below it, sorted)."""
    kept = []
    for folder, dirs, files in os.walk(output):
        rel_folder = os.path.relpath(folder, output)
        if rel_folder == ".":
            dirs[:] = [d for d in dirs if d not in HIDDEN]
        dirs.sort()
        for name in files:
            rel = name if rel_folder == "." else f"{rel_folder}/{name}".replace(os.sep, "/")
            if name == MARKER or name.endswith(SERVER_ONLY_SUFFIXES):
                continue
            if rel_folder == "." and name in SERVER_ONLY_FILES:
                continue
            kept.append(rel)
    return sorted(kept)


def check_portable_folder(root: Path, output: Path, folder: Path) -> None:
    """Raise (PortableError, UnsafeOutput) unless the portable copy may replace `folder`:
    called before the build, so that a mistyped folder changes nothing."""
    output, folder = output.resolve(), folder.resolve()
    if folder == output or output in folder.parents or folder in output.parents:
        raise PortableError(
            Msg(
                "refusing to write the portable copy into {folder}: it must be a folder of "
                "its own, not {output} or a folder inside or around it. "
                "Use a new folder, e.g. portable/. Nothing was changed.",
                folder=shown(folder),
                output=shown(output),
            )
        )
    check_output_folder(root, folder)


def write_portable(
    root: Path, output: Path, folder: Path, config: SiteConfig, use_cache: bool = True
) -> PortableReport:
    """Make `folder` a portable copy of the finished site in `output` (replaced whole,
    atomically, like output/).

    A page whose output/ file is the one the last copy was made from (same size, mtime and
    inode: the build hard-links unchanged pages) and whose copy is still as written is
    linked from the last copy instead of parsed again, when the site's files, base URL and
    this module are the same as then (`.site-builder-cache/portable.json`; not read or
    written without `use_cache`)."""
    check_portable_folder(root, output, folder)
    output, folder = output.resolve(), folder.resolve()
    files = portable_files(output)
    table = Table(root / CACHE_DIR / "portable.json")
    context = digest(config.base_url, "\n".join(files), Path(__file__).read_bytes())
    last = (table.get(str(folder)) if use_cache else None) or {}
    earlier: dict[str, list[int]] = last.get("pages", {}) if last.get("context") == context else {}
    try:
        report, made = _write(output, folder, config, files, earlier)
    except OSError as exc:  # a full or read-only stick, a file where a folder should be
        raise PortableError(
            Msg(
                "cannot write the portable copy into {folder}: {reason}. The site in {output} "
                "is built; the portable copy was not changed.",
                folder=shown(folder),
                reason=exc.strerror or str(exc),
                output=shown(output),
            )
        ) from exc
    if use_cache:
        table.put(str(folder), {"context": context, "pages": made})
        table.save()
    return report


def _write(
    output: Path,
    folder: Path,
    config: SiteConfig,
    files: list[str],
    earlier: dict[str, list[int]],
) -> tuple[PortableReport, dict[str, list[int]]]:
    """Write the copy through a staging folder; the report, and each page's stats (output
    file, copy) for the next run."""
    present = frozenset(files)
    made: dict[str, list[int]] = {}
    staging = Staging(folder)
    pages = reused = 0
    try:
        for rel in files:
            source = output / rel
            staging.claim(rel, "portable")  # (a large old copy is then removed in the background)
            if not rel.endswith(".html"):
                staging.put(rel, source)
                continue
            pages += 1
            state = state_of(source)
            if state is None:
                raise FileNotFoundError(errno.ENOENT, "no such file", str(source))
            seen = list(state[1:])
            copy = _unchanged_copy(folder / rel, seen, earlier.get(rel))
            if copy is not None:
                stat = staging.put(rel, copy)
                reused += 1
            else:
                text = source.read_text(encoding="utf-8")
                stat = staging.put(rel, relink_page(text, rel, present, config).encode("utf-8"))
            made[rel] = [*seen, *stat]
        staging.commit()
    except BaseException:
        staging.discard()
        raise
    return PortableReport(folder, pages, len(files), reused), made


def _unchanged_copy(copy: Path, seen: list[int], recorded: list[int] | None) -> Path | None:
    """The last copy of a page, when its output/ file is the one it was made from (`seen`:
    size, mtime, inode) and the copy is exactly as written."""
    if recorded is None or recorded[:3] != seen:
        return None
    state = state_of(copy)  # both files are written whole by this tool, never in place
    return copy if state is not None and list(state[1:]) == recorded[3:] else None


def relink_page(html: str, page: str, files: frozenset[str], config: SiteConfig) -> str:
    """`html`, the page at `page` (path below output/), with every link to a file of the
    site made relative to it. Everything else is left byte for byte."""
    parser = _Relinker(page, files, config)
    parser.feed(html)
    parser.close()
    if not parser.edits:
        return html
    starts = _line_starts(html)
    out, done = [], 0
    for (line, col), old, new in parser.edits:
        at = starts[line - 1] + col
        out += [html[done:at], new]
        done = at + len(old)
    out.append(html[done:])
    text = "".join(out)
    for old_hash, new_hash in parser.hashes:
        text = text.replace(old_hash, new_hash)
    return text


def relative_url(url: str, page: str, files: frozenset[str], config: SiteConfig) -> str:
    """The link `url`, found in the page at `page`, as a path relative to that page to the
    file a server would serve for it; `url` itself when it leaves the site or finds nothing."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        if not url.startswith(config.base_url):
            return url  # another site, mailto:, tel:, data:
        path = config.base_path + url[len(config.base_url) :]
        parts = urlsplit(path)
    if not parts.path.startswith(config.base_path):
        return url  # relative already (or #anchor), or outside the site's base path
    site_path = unquote(parts.path[len(config.base_path) :])  # `b%C3%BAp%20b%C3%AA-640.jpg`
    found = resolve(site_path, files.__contains__)
    if found.kind == "redirect":
        found = resolve(found.target, files.__contains__)
    if found.kind != "file":
        return url
    link = quote(posixpath.relpath(found.target, posixpath.dirname(page) or "."))
    if parts.query:
        link += "?" + parts.query
    if parts.fragment:
        link += "#" + parts.fragment
    return link


def csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


class _Relinker(HTMLParser):
    """Finds the links of one page; `edits` are ((line, col), old text, new text)."""

    def __init__(self, page: str, files: frozenset[str], config: SiteConfig) -> None:
        super().__init__(convert_charrefs=False)  # getpos() then is where each piece starts
        self.page, self.files, self.config = page, files, config
        self.edits: list[tuple[tuple[int, int], str, str]] = []
        self.hashes: list[tuple[str, str]] = []  # CSP hashes of inline scripts rewritten
        self._in_script = False

    def _url(self, url: str) -> str:
        return relative_url(url, self.page, self.files, self.config)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        text = self.get_starttag_text() or ""
        values = dict(attrs)
        # an inline script (not JSON-LD data, whose URLs are the hosted site's)
        self._in_script = tag == "script" and "src" not in values and not values.get("type")
        if tag == "link" and HOSTED_RELS & set((values.get("rel") or "").split()):
            return
        refresh = tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh"

        def relink(m: re.Match[str]) -> str:
            name, quoted = m.group(1).lower(), m.group(3)
            value = quoted[1:-1]
            if "&" in value:  # kept exactly as written (an entity): nothing of ours
                return m.group(0)
            if name in URL_ATTRIBUTES:
                new = self._url(value)
            elif name in ("srcset", "imagesrcset"):
                new = ", ".join(self._srcset_candidate(c) for c in value.split(","))
            elif name == "content" and refresh and (r := _REFRESH.match(value)):
                new = r.group(1) + self._url(r.group(2).strip())
            else:
                return m.group(0)
            return m.group(1) + m.group(2) + quoted[0] + new + quoted[0]

        new_text = text[: len(tag) + 1] + _ATTRIBUTE.sub(relink, text[len(tag) + 1 :])
        if new_text != text:
            self.edits.append((self.getpos(), text, new_text))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in_script = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if not self._in_script:
            return
        new = _SCRIPT_STRING.sub(lambda m: '"' + self._url(m.group(1)) + '"', data)
        if new != data:
            self.edits.append((self.getpos(), data, new))
            self.hashes.append((csp_hash(data), csp_hash(new)))

    def _srcset_candidate(self, candidate: str) -> str:
        words = candidate.strip().split(None, 1)
        if not words:
            return candidate.strip()
        return " ".join([self._url(words[0]), *words[1:]])


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for m in re.finditer("\n", text):
        starts.append(m.end())
    return starts
