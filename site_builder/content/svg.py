"""SVG images: published only when they can do nothing but draw.

An SVG file is a document: opened on the site's own domain, a `<script>`, an `onload`
or a link to `javascript:` would run with the site's origin. We do not rewrite SVGs
(a rewritten drawing can look different); we read them and refuse, with the reason,
any that holds something other than drawing: scripts, event handlers (`on...`),
`<foreignObject>` (HTML inside the drawing), elements from HTML or unknown namespaces,
references to anything outside the file (only `#id` links and embedded PNG/JPEG/GIF/WebP
`data:` pictures are allowed), CSS `@import` / external `url(...)`, `<!ENTITY>`
declarations and processing instructions. What passes is published byte for byte.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# Editors' own bookkeeping, never drawn by a browser.
EDITOR_NS = {
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://creativecommons.org/ns#",
    "http://purl.org/dc/elements/1.1/",
    "http://ns.adobe.com/AdobeIllustrator/10.0/",
    "http://ns.adobe.com/Graphs/1.0/",
    "http://ns.adobe.com/Variables/1.0/",
    "http://ns.adobe.com/SaveForWeb/1.0/",
    "http://ns.adobe.com/Extensibility/1.0/",
    "http://ns.adobe.com/ImageReplacement/1.0/",
    "http://ns.adobe.com/xap/1.0/",
}
DRAWING = {
    "svg", "g", "defs", "symbol", "use", "title", "desc", "metadata", "switch",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    "text", "tspan", "textPath", "image", "marker", "pattern", "clipPath", "mask",
    "linearGradient", "radialGradient", "stop", "filter", "style", "view",
    "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feConvolveMatrix",
    "feDiffuseLighting", "feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood",
    "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feImage", "feMerge",
    "feMergeNode", "feMorphology", "feOffset", "fePointLight", "feSpecularLighting",
    "feSpotLight", "feTile", "feTurbulence",
}  # fmt: skip
_DATA_PICTURE = re.compile(r"data:image/(png|jpeg|gif|webp)[;,]", re.I)
_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.I)
_LENGTH = re.compile(r"^\s*([\d.]+)\s*(px)?\s*$")


class Unsafe(Exception):
    """The SVG holds something other than drawing; `what` names it (as in the file)."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class NotSvg(Exception):
    """Not an SVG document (not XML, or its root is not <svg>)."""


class NoSize(Exception):
    """An <svg> with neither width and height in pixels nor a viewBox."""


def inspect(path: Path) -> tuple[int, int]:
    """The SVG's size in CSS pixels, after checking that it only draws."""
    data = path.read_bytes()
    if re.search(rb"<!ENTITY", data, re.I):
        raise Unsafe("<!ENTITY>")
    elements: list[ET.Element] = []
    try:
        parser: ET.XMLPullParser[Any] = ET.XMLPullParser(events=("start", "pi"))
        parser.feed(data)
        parser.close()
        for event, node in cast("Iterator[tuple[str, ET.Element]]", parser.read_events()):
            if event == "pi":
                raise Unsafe(f"<?{(node.text or '').split(' ')[0]}?>")
            elements.append(node)
    except ET.ParseError as exc:
        raise NotSvg() from exc
    if not elements or _split(elements[0].tag) != (SVG_NS, "svg"):
        raise NotSvg()
    for element in elements:
        _check_element(element)
    return _size(elements[0])


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


def _check_element(node: ET.Element) -> None:
    ns, local = _split(node.tag)
    if ns in EDITOR_NS:
        pass  # bookkeeping; its attributes are still checked below
    elif ns != SVG_NS or local not in DRAWING:
        raise Unsafe(f"<{local}>")
    for name, value in node.attrib.items():
        attr_ns, attr = _split(name)
        if attr.lower().startswith("on"):
            raise Unsafe(f"{attr}=")
        squashed = re.sub(r"[\s\x00-\x1f]", "", value).lower()
        if "javascript:" in squashed or "vbscript:" in squashed:
            raise Unsafe(f'{attr}="{value[:40]}"')
        inside = value.startswith("#") or (local == "image" and _DATA_PICTURE.match(value))
        if attr == "href" and attr_ns in ("", XLINK_NS) and not inside:
            raise Unsafe(f'{attr}="{value[:40]}"')
        if attr == "style" or "url(" in squashed:
            _check_css(value)
    if local == "style":
        _check_css(node.text or "")


def _check_css(css: str) -> None:
    lowered = css.lower()
    for bad in ("@import", "expression(", "javascript:", "behavior:", "-moz-binding"):
        if bad in lowered:
            raise Unsafe(bad)
    for target in _URL.findall(css):
        if not (target.startswith("#") or _DATA_PICTURE.match(target)):
            raise Unsafe(f"url({target[:40]})")


def _size(root: ET.Element) -> tuple[int, int]:
    w = _LENGTH.match(root.get("width", ""))
    h = _LENGTH.match(root.get("height", ""))
    if w and h and float(w.group(1)) > 0 and float(h.group(1)) > 0:
        return max(1, round(float(w.group(1)))), max(1, round(float(h.group(1))))
    box = (root.get("viewBox") or "").replace(",", " ").split()
    try:
        width, height = float(box[2]), float(box[3])
    except (IndexError, ValueError) as exc:
        raise NoSize() from exc
    if width <= 0 or height <= 0:
        raise NoSize()
    return max(1, round(width)), max(1, round(height))
