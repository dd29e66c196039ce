"""Booklets: a printable PDF of chosen items and pages (A5 by default).

Structure: cover (title, photo) - contents (intro, chapter titles with page numbers
from `target-counter`) - one chapter per entry (photo, story, facts, QR code to its
web page with the URL printed and, when the chapter has one, a bank-payment code in a
framed box of its own, titled "Thanh toán / Pay") - back cover with the QR code of the e-booklet.
Page numbers sit in the footer of every page except the covers. Layout is plain
blocks (no flex, no grid): fast and predictable in WeasyPrint.

For saddle stitching, pass the result to `impose.saddle_stitch`.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from markupsafe import Markup

from site_builder.print_errors import PrintError
from site_builder.render.qr import QrSymbol

from .engine import html_to_pdf
from .fonts import check_text
from .payment import PaymentQr
from .pdfmeta import PdfMeta
from .sticker_geometry import with_quiet_zone
from .stickers import display_url

if TYPE_CHECKING:
    import jinja2

PageSize = Literal["A5", "A6", "A4"]

# per page size: page margins (top right bottom left, mm), body font size (pt),
# photo height (mm), chapter QR size (mm), back-cover QR size (mm)
PAGE_STYLES: dict[str, dict[str, object]] = {
    "A6": {
        "margin": "10mm 9mm 13mm 9mm",
        "font_pt": 8.5,
        "photo_mm": 42,
        "qr_mm": 22,
        "back_qr_mm": 32,
        "cover_photo_mm": 62,
    },
    "A5": {
        "margin": "15mm 14mm 18mm 14mm",
        "font_pt": 10,
        "photo_mm": 62,
        "qr_mm": 24,
        "back_qr_mm": 40,
        "cover_photo_mm": 105,
    },
    "A4": {
        "margin": "20mm 20mm 22mm 20mm",
        "font_pt": 11,
        "photo_mm": 95,
        "qr_mm": 28,
        "back_qr_mm": 50,
        "cover_photo_mm": 160,
    },
}

#: Words of the booklet itself, per language (others fall back to English).
STRINGS: dict[str, dict[str, str]] = {
    "vi": {
        "contents": "Mục lục",
        "scan": "Quét mã để xem trang web",
        "facts": "Thông tin",
        "ebook": "Quét mã để đọc sách điện tử trên điện thoại",
        "language": "Tiếng Việt",
        "untranslated": "Trang này chưa được dịch sang tiếng Việt.",
    },
    "en": {
        "contents": "Contents",
        "scan": "Scan to read this page online",
        "facts": "Facts",
        "ebook": "Scan to read the e-booklet on your phone",
        "language": "English",
        "untranslated": "This page has not been translated into English yet.",
    },
}


@dataclass(frozen=True)
class BookletChapter:
    title: str
    lang: str
    image_path: Path | None
    image_alt: str
    body_html: str  # already rendered, safe HTML (the story)
    qr: QrSymbol | None  # None: no QR code (a page without a printed code)
    url: str
    facts: tuple[tuple[str, str], ...] = ()  # (label, value)
    payment: PaymentQr | None = None  # a bank-payment code, boxed apart from the page's code
    notice: str = ""  # in the edition's language: the text is another language's (fallback)
    omitted: bool = False  # not in this language (`missing_translation: omit`): left out


#: Title of a chapter's payment box (bilingual: the payment is made in Vietnam).
PAY_TITLE = "Thanh toán / Pay"


@dataclass(frozen=True)
class BookletDoc:
    title: str
    intro_html: str  # already rendered, safe HTML
    cover_image: Path | None
    lang: str
    chapters: tuple[BookletChapter, ...]
    back_qr: QrSymbol | None  # the booklet's own printed code; None: no back-cover QR
    back_url: str
    meta: PdfMeta
    #: the smallest QR symbol (without its quiet zone) a phone reads reliably, mm
    #: (site.yaml stickers.min_qr_mm): chapter and back-cover codes print at least this
    min_qr_mm: float = 20.0


# ------------------------------------------------------------ the template's view


@dataclass(frozen=True)
class _Qr:
    lang: str
    caption: str
    path_d: str
    modules: int
    url_text: str
    data: str


@dataclass(frozen=True)
class _Pay:
    title: str
    lines: tuple[str, ...]
    path_d: str
    modules: int
    data: str


@dataclass(frozen=True)
class _Part:
    lang: str
    heading: str  # "English" above the second language's text; "" for the first
    title: str
    body: Markup
    facts: tuple[tuple[str, str], ...]
    facts_title: str
    notice: str = ""  # "not translated yet": above the text, or instead of it


@dataclass(frozen=True)
class _Chapter:
    anchor: str
    titles: tuple[tuple[str, str], ...]  # (lang, title) for the contents
    image_uri: str | None
    image_alt: str
    image_lang: str
    parts: tuple[_Part, ...]
    qrs: tuple[_Qr, ...]
    payment: _Pay | None = None


@dataclass
class _View:
    lang: str
    titles: tuple[tuple[str, str], ...]
    intros: tuple[tuple[str, Markup], ...]
    cover_uri: str | None
    contents_title: str
    chapters: list[_Chapter] = field(default_factory=list)
    back_qrs: tuple[_Qr, ...] = ()
    author: str = ""
    date: datetime.date | None = None


PAGE_MM = {"A6": (105.0, 148.0), "A5": (148.0, 210.0), "A4": (210.0, 297.0)}
MIN_PPI = 200  # below this, a printed photo looks soft


def photo_box_mm(page_size: str, cover: bool = False) -> tuple[float, float]:
    """The largest a photo prints (width, height in mm): the text width, and the
    style's photo height (booklet.css: max-width 100 %, max-height)."""
    style = PAGE_STYLES[page_size]
    margins = [float(m.removesuffix("mm")) for m in str(style["margin"]).split()]
    width = PAGE_MM[page_size][0] - margins[1] - margins[3]
    return width, float(style["cover_photo_mm" if cover else "photo_mm"])  # type: ignore[arg-type]


