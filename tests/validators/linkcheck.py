"""A complete link checker over a built output folder (standard library only).

Every reference must resolve to a file of the folder, as the host serves it:
- in every HTML page: href, src, srcset (every candidate), poster, data, action,
  url(...) in <style> and style="", and absolute URLs in <meta content> (og:image...);
- `#anchors`: the id (or <a name>) must exist in the target page;
- in every CSS file: url(...) and @import, relative to the CSS file;
- sitemap.xml: every <loc> and xhtml:link href; robots.txt: its Sitemap line.
Absolute URLs under one of the site's own bases (base_url, short_base) map to the
folder; other sites, mailto: and tel: are not fetched (no network in tests).
`/Q/XM-D01` (no extension) is served as `Q/XM-D01.html`. 404.html is served at any
missing path, so it must use no relative references.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

LOCAL = "http://output.invalid/"  # stands for the folder's own origin
URL_ATTRS = {"href", "src", "poster", "data", "action", "cite", "formaction"}
CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.S)
TOP_FRAGMENTS = {"", "top"}  # always valid: the top of the page


@dataclass
class Page:
    ids: set[str] = field(default_factory=set)
    refs: list[tuple[int, str, str]] = field(default_factory=list)  # (line, where, url)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        values = {name: value or "" for name, value in attrs}
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.page.ids.add(value)
            elif name in URL_ATTRS:
                self.page.refs.append((line, f"<{tag} {name}>", value.strip()))
            elif name in ("srcset", "imagesrcset"):
                for candidate in re.split(r",\s+", value.strip()):
                    url = candidate.split()[0] if candidate.split() else ""
                    self.page.refs.append((line, f"<{tag} {name}>", url))
            elif name == "style":
                for url in css_urls(value):
                    self.page.refs.append((line, f"<{tag} style>", url))
        if tag == "meta" and "://" in values.get("content", "")[:12]:
            self.page.refs.append((line, "<meta content>", values["content"].strip()))
        self._in_style = tag == "style"

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            for url in css_urls(data):
                self.page.refs.append((self.getpos()[0], "<style>", url))


def css_urls(css: str) -> list[str]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return [(m.group(2) or m.group(4) or "").strip() for m in CSS_URL.finditer(css)]


class LinkChecker:
    def __init__(self, root: Path, bases: list[str]) -> None:
        self.root = root
        self.bases = [b if b.endswith("/") else b + "/" for b in bases]
        self._pages: dict[Path, Page] = {}
        self.checked = 0  # references checked, to prove the checker looked at something

    def page(self, path: Path) -> Page:
        if path not in self._pages:
            collector = _Collector()
            collector.feed(path.read_text(encoding="utf-8"))
            collector.close()
            self._pages[path] = collector.page
        return self._pages[path]

    def local_url(self, path: Path) -> str:
        rel = path.relative_to(self.root).as_posix()
        return LOCAL + rel

    def target(self, url: str) -> tuple[Path | None, str | None, str]:
        """(file, fragment, problem): file is None for an external URL; problem is ''
        when it resolves."""
        for base in self.bases:
            if url.startswith(base):
                url = LOCAL + url[len(base) :]
                break
        parts = urlsplit(url)
        if parts.scheme in ("mailto", "tel", "data"):
            return None, None, ""
        if parts.scheme in ("javascript", "vbscript"):
            return None, None, "unsafe scheme"
        if url.startswith(LOCAL):
            pass
        elif parts.scheme in ("http", "https") or parts.netloc:
            return None, None, ""  # another site: not fetched
        else:
            return None, None, f"unknown scheme {parts.scheme!r}"
        rel = unquote(parts.path)[1:]
        if ".." in rel.split("/"):
            return None, None, "points above the site root"
        path = self.root / rel
        if rel == "" or rel.endswith("/"):
            path = path / "index.html"
            if path.is_file():
                return path, parts.fragment, ""
            return None, None, f"no file {path.relative_to(self.root).as_posix()}"
        if path.is_file():
            return path, parts.fragment, ""
        html = self.root / f"{rel}.html"
        if html.is_file():
            return html, parts.fragment, ""
        if (path / "index.html").is_file():
            return None, None, "a folder without its trailing slash (the host redirects)"
        return None, None, f"no file {rel}"

    def check_ref(self, source: str, base_url: str, ref: str) -> str | None:
        self.checked += 1
        if ref == "":
            return f"{source}: empty URL"
        url = urljoin(base_url, ref)
        path, fragment, problem = self.target(url)
        if problem:
            return f"{source}: {ref} → {problem}"
        if path is None or fragment in TOP_FRAGMENTS or path.suffix != ".html":
            return None
        if unquote(fragment or "") not in self.page(path).ids:
            rel = path.relative_to(self.root).as_posix()
            return f"{source}: {ref} → no id {fragment!r} in {rel}"
        return None

    def problems(self) -> list[str]:
        found: list[str] = []
        for path in sorted(self.root.rglob("*.html")):
            rel = path.relative_to(self.root).as_posix()
            for line, where, ref in self.page(path).refs:
                if rel == "404.html" and ref and not re.match(r"^([a-z][a-z0-9+.-]*:|/|#)", ref):
                    found.append(
                        f"{rel}:{line} {where}: {ref} → relative (404.html is served "
                        "at any missing path)"
                    )
                    continue
                problem = self.check_ref(f"{rel}:{line} {where}", self.local_url(path), ref)
                if problem:
                    found.append(problem)
        for path in sorted(self.root.rglob("*.css")):
            rel = path.relative_to(self.root).as_posix()
            for ref in css_urls(path.read_text(encoding="utf-8")):
                problem = self.check_ref(f"{rel} url()", self.local_url(path), ref)
                if problem:
                    found.append(problem)
        found += self.sitemap_problems()
        return found

    def sitemap_problems(self) -> list[str]:
        found: list[str] = []
        robots = self.root / "robots.txt"
        if robots.is_file():
            for line in robots.read_text(encoding="utf-8").splitlines():
                if line.lower().startswith("sitemap:"):
                    url = line.split(":", 1)[1].strip()
                    if not any(url.startswith(b) for b in self.bases):
                        found.append(f"robots.txt Sitemap: {url} → not under the site's base")
                    elif problem := self.check_ref("robots.txt Sitemap", LOCAL, url):
                        found.append(problem)
        sitemap = self.root / "sitemap.xml"
        if not sitemap.is_file():
            return found
        for el in ET.parse(sitemap).iter():
            tag = el.tag.rsplit("}", 1)[-1]
            url = (el.text or "").strip() if tag == "loc" else el.get("href", "")
            if tag not in ("loc", "link"):
                continue
            if not any(url.startswith(b) for b in self.bases):
                found.append(f"sitemap.xml <{tag}>: {url} → not under the site's base")
            elif problem := self.check_ref(f"sitemap.xml <{tag}>", LOCAL, url):
                found.append(problem)
        return found
