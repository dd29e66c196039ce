"""Sticker and label messages: the exact words in English and Vietnamese.

Through the real command line (a subprocess, as a member runs it) for the mistakes a
member makes, and through `messages._` for the rest; plus a check that every message
the sticker and label modules can raise has its Vietnamese.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from site_builder import messages
from site_builder.labelsheets import BUILTIN, get_template
from site_builder.print import sticker_layout
from site_builder.print.payment import PaymentQr
from site_builder.print.sticker_text import StickerContent
from site_builder.print_errors import LabelError, StickerError
from site_builder.render.qr import make_qr
from tests.helpers import run_cli

PRINT_DIR = Path(sticker_layout.__file__).parent
MESSAGE_MODULES = (
    PRINT_DIR / "sticker_layout.py",
    PRINT_DIR / "sticker_sheets.py",
    PRINT_DIR / "stickers.py",
    PRINT_DIR.parent / "labelsheets.py",
)


@pytest.fixture
def vietnamese() -> Iterator[None]:
    messages.set_language("vi")
    try:
        yield
    finally:
        messages.set_language("en")


def _both(project: Path, *args: str) -> tuple[str, str]:
    en = run_cli(project, "--lang", "en", *args)
    vi = run_cli(project, "--lang", "vi", *args)
    assert en.code == vi.code == 1
    assert "Traceback" not in en.err + vi.err
    return en.err, vi.err


def _untouched(project: Path) -> None:
    assert not (project / "stickers").exists()
    assert not (project / "output").exists()
    assert not (project / "content/printed-codes.yaml").exists()


def test_unknown_label_template(minimal: Path) -> None:
    en, vi = _both(minimal, "stickers", "gifts", "--template", "L7610")
    assert en == (
        "Error: template: unknown label template 'L7610'. Known templates: L7159, L7160, "
        "L7163, L7173, L7651, round-63.5. Define others under `labels:` in site.yaml.\n"
    )
    assert vi == (
        "Lỗi: template: không có loại giấy tem 'L7610'. Các loại có sẵn: L7159, L7160, L7163, "
        "L7173, L7651, round-63.5. Khai báo loại khác trong mục `labels:` của site.yaml.\n"
    )
    _untouched(minimal)


def test_a_label_too_small_for_the_code_and_its_text(minimal: Path) -> None:
    with (minimal / "site.yaml").open("a", encoding="utf-8") as f:
        f.write(
            "labels:\n  tiny: {page_width: 210, page_height: 297, label_width: 20, "
            "label_height: 15, columns: 5, rows: 10, left: 5, top: 5}\n"
        )
    en, vi = _both(minimal, "stickers", "gifts", "--template", "tiny")
    assert en == (
        "Error: label tiny is 20 × 15 mm; a 20 mm QR code (26.4 mm with its quiet zone) with "
        "its text needs at least 44.9 × 29.4 mm (text beside the code) or 29.4 × 32.4 mm "
        "(text below it); choose a larger template or lower min_qr_mm.\n"
    )
    assert vi == (
        "Lỗi: ô tem tiny cỡ 20 × 15 mm; mã QR 20 mm (26.4 mm kể cả lề trắng) cùng chữ cần ít "
        "nhất 44.9 × 29.4 mm (chữ bên cạnh mã) hoặc 29.4 × 32.4 mm (chữ bên dưới mã); hãy "
        "chọn loại giấy tem lớn hơn hoặc giảm min_qr_mm.\n"
    )
    _untouched(minimal)


def test_a_custom_label_sheet_with_overlapping_labels_names_file_line_and_field(
    minimal: Path,
) -> None:
    site_yaml = minimal / "site.yaml"
    line = len(site_yaml.read_text(encoding="utf-8").splitlines()) + 2
    with site_yaml.open("a", encoding="utf-8") as f:
        f.write(
            "labels:\n  crowded: {page_width: 210, page_height: 297, label_width: 70, "
            "label_height: 37, columns: 3, rows: 8, left: 0, top: 0.5, h_pitch: 60}\n"
        )
    en, vi = _both(minimal, "stickers", "gifts", "--template", "crowded")
    where = f"site.yaml:{line}: labels.crowded.h_pitch: "  # found when site.yaml is read
    assert en == (
        f"Error: {where}labels overlap: h_pitch 60 mm is less than the label width 70 mm. "
        "h_pitch is the distance between the left edges of two neighbouring labels.\n"
        "1 error; nothing was written.\n"
    )
    assert vi == (
        f"Lỗi: {where}các ô tem chồng lên nhau: h_pitch 60 mm nhỏ hơn chiều rộng ô tem 70 mm. "
        "h_pitch là khoảng cách giữa mép trái của hai ô tem cạnh nhau.\n"
        "1 lỗi; chưa ghi tệp nào.\n"
    )
    _untouched(minimal)


def test_a_start_position_past_the_sheet(minimal: Path) -> None:
    en, vi = _both(minimal, "stickers", "gifts", "--start", "22")
    assert en == (
        "Error: start position 22 is not a label of L7160; use 1 to 21 (labels are counted "
        "left to right, top to bottom).\n"
    )
    assert vi == (
        "Lỗi: vị trí bắt đầu 22 không phải là một ô tem của L7160; hãy dùng từ 1 đến 21 (các ô "
        "tem được đếm từ trái sang phải, từ trên xuống dưới).\n"
    )
    _untouched(minimal)


def test_a_bad_print_date_stays_a_message(minimal: Path) -> None:
    en, vi = _both(minimal, "stickers", "gifts", "--for-print", "--date", "2026-13-01")
    assert en == (
        "Error: --date 2026-13-01 is not a date: write it as YYYY-MM-DD, e.g. 2026-12-04.\n"
    )
    assert vi == (
        "Lỗi: --date 2026-13-01 không phải là ngày: hãy viết theo dạng NNNN-TT-NN, "
        "ví dụ 2026-12-04.\n"
    )
    _untouched(minimal)


def test_payment_on_a_round_label_translates_the_suggested_templates_too(
    vietnamese: None,
) -> None:
    url = "HTTPS://XM.EXAMPLE.VN/Q/XM-D01"
    content = StickerContent(
        "XM-D01",
        url,
        (("vi", "Búp bê Mông"),),
        None,
        make_qr(url),
        payment=PaymentQr(make_qr("000201010211"), ("Chuyển khoản",)),
    )
    with pytest.raises(StickerError) as info:
        sticker_layout.layout_sticker(content, BUILTIN["round-63.5"], show_payment=True)
    assert str(info.value) == (
        "label round-63.5 is round (63.5 mm across (round)); a 20 mm product QR code and a 20 mm "
        "payment QR code are printed side by side on rectangular labels only; choose a larger "
        "template such as L7173 (99.06 × 57 mm), lower min_qr_mm or print payment cards "
        "separately."
    )
    assert messages._(info.value.args[0]) == (
        "ô tem round-63.5 là hình tròn (tròn, đường kính 63.5 mm); mã QR sản phẩm 20 mm và mã QR thanh "
        "toán 20 mm chỉ in cạnh nhau được trên ô tem hình chữ nhật; hãy chọn một loại giấy tem "
        "lớn hơn, ví dụ L7173 (99.06 × 57 mm), giảm min_qr_mm hoặc in thẻ thanh toán riêng."
    )


def test_label_errors_translate_message_and_hint(vietnamese: None) -> None:
    with pytest.raises(LabelError) as info:
        get_template("A4")
    assert info.value.format_localized().startswith("template: không có loại giấy tem 'A4'. ")


def _message_templates(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("Msg", "Phrase")
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.append(node.args[0].value)
    return found


def test_every_sticker_and_label_message_has_its_vietnamese(vietnamese: None) -> None:
    templates = [
        t for name in MESSAGE_MODULES for t in _message_templates(name.read_text(encoding="utf-8"))
    ]
    assert len(templates) >= 40
    missing = [t for t in templates if messages._catalog.gettext(t) == t]
    assert missing == []


def test_a_template_typed_in_lower_case_is_named_as_it_is_sold(minimal: Path) -> None:
    """`--template l7160` drew on L7160 but named the file and the message `l7160`."""
    result = run_cli(minimal, "stickers", "--codes", "XM-D01", "--template", "l7160")
    assert result.code == 0, result.err
    assert result.out.startswith(
        "Wrote 1 sticker(s) of 1 item(s) on L7160 to stickers/stickers-items-L7160-labels.pdf."
    ), result.out
    assert (minimal / "stickers/stickers-items-L7160-labels.pdf").is_file()


def test_codes_given_twice_are_all_drawn(minimal: Path) -> None:
    """`--codes XM-D01 --codes XM-P01` drew only the last list (argparse's default)."""
    result = run_cli(minimal, "stickers", "--codes", "XM-D01", "--codes", "XM-P01=2")
    assert result.code == 0, result.err
    assert result.out.startswith("Wrote 3 sticker(s) of 2 item(s)")


def test_a_qr_size_that_is_not_a_positive_length_is_refused(minimal: Path, tmp_path: Path) -> None:
    """`qr --size-mm -5` wrote an SVG of width "-5mm", and 0 one with no unit."""
    out = tmp_path / "qr"
    for size in ("-5", "0", "nan", "big"):
        en, vi = (
            run_cli(
                minimal,
                "--lang",
                lang,
                "qr",
                "XM-D01",
                "--size-mm",
                size,
                "--out-dir",
                str(out),
            )
            for lang in ("en", "vi")
        )
        assert en.code == vi.code == 2
        message = (
            f"'{size}' is not a length in mm; write a number, e.g. 0.5."
            if size in ("nan", "big")
            else f"'{size}' is not a size: write a number of mm greater than 0, e.g. 20."
        )
        assert en.err.endswith(f"qr: error: argument --size-mm: {message}\n"), en.err
        assert "Traceback" not in vi.err and "--size-mm" in vi.err
    assert not out.exists()
    done = run_cli(minimal, "qr", "XM-D01", "--size-mm", "30", "--out-dir", str(out))
    assert done.code == 0, done.err
    assert 'width="30mm"' in (out / "XM-D01.svg").read_text()
