"""A printed code opens what was printed, forever (issue 12, item 5).

Every way of breaking a printed code is tried here with the real CLI, as a member
would: each is refused with its exact message, exit 1, output/ untouched. (Cases
that need only files are in tests/invalid_sites/: swaps, a duplicated printed
code, a copied id, a registry with an entry removed, emptied, deleted, URLs or
ids changed, or not YAML.)
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from site_builder.cache import CACHE_DIR
from tests.helpers import FIXTURES, parse_html, run_cli, snapshot

ID = re.compile(r'^id: "([0-9a-f]{16})"  # printed-code identity', re.M)
FOLLOW = "1 error; nothing was written.\n"


def mark(project: Path, *codes: str) -> str:
    result = run_cli(project, "codes", "mark-printed", *codes, "--date", "2026-06-01", "--yes")
    assert result.code == 0, result.err
    return result.out


def item_id(project: Path, key: str) -> str:
    found = ID.search((project / "content" / key / "item.yaml").read_text())
    assert found, f"no id in {key}"
    return found.group(1)


def add_doll(project: Path, folder: str, code: str, title: str = "Búp bê Mông Hoa") -> Path:
    """A second Hmong doll, made the way a member would: a new folder, its own photo."""
    dest = project / "content/dolls" / folder
    dest.mkdir()
    shutil.copy(FIXTURES / "minimal/content/dolls/hmong/doll.png", dest / "doll.png")
    (dest / "item.yaml").write_text(
        f"code: {code}\nethnic_group: hmong\ncommune: xin-man\n"
        "maker: Tổ may thôn Chí Cà (ví dụ)\nprice: 380000\nimages: [doll.png]\n",
        encoding="utf-8",
    )
    (dest / "vi.md").write_text(
        f"---\ntitle: {title}\nsummary: Áo thêu hoa văn.\nalt:\n  doll.png: Búp bê mặc áo thêu\n"
        "---\nHoa văn thêu tay.\n",
        encoding="utf-8",
    )
    return dest


def delete_hmong(project: Path) -> None:
    shutil.rmtree(project / "content/dolls/hmong")
    booklet = project / "booklets/gifts.yaml"
    booklet.write_text(booklet.read_text().replace("  - dolls/hmong\n", ""))


def refused(project: Path, expected: str) -> None:
    """The build refuses with exactly `expected` and leaves output/ as it was."""
    before = snapshot(project / "output")
    result = run_cli(project, "build")
    assert (result.code, result.out, result.err) == (1, "", expected)
    assert snapshot(project / "output") == before


def test_printing_writes_an_id_into_item_yaml_and_the_registry(minimal: Path) -> None:
    item = minimal / "content/dolls/hmong/item.yaml"
    item.write_bytes(
        b"# do\xcc\x82i cu\xcc\x89a chi\r\n" + item.read_bytes().replace(b"\n", b"\r\n")
    )
    out = mark(minimal, "XM-D01")
    assert out.endswith(
        "Now commit content/printed-codes.yaml (and the item.yaml files that got an id): it is "
        'the record of a promise. For example: git add content && git commit -m "Printed codes"\n'
    )
    uid = item_id(minimal, "dolls/hmong")
    lines = item.read_bytes().split(b"\r\n")
    assert lines[:3] == [b"# do\xcc\x82i cu\xcc\x89a chi", b"code: XM-D01", lines[2]]
    assert lines[2].startswith(f'id: "{uid}"'.encode())  # right after code:, CRLF kept
    registry = yaml.safe_load((minimal / "content/printed-codes.yaml").read_text())
    assert registry["XM-D01"]["id"] == uid
    assert registry["XM-D01"]["item"] == "dolls/hmong"
    assert run_cli(minimal, "build").code == 0
    published = json.loads((minimal / "output/printed-codes.json").read_text())
    kept = json.loads((minimal / CACHE_DIR / "printed-codes.json").read_text())
    assert published["codes"] == kept["codes"]
    assert published["codes"]["XM-D01"] == {
        "printed": "2026-06-01",
        "url": "HTTPS://XM.EXAMPLE.VN/Q/XM-D01",
        "item": "dolls/hmong",
        "title": "Búp bê Mông",
        "id": uid,
    }


def test_an_item_yaml_the_id_cannot_be_added_to_is_refused(minimal: Path) -> None:
    item = minimal / "content/ocop/tea/item.yaml"
    facts = yaml.safe_load(item.read_text())
    item.write_text(json.dumps(facts, ensure_ascii=False) + "\n", encoding="utf-8")  # one line
    before = item.read_bytes()
    result = run_cli(minimal, "codes", "mark-printed", "XM-P01", "--yes")
    assert result.code == 1
    assert re.fullmatch(
        r"Error: content/ocop/tea/item.yaml: id: could not add the line 'id: \"[0-9a-f]{16}\"' to "
        r"this file. Add that line yourself, on a line of its own, then run the command again.\n"
        r"1 error; nothing was written.\n",
        result.err,
    )
    assert item.read_bytes() == before
    assert not (minimal / "content/printed-codes.yaml").exists()


def test_renaming_the_folder_and_title_of_a_printed_item_is_safe(minimal: Path) -> None:
    mark(minimal, "XM-D01")
    run_cli(minimal, "build")
    (minimal / "content/dolls/hmong").rename(minimal / "content/dolls/bup-be-mong-do")
    vi = minimal / "content/dolls/bup-be-mong-do/vi.md"
    vi.write_text(vi.read_text().replace("title: Búp bê Mông", "title: Búp bê Mông Đỏ"))
    booklet = minimal / "booklets/gifts.yaml"
    booklet.write_text(booklet.read_text().replace("dolls/hmong", "dolls/bup-be-mong-do"))
    result = run_cli(minimal, "build")
    assert result.code == 0, result.err
    tree = parse_html(minimal / "output/Q/XM-D01.html")
    assert [a.get("href") for a in tree.findall(".//main/a")][0] == "/vi/dolls/bup-be-mong-do/"


def test_a_booklet_naming_a_renamed_folder_is_told_its_new_name(minimal: Path) -> None:
    """The booklet still lists the old folder: the message names where the printed item is
    now (found by its id); before, its example was the very entry written."""
    mark(minimal, "XM-D01")
    assert run_cli(minimal, "build").code == 0
    (minimal / "content/dolls/hmong").rename(minimal / "content/dolls/xanh-cham")
    refused(
        minimal,
        "Error: booklets/gifts.yaml:5: entries[0]: 'dolls/hmong' is not an item or page. Its "
        "folder was renamed: the item printed as dolls/hmong is now dolls/xanh-cham; write "
        "dolls/xanh-cham here.\n" + FOLLOW,
    )


def test_a_booklet_entry_with_a_typo_gets_the_nearest_entry(minimal: Path) -> None:
    booklet = minimal / "booklets/gifts.yaml"
    booklet.write_text(booklet.read_text().replace("  - ocop/tea\n", "  - ocop/te\n"))
    result = run_cli(minimal, "build")
    assert result.err == (
        "Error: booklets/gifts.yaml:6: entries[1]: 'ocop/te' is not an item or page. Did you "
        "mean ocop/tea?\n" + FOLLOW
    )


def test_another_doll_cannot_take_a_printed_code_after_deletion(minimal: Path) -> None:
    mark(minimal, "XM-D01")
    uid = item_id(minimal, "dolls/hmong")
    assert run_cli(minimal, "build").code == 0
    delete_hmong(minimal)
    add_doll(minimal, "bup-be-hoa", "XM-D01")
    refused(
        minimal,
        f"Error: content/dolls/bup-be-hoa/item.yaml:1: code: the code XM-D01 was printed for "
        f"dolls/hmong ('Búp bê Mông', id {uid}), but dolls/bup-be-hoa ('Búp bê Mông Hoa') now "
        "uses it. Printed boxes must open what was printed. If dolls/bup-be-hoa is that item, "
        f"put back the line 'id: \"{uid}\"' in its item.yaml. Otherwise give dolls/bup-be-hoa a "
        "new code (the next free one is XM-D02), and restore the printed item or send its code "
        "on purpose with 'moved_codes: {XM-D01: <code of another item>}' in site.yaml.\n" + FOLLOW,
    )
    # following the advice: a new code, and the printed code sent there on purpose
    item = minimal / "content/dolls/bup-be-hoa/item.yaml"
    item.write_text(item.read_text().replace("code: XM-D01", "code: XM-D02"))
    config = minimal / "site.yaml"
    config.write_text(config.read_text() + "moved_codes:\n  XM-D01: XM-D02\n")
    result = run_cli(minimal, "build")
    assert result.code == 0, result.err
    tree = parse_html(minimal / "output/Q/XM-D01.html")
    assert [a.get("href") for a in tree.findall(".//main/a")][0] == "/vi/dolls/bup-be-hoa/"


def test_removing_the_id_line_of_a_printed_item_is_refused(minimal: Path) -> None:
    mark(minimal, "XM-D01")
    uid = item_id(minimal, "dolls/hmong")
    assert run_cli(minimal, "build").code == 0
    item = minimal / "content/dolls/hmong/item.yaml"
    item.write_text(
        "".join(x for x in item.read_text().splitlines(True) if not x.startswith("id:"))
    )
    refused(
        minimal,
        f"Error: content/dolls/hmong/item.yaml:1: code: the code XM-D01 was printed for "
        f"dolls/hmong ('Búp bê Mông', id {uid}), but dolls/hmong ('Búp bê Mông') now uses it. "
        "Printed boxes must open what was printed. If dolls/hmong is that item, put back the line "
        f"'id: \"{uid}\"' in its item.yaml. Otherwise give dolls/hmong a new code (the next free "
        "one is XM-D02), and restore the printed item or send its code on purpose with "
        "'moved_codes: {XM-D01: <code of another item>}' in site.yaml.\n" + FOLLOW,
    )


def test_the_old_advice_for_a_duplicate_now_fails_loudly(minimal: Path) -> None:
    """Before: the error told the printed item to change its code, and that built cleanly."""
    mark(minimal, "XM-D01")
    assert run_cli(minimal, "build").code == 0
    add_doll(minimal, "bup-be-hoa", "XM-D01")  # loaded before dolls/hmong
    refused(
        minimal,
        "Error: content/dolls/bup-be-hoa/item.yaml:1: code: the code XM-D01 is printed on the "
        "boxes of dolls/hmong; dolls/bup-be-hoa cannot take it. Give dolls/bup-be-hoa a new code "
        "(the next free one is XM-D02). Never change the code of dolls/hmong: it is on printed "
        "boxes.\n" + FOLLOW,
    )
    item = minimal / "content/dolls/hmong/item.yaml"  # what the old message advised
    item.write_text(item.read_text().replace("code: XM-D01", "code: XM-D02"))
    refused(
        minimal,
        "Error: content/dolls/bup-be-hoa/item.yaml:1: code: the code XM-D01 is printed on the "
        "boxes of dolls/hmong ('Búp bê Mông'), which now has the code XM-D02; dolls/bup-be-hoa "
        "has taken XM-D01. Printed boxes must open what was printed: give dolls/hmong back the "
        "code XM-D01, and give dolls/bup-be-hoa a new code (the next free one is XM-D03).\n"
        + FOLLOW,
    )


def test_a_duplicate_of_an_unprinted_code_keeps_its_message(minimal: Path) -> None:
    add_doll(minimal, "bup-be-hoa", "XM-D01")
    result = run_cli(minimal, "build")
    assert result.err == (
        "Error: content/dolls/hmong/item.yaml:1: code: the code XM-D01 is already used by "
        "dolls/bup-be-hoa. Every item needs its own code; give this one the next free code, "
        "XM-D02.\n" + FOLLOW
    )


def test_a_folder_copied_after_a_build_is_the_one_told_to_change_its_code(minimal: Path) -> None:
    """Neither printed: the folder the last good build did not read is the copy, wherever
    it sorts (before: the original, sorting later, was told to change its code)."""
    assert run_cli(minimal, "build").code == 0
    add_doll(minimal, "bup-be-hoa", "XM-D01")  # sorts before dolls/hmong
    result = run_cli(minimal, "build")
    assert result.err == (
        "Error: content/dolls/bup-be-hoa/item.yaml:1: code: the code XM-D01 is already used by "
        "dolls/hmong. Every item needs its own code; give this one the next free code, "
        "XM-D02.\n" + FOLLOW
    )


def test_a_registry_from_before_ids_loads_and_is_migrated_on_the_next_write(minimal: Path) -> None:
    old = (
        "XM-D01:\n  printed: 2026-05-01\n  url: HTTPS://XM.EXAMPLE.VN/Q/XM-D01\n"
        "  item: dolls/hmong\n  title: Búp bê Mông\n"
    )
    registry = minimal / "content/printed-codes.yaml"
    registry.write_text(old, encoding="utf-8")
    assert run_cli(minimal, "build").code == 0
    # even before migration, another doll of the same kind cannot take the code
    delete_hmong(minimal)
    add_doll(minimal, "bup-be-hoa", "XM-D01")
    refused(
        minimal,
        "Error: content/dolls/bup-be-hoa/item.yaml:1: code: the code XM-D01 was printed for "
        "dolls/hmong and is now used by dolls/bup-be-hoa. A printed code cannot be taken by "
        "another item: give dolls/bup-be-hoa a new code (the next free one is XM-D02). If "
        "dolls/bup-be-hoa really is the item on those boxes (renamed since), write "
        "'item: dolls/bup-be-hoa' in the entry XM-D01 of content/printed-codes.yaml.\n" + FOLLOW,
    )


def test_the_next_write_gives_old_entries_their_ids(minimal: Path) -> None:
    registry = minimal / "content/printed-codes.yaml"
    registry.write_text(
        "XM-D01:\n  printed: 2026-05-01\n  url: HTTPS://XM.EXAMPLE.VN/Q/XM-D01\n"
        "  item: dolls/hmong\n",
        encoding="utf-8",
    )
    mark(minimal, "XM-P01")
    data = yaml.safe_load(registry.read_text())
    assert data["XM-D01"]["id"] == item_id(minimal, "dolls/hmong")
    assert data["XM-D01"]["printed"].isoformat() == "2026-05-01"
    assert data["XM-P01"]["id"] == item_id(minimal, "ocop/tea")
    assert run_cli(minimal, "build").code == 0


def test_codes_restore_writes_back_what_the_record_holds(minimal: Path) -> None:
    mark(minimal, "XM-D01", "XM-P01")
    assert run_cli(minimal, "build").code == 0
    registry = minimal / "content/printed-codes.yaml"
    original = yaml.safe_load(registry.read_text())
    registry.unlink()
    assert run_cli(minimal, "build").code == 1
    result = run_cli(minimal, "codes", "restore")
    assert result.code == 0, result.err
    assert result.out.startswith("Restored 2 printed code(s): XM-D01, XM-P01.\n")
    assert yaml.safe_load(registry.read_text()) == original
    assert run_cli(minimal, "build").code == 0


def test_the_published_record_still_speaks_when_the_cache_is_gone(minimal: Path) -> None:
    mark(minimal, "XM-D01", "XM-P01")
    assert run_cli(minimal, "build").code == 0
    shutil.rmtree(minimal / CACHE_DIR)
    registry = minimal / "content/printed-codes.yaml"
    registry.write_text(registry.read_text().split("XM-P01:")[0])
    refused(
        minimal,
        "Error: content/printed-codes.yaml: 1 printed code(s) are missing from this file: "
        "XM-P01 (2026-06-01, ocop/tea 'Chè Shan tuyết'). This file is the record of a promise: "
        "put it back from version history (git checkout -- content/printed-codes.yaml), or run "
        "`site-builder codes restore` to write the missing entries back from "
        "output/printed-codes.json.\n" + FOLLOW,
    )


def test_a_registry_lost_before_any_build_is_still_detected(minimal: Path) -> None:
    mark(minimal, "XM-P01")  # no build since: only the tool's own copy knows
    (minimal / "content/printed-codes.yaml").unlink()
    result = run_cli(minimal, "check")
    assert result.code == 1
    assert (
        "content/printed-codes.yaml: this file is missing, but 1 code(s) were recorded as "
        "printed: XM-P01 (2026-06-01, ocop/tea 'Chè Shan tuyết')." in result.out + result.err
    )


def run_without_terminal(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "site_builder", "--project", str(project), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_without_a_terminal_and_without_yes_nothing_is_recorded(minimal: Path) -> None:
    result = run_without_terminal(minimal, "codes", "mark-printed", "XM-D01")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: recording XM-D01 as printed is permanent and there is no terminal to ask on: "
        "add --yes to confirm.\n"
    )
    result = run_without_terminal(minimal, "stickers", "--codes", "XM-P01", "--for-print")
    assert result.returncode == 1
    assert result.stderr == (
        "Error: recording XM-P01 as printed is permanent and there is no terminal to ask on: "
        "add --yes to confirm.\n"
    )
    assert not (minimal / "content/printed-codes.yaml").exists()
    assert not (minimal / "stickers").exists()  # refused before drawing anything
    assert "id:" not in (minimal / "content/dolls/hmong/item.yaml").read_text()


def on_terminal(project: Path, answer: str, *args: str) -> tuple[int, str]:
    """Run the CLI on a real pseudo-terminal, answer its question, return (exit, screen)."""
    main, child = pty.openpty()
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "site_builder", "--project", str(project), *args],
        stdin=child,
        stdout=child,
        stderr=child,
        env=env,
        close_fds=True,
    )
    os.close(child)
    screen = b""
    answered = False
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _w, _x = select.select([main], [], [], 1)
        if ready:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            screen += chunk
        if not answered and b"[y/N]" in screen:
            os.write(main, answer.encode() + b"\n")
            answered = True
        if proc.poll() is not None and not ready:
            break
    code = proc.wait(timeout=60)
    os.close(main)
    return code, screen.decode().replace("\r\n", "\n")


def test_a_terminal_asks_before_recording_and_no_means_nothing(minimal: Path) -> None:
    code, screen = on_terminal(minimal, "n", "codes", "mark-printed", "XM-D01")
    assert code == 1
    assert screen.startswith(
        "These codes will be recorded as printed: XM-D01. Their QR codes must then open the same "
        "items for as long as the boxes exist; this cannot be undone.\n"
        "  XM-D01  dolls/hmong  Búp bê Mông\n"
        "Record them as printed? [y/N] "
    )
    assert screen.endswith("Error: cancelled: no code was recorded as printed.\n")
    assert not (minimal / "content/printed-codes.yaml").exists()
    code, screen = on_terminal(minimal, "y", "codes", "mark-printed", "XM-D01")
    assert code == 0, screen
    assert "Recorded 1 printed code(s): XM-D01.\nNow commit content/printed-codes.yaml" in screen
    assert "XM-D01" in yaml.safe_load((minimal / "content/printed-codes.yaml").read_text())


def test_stickers_for_print_ask_on_a_terminal_and_remind_to_commit(minimal: Path) -> None:
    code, screen = on_terminal(minimal, "y", "stickers", "--codes", "XM-P01", "--for-print")
    assert code == 0, screen
    assert "  XM-P01  ocop/tea  Chè Shan tuyết\nRecord them as printed? [y/N] " in screen
    assert screen.endswith(
        "Recorded as printed: XM-P01. These codes must keep working for as long as the boxes "
        "exist.\nNow commit content/printed-codes.yaml (and the item.yaml files that got an id): "
        "it is the record of a promise. For example: git add content && git commit -m "
        '"Printed codes"\n'
    )
    assert (minimal / "stickers/stickers-items-L7160-labels.pdf").is_file()


def test_messages_in_vietnamese(minimal: Path) -> None:
    mark(minimal, "XM-D01")
    assert run_cli(minimal, "build").code == 0
    add_doll(minimal, "bup-be-hoa", "XM-D01")
    result = run_cli(minimal, "--lang", "vi", "build")
    assert result.err == (
        "Lỗi: content/dolls/bup-be-hoa/item.yaml:1: code: mã XM-D01 được in trên hộp của "
        "dolls/hmong; dolls/bup-be-hoa không được lấy mã này. Hãy cho dolls/bup-be-hoa một mã "
        "mới (mã trống tiếp theo là XM-D02). Đừng bao giờ đổi mã của dolls/hmong: mã đó đã in "
        "trên hộp.\n1 lỗi; chưa ghi tệp nào.\n"
    )


def test_codes_restore_puts_back_a_changed_url_and_id(minimal: Path) -> None:
    mark(minimal, "XM-D01")
    assert run_cli(minimal, "build").code == 0
    registry = minimal / "content/printed-codes.yaml"
    original = yaml.safe_load(registry.read_text())
    uid = original["XM-D01"]["id"]
    registry.write_text(
        registry.read_text()
        .replace("HTTPS://XM.EXAMPLE.VN/Q/XM-D01", "HTTPS://Q.EXAMPLE.VN/Q/XM-D01")
        .replace(uid, "00000000deadbeef")
    )
    assert run_cli(minimal, "build").code == 1
    result = run_cli(minimal, "codes", "restore")
    assert result.out.startswith("Restored 1 printed code(s): XM-D01.\n")
    assert yaml.safe_load(registry.read_text()) == original
    assert run_cli(minimal, "build").code == 0


def test_codes_printed_together_are_written_out_in_full(minimal: Path) -> None:
    """One printing day shared by several entries is written in each, never as a YAML
    anchor (`&id001` / `*id001`) a member would not understand."""
    mark(minimal, "XM-D01", "XM-P01")
    text = (minimal / "content/printed-codes.yaml").read_text(encoding="utf-8")
    assert "&" not in text and "*" not in text
    registry = yaml.safe_load(text)
    assert {code: str(e["printed"]) for code, e in registry.items()} == {
        "XM-D01": "2026-06-01",
        "XM-P01": "2026-06-01",
    }
    assert run_cli(minimal, "build").code == 0


def test_a_printed_item_taking_anothers_printed_code_is_told_to_take_its_own_back(
    minimal: Path,
) -> None:
    """Both codes on boxes, dolls/hmong given dolls/hoa's XM-D02: one error said to give
    hmong 'a new code' (it has one on its boxes: XM-D01), and a second, contradictory one
    said hoa 'now has the code XM-D02' and must be given it back."""
    add_doll(minimal, "hoa", "XM-D02")
    mark(minimal, "XM-D01", "XM-D02")
    item = minimal / "content/dolls/hmong/item.yaml"
    item.write_text(item.read_text().replace("code: XM-D01", "code: XM-D02"), "utf-8")
    result = run_cli(minimal, "--lang", "en", "check")
    errors = [line for line in result.out.splitlines() if line.startswith("Error: ")]
    assert errors[0] == (
        "Error: content/dolls/hmong/item.yaml:1: code: the code XM-D02 is printed on the boxes "
        "of dolls/hoa; dolls/hmong cannot take it. Give dolls/hmong back its own printed code "
        "XM-D01: it is on dolls/hmong's boxes. Never change the code of dolls/hoa: it is on "
        "printed boxes."
    )
    assert len(errors) == 2 and "XM-D01: the printed code XM-D01" in errors[1]
    assert not any("which now has the code" in e for e in errors)
