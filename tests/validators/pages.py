"""One page of every kind in the built site, found in the output folder."""

from __future__ import annotations

from pathlib import Path


def first(output: Path, pattern: str, prefer: str = "") -> str:
    """The URL path of the first page matching `pattern` (a glob under output/), or of
    the one containing `prefer` when there is one."""
    found = sorted(p.relative_to(output).as_posix() for p in output.glob(pattern))
    assert found, f"no page matches {pattern} in the built site"
    chosen = next((f for f in found if prefer and prefer in f), found[0])
    return "/" + chosen.removesuffix("index.html")


def page_kinds(output: Path, lang: str) -> dict[str, str]:
    """kind -> URL path, for the pages that exist in every language."""
    booklet = first(output, f"{lang}/booklets/*/index.html")
    return {
        "home": f"/{lang}/",
        "dolls index": f"/{lang}/dolls/",
        "ocop index": f"/{lang}/ocop/",
        "doll": first(output, f"{lang}/dolls/*/index.html", "hmong"),
        "ocop product": first(output, f"{lang}/ocop/*/index.html"),
        "free page": first(output, f"{lang}/pages/*/index.html"),
        "booklet cover": booklet,
        "booklet chapter": first(output, booklet.lstrip("/") + "*/index.html"),
        "offline page": f"/{lang}/offline/",  # (the service worker's; as built, no list)
    }


def qr_code(output: Path) -> str:
    """The first QR code with a landing page, e.g. XM-D01."""
    return sorted(p.stem for p in (output / "Q").glob("*.html"))[0]
