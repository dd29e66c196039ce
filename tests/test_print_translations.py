"""Booklets follow the missing-translation policy like the site, and keep blocks
together: no page holds only a QR code or a single line of contents."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import zxingcpp

from site_builder.build import build
from site_builder.content.loader import load_site
from site_builder.print import PaymentQr
from site_builder.print.booklet import PAY_TITLE, STRINGS

TEA_STORY = "Chè được hái bằng tay."  # the tea has only a Vietnamese text (vi.md)
EN_NOTICE = "This page has not been translated yet. It is shown in Vietnamese."


def pages(pdf: Path) -> list[str]:
    with pdfplumber.open(pdf) as doc:
        return [" ".join((p.extract_text() or "").split()) for p in doc.pages]


def codes(pdf: Path) -> list[str]:
    doc = pdfium.PdfDocument(pdf.read_bytes())
    return [
        r.text for page in doc for r in zxingcpp.read_barcodes(page.render(scale=300 / 72).to_pil())
    ]


def test_fallback_gets_a_notice_and_is_never_printed_twice(minimal: Path) -> None:
    build(minimal)
    out = minimal / "output/print"
    en = pages(out / "gifts-en.pdf")
    tea = [p for p in en if TEA_STORY in p]
    assert len(tea) == 1 and EN_NOTICE in tea[0]  # shown in Vietnamese, saying so in English
    assert sum(EN_NOTICE in p for p in en) == 1  # the doll and the page are translated
    vi = pages(out / "gifts-vi.pdf")
    assert not any("translated" in p or "chưa được dịch" in p for p in vi)
    both = " ".join(pages(out / "gifts-vi-en.pdf"))
    assert both.count(TEA_STORY) == 1  # not a second time as "English"
    assert both.count(EN_NOTICE) == 1
    assert both.count("The skirt is dyed with indigo") == 1  # translated: printed as it is
    assert both.count("Chiếc váy được nhuộm chàm") == 1
    # the contents list the tea once, under its Vietnamese title only
    assert both.count("Chè Shan tuyết") == 2  # the contents line and the chapter title


def test_omit_leaves_the_item_out_of_that_language(minimal: Path) -> None:
    config = minimal / "site.yaml"
    config.write_text(
        config.read_text().replace("missing_translation: fallback", "missing_translation: omit")
    )
    build(minimal)
    out = minimal / "output/print"
    en = pages(out / "gifts-en.pdf")
    assert not any("Chè Shan tuyết" in p or TEA_STORY in p for p in en)
    assert sorted(codes(out / "gifts-en.pdf")) == [
        "HTTPS://XM.EXAMPLE.VN/Q/XM-D01"  # no tea chapter; the booklet has no code here
    ]
    both = " ".join(pages(out / "gifts-vi-en.pdf"))
    assert both.count(TEA_STORY) == 1
    assert both.count("This page has not been translated into English yet.") == 1
    assert EN_NOTICE not in both
    vi = " ".join(pages(out / "gifts-vi.pdf"))
    assert vi.count(TEA_STORY) == 1


def test_no_page_holds_only_codes_or_one_line_of_contents(sample_site: Path) -> None:
    site = load_site(sample_site)
    payment_lines = {PAY_TITLE}
    for item in site.items:
        if item.facts.payment is not None:
            payment_lines |= set(PaymentQr.from_info(item.facts.payment).label_lines)
    captions = {s[k] for s in STRINGS.values() for k in ("scan", "ebook", "language")}
    captions |= {f"{STRINGS['vi'][k]} · {STRINGS['en'][k]}" for k in ("scan", "ebook")}
    for name in ("xin-man-gifts-vi.pdf", "xin-man-gifts-en.pdf", "xin-man-gifts-vi-en.pdf"):
        with pdfplumber.open(sample_site / "output/print" / name) as doc:
            texts = [(p.extract_text() or "").splitlines() for p in doc.pages]
        chapters_from = next(
            i for i, lines in enumerate(texts) if i > 1 and not any(".." in x for x in lines)
        )
        for number, lines in enumerate(texts[1:chapters_from], 2):
            entries = [x for x in lines if re.search(r"\.{3,}\s*\d+$", x)]
            assert len(entries) >= 2, f"{name} p. {number}: {lines}"
        for number, lines in enumerate(texts[chapters_from:-1], chapters_from + 1):
            words = [
                x
                for x in lines
                if not x.strip().isdigit()
                and "xm.example.vn/Q/" not in x
                and x.strip() not in captions
                and x.strip() not in payment_lines
            ]
            assert words, f"{name} p. {number} holds only codes: {lines}"


def test_bilingual_edition_of_the_sample_prints_each_story_once(sample_site: Path) -> None:
    site = load_site(sample_site)
    both = " ".join(pages(sample_site / "output/print/xin-man-gifts-vi-en.pdf"))
    for key in site.booklets[0].entries:
        thing = site.by_key(key)
        assert thing is not None
        for tr in thing.translations.values():
            first = _first_words(tr.body_html)
            assert both.count(first) == 1, (key, tr.lang, first)


def _first_words(body_html: str) -> str:
    """The first six words of a story's first paragraph, as plain text."""
    text = html.unescape(re.sub(r"<[^>]+>", "", body_html.split("</p>")[0]))
    return " ".join(text.split()[:6])
