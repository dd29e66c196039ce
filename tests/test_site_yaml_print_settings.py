"""`labels:` and `stickers:` of site.yaml are checked when site.yaml is read.

So `check` and `build` report them with file:line, all at once with the rest of
site.yaml, and the stickers command gets typed values (LabelTemplate, StickerSettings).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.config import StickerSettings, load_config
from site_builder.errors import ErrorList
from site_builder.labelsheets import LabelTemplate
from tests.helpers import run_cli

BAD = (
    "labels:\n"
    "  crowded: {page_width: 210, page_height: 297, label_width: 70, label_height: 37, "
    "columns: 3, rows: 8, left: 0, top: 0.5, h_pitch: 60}\n"
    "stickers:\n"
    "  template: L7611\n"
    "  min_qr_mm: -3\n"
    "  show_price: maybe\n"
)


def _append(project: Path, text: str) -> int:
    site_yaml = project / "site.yaml"
    first = len(site_yaml.read_text(encoding="utf-8").splitlines()) + 1
    with site_yaml.open("a", encoding="utf-8") as f:
        f.write(text)
    return first


@pytest.mark.parametrize("verb", ["check", "build"])
def test_every_label_and_sticker_mistake_at_once_with_file_and_line(
    minimal: Path, verb: str
) -> None:
    first = _append(minimal, BAD)
    en = run_cli(minimal, "--lang", "en", verb)
    vi = run_cli(minimal, "--lang", "vi", verb)
    assert en.code == vi.code == 1
    assert "Traceback" not in en.err + vi.err
    errors_en = [line for line in (en.out + en.err).splitlines() if line.startswith("Error: ")]
    assert errors_en == [
        f"Error: site.yaml:{first + 1}: labels.crowded.h_pitch: labels overlap: h_pitch 60 mm "
        "is less than the label width 70 mm. h_pitch is the distance between the left edges "
        "of two neighbouring labels.",
        f"Error: site.yaml:{first + 3}: stickers.template: unknown label template 'L7611'. "
        "Known templates: L7159, L7160, L7163, L7173, L7651, round-63.5, crowded. Define "
        "others under `labels:` in site.yaml.",
        f"Error: site.yaml:{first + 4}: stickers.min_qr_mm: expected a size in mm greater "
        "than 0, found -3. e.g. 20",
        f"Error: site.yaml:{first + 5}: stickers.show_price: expected yes or no, found text "
        "('maybe'). Write true or false.",
    ]
    errors_vi = [line for line in (vi.out + vi.err).splitlines() if line.startswith("Lỗi: ")]
    assert errors_vi == [
        f"Lỗi: site.yaml:{first + 1}: labels.crowded.h_pitch: các ô tem chồng lên nhau: "
        "h_pitch 60 mm nhỏ hơn chiều rộng ô tem 70 mm. h_pitch là khoảng cách giữa mép trái "
        "của hai ô tem cạnh nhau.",
        f"Lỗi: site.yaml:{first + 3}: stickers.template: không có loại giấy tem 'L7611'. Các "
        "loại có sẵn: L7159, L7160, L7163, L7173, L7651, round-63.5, crowded. Khai báo loại "
        "khác trong mục `labels:` của site.yaml.",
        f"Lỗi: site.yaml:{first + 4}: stickers.min_qr_mm: cần một kích thước tính bằng mm lớn "
        "hơn 0, nhưng thấy -3. ví dụ 20",
        f"Lỗi: site.yaml:{first + 5}: stickers.show_price: cần có (true) hoặc không (false), "
        "nhưng thấy chữ ('maybe'). Hãy viết true (có) hoặc false (không).",
    ]
    assert not (minimal / "output").exists()


def test_good_settings_are_typed(minimal: Path) -> None:
    _append(
        minimal,
        "labels:\n  ocop-70x42: {page_width: 210, page_height: 297, "
        "label_width: 70, label_height: 42.3, columns: 3, rows: 7, left: 0, "
        "top: 0.5}\n"
        "stickers:\n  template: ocop-70x42\n  min_qr_mm: 18\n  show_price: true\n"
        "  offset_x_mm: 0.5\n",
    )
    config = load_config(minimal)
    template = config.label_templates["ocop-70x42"]
    assert isinstance(template, LabelTemplate)
    assert (template.label_width, template.label_height, template.per_sheet) == (70, 42.3, 21)
    assert config.stickers == StickerSettings(
        template="ocop-70x42", min_qr_mm=18.0, show_price=True, offset_mm=(0.5, 0.0)
    )


def test_without_settings_the_defaults(minimal: Path) -> None:
    config = load_config(minimal)
    assert config.stickers == StickerSettings()
    assert config.label_templates == {}


def test_a_label_sheet_that_is_not_a_mapping(minimal: Path) -> None:
    first = _append(minimal, "labels:\n  mine: 63.5\n")
    with pytest.raises(ErrorList) as info:
        load_config(minimal)
    [error] = info.value.errors
    assert (error.line, error.field, str(error.message)) == (
        first + 1,
        "labels.mine",
        "a label template must be a mapping, not float.",
    )


def test_a_label_too_small_for_the_code_in_the_member_s_language(minimal: Path) -> None:
    """`check` names the label that cannot hold the code at site.yaml's `stickers:` line,
    in the member's language, as the build says it."""
    first = _append(minimal, "stickers:\n  template: L7651\n")
    vi = run_cli(minimal, "--lang", "vi", "check")
    assert vi.code == 1
    assert [line for line in vi.out.splitlines() if line.startswith("Lỗi: ")] == [
        f"Lỗi: site.yaml:{first}: stickers: ô tem L7651 cỡ 38.1 × 21.17 mm; mã QR 20 mm "
        "(26.4 mm kể cả lề trắng) cùng chữ cần ít nhất 44.9 × 29.4 mm (chữ bên cạnh mã) hoặc "
        "29.4 × 32.4 mm (chữ bên dưới mã); hãy chọn loại giấy tem lớn hơn hoặc giảm min_qr_mm."
    ]
