"""THE URL-serving rules: how a host maps a URL path to a file of `output/`.

One copy, used by the preview (serve.py), `site-builder check` (links in the content) and
the tests' link checker; the generated host configurations (hosting.py: nginx
`try_files $uri $uri.html $uri/`, Apache, Caddy, Netlify) implement the same rules and
tests/test_serving.py runs a real nginx to show they agree.

- `/` and every path ending in `/` -> `<path>/index.html`;
- a path naming a file -> that file;
- `/Q/XM-D01` -> `Q/XM-D01.html` (clean URLs: the short URLs printed in QR codes);
- `/vi/dolls/hmong` (a folder with an index page) -> a redirect to `/vi/dolls/hmong/`;
- `/q/xm-d01` (a printed code typed in lower case) -> a redirect to `/Q/XM-D01`, as the
  generated configurations send it on (to the item in the visitor's language);
- NUL, `/_server/...` (the host's own files) or nothing found -> missing: the host
  answers `404.html` with status 404. `..` never leaves the folder (`/a/../b` is `/b`).

Edge redirects of printed codes by language (nginx/Apache/Netlify) come before these rules
on a real host; they are the host configuration's business, not a file lookup.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Literal

NOT_FOUND_PAGE = "404.html"
INDEX = "index.html"
HIDDEN = ("_server",)  # hosting.SERVER_DIR: never served by the generated configs
CODE_FOLDER = "Q"  # urls.QR_PREFIX: the printed codes' landing pages (tests/test_serving.py)

Kind = Literal["file", "redirect", "missing"]


@dataclass(frozen=True)
class Resolved:
    """What a host does with one URL path.

    `kind` "file": `target` is the file's path below output/ (no leading /);
    "redirect": `target` is the URL path to redirect to (leading /, below the site's base);
    "missing": `target` is "" and the host answers 404.html with status 404.
    """

    kind: Kind
    target: str = ""

    @property
    def is_page(self) -> bool:
        return self.kind == "file" and self.target.endswith(".html")


MISSING = Resolved("missing")


def resolve(path: str, exists: Callable[[str], bool]) -> Resolved:
    """Where a request for the URL `path` (below the site's base path) leads.

    `exists(rel)` says whether `rel` (a path below output/, no leading /) is a file the host
    may serve: a set's `__contains__` for the files a build will write (check), or a look at
    the disk (the preview, the tests).
    """
    if "\x00" in path:
        return MISSING
    clean = posixpath.normpath("/" + path.lstrip("/"))  # "/a/../b" is "/b", as hosts do
    rel = clean.lstrip("/")
    if rel.split("/", 1)[0] in HIDDEN:
        return MISSING
    upper = rel.upper()
    a_code = upper != rel and upper.split("/", 1)[0] == CODE_FOLDER  # /q/xm-d01: as nginx
    if rel == "" or path.endswith("/"):
        index = f"{rel}/{INDEX}" if rel else INDEX
        if exists(index):
            return Resolved("file", index)
        if a_code and exists(f"{upper}/{INDEX}"):
            return Resolved("redirect", f"/{upper}/")
        return MISSING
    if exists(rel):
        return Resolved("file", rel)
    if exists(f"{rel}.html"):
        return Resolved("file", f"{rel}.html")
    if exists(f"{rel}/{INDEX}"):
        return Resolved("redirect", f"/{rel}/")
    if a_code and exists(f"{upper}.html"):
        return Resolved("redirect", f"/{upper}")
    return MISSING


def resolve_in(path: str, files: Collection[str]) -> Resolved:
    """`resolve` against a known set of output files (no disk)."""
    return resolve(path, files.__contains__)