def printed_size_mm(pixels: tuple[int, int], box: tuple[float, float]) -> tuple[float, float]:
    """A whole photo scaled to fit `box`, keeping its shape."""
    scale = min(box[0] / pixels[0], box[1] / pixels[1])
    return pixels[0] * scale, pixels[1] * scale


def low_resolution_photos(
    photos: Sequence[tuple[Path, tuple[int, int], bool]], page_size: str
) -> list[tuple[Path, int]]:
    """Of `photos` (file, pixels printed, is the cover), those that print below MIN_PPI at
    their printed size: (file, ppi)."""
    out = []
    for path, pixels, cover in photos:
        if min(pixels) <= 0:
            continue
        width_mm = printed_size_mm(pixels, photo_box_mm(page_size, cover))[0]
        ppi = pixels[0] / (width_mm / 25.4)
        if ppi < MIN_PPI:
            out.append((Path(path), int(ppi)))
    return out


def _s(lang: str, key: str) -> str:
    return STRINGS.get(lang, STRINGS["en"])[key]


def _image_uri(path: Path | None, where: str) -> str | None:
    if path is None:
        return None
    path = Path(path)
    if not path.is_file():
        raise PrintError(
            f"{where}: image {path.as_posix()} does not exist; "
            "check the file name in item.yaml or the booklet's cover."
        )
    return image_url(path)


#: where a print document's photos appear to be: named by their content, not by the
#: folder the project sits in (WeasyPrint names images by their URL, and the names go
#: into the PDF), so the same content gives the same bytes anywhere
IMAGE_BASE = "file:///site-builder-images/"


def image_url(path: Path) -> str:
    """A photo's stable URL in a print document (see `image_files`)."""
    import hashlib

    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:24]
    suffix = "".join(c for c in Path(path).suffix.lower() if c.isalnum())
    _LOCATIONS[f"{IMAGE_BASE}{digest}.{suffix}"] = Path(path).resolve().as_uri()
    return f"{IMAGE_BASE}{digest}.{suffix}"


_LOCATIONS: dict[str, str] = {}  # stable URL -> the file's real URI, in this process


def image_files(urls: Sequence[str | None]) -> dict[str, str]:
    """The real file of each stable photo URL, for the engine's fetcher."""
    return {u: _LOCATIONS[u] for u in urls if u}


