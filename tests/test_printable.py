"""Text the packaged print font cannot draw is named where it is written, by `check` and
by `build`, before any PDF is drawn; code and footnotes in a story print in our font."""

from __future__ import annotations

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from site_builder.content.printable import COVERAGE, missing_chars
from site_builder.print.fonts import FACES, FONT_DIR, assert_fonts_embedded
from tests.helpers import copy_project, run_cli, snapshot

HINT = (
    "The print font has Latin and Vietnamese letters only: write it with ordinary letters "
    "(e.g. -> for →) or remove it. The website shows it; the PDFs cannot."
)


def test_the_coverage_table_is_what_every_packaged_face_draws() -> None:
    table = {p for low, high in COVERAGE for p in range(low, high + 1)}
    for name in FACES.values():
        assert set(TTFont(FONT_DIR / name, lazy=True).getBestCmap()) == table, name
    assert missing_chars("Búp bê Mông — “Xín Mần” 450.000 ₫ ©") == []
    assert missing_chars("Hà Giang → Xín Mần ★ ✓ 🎎 苗") == ["→", "★", "✓", "🎎", "苗"]


@pytest.fixture
def project(tmp_path):  # type: ignore[no-untyped-def]
    root = copy_project(tmp_path / "site")
    assert run_cli(root, "build").code == 0
    return root


def test_a_symbol_in_a_booklet_story_is_named_by_check_and_refused_by_build(project) -> None:  # type: ignore[no-untyped-def]
    vi = project / "content/dolls/hmong/vi.md"
    vi.write_text(vi.read_text() + "\nĐường lên Xín Mần → đẹp ★.\n", encoding="utf-8")
    before = snapshot(project / "output")
    message = (
        "content/dolls/hmong/vi.md:10: '→' (U+2192), '★' (U+2605) cannot be printed in the "
        f"booklet 'Quà Xín Mần'. {HINT}"
    )
    checked = run_cli(project, "--lang", "en", "check")
    assert checked.code == 1
    assert f"Error: {message}\n" in checked.out
    built = run_cli(project, "--lang", "en", "build")
    assert (built.code, built.err) == (1, f"Error: {message}\n1 error; nothing was written.\n")
    assert snapshot(project / "output") == before
    vi_run = run_cli(project, "--lang", "vi", "build")
    assert vi_run.err.startswith(
        "Lỗi: content/dolls/hmong/vi.md:10: '→' (U+2192), '★' (U+2605) không in được trong "
        "cuốn sách 'Quà Xín Mần'. Phông chữ in chỉ có chữ Latinh và chữ tiếng Việt"
    )
    # the website needs no print font: a build without PDFs publishes it
    assert run_cli(project, "build", "--no-pdf").code == 0
    assert "→ đẹp ★" in (project / "output/vi/dolls/hmong/index.html").read_text()


def test_an_emoji_in_a_title_is_named_with_its_line_and_field(project) -> None:  # type: ignore[no-untyped-def]
    en = project / "content/ocop/tea/vi.md"
    text = en.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    en.write_text(text.replace(title, title + " 🍵"), encoding="utf-8")
    line = text.splitlines().index(title) + 1
    checked = run_cli(project, "--lang", "en", "check")
    assert (
        f"Error: content/ocop/tea/vi.md:{line}: title: '🍵' (U+1F375) cannot be printed on "
        f"the item's sticker. {HINT}\n"
    ) in checked.out
    assert run_cli(project, "build").code == 1


def test_code_and_footnotes_in_a_booklet_story_print_in_our_font(project) -> None:  # type: ignore[no-untyped-def]
    """WeasyPrint's own stylesheet sets code in a monospace font, and a footnote ends with
    a ↩ link back: both were drawn with a system font, and the build refused its PDFs."""
    vi = project / "content/dolls/hmong/vi.md"
    vi.write_text(
        vi.read_text() + "\nGõ lệnh `site-builder check` trước khi in.\n\n```\nmã XM-D01\n```\n\n"
        "Chú thích[^1].\n\n[^1]: Ghi chú cuối trang.\n",
        encoding="utf-8",
    )
    assert run_cli(project, "check").code == 0
    built = run_cli(project, "build")
    assert built.code == 0, built.err
    pdf = project / "output/print/gifts-vi.pdf"
    assert set(assert_fonts_embedded(pdf.read_bytes())) <= {"Noto-Sans-XM", "Noto-Sans-XM-Bold"}
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "site-builder check" in text and "mã XM-D01" in text
    assert "Ghi chú cuối trang." in text and "↩" not in text
