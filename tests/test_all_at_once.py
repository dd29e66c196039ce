"""All mistakes at once: one `check` lists every problem of every file."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import run_cli, snapshot

ITEM = "content/dolls/hmong/item.yaml"
BOOKLET = "booklets/gifts.yaml"


def errors_of(project: Path, verb: str = "check") -> list[str]:
    result = run_cli(project, "--lang", "en", verb)
    assert result.code == 1
    assert "Traceback" not in result.err
    return [line for line in (result.out + result.err).splitlines() if line.startswith("Error: ")]


def test_five_mistakes_in_one_file_give_five_messages(minimal: Path) -> None:
    (minimal / ITEM).write_text(
        "code: XM-D01\n"
        "ethnic_group: “hmong”\n"  # curly quotes
        "commune: xin-man\n"
        "maker: 0123456701\n"  # a number YAML would make of the text
        "price: 0450000\n"  # octal
        "images: [doll.png]\n"
        "updated: 2026-02-30\n"  # no such day
        "makr: x\n",  # unknown field
        encoding="utf-8",
    )
    assert [line.split(": ")[1] for line in errors_of(minimal)] == [
        f"{ITEM}:2",
        f"{ITEM}:4",
        f"{ITEM}:5",
        f"{ITEM}:7",
        f"{ITEM}:8",
    ]


def test_every_bad_link_is_reported(minimal: Path) -> None:
    item = minimal / ITEM
    item.write_text(
        item.read_text(encoding="utf-8")
        + "links:\n"
        + "  - {kind: facebook, url: 'https://www.facebook.com/xinman'}\n"
        + "  - {kind: shopee, url: 'https://shopee.vn/x'}\n"
        + "  - {kind: facebook, url: 'javascript:alert(1)'}\n"
        + "  - {kind: website}\n",
        encoding="utf-8",
    )
    lines = errors_of(minimal)
    assert [line.split(": ")[1:3] for line in lines] == [
        [f"{ITEM}:9", "links[1].kind"],
        [f"{ITEM}:10", "links[2].url"],
        [f"{ITEM}:11", "links[3]"],
    ], lines


def test_a_booklet_listing_an_item_twice_is_caught_by_check(minimal: Path) -> None:
    booklet = minimal / BOOKLET
    booklet.write_text(
        booklet.read_text(encoding="utf-8") + "  - dolls/hmong\n  - dolls/nowhere\n",
        encoding="utf-8",
    )
    expected = [
        f"Error: {BOOKLET}:8: entries[3]: 'dolls/hmong' is already listed on line 5. "
        "Delete one of the two: a booklet shows each item once.",
        f"Error: {BOOKLET}:9: entries[4]: 'dolls/nowhere' is not an item or page. "
        "Write kind/folder, e.g. dolls/hmong, ocop/shan-tuyet-tea or pages/visit-xin-man.",
    ]
    assert errors_of(minimal, "check") == expected
    assert errors_of(minimal, "build") == expected
    vi = run_cli(minimal, "--lang", "vi", "check").out
    assert (
        f"Lỗi: {BOOKLET}:8: entries[3]: 'dolls/hmong' đã có ở dòng 5. Hãy xoá một trong hai "
        "dòng: mỗi sản phẩm chỉ xuất hiện một lần trong sách." in vi
    )


def test_check_warns_of_what_build_warns(minimal: Path) -> None:
    item = minimal / ITEM
    item.write_text(
        item.read_text(encoding="utf-8")
        + 'payment:\n  bank: MB\n  account: "0000123456789"\n'
        + '  account_name: "CHI DOAN XA XIN MAN"\n  note: "Búp bê XM-D01"\n',
        encoding="utf-8",
    )
    warning = (
        f"Warning: {ITEM}:11: payment.note: banks do not accept Vietnamese accents, so the "
        "payment QR carries 'Bup be XM-D01'."
    )
    build = run_cli(minimal, "--lang", "en", "build", "--no-pdf")
    assert build.code == 0 and warning in build.out + build.err
    check = run_cli(minimal, "--lang", "en", "check", "--strict")
    assert check.code == 1
    assert warning + " Write the note without accents to silence this warning." in (
        check.out + check.err
    )


def _printed_and_built(project: Path) -> None:
    """XM-D01 recorded as printed, and a first build, as a cooperative would have."""
    marked = run_cli(project, "codes", "mark-printed", "XM-D01", "--date", "2026-06-01", "--yes")
    assert marked.code == 0, marked.err
    assert run_cli(project, "build").code == 0


def test_a_booklet_error_does_not_hide_a_printed_code_error(minimal: Path) -> None:
    from tests.test_printed_codes import add_doll, delete_hmong, item_id

    _printed_and_built(minimal)
    uid = item_id(minimal, "dolls/hmong")
    delete_hmong(minimal)
    add_doll(minimal, "bup-be-hoa", "XM-D01")  # takes the printed code of the deleted doll
    booklet = minimal / BOOKLET
    booklet.write_text(booklet.read_text(encoding="utf-8") + "  - dolls/nowhere\n")
    before = snapshot(minimal / "output")
    for verb in ("check", "build"):
        lines = errors_of(minimal, verb)
        assert [line.split(": ")[1] for line in lines] == [
            f"{BOOKLET}:7",
            "content/dolls/bup-be-hoa/item.yaml:1",
        ], lines
        assert lines[1].startswith(
            "Error: content/dolls/bup-be-hoa/item.yaml:1: code: the code XM-D01 was printed for "
            f"dolls/hmong ('Búp bê Mông', id {uid}), but dolls/bup-be-hoa"
        ), lines
    assert snapshot(minimal / "output") == before
    vi = run_cli(minimal, "--lang", "vi", "check").out
    assert f"Lỗi: {BOOKLET}:7: entries[2]:" in vi
    assert "Lỗi: content/dolls/bup-be-hoa/item.yaml:1: code:" in vi


def test_a_printed_item_that_fails_to_load_is_not_reported_as_deleted(minimal: Path) -> None:
    _printed_and_built(minimal)
    item = minimal / ITEM
    item.write_text(item.read_text(encoding="utf-8").replace("price:", "price: [\nx:"))
    before = snapshot(minimal / "output")
    for verb in ("check", "build"):
        lines = errors_of(minimal, verb)
        assert lines and all(line.split(": ")[1].startswith(ITEM) for line in lines), lines
        assert not any("no longer served" in line for line in lines), lines
    assert snapshot(minimal / "output") == before


def test_a_broken_registry_is_reported_with_the_content_errors(minimal: Path) -> None:
    _printed_and_built(minimal)
    (minimal / "content/printed-codes.yaml").write_text("XM-D01: [\n", encoding="utf-8")
    booklet = minimal / BOOKLET
    booklet.write_text(booklet.read_text(encoding="utf-8") + "  - dolls/nowhere\n")
    files = [line.split(": ")[1].split(":")[0] for line in errors_of(minimal, "check")]
    assert files == [BOOKLET, "content/printed-codes.yaml"], files
