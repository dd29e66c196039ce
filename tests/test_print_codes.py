"""Every QR code printed in a booklet is a permanent short URL (`<short_base>Q/<CODE>`)
that the site serves, and keeps working after a folder is renamed; `booklet --for-print`
records the codes; print options are checked before any work."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pypdfium2 as pdfium
import zxingcpp

from site_builder.build import build, plan_site
from site_builder.content.loader import load_site
from tests.helpers import parse_html, run_cli, snapshot
from tests.test_printed_codes import mark, on_terminal

SHORT = re.compile(r"^HTTPS://XM\.EXAMPLE\.VN/Q/([A-Z0-9-]+)$")
EDITIONS = [
    "gifts-vi.pdf",
    "gifts-en.pdf",
    "gifts-vi-en.pdf",
    "gifts-vi-saddle-stitch.pdf",
    "gifts-en-saddle-stitch.pdf",
    "gifts-vi-en-saddle-stitch.pdf",
]


def decoded(pdf: bytes, dpi: int = 300) -> list[str]:
    doc = pdfium.PdfDocument(io.BytesIO(pdf))
    texts = []
    for page in doc:
        image = page.render(scale=dpi / 72).to_pil()
        texts += [r.text for r in zxingcpp.read_barcodes(image)]
    return texts


def with_booklet_code(project: Path, extra: str = "") -> Path:
    booklet = project / "booklets/gifts.yaml"
    booklet.write_text(booklet.read_text() + "code: XM-B01\n" + extra)
    return booklet


def served_file(output: Path, href: str) -> Path:
    """The file a site-relative link leads to (the site is served at /)."""
    path = output / href.lstrip("/")
    return path / "index.html" if href.endswith("/") else path


def test_every_booklet_qr_is_a_served_short_url_and_survives_a_rename(minimal: Path) -> None:
    booklet = with_booklet_code(minimal, "saddle_stitch: true\n")
    build(minimal)
    plan = plan_site(load_site(minimal))
    served = set(plan.codes) | set(plan.booklet_codes)
    printed: dict[str, list[str]] = {}
    for name in EDITIONS:
        texts = decoded((minimal / "output/print" / name).read_bytes())
        printed[name] = texts
        codes = []
        for text in texts:
            match = SHORT.match(text)
            assert match, f"{name}: {text} is not a permanent short URL"
            codes.append(match.group(1))
        assert set(codes) <= served
        # both items' chapters and the booklet's own back-cover code; the page has none
        assert sorted(codes) == ["XM-B01", "XM-D01", "XM-P01"], name
    assert plan.booklet_codes["XM-B01"].slug == "gifts"

    # a member renames the doll's folder (and the booklet entry that names it)
    shutil.move(minimal / "content/dolls/hmong", minimal / "content/dolls/mong-hoa")
    booklet.write_text(booklet.read_text().replace("dolls/hmong", "dolls/mong-hoa"))
    build(minimal)
    out = minimal / "output"
    assert not (out / "vi/dolls/hmong").exists()
    for texts in printed.values():  # the booklets printed before the rename
        for text in texts:
            code = SHORT.match(text).group(1)  # type: ignore[union-attr]
            landing = parse_html(out / "Q" / f"{code}.html")
            links = [a.get("href") or "" for a in landing.iter("a")]
            assert links
            for href in links:
                assert served_file(out, href).is_file(), f"{text} -> {href}"
            if code == "XM-D01":
                assert links == ["/vi/dolls/mong-hoa/", "/en/dolls/mong-hoa/"]
            if code == "XM-B01":
                assert links == ["/vi/booklets/gifts/", "/en/booklets/gifts/"]


def test_booklet_for_print_records_its_codes_and_the_build_keeps_them(minimal: Path) -> None:
    booklet = with_booklet_code(minimal)
    refused = run_cli(minimal, "booklet", "gifts", "--for-print", "--date", "2026-12-01")
    assert refused.code == 1  # no terminal to ask on, and no --yes
    assert refused.err.startswith("Error: recording XM-D01, XM-P01, XM-B01 as printed is permanent")
    assert not (minimal / "content/printed-codes.yaml").exists()
    result = run_cli(minimal, "booklet", "gifts", "--for-print", "--date", "2026-12-01", "--yes")
    assert result.code == 0, result.err
    assert result.out == (
        "Warning: content/dolls/hmong/doll.png: prints at 20 ppi in the booklet gifts (below "
        "200 ppi, it looks soft on paper). Use a larger photo.\n"
        "Warning: content/ocop/tea/tea.png: prints at 20 ppi in the booklet gifts (below "
        "200 ppi, it looks soft on paper). Use a larger photo.\n"
        "Wrote 3 PDF(s) of the booklet gifts to print/.\n"
        "Recorded as printed: XM-D01, XM-P01, XM-B01. "
        "These codes must keep working for as long as the boxes exist.\n"
        "Now commit content/printed-codes.yaml (and the item.yaml files that got an id): it "
        "is the record of a promise. For example: git add content && git commit -m "
        '"Printed codes"\n'
    )
    assert sorted(p.name for p in (minimal / "print").glob("*.pdf")) == sorted(EDITIONS[:3])
    registry = (minimal / "content/printed-codes.yaml").read_text()
    assert (
        "XM-B01:\n  printed: 2026-12-01\n  url: HTTPS://XM.EXAMPLE.VN/Q/XM-B01\n"
        "  item: booklets/gifts\n  title: Quà Xín Mần\n" in registry
    )
    # the booklet's code cannot be dropped once printed
    build(minimal)  # output/ exists: the failed build below must leave it untouched
    booklet.write_text(booklet.read_text().replace("code: XM-B01\n", ""))
    before = snapshot(minimal / "output")
    result = run_cli(minimal, "build")
    assert result.code == 1
    assert (
        "content/printed-codes.yaml:6: XM-B01: the printed code XM-B01 (printed 2026-12-01 for "
        "booklets/gifts) is no longer served by any booklet." in result.err
    )
    assert "Put 'code: XM-B01' back in the booklet's YAML file." in result.err
    assert "Traceback" not in result.err
    assert snapshot(minimal / "output") == before


def test_a_booklet_code_used_by_an_item_is_refused(minimal: Path) -> None:
    booklet = minimal / "booklets/gifts.yaml"
    booklet.write_text(booklet.read_text() + "code: XM-D01\n")
    result = run_cli(minimal, "build")
    assert result.code == 1
    line = booklet.read_text().splitlines().index("code: XM-D01") + 1
    assert f"booklets/gifts.yaml:{line}: code: the code XM-D01 is already used by dolls/hmong." in (
        result.err
    )
    assert "Give the booklet a code of its own, e.g. XM-B01." in result.err
    assert not (minimal / "output").exists()


def test_a_booklet_for_print_asks_about_its_own_code_when_its_items_are_printed(
    minimal: Path,
) -> None:
    """Its items' codes printed on their boxes already, a booklet sent to the shop still
    makes one promise of its own: its back-cover code. That is asked about like any other
    (it was recorded without a word)."""
    with_booklet_code(minimal)
    mark(minimal, "XM-D01", "XM-P01")
    registry = minimal / "content/printed-codes.yaml"
    before = registry.read_text()
    refused = run_cli(minimal, "booklet", "gifts", "--for-print", "--date", "2026-12-01")
    assert (refused.code, refused.err) == (
        1,
        "Error: recording XM-B01 as printed is permanent and there is no terminal to ask "
        "on: add --yes to confirm.\n",
    )
    code, screen = on_terminal(minimal, "n", "booklet", "gifts", "--for-print")
    assert code == 1, screen
    assert (
        "These codes will be recorded as printed: XM-B01. Their QR codes must then open the "
        "same items for as long as the boxes exist; this cannot be undone.\n"
        "  XM-B01  booklets/gifts  Quà Xín Mần\nRecord them as printed? [y/N] "
    ) in screen
    assert "Error: cancelled: no code was recorded as printed." in screen
    assert registry.read_text() == before
    assert not (minimal / "print").exists()  # asked before anything is drawn

    code, screen = on_terminal(minimal, "y", "booklet", "gifts", "--for-print")
    assert code == 0, screen
    assert "Recorded as printed: XM-B01." in screen
    assert "XM-B01:\n  printed: " in registry.read_text()


def test_a_bad_print_date_is_refused_before_any_work(minimal: Path) -> None:
    for verb in (
        ["stickers", "gifts", "--for-print"],
        ["booklet", "gifts", "--for-print"],
        ["codes", "mark-printed", "XM-D01"],
    ):
        result = run_cli(minimal, *verb, "--date", "2026-13-01")
        assert result.code == 1
        assert result.err == (
            "Error: --date 2026-13-01 is not a date: write it as YYYY-MM-DD, e.g. 2026-12-04.\n"
        )
        vi = run_cli(minimal, "--lang", "vi", *verb, "--date", "2026-13-01")
        assert vi.err == (
            "Lỗi: --date 2026-13-01 không phải là ngày: hãy viết theo dạng NNNN-TT-NN, "
            "ví dụ 2026-12-04.\n"
        )
    assert not (minimal / "stickers").exists()
    assert not (minimal / "print").exists()
    assert not (minimal / "content/printed-codes.yaml").exists()


def test_a_print_date_written_day_first_is_shown_as_the_command_reads_it(minimal: Path) -> None:
    """Vietnam writes 01/12/2026 for 1 December: the message spells out the date to type
    rather than guessing (or, as `codes mark-printed` did, showing a traceback)."""
    for verb in (["stickers", "gifts", "--for-print"], ["codes", "mark-printed", "XM-D01"]):
        result = run_cli(minimal, *verb, "--yes", "--date", "01/12/2026")
        assert (result.code, result.err) == (
            1,
            "Error: --date 01/12/2026: write the date as YYYY-MM-DD (year, month, day), "
            "e.g. --date 2026-12-01 for day 1 of month 12, 2026.\n",
        )
        vi = run_cli(minimal, "--lang", "vi", *verb, "--yes", "--date", "1.12.2026")
        assert vi.err == (
            "Lỗi: --date 1.12.2026: hãy viết ngày theo dạng NNNN-TT-NN (năm, tháng, ngày), "
            "ví dụ --date 2026-12-01 cho ngày 1 tháng 12 năm 2026.\n"
        )
        impossible = run_cli(minimal, *verb, "--yes", "--date", "31/02/2026")
        assert impossible.err == (
            "Error: --date 31/02/2026 is not a date: write it as YYYY-MM-DD, e.g. 2026-12-04.\n"
        )
    assert not (minimal / "stickers").exists()
    assert not (minimal / "content/printed-codes.yaml").exists()
