"""THE owner of output paths and URLs. Nothing else builds a path or a link.

Pages live at `/<lang>/<section>/<slug>/` below the site's base path; the short
URL printed in a QR code is `<short_base>Q/<CODE>`, written in upper case so the
QR uses alphanumeric mode, and the site serves exactly that path (`Q/<CODE>.html`
for hosts with clean URLs, and `Q/<CODE>/index.html` for hosts without).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from site_builder.config import SiteConfig
from site_builder.content import kinds
from site_builder.content.translations import with_fallback

if TYPE_CHECKING:
    from site_builder.content.model import Site

QR_PREFIX = "Q"
PRINT_SECTION = "print"  # the members' print page: /<lang>/print/
OFFLINE_SECTION = "offline"  # the service worker's page for a page not kept: /<lang>/offline/
LIST_PAGES = "page"  # a long list's later pages: /<lang>/<section>/page/2/
ALNUM = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")


@dataclass(frozen=True)
class Urls:
    config: SiteConfig

    # --- output files (relative to output/) ------------------------------------
    def page_file(self, lang: str, kind: str | None = None, slug: str | None = None) -> str:
        return self._dir(lang, kind, slug) + "index.html"

    def list_file(self, lang: str, kind: str, number: int = 1) -> str:
        """Page `number` of a kind's list: the first is the kind's own page
        (`vi/dolls/index.html`), the others `vi/dolls/page/2/index.html`, ... (no item's
        page can be there: an item is one folder deep, `vi/dolls/<slug>/index.html`)."""
        if number == 1:
            return self.page_file(lang, kind)
        return f"{self._dir(lang, kind)}{LIST_PAGES}/{number}/index.html"

    def home_file(self, lang: str) -> str:
        return f"{lang}/index.html"

    def booklet_file(self, lang: str, booklet: str, chapter: str | None = None) -> str:
        return self._dir(lang, "booklets", booklet, chapter) + "index.html"

    def landing_files(self, code: str) -> tuple[str, str]:
        return (f"{QR_PREFIX}/{code}.html", f"{QR_PREFIX}/{code}/index.html")

    def qr_file(self, code: str, ext: str) -> str:
        return f"qr/{code}.{ext}"

    def pay_file(self, code: str, ext: str) -> str:
        """The bank-transfer (VietQR) code of an item: a different QR from its page's."""
        return f"pay/{code}.{ext}"

    def gs1_files(self, gtin14: str) -> tuple[str, str]:
        """Where a GS1 Digital Link (`/01/<GTIN-14>`) to a product is served."""
        return (f"01/{gtin14}.html", f"01/{gtin14}/index.html")

    def media_file(self, kind: str, slug: str, name: str) -> str:
        return f"media/{kind}/{slug}/{name}"

    def image_file(self, kind: str, slug: str, name: str, width: int, ext: str) -> str:
        """A resized copy of the image `name` of an item or booklet: `<stem>-<width>.<ext>`."""
        return f"media/{kind}/{slug}/{_stem(name)}-{width}.{ext}"

    def print_file(self, name: str) -> str:
        return f"print/{name}"

    def manifest_file(self, lang: str) -> str:
        """The web app manifest of one language (webapp.py): its name, start page, icons."""
        return f"{lang}/manifest.webmanifest"

    def offline_file(self, lang: str) -> str:
        """The page the service worker shows, offline, for a page it did not keep (webapp.py):
        `vi/offline/index.html`."""
        return self.page_file(lang, OFFLINE_SECTION)

    def worker_file(self) -> str:
        """The service worker (webapp.py), at the site's root so its scope is the site."""
        return "sw.js"

    # --- links (site-relative, for href/src) -----------------------------------
    def url(self, file: str) -> str:
        """The link for an output file: 'vi/dolls/x/index.html' -> '/vi/dolls/x/'."""
        if file.endswith("index.html"):
            file = file[: -len("index.html")]
        elif file.endswith(".html") and file.startswith((QR_PREFIX + "/", "01/")):
            file = file[: -len(".html")]
        return self.config.base_path + file

    def page(self, lang: str, kind: str | None = None, slug: str | None = None) -> str:
        return self.url(self.page_file(lang, kind, slug))

    def list_page(self, lang: str, kind: str, number: int = 1) -> str:
        return self.url(self.list_file(lang, kind, number))

    def home(self, lang: str) -> str:
        return self.url(self.home_file(lang))

    def offline(self, lang: str) -> str:
        return self.url(self.offline_file(lang))

    def absolute(self, url: str) -> str:
        if url.startswith("/") and not url.startswith("//"):  # the common case, without urljoin
            return self._origin + url
        return urljoin(self.config.base_url, url)

    @functools.cached_property
    def _origin(self) -> str:
        """'https://host' of base_url: what a root-relative URL is joined to."""
        parts = urlsplit(self.config.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    def short_url(self, code: str) -> str:
        """The URL printed in the QR code for `code`."""
        url = f"{self.config.short_base}{QR_PREFIX}/{code}"
        upper = url.upper()
        return upper if set(upper) <= ALNUM else url

    def _dir(self, lang: str, *parts: str | None) -> str:
        path = f"{lang}/"
        for i, part in enumerate(parts):
            if part is None:
                break
            path += (kinds.section_of(part) if i == 0 else part) + "/"
        return path


@functools.lru_cache(maxsize=4096)
def _stem(name: str) -> str:
    """`PurePosixPath(name).stem`, once per photo (each has several resized copies)."""
    return PurePosixPath(name).stem


def alias_file(alias: str) -> str:
    """The file an item's alias is written to: '/vi/old/' -> 'vi/old/index.html'."""
    path = alias.strip("/")
    return path if path.endswith(".html") else (path + "/index.html" if path else "index.html")


def pages_for(listed: int, size: int) -> int:
    """How many pages a list of `listed` cards takes at `size` a page (an empty list: one)."""
    return max(1, -(-listed // size))


def list_page_count(site: Site, kind: str, lang: str) -> int:
    """How many pages the list of `kind` has in `lang`: one per `list_cards` items shown."""
    config = site.config
    listed = sum(with_fallback(item, lang, config) is not None for item in site.items_of(kind))
    return pages_for(listed, config.list_cards)