def _qr(qr: QrSymbol, url: str, lang: str, caption: str) -> _Qr:
    return _Qr(lang, caption, qr.svg_path_d(), qr.size_with_quiet_zone, display_url(url), qr.data)


def _check_doc(doc: BookletDoc) -> None:
    check_text(doc.title, f"booklet '{doc.title}': title")
    for chapter in doc.chapters:
        where = f"booklet '{doc.title}', chapter '{chapter.title}'"
        check_text(chapter.title, where)
        for label, value in chapter.facts:
            check_text(label + value, where)
        if chapter.payment is not None:
            for line in chapter.payment.label_lines:
                check_text(line, f"{where}: payment")


def _view(docs: Sequence[BookletDoc]) -> _View:
    if not docs:
        raise PrintError("a booklet needs at least one language version.")
    first = docs[0]
    counts = {d.lang: len(d.chapters) for d in docs}
    if len(set(counts.values())) != 1:
        shown = ", ".join(f"{lang}: {n}" for lang, n in counts.items())
        raise PrintError(
            f"booklet '{first.title}': the language versions have different chapters "
            f"({shown}); give every language the same entries in the same order."
        )
    if not first.chapters:
        raise PrintError(f"booklet '{first.title}' has no chapters; list entries in its YAML.")
    for doc in docs:
        _check_doc(doc)
    bilingual = len(docs) > 1
    view = _View(
        lang=first.lang,
        titles=tuple((d.lang, d.title) for d in docs),
        intros=tuple((d.lang, Markup(d.intro_html)) for d in docs),
        cover_uri=_image_uri(first.cover_image, f"booklet '{first.title}': cover"),
        contents_title=" · ".join(_s(d.lang, "contents") for d in docs),
        author=first.meta.author,
        date=first.meta.date,
    )
    for index, chapters in enumerate(zip(*(d.chapters for d in docs), strict=True), 1):
        lead = chapters[0]
        image_uri = None
        image_alt = lead.image_alt
        for chapter in chapters:  # the first language that has a photo
            if chapter.image_path is not None:
                image_uri = _image_uri(chapter.image_path, f"chapter '{chapter.title}'")
                image_alt = chapter.image_alt
                break
        parts = tuple(
            _part(c, doc.lang, bilingual, i)
            for i, (c, doc) in enumerate(zip(chapters, docs, strict=True))
        )
        titles = tuple(
            (c.lang, c.title)
            for i, c in enumerate(chapters)
            if i == 0 or not (c.omitted or c.notice)
        )
        qrs = _unique_qrs([(c.qr, c.url, c.lang) for c in chapters], "scan")
        # one payment box per chapter: the first language version that has a code
        pay = next((c.payment for c in chapters if c.payment is not None), None)
        payment = None
        if pay is not None:
            payment = _Pay(
                PAY_TITLE,
                pay.label_lines,
                pay.qr.svg_path_d(),
                pay.qr.size_with_quiet_zone,
                pay.qr.data,
            )
        view.chapters.append(
            _Chapter(f"ch-{index}", titles, image_uri, image_alt, lead.lang, parts, qrs, payment)
        )
    view.back_qrs = _unique_qrs([(d.back_qr, d.back_url, d.lang) for d in docs], "ebook")
    return view


def _part(chapter: BookletChapter, lang: str, bilingual: bool, index: int) -> _Part:
    """One language's text of a chapter. In the bilingual edition, a language without its
    own text (fallback or omitted) prints only the notice, in that language, and never the
    first language's text a second time."""
    heading = _s(lang, "language") if bilingual and index else ""
    if bilingual and index and (chapter.omitted or chapter.notice):
        notice = chapter.notice or _s(lang, "untranslated")
        return _Part(lang, heading, "", Markup(""), (), "", notice)
    return _Part(
        chapter.lang,
        heading,
        chapter.title,
        Markup(chapter.body_html),
        chapter.facts,
        _s(lang, "facts"),
        chapter.notice,
    )


