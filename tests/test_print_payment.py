"""Bank-payment (VietQR) codes on stickers and in booklets, checked from the PDF with real
tools (WeasyPrint, pypdf, pypdfium2 at 300 dpi, zxing-cpp)."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from site_builder.print import (
    BUILTIN,
    BookletChapter,
    BookletDoc,
    PaymentQr,
    PrintError,
    StickerContent,
    StickerError,
    layout_sticker,
    render_booklet,
)
from site_builder.print.stickers import STANDARD, with_quiet_zone
from site_builder.render.qr import make_qr
from site_builder.vietqr import PaymentInfo

from .test_print_booklet import make_doc, page_texts
from .test_print_stickers import (
    DAO,
    DOLL,
    ENV,
    TEA,
    decode_pages,
    fold,
    label_index,
    printed_size,
    render,
)

INFO = PaymentInfo.create(
    bank="Vietcombank",
    account="0011000000000",
    account_name="HTX CHE (VI DU)",
    amount=180000,
    note="XM-P01",
)
PAYLOAD = INFO.payload
PAY = PaymentQr.from_info(INFO)


def paying(content: StickerContent) -> StickerContent:
    return StickerContent(
        content.code, content.short_url, content.names, content.price_text, content.qr, PAY
    )


def test_payment_qr_from_info_and_its_label():
    assert PAY.qr.data == PAYLOAD and PAY.qr.error_correction == "M"
    assert PAY.label_lines == ("Chuyển khoản / Pay", "Vietcombank", "HTX CHE (VI DU)")
    custom = PaymentQr.from_info(INFO, "L", ("Quét để chuyển khoản", "Scan to pay"))
    assert custom.label_lines == ("Quét để chuyển khoản", "Scan to pay")
    assert custom.qr.error_correction == "L"
    with pytest.raises(PrintError) as info:
        PaymentQr(PAY.qr, ("Chuyển khoản", " "))
    assert str(info.value) == (
        "payment code 00020101021238570010A000…: its label needs at least one line of text "
        "and no empty lines (e.g. 'Chuyển khoản / Pay' and the bank's name), so nobody "
        "mistakes it for the product's code."
    )


# --------------------------------------------------------------------- stickers


@pytest.mark.parametrize("name", ["L7163", "L7173"])
def test_sheet_with_payment_codes(name):
    template = BUILTIN[name]
    per_sheet = template.per_sheet
    stickers = [paying(DOLL), paying(TEA), paying(DAO)]
    copies = [(stickers[0], 2), (stickers[1], per_sheet - 4), (stickers[2], 2)]
    expected = [s.short_url for s, n in copies for _ in range(n)]
    pdf = render(copies, template, show_payment=True, show_price=True)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1

    by_label: dict[int, list[dict]] = {}
    for code in decode_pages(pdf)[0]:
        index = label_index(template, code["box"])
        assert index is not None, f"QR {code['text'][:30]} outside every label"
        by_label.setdefault(index, []).append(code)
    assert sorted(by_label) == list(range(per_sheet))
    for index, codes in by_label.items():
        # exactly two codes per label: the item's URL and the payment payload
        assert sorted(c["text"] for c in codes) == sorted([expected[index], PAYLOAD])
        product = next(c for c in codes if c["text"] != PAYLOAD)
        pay = next(c for c in codes if c["text"] == PAYLOAD)
        product_size = printed_size(product["box"], make_qr(product["text"], "M").size)
        pay_size = printed_size(pay["box"], PAY.qr.size)
        assert product_size >= 20 - 0.15 and pay_size >= 20 - 0.15
        assert pay_size <= product_size + 0.3  # the item's code is never the smaller one
        # the payment code sits to the right of the item's code, without overlapping it
        assert pay["box"][0] > product["box"][2]
        # ... and whole, quiet zone included, inside the label
        x, _, w, _ = template.label_box(index)
        assert pay["box"][2] + pay_size * 4.5 / (PAY.qr.size + 8) <= x + w + 0.2

    text = fold(PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
    for needle in (
        STANDARD.call_to_action,
        "Chuyển khoản / Pay",
        "Vietcombank",
        "HTX CHE (VI DU)",
        "xm.example.vn/Q/XM-D01",
        "Búp bê Mông",
        "180.000 ₫",
    ):
        assert needle in text, needle
    assert text.count("Vietcombank") == per_sheet


def test_layout_of_both_codes_stays_apart_and_inside():
    for name, content in (("L7163", DAO), ("L7173", DAO), ("L7163", TEA)):
        template = BUILTIN[name]
        w, h = template.label_width, template.label_height
        layout = layout_sticker(paying(content), template, show_payment=True, show_price=True)
        pay = layout.payment
        assert pay is not None
        # both symbols (without their quiet zones) at least 20 mm
        assert layout.qr_size >= with_quiet_zone(20, content.qr.size_with_quiet_zone) - 1e-6
        assert pay.qr_size >= with_quiet_zone(20, PAY.qr.size_with_quiet_zone) - 1e-6
        assert pay.qr_size <= layout.qr_size
        # the frame holds the payment code and its caption, and nothing else; 2 mm inside
        assert pay.frame_x >= 2 - 1e-6 and pay.frame_x + pay.frame_width <= w - 2 + 1e-6
        assert pay.frame_y >= 2 - 1e-6 and pay.frame_y + pay.frame_height <= h - 2 + 1e-6
        inside = [(pay.qr_x, pay.qr_y, pay.qr_size, pay.qr_size)]
        outside = [(layout.qr_x, layout.qr_y, layout.qr_size, layout.qr_size)]
        for b in layout.blocks:
            assert b.size_pt >= 6
            (inside if b.kind in ("pay", "pay2") else outside).append((b.x, b.y, b.width, b.height))
        for x, y, bw, bh in inside:
            assert pay.frame_x < x and x + bw < pay.frame_x + pay.frame_width
            assert pay.frame_y < y and y + bh < pay.frame_y + pay.frame_height
        for x, _, bw, _ in outside:
            assert x >= 0 and x + bw <= pay.frame_x + 1e-6
        kinds = [b.kind for b in layout.blocks]
        assert kinds.index("cta") == kinds.index("url") - 1  # "Scan for the story" above the URL
        assert [b.lines for b in layout.blocks if b.kind in ("pay", "pay2")][0][0].startswith(
            "Chuyển khoản"
        )


def test_payment_hidden_unless_asked_and_stickers_without_payment():
    template = BUILTIN["L7163"]
    pdf = render([(paying(DOLL), 2)], template)  # show_payment defaults to False
    assert [c["text"] for c in decode_pages(pdf)[0]] == [DOLL.short_url] * 2
    text = fold(PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
    assert "Chuyển khoản" not in text
    # without payment, show_payment changes nothing
    assert layout_sticker(DOLL, template, show_payment=True) == layout_sticker(DOLL, template)
    mixed = render([(paying(DOLL), 1), (TEA, 1)], template, show_payment=True)
    codes = decode_pages(mixed)[0]
    assert Counter(c["text"] for c in codes) == {DOLL.short_url: 1, TEA.short_url: 1, PAYLOAD: 1}
    assert {label_index(template, c["box"]) for c in codes if c["text"] == PAYLOAD} == {0}


def test_l7160_refuses_two_codes_rather_than_unreadable_text():
    """63.5 × 38.1 mm: two 20 mm symbols (with quiet zones, ~26 mm each) side by side leave
    no room for 6 pt text: refused, naming the item and the larger templates."""
    template = BUILTIN["L7160"]
    with pytest.raises(StickerError) as info:
        render([(paying(DOLL), 3)], template, show_payment=True)
    assert str(info.value) == (
        "sticker XM-D01: its text does not fit on a L7160 label (63.5 × 38.1 mm) beside a "
        "20 mm product QR code and a 20 mm payment QR code, even at 6.0 pt; shorten the "
        "item's names (now 11 / 10 characters), choose a larger template such as L7163 "
        "(99.06 × 38.1 mm) or L7173 (99.06 × 57 mm), lower min_qr_mm or print payment cards "
        "separately."
    )
    # the same sticker without its payment code fits, and on L7163 both do
    assert render([(paying(DAO), 1)], template, show_price=True)
    pdf = render([(paying(DOLL), 3)], BUILTIN["L7163"], show_payment=True)
    codes = decode_pages(pdf)[0]
    assert Counter(c["text"] for c in codes) == {DOLL.short_url: 3, PAYLOAD: 3}
    for c in codes:
        modules = PAY.qr.size if c["text"] == PAYLOAD else DOLL.qr.size
        assert printed_size(c["box"], modules) >= 20 - 0.15


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "L7651",
            "label L7651 is 38.1 × 21.17 mm; a 20 mm product QR code and a 20 mm payment QR "
            "code side by side, each with its caption, need at least 59.4 × 34.5 mm; choose a larger "
            "template such as L7163 (99.06 × 38.1 mm) or L7173 (99.06 × 57 mm), lower min_qr_mm or "
            "print payment cards separately.",
        ),
        (
            "round-63.5",
            "label round-63.5 is round (63.5 mm across (round)); a 20 mm product QR "
            "code and a 20 mm payment QR code are printed side by side on rectangular labels only; "
            "choose a larger template such as L7173 (99.06 × 57 mm), lower min_qr_mm or print "
            "payment cards separately.",
        ),
    ],
)
def test_labels_too_small_for_two_codes(name, message):
    with pytest.raises(StickerError) as info:
        render([(paying(TEA), 1)], BUILTIN[name], show_payment=True, min_qr_mm=20)
    assert str(info.value) == message


def test_l7163_larger_minimum_and_long_payment_caption():
    template = BUILTIN["L7163"]
    with pytest.raises(StickerError) as info:
        layout_sticker(paying(TEA), template, show_payment=True, min_qr_mm=34)
    assert str(info.value) == (
        "label L7163 is 99.06 × 38.1 mm; a 34 mm product QR code and a 34 mm payment QR code "
        "side by side, each with its caption, need at least 96.4 × 53.0 mm; choose a larger "
        "template such as L7173 (99.06 × 57 mm), lower min_qr_mm or print payment cards "
        "separately."
    )
    wordy = PaymentQr(
        PAY.qr, ("Chuyển khoản / Pay", "Vietcombank", "Hợp tác xã chè Shan tuyết " * 6)
    )
    long_pay = StickerContent(TEA.code, TEA.short_url, TEA.names, None, TEA.qr, wordy)
    with pytest.raises(StickerError) as info:
        layout_sticker(long_pay, template, show_payment=True)
    assert str(info.value).startswith(
        "sticker XM-P01: the payment caption ('Chuyển khoản / Pay / Vietcombank / Hợp tác xã"
    )
    assert str(info.value).endswith(
        "') does not fit under a 20 mm payment QR code on a L7163 label (99.06 × 38.1 mm), "
        "even at 6.0 pt; shorten the payment label lines, choose a larger template such as "
        "L7173 (99.06 × 57 mm), lower min_qr_mm or print payment cards separately."
    )


def test_a_caption_too_long_for_l7160_suggests_only_templates_where_it_fits():
    """A bank's caption with the account holder's name (the sample's, 27 characters) fits
    under the code on none of the 38.1 mm labels: L7160 suggested L7163, which refuses
    it in the same words."""
    holder = PaymentQr(PAY.qr, ("Chuyển khoản / Pay", "MB Bank", "CHI DOAN XA XIN MAN (VI DU)"))
    content = StickerContent(TEA.code, TEA.short_url, TEA.names, None, TEA.qr, holder)
    for name in ("L7160", "L7163"):
        with pytest.raises(StickerError) as info:
            layout_sticker(content, BUILTIN[name], show_payment=True)
        assert str(info.value).endswith(
            "choose a larger template such as L7173 (99.06 × 57 mm), lower min_qr_mm or "
            "print payment cards separately."
        ), str(info.value)
    assert layout_sticker(content, BUILTIN["L7173"], show_payment=True).payment is not None


# --------------------------------------------------------------------- booklets


def test_booklet_chapter_with_payment_box(photos):
    doc = make_doc("vi", photos)
    chapters = list(doc.chapters)
    chapters[2] = BookletChapter(**{**chapters[2].__dict__, "payment": PAY})  # the tea
    doc = BookletDoc(
        doc.title,
        doc.intro_html,
        doc.cover_image,
        doc.lang,
        tuple(chapters),
        doc.back_qr,
        doc.back_url,
        doc.meta,
    )
    pdf = render_booklet(doc, env=ENV)
    texts = page_texts(pdf)
    assert len(texts) == 6
    per_page = decode_pages(pdf)
    found = [sorted(c["text"] for c in page) for page in per_page]
    # chapters 1 and 2: only the page code; chapter 3: the page code and the payment code
    assert found[2] == ["HTTPS://XM.EXAMPLE.VN/Q/XM-D01"]
    assert found[3] == ["HTTPS://XM.EXAMPLE.VN/Q/XM-D02"]
    assert found[4] == sorted(["HTTPS://XM.EXAMPLE.VN/Q/XM-P01", PAYLOAD])
    assert sum(len(f) for f in found) == 5  # 3 page codes, 1 payment code, the back cover
    assert "Thanh toán / Pay" in texts[4] and "HTX CHE (VI DU)" in texts[4]
    assert "Chuyển khoản / Pay Vietcombank" in texts[4]
    assert all("Thanh toán" not in t for i, t in enumerate(texts) if i != 4)
    # the payment code sits beside the page code, in its own box, on the chapter's page
    page_code = next(c for c in per_page[4] if c["text"] != PAYLOAD)
    pay_code = next(c for c in per_page[4] if c["text"] == PAYLOAD)
    assert pay_code["box"][0] > page_code["box"][2] + 10
    assert printed_size(pay_code["box"], PAY.qr.size) >= 23.5


@pytest.fixture(scope="module")
def photos(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pay-photos")
    out = {}
    for slug in ("hmong", "dao", "shan-tuyet-tea", "cover"):
        path = folder / f"{slug}.jpg"
        Image.new("RGB", (600, 400), (120, 140, 90)).save(path, quality=85)
        out[slug] = path
    return out


PAYMENT = (
    "payment:\n  bank: MB\n  account: '0000123456789'\n  account_name: CHI DOAN XA XIN MAN\n"
    "  note: Bup be XM-D01\n"
)


def test_check_refuses_show_payment_on_labels_the_build_refuses(minimal: Path):
    """site.yaml's `show_payment: true` on L7159, which cannot hold two codes: the build
    refuses its preview sheet once an item has a payment account, and `check` reports the
    same message at the `show_payment` line; without such an item neither refuses it."""
    from tests.helpers import run_cli

    site_yaml = minimal / "site.yaml"
    text = site_yaml.read_text("utf-8")
    site_yaml.write_text(text + "stickers:\n  template: L7159\n  show_payment: true\n", "utf-8")
    line = len(text.splitlines()) + 3
    check = run_cli(minimal, "--lang", "en", "check")
    assert check.code == 0, check.out + check.err  # (no item has a payment account)
    item = minimal / "content/dolls/hmong/item.yaml"
    item.write_text(item.read_text("utf-8") + PAYMENT, "utf-8")
    message = (
        "label L7159 is 63.5 × 33.9 mm; a 20 mm product QR code and a 20 mm payment QR code "
        "side by side, each with its caption, need at least 59.4 × 34.5 mm; choose a larger "
        "template such as L7163 (99.06 × 38.1 mm) or L7173 (99.06 × 57 mm), lower min_qr_mm "
        "or print payment cards separately."
    )
    build = run_cli(minimal, "--lang", "en", "build")
    assert build.code == 1
    assert build.err == f"Error: {message}\n"  # (named nowhere: check names the setting)
    check = run_cli(minimal, "--lang", "en", "check")
    assert check.code == 1, check.out + check.err
    assert [line for line in check.out.splitlines() if line.startswith("Error: ")] == [
        f"Error: site.yaml:{line}: stickers.show_payment: {message}"
    ]