def _unique_qrs(codes: Sequence[tuple[QrSymbol | None, str, str]], caption: str) -> tuple[_Qr, ...]:
    """One box per distinct code (the versions of a chapter share its permanent short
    URL, whose landing page picks the reader's language), captioned in every language
    that prints it."""
    boxes: dict[str, tuple[QrSymbol, str, list[str]]] = {}
    for qr, url, lang in codes:
        if qr is None:
            continue
        langs = boxes.setdefault(qr.data, (qr, url, []))[2]
        if lang not in langs:
            langs.append(lang)
    return tuple(
        _qr(qr, url, langs[0], " · ".join(_s(lang, caption) for lang in langs))
        for qr, url, langs in boxes.values()
    )


def qr_style(view: _View, page_size: str, min_qr_mm: float = 20.0) -> dict[str, object]:
    """The page size's style with its QR sizes (quiet zone included) raised where a code's
    symbol would print under `min_qr_mm`: every chapter code (and payment code) of the
    booklet at one size, the back-cover codes at another."""
    style = dict(PAGE_STYLES[page_size])

    def least(modules: Sequence[int], preferred: object) -> float:
        need = [math.ceil(with_quiet_zone(min_qr_mm, m) * 10 - 1e-6) / 10 for m in modules]
        return max([float(preferred)] + need)  # type: ignore[arg-type]

    chapter = [q.modules for ch in view.chapters for q in ch.qrs]
    chapter += [ch.payment.modules for ch in view.chapters if ch.payment is not None]
    style["qr_mm"] = least(chapter, style["qr_mm"])
    style["back_qr_mm"] = least([q.modules for q in view.back_qrs], style["back_qr_mm"])
    return style


def _render(
    view: _View, meta: PdfMeta, env: jinja2.Environment, page_size: str, min_qr_mm: float = 20.0
) -> bytes:
    if page_size not in PAGE_STYLES:
        raise PrintError(
            f"unknown booklet page size {page_size!r}; use one of {', '.join(PAGE_STYLES)}."
        )
    html = env.get_template("print/booklet.html").render(
        view=view,
        meta=meta,
        page_size=page_size,
        style=qr_style(view, page_size, min_qr_mm),
        bilingual=len(view.titles) > 1,
    )
    files = image_files([view.cover_uri] + [ch.image_uri for ch in view.chapters])
    return html_to_pdf(html, what=f"booklet '{meta.title}'", image_dpi=300, files=files)


def render_booklet(
    doc: BookletDoc, *, env: jinja2.Environment, page_size: PageSize = "A5"
) -> bytes:
    """The booklet in one language, as PDF bytes (deterministic for the same input).
    Chapters not in this language (`omitted`) are left out."""
    shown = dataclasses.replace(doc, chapters=tuple(c for c in doc.chapters if not c.omitted))
    return _render(_view([shown]), doc.meta, env, page_size, doc.min_qr_mm)


def render_bilingual_booklet(
    docs_by_lang: Sequence[BookletDoc],
    *,
    env: jinja2.Environment,
    page_size: PageSize = "A5",
    meta: PdfMeta | None = None,
) -> bytes:
    """One booklet holding every language version, chapter by chapter.

    Layout: each chapter shows its photo once, then the story in the first (source)
    language, then the same story in the next language under a small language
    heading, each with its own facts; the chapter ends with one QR code per language.
    The cover, contents and back cover carry every language's title.

    Why this and not the alternatives:
    - Side-by-side columns on an A5 page leave ~55 mm per column, ~30 characters a
      line: Vietnamese words are short but carry stacked diacritics, and such narrow
      justified columns get rivers (WeasyPrint has no Vietnamese hyphenation). The two
      texts also differ in length, so one column always ends in a hole.
    - Facing pages (Vietnamese left, English right) break as soon as one text runs
      past a page, and pair the wrong pages after imposition padding.
    - One language after the other for the whole booklet separates each English
      story from its photo and doubles the photos (and the cost of colour pages).
    Chapter by chapter keeps one photo, one reading flow per language, and lets a
    reader of either language find their text right below the photo.
    """
    docs = list(docs_by_lang)
    view = _view(docs)
    if meta is None:
        first = docs[0].meta
        meta = PdfMeta(
            title=" / ".join(d.title for d in docs),
            lang=first.lang,
            author=first.author,
            date=first.date,
            subject=first.subject,
            keywords=first.keywords,
        )
    return _render(view, meta, env, page_size, max(d.min_qr_mm for d in docs))
