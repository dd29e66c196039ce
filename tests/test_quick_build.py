"""`site-builder build` after edits inside item folders updates output/ in place
(site_builder/preview/quick.py): the same bytes as a cold build, and a full build whenever
the record of the last build cannot vouch for output/."""

from __future__ import annotations

import os
import shutil
import time
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from site_builder import lastbuild
from site_builder.cache import CACHE_DIR, Table
from site_builder.filestate import listing
from site_builder.lastbuild import OutputRecord
from site_builder.preview import quick
from tests.helpers import cli_then, copy_project, run_cli, snapshot
from tests.test_incremental import _append, _photo, _replace

UPDATED = "Updated output/ after edits in "
BUILT = "Built "


def cold(project: Path, tmp_path: Path, *flags: str) -> dict[str, bytes]:
    """The project built from nothing by the CLI, with no cache, into another folder."""
    out = tmp_path / "cold"
    shutil.rmtree(out, ignore_errors=True)
    done = run_cli(project, "build", "--no-cache", *flags, "--output", str(out))
    assert done.code == 0, done.err
    return snapshot(out)


def project_of(tmp_path: Path) -> Path:
    """A fresh copy of the minimal project, its files written an hour ago (files changed
    in the two seconds before a build are seen as changed by the next one: a template
    just copied would make every next build a full one)."""
    project = copy_project(tmp_path / "site")
    hour_ago = time.time_ns() - 3600 * 10**9
    for path in project.rglob("*"):
        os.utime(path, ns=(hour_ago, hour_ago), follow_symlinks=False)
    return project


def build(project: Path, *flags: str) -> str:
    """`site-builder build`; its first line (which says whether it updated or built)."""
    done = run_cli(project, "build", *flags)
    assert done.code == 0, done.err
    assert "Traceback" not in done.err
    return done.out


def _drop_en(project: Path) -> None:
    (project / "content/dolls/hmong/en.md").unlink()


# edits the update in place handles: (edit, files it must write at least)
UPDATES: dict[str, tuple[Callable[[Path], None], set[str]]] = {
    "story text (card unchanged)": (
        _append("content/dolls/hmong/vi.md", "\nMột câu mới về búp bê.\n"),
        {"vi/dolls/hmong/index.html"},
    ),
    "title (home and list cards change)": (
        _replace("content/dolls/hmong/vi.md", "title: Búp bê Mông", "title: Búp bê Mông đỏ"),
        {"vi/dolls/hmong/index.html", "vi/index.html", "vi/dolls/index.html"},
    ),
    "price in item.yaml": (
        _replace("content/dolls/hmong/item.yaml", "price: 450000", "price: 470000"),
        {"vi/dolls/hmong/index.html", "en/dolls/hmong/index.html"},
    ),
    "English story removed (pages go, sitemap changes)": (_drop_en, {"sitemap.xml"}),
    "OCOP story in a booklet": (
        _append("content/ocop/tea/vi.md", "\nTrà được hái vào mùa xuân.\n"),
        {"vi/ocop/tea/index.html"},
    ),
}


@pytest.mark.parametrize("kind", list(UPDATES))
@pytest.mark.parametrize("flags", [("--no-pdf",), ()], ids=["no-pdf", "with-pdf"])
def test_an_update_in_place_equals_a_cold_build(
    kind: str, flags: tuple[str, ...], tmp_path: Path
) -> None:
    project = project_of(tmp_path)
    assert build(project, *flags).startswith(BUILT)
    before = snapshot(project / "output")
    edit, expected = UPDATES[kind]
    edit(project)
    said = build(project, *flags)
    assert said.startswith(UPDATED + "1 item(s)"), said
    after = snapshot(project / "output")
    changed = {p for p in after.keys() | before.keys() if after.get(p) != before.get(p)}
    assert expected <= changed, changed
    assert after == cold(project, tmp_path, *flags)
    # the record now describes output/ exactly as a new listing does (files added or
    # removed, their folders'): the next build can vouch for output/ by it
    record, fresh = lastbuild.recorded(project), OutputRecord.of(listing(project / "output"))
    assert record is not None
    assert (record["output_files"], record["output_folders"]) == fresh.joined()
    assert record["output_fingerprint"] == fresh.digest()


def test_edits_in_a_row_each_update_and_equal_a_cold_build(tmp_path: Path) -> None:
    """Edits in quick succession (each within the two-second window of the scan)."""
    project = project_of(tmp_path)
    build(project, "--no-pdf")
    for n in range(3):
        _append("content/dolls/hmong/vi.md", f"\nCâu thứ {n}.\n")(project)
        assert build(project, "--no-pdf").startswith(UPDATED)
        assert snapshot(project / "output") == cold(project, tmp_path, "--no-pdf")


FULL: dict[str, Callable[[Path], None]] = {
    "template": _replace("templates/item.html", "</article>", "<p>Mới.</p></article>"),
    "site.yaml": _replace("site.yaml", "Búp bê Xín Mần", "Búp bê Xín Mần, Hà Giang"),
    "code": _replace("content/dolls/hmong/item.yaml", "XM-D01", "XM-D09"),
    "the photo shown": _photo,
    "a new item folder": lambda p: (
        shutil.copytree(p / "content/ocop/tea", p / "content/ocop/tea-2")
        and _replace("content/ocop/tea-2/item.yaml", "XM-P01", "XM-P02")(p)
    ),
}


@pytest.mark.parametrize("kind", list(FULL))
def test_other_edits_build_fully(kind: str, tmp_path: Path) -> None:
    project = project_of(tmp_path)
    build(project, "--no-pdf")
    FULL[kind](project)
    assert build(project, "--no-pdf").startswith(BUILT)
    assert snapshot(project / "output") == cold(project, tmp_path, "--no-pdf")
    record, fresh = lastbuild.recorded(project), OutputRecord.of(listing(project / "output"))
    assert record is not None  # (made from the build's own listing of output/)
    assert (record["output_files"], record["output_folders"]) == fresh.joined()
    assert record["output_fingerprint"] == fresh.digest()


def test_a_full_build_does_not_list_output(tmp_path: Path) -> None:
    """After a template edit: not before the build (the inputs differ, so output/ cannot
    be up to date), nor after it: the fingerprint and the record are made from the
    states of the files as the build wrote them (`OutputRecord.written`), which are
    those a listing finds (the next build can vouch for output/ by them)."""
    project = project_of(tmp_path)
    build(project, "--no-pdf")
    FULL["template"](project)
    setup = (
        "import site_builder.filestate as fs\n"
        "seen = []\n"
        "def counted(top, _listing=fs.listing):\n"
        "    seen.append(str(top))\n"
        "    return _listing(top)\n"
        "fs.listing = counted\n"
    )
    code, out, shown = cli_then(project, "seen", "build", "--no-pdf", setup=setup)
    assert code == 0 and out.startswith(BUILT), out
    assert shown == "[]"
    record, fresh = lastbuild.recorded(project), OutputRecord.of(listing(project / "output"))
    assert record is not None
    assert (record["output_files"], record["output_folders"]) == fresh.joined()
    assert record["output_fingerprint"] == fresh.digest()
    assert build(project, "--no-pdf").startswith("Nothing changed")


RECORD_DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "truncated": lambda data: data[: len(data) // 2],
    "garbage": lambda data: bytes(255 - b for b in data),
    "empty": lambda data: b"",
    "body changed under its seal": lambda data: data.replace(b'"print=False"', b'"print=True"'),
    "another version's seal": lambda data: b"0" * 64 + data[64:],
}


@pytest.mark.parametrize("damage", list(RECORD_DAMAGE))
def test_a_damaged_record_builds_fully(damage: str, tmp_path: Path) -> None:
    project = project_of(tmp_path)
    build(project, "--no-pdf")
    path = project / CACHE_DIR / lastbuild.RECORD
    path.write_bytes(RECORD_DAMAGE[damage](path.read_bytes()))
    _append("content/dolls/hmong/vi.md", "\nMột câu mới.\n")(project)
    assert build(project, "--no-pdf").startswith(BUILT)
    assert snapshot(project / "output") == cold(project, tmp_path, "--no-pdf")


def test_a_record_naming_other_stats_is_sealed_but_not_trusted(tmp_path: Path) -> None:
    """A sealed record whose `stat`s do not match the item cache's: a full build."""
    project = project_of(tmp_path)
    build(project, "--no-pdf")
    data = lastbuild.recorded(project)
    assert data is not None
    states = array("q", data["input_states"])  # (size, mtime, inode) of each input, in one list
    data["input_states"] = array(
        "q", [v + 1 if i % 3 == 0 else v for i, v in enumerate(states)]
    ).tobytes()
    lastbuild.write(project, data)
    assert lastbuild.recorded(project) == data
    _append("content/dolls/hmong/vi.md", "\nMột câu mới.\n")(project)
    assert build(project, "--no-pdf").startswith(BUILT)
    assert snapshot(project / "output") == cold(project, tmp_path, "--no-pdf")


def _replaced(path: Path) -> None:
    """The same bytes, as a new file renamed over it (a new inode, same size)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(path.read_bytes())
    os.replace(tmp, path)


def _truncated(path: Path) -> None:
    with path.open("r+b") as f:
        f.truncate(10)


def _touched(path: Path) -> None:
    later = path.stat().st_mtime_ns + 5 * 10**9
    os.utime(path, ns=(later, later))


# what a hand (or another program) can do to output/ after a build; each must be seen
HAND_CHANGES: dict[str, Callable[[Path], None]] = {
    "page rewritten in place": lambda out: (out / "vi/index.html").write_text(
        "sửa tay", encoding="utf-8"
    ),
    "page truncated in place": lambda out: _truncated(out / "en/index.html"),
    "file added deep inside": lambda out: (
        next(out.glob("vi/*/*/")).joinpath("x.html").write_text("<p>thêm</p>", encoding="utf-8")
    ),
    "empty folder added": lambda out: (out / "vi/thư-mục-mới").mkdir(),
    "compressed copy removed": lambda out: (out / "vi/index.html.gz").unlink(),
    "page replaced by rename": lambda out: _replaced(out / "vi/index.html"),
    "page touched": lambda out: _touched(out / "en/index.html"),
    # (Latin-1 bytes, as a zip or a copy from an old system can leave: not UTF-8)
    "file named in bytes that are not UTF-8": lambda out: (
        out / os.fsdecode(b"vi/t\xean-c\xfc.html")
    ).write_bytes(b"<p>x</p>"),
    # a QR landing page is one file at two addresses (a hard link): the record looks at
    # the first address only (lastbuild._restated); a change at the second is still seen
    "QR page rewritten in place at its second address": lambda out: next(
        out.glob("Q/*/index.html")
    ).write_text("sửa tay", encoding="utf-8"),
    "QR page replaced by rename at its second address": lambda out: _replaced(
        next(out.glob("Q/*/index.html"))
    ),
    "QR page's compressed copy touched at its second address": lambda out: _touched(
        next(out.glob("Q/*/index.html.br"))
    ),
}


def test_the_record_looks_at_each_linked_file_once(tmp_path: Path) -> None:
    """The QR landing pages (and their compressed copies) are recorded as links of their
    first address, and a build with nothing changed still trusts output/."""
    project = project_of(tmp_path)
    build(project, "--no-pdf")
    record = lastbuild.recorded(project)
    assert record is not None
    files = record["output_files"].split("\n")
    links = lastbuild._links(record)
    assert links is not None and len(links) == len(files)
    twins = {files[i]: files[j] for i, j in enumerate(links) if j != i}  # (a first: itself)
    code = next(p.name for p in (project / "output/Q").iterdir() if p.is_dir())
    for suffix in ("", ".br", ".gz"):
        assert twins[f"Q/{code}/index.html{suffix}"] == f"Q/{code}.html{suffix}"
    for second, first in twins.items():
        assert files.index(first) < files.index(second)
        assert (project / "output" / second).samefile(project / "output" / first)
    found = listing(project / "output").files.values()  # every other path of a file is a twin
    assert len(twins) == len(files) - len({state[1:] for state in found})
    assert build(project, "--no-pdf").startswith("Nothing changed")


@pytest.mark.parametrize("edit_story", [True, False], ids=["story edited", "nothing else"])
@pytest.mark.parametrize("hand", HAND_CHANGES.values(), ids=HAND_CHANGES.keys())
def test_output_changed_by_hand_builds_fully(
    tmp_path: Path, hand: Callable[[Path], None], edit_story: bool
) -> None:
    """output/ is vouched for by each recorded file's and folder's state (lastbuild.py);
    whatever changed there since, the next build is a full one that repairs it."""
    project = project_of(tmp_path)
    build(project, "--no-pdf")
    hand(project / "output")
    if edit_story:
        _append("content/dolls/hmong/vi.md", "\nMột câu mới.\n")(project)
    assert build(project, "--no-pdf").startswith(BUILT)
    assert snapshot(project / "output") == cold(project, tmp_path, "--no-pdf")


@pytest.mark.parametrize("hand", HAND_CHANGES.values(), ids=HAND_CHANGES.keys())
def test_an_update_that_cannot_vouch_for_output_writes_nothing(
    tmp_path: Path, hand: Callable[[Path], None]
) -> None:
    """The update renders its pages while output/ is looked at, and writes them only once
    output/ is vouched for: changed by hand, it is left as it is (and the record with it)
    for the full build to repair."""
    project = project_of(tmp_path).resolve()
    build(project, "--no-pdf")
    hand(project / "output")
    _append("content/dolls/hmong/vi.md", "\nMột câu mới.\n")(project)
    before, folders = snapshot(project / "output"), sorted((project / "output").rglob("*"))
    record = (project / CACHE_DIR / lastbuild.RECORD).read_bytes()
    assert quick.quick_build(project, project / "output", with_print=False) is None
    assert snapshot(project / "output") == before
    assert sorted((project / "output").rglob("*")) == folders
    assert (project / CACHE_DIR / lastbuild.RECORD).read_bytes() == record


def test_a_check_between_two_edits_is_not_mistaken_for_the_last_build(tmp_path: Path) -> None:
    """`check` loads (and caches) the first edit; the output still shows neither. The item
    as the last build saw it is the entry the check replaced: the home page is updated
    from it, never left stale."""
    project = project_of(tmp_path)
    build(project, "--no-pdf")
    _replace("content/dolls/hmong/vi.md", "title: Búp bê Mông", "title: Búp bê Mông A")(project)
    assert run_cli(project, "check").code == 0
    _replace("content/dolls/hmong/vi.md", "Mông A", "Mông A")(project)  # touched, same title
    said = build(project, "--no-pdf")
    assert said.startswith(UPDATED), said
    assert snapshot(project / "output") == cold(project, tmp_path, "--no-pdf")


def test_check_then_build_updates_in_place(tmp_path: Path) -> None:
    """The usual order: edit, `check`, edit again, `check`, then build."""
    project = project_of(tmp_path)
    build(project, "--no-pdf")
    for n in range(2):
        _replace("content/dolls/hmong/vi.md", "title: Búp bê Mông", f"title: Búp bê Mông {n}")(
            project
        )
        assert run_cli(project, "check").code == 0
    assert build(project, "--no-pdf").startswith(UPDATED)
    assert snapshot(project / "output") == cold(project, tmp_path, "--no-pdf")


def test_a_failed_write_leaves_a_full_build_to_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills half way through an update: the record is already forgotten, so the
    next build is full and repairs output/."""
    from site_builder.preview import live

    project = project_of(tmp_path)
    build(project, "--no-pdf")
    _replace("content/dolls/hmong/vi.md", "title: Búp bê Mông", "title: Búp bê Mông B")(project)
    written: list[Path] = []

    def full_disk(path: Path, data: bytes) -> None:
        if written:
            raise OSError(28, "No space left on device")
        written.append(path)
        path.write_bytes(data)

    monkeypatch.setattr(live, "write_atomic", full_disk)
    assert quick.quick_build(project, project / "output", with_print=False) is None
    assert written, "the update must have started writing"
    assert not (project / CACHE_DIR / lastbuild.RECORD).exists()
    monkeypatch.undo()
    assert build(project, "--no-pdf").startswith(BUILT)
    assert snapshot(project / "output") == cold(project, tmp_path, "--no-pdf")


def test_a_content_error_is_reported_as_by_a_full_build(tmp_path: Path) -> None:
    project = project_of(tmp_path)
    build(project, "--no-pdf")
    before = snapshot(project / "output")
    _replace("content/dolls/hmong/item.yaml", "price: 450000", "price: nhiều")(project)
    done = run_cli(project, "build", "--no-pdf")
    assert done.code != 0 and "Traceback" not in done.err
    assert "content/dolls/hmong/item.yaml:5" in done.err + done.out
    assert snapshot(project / "output") == before
    _replace("content/dolls/hmong/item.yaml", "price: nhiều", "price: 460000")(project)
    assert build(project, "--no-pdf").startswith(BUILT)  # the record went with the error
    assert snapshot(project / "output") == cold(project, tmp_path, "--no-pdf")


def test_vietnamese_message(tmp_path: Path) -> None:
    project = project_of(tmp_path)
    build(project, "--no-pdf")
    _append("content/dolls/hmong/vi.md", "\nMột câu mới.\n")(project)
    done = run_cli(project, "--lang", "vi", "build", "--no-pdf")
    assert done.code == 0, done.err
    words = done.out.split()
    assert " ".join(words[:9]) == "Đã cập nhật output/ sau khi sửa 1 mục:", done.out
    assert " ".join(words[10:17]) == "tệp được ghi, 0 tệp bị xoá,", done.out


def _weights(report: object) -> list[str]:
    return [str(w) for w in getattr(report, "warnings", []) if "weighs" in str(w)]


def test_check_after_a_story_edit_measures_the_other_pages_on_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`check` renders only the edited item's pages for their weight; the warnings are
    those of a check that renders the whole site."""
    import site_builder.build
    from site_builder.check import check

    project = project_of(tmp_path)
    site_yaml = project / "site.yaml"
    with open(site_yaml, "a", encoding="utf-8") as f:
        f.write("budgets:\n  item_kb: 1\n  landing_kb: 1\n")
    os.utime(site_yaml, ns=(time.time_ns() - 3600 * 10**9,) * 2)
    build(project, "--no-pdf")
    _append("content/dolls/hmong/vi.md", "\n" + "Một câu dài hơn về búp bê. " * 80 + "\n")(project)
    # a page swollen by hand in output/ is not what a build writes: the weights are the
    # recorded ones (the record of the last build), not output/'s
    (project / "output/en/index.html").write_text("<p>tay</p>" * 20_000, encoding="utf-8")

    def whole_site(*args: object, **kwargs: object) -> None:
        raise AssertionError("the whole site was rendered")

    with monkeypatch.context() as m:
        m.setattr(site_builder.build, "render_site", whole_site)
        quick_check = check(project)
    lastbuild.forget(project)  # no record: every page rendered
    full_check = check(project)
    assert _weights(quick_check) == _weights(full_check)
    assert any("vi/dolls/hmong/index.html" in w for w in _weights(full_check))
    assert any("Q/XM-D01.html" in w for w in _weights(full_check))
    assert [str(w) for w in quick_check.warnings] == [str(w) for w in full_check.warnings]
    assert quick_check.errors == full_check.errors == []


def _tight_budgets(project: Path) -> None:
    """Every page of the project over budget (1 kB each)."""
    site_yaml = project / "site.yaml"
    with open(site_yaml, "a", encoding="utf-8") as f:
        f.write("budgets:\n  item_kb: 1\n  landing_kb: 1\n")
    os.utime(site_yaml, ns=(time.time_ns() - 3600 * 10**9,) * 2)


def test_an_update_weighs_the_pages_it_writes_as_a_full_build_does(tmp_path: Path) -> None:
    """The pages over budget that an update records (and warns about) are the full
    build's, to the byte: stylesheet, script, manifest, service worker and icon counted."""
    project = project_of(tmp_path)
    _tight_budgets(project)
    build(project, "--no-pdf")
    _append("content/dolls/hmong/vi.md", "\n" + "Một câu dài hơn. " * 80 + "\n")(project)
    said = build(project, "--no-pdf")
    assert said.startswith(UPDATED), said
    updated = lastbuild.recorded(project)
    lastbuild.forget(project)
    assert build(project, "--no-pdf").startswith(BUILT)
    full = lastbuild.recorded(project)
    assert updated is not None and full is not None
    assert updated["budgets"] == full["budgets"]
    assert "dolls/hmong" in "".join(full["budgets"]["pages"])
    # what the update said about the item it wrote is what the full build says of it
    weighs = [line for line in said.splitlines() if "vi/dolls/hmong/index.html weighs" in line]
    assert len(weighs) == 1 and weighs[0] in build(project, "--no-pdf", "--no-cache")


def test_check_weighs_only_the_items_edited_since_the_last_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a full build, an update, and a story edit not built yet: `check` weighs the
    edited item's pages; the others' weights are the ones the builds recorded. Its
    warnings are those of a check that weighs every page."""
    from site_builder import budgets
    from site_builder.check import check

    project = project_of(tmp_path)
    _tight_budgets(project)
    build(project, "--no-pdf")
    _append("content/dolls/hmong/vi.md", "\n" + "Một câu dài hơn. " * 80 + "\n")(project)
    assert build(project, "--no-pdf").startswith(UPDATED)
    _append("content/ocop/tea/vi.md", "\n" + "Trà thơm. " * 80 + "\n")(project)
    weighed: list[list[str]] = []
    heavy_pages = budgets.heavy_pages

    def watched(site: Any, files: Any) -> Any:
        weighed.append([item.folder.name for item in site.items])
        return heavy_pages(site, files)

    with monkeypatch.context() as m:
        m.setattr(budgets, "heavy_pages", watched)
        quick_check = check(project)
    assert weighed == [["tea"]]
    lastbuild.forget(project)  # no record: every page rendered and weighed
    full_check = check(project)
    assert [str(w) for w in quick_check.warnings] == [str(w) for w in full_check.warnings]
    assert any("vi/dolls/hmong/index.html" in w for w in _weights(full_check))
    assert any("vi/ocop/tea/index.html" in w for w in _weights(full_check))


@pytest.mark.parametrize(
    "damage",
    ["missing", "other limits", "not a page", "a size in kB"],
)
def test_check_weighs_every_page_when_the_record_cannot_say(damage: str, tmp_path: Path) -> None:
    """A record without the pages over budget, or with ones weighed against other limits
    or of another shape (sealed all the same): `check` weighs every page again."""
    from site_builder.check import check

    project = project_of(tmp_path)
    _tight_budgets(project)
    build(project, "--no-pdf")
    expected = [str(w) for w in check(project).warnings]
    record = lastbuild.recorded(project)
    assert record is not None and record["budgets"]["pages"]
    if damage == "missing":
        del record["budgets"]
    elif damage == "other limits":
        record["budgets"]["limits"]["item_kb"] = 500
        record["budgets"]["pages"] = {}  # (nothing over 500 kB)
    elif damage == "not a page":
        record["budgets"]["pages"]["content/dolls/hmong"] = [["photo", "x", 1]]
    else:
        record["budgets"]["pages"]["content/dolls/hmong"] = [["item", "x", 1.5]]
    lastbuild.write(project, record)
    (project / CACHE_DIR / "last-check.pickle").unlink(missing_ok=True)
    assert [str(w) for w in check(project).warnings] == expected


def test_an_update_also_refreshes_the_portable_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`build --portable DIR` after a story edit: output/ updated in place, the copy made
    from it shows the edit, and site.yaml is read once in that command."""
    from site_builder import cli
    from tests.test_site_yaml_once import site_yaml_parses

    monkeypatch.setenv("SITE_BUILDER_JOBS", "1")
    project = project_of(tmp_path)
    usb = project / "usb"
    assert build(project, "--no-pdf", "--portable", str(usb)).startswith(BUILT)
    _append("content/dolls/hmong/vi.md", "\nMột câu cho bản USB.\n")(project)
    with site_yaml_parses() as seen:
        assert (
            cli.main(["--project", str(project), "build", "--no-pdf", "--portable", str(usb)]) == 0
        )
    assert seen == ["load_config"], seen
    assert capsys.readouterr().out.startswith("Updated ")
    page = (usb / "vi/dolls/hmong/index.html").read_text(encoding="utf-8")
    assert "Một câu cho bản USB." in page
    assert (project / CACHE_DIR / lastbuild.RECORD).is_file()  # for the next update


def test_an_edit_saved_just_before_the_build_is_settled_by_its_bytes(tmp_path: Path) -> None:
    """A story saved within two seconds of `build` is "racy": its next save could keep
    the same `stat`. The record keeps its bytes' SHA-256, so the next command sees it as
    unchanged while the bytes are the same, and as changed as soon as they differ, even
    with the size, time stamp and inode of before."""
    from tests.test_filestate import rewrite_keeping_stat

    project = project_of(tmp_path)
    assert build(project).startswith(BUILT)
    story = project / "content/dolls/hmong/en.md"
    story.write_text(story.read_text(encoding="utf-8") + "\nMore indigo.\n", encoding="utf-8")
    # racy for every command below, however slow the machine: a time stamp never more than
    # two seconds before the command reads it (a clock set back, or a save during the build)
    racy = time.time_ns() + 3600 * 10**9
    os.utime(story, ns=(racy, racy))
    assert build(project).startswith(UPDATED)
    output = project / "output"
    record = lastbuild.recorded(project.resolve())
    assert record is not None and str(story.resolve()) in record["racy"]
    found = lastbuild.changes(project.resolve(), output.resolve())
    assert found is not None and found.changed == set()
    assert "Nothing changed" in build(project)
    # the same size, time stamp and inode, other bytes: changed, and built as such
    data = story.read_bytes()
    rewrite_keeping_stat(story, data.replace(b"More indigo.", b"Less indigo."))
    found = lastbuild.changes(project.resolve(), output.resolve())
    assert found is not None and found.changed == {str(story.resolve())}
    assert build(project).startswith(UPDATED)
    assert snapshot(output) == cold(project, tmp_path)


@pytest.mark.parametrize("read_below", [0, quick.QR_READ_BELOW], ids=["large", "small"])
def test_a_second_edit_of_an_item_draws_its_codes_from_the_qr_side_file(
    tmp_path: Path, read_below: int
) -> None:
    """The update in place leaves the QR table unread (here every table counts as big:
    `DEFER_FROM_BYTES`): the edited item's symbols are kept in `qr.recent.json`, so the
    next edit of it draws the same files without `qrcode`. At its first edit they are
    encoded (`qrcode` imported) if the QR table is large, else found in it, read once.
    The output stays a cold build's."""
    project = project_of(tmp_path)
    assert build(project, "--no-pdf").startswith(BUILT)
    setup = (
        "from site_builder.content import itemcache\nitemcache.DEFER_FROM_BYTES = 0\n"
        f"from site_builder.preview import quick\nquick.QR_READ_BELOW = {read_below}"
    )
    seen = []
    for n in range(2):
        _append("content/dolls/hmong/vi.md", f"\nCâu thứ {n}.\n")(project)
        code, out, imported = cli_then(
            project, "'qrcode' in sys.modules", "build", "--no-pdf", setup=setup
        )
        assert code == 0 and "after edits in 1 item(s)" in out, out
        seen.append(imported)
    assert seen == (["True", "False"] if read_below == 0 else ["False", "False"])
    assert (project / CACHE_DIR / "qr.recent.json").is_file()
    assert snapshot(project / "output") == cold(project, tmp_path, "--no-pdf")


def test_the_changes_found_in_steps_are_the_changes(tmp_path: Path) -> None:
    """`changes_in_steps` (what the forked process sends) makes again what `changes`
    finds: the scan, the changed files, output/'s state, each item folder's record."""
    project = project_of(tmp_path).resolve()
    build(project, "--no-pdf")
    _append("content/dolls/hmong/vi.md", "\nMột câu mới.\n")(project)
    output = project / "output"
    direct = lastbuild.changes(project, output, "print=False")
    assert direct is not None and direct.changed
    first, held = list(lastbuild.changes_in_steps(project, output, "print=False"))
    found = lastbuild.from_inputs(first)
    assert found.vouched is None
    lastbuild.vouched_by(found, held)
    assert (found.scan, found.changed) == (direct.scan, direct.changed)
    assert found.output == direct.output
    folder = str(project / "content/dolls/hmong")
    assert found.recorded_below(folder) == direct.recorded_below(folder)
    assert [e[0] for e in found.recorded_below(folder)] == sorted(
        str(p) for p in (project / "content/dolls/hmong").iterdir()
    )
    # without vouching: one answer, what the last build wrote goes with it (`check`)
    (only,) = list(lastbuild.changes_in_steps(project, output, None, vouch=False))
    assert lastbuild.from_inputs(only).files == direct.files


def test_nothing_changed_is_said_before_output_is_looked_at(tmp_path: Path) -> None:
    project = project_of(tmp_path).resolve()
    build(project, "--no-pdf")
    first, held = list(lastbuild.changes_in_steps(project, project / "output", "print=False"))
    assert first[0] == set() and held is not None
    (project / "output" / "index.html").write_text("changed by hand")
    first, held = list(lastbuild.changes_in_steps(project, project / "output", "print=False"))
    assert first[0] == set() and held is None  # (not as recorded: a full build)


def test_item_folder_states_group_the_scan_by_item_folder(tmp_path: Path) -> None:
    root = tmp_path.resolve()
    names = [
        "content/x.md",  # (no item's)
        "content/dolls/README.md",  # (no item's)
        "content/dolls/a-b/vi.md",
        "content/dolls/a.b/vi.md",
        "content/dolls/a/print/sheet.pdf",
        "content/dolls/a/vi.md",
        "content/dolls/a/z.jpg",
        "content/ocop/tea/item.yaml",
        "site.yaml",
        "templates/base.html",
    ]
    entries = sorted((str(root / n), i, i, i) for i, n in enumerate(names))
    found = lastbuild.item_folder_states(root, entries)
    assert {
        Path(f).relative_to(root).as_posix(): [Path(s.path).name for s in states]
        for f, states in found.items()
    } == {
        "content/dolls/a-b": ["vi.md"],
        "content/dolls/a.b": ["vi.md"],
        "content/dolls/a": ["sheet.pdf", "vi.md", "z.jpg"],
        "content/ocop/tea": ["item.yaml"],
    }
    assert all(type(s).__name__ == "FileState" for states in found.values() for s in states)


def test_links_pair_each_file_with_the_first_of_its_inode() -> None:
    record = OutputRecord(
        ["a", "b", "c", "d", "e"],
        [""],
        # a, c, e: one inode; e's size differs (another file system mounted below: not
        # the same file); b, d: files of their own
        [5, 1, 7, 3, 2, 8, 5, 1, 7, 4, 2, 9, 6, 1, 7],
        [0, 0, 1],
    )
    assert list(record.links()) == [0, 1, 0, 3, 4]
    no_inodes = OutputRecord(["a", "b"], [""], [5, 1, 0, 5, 1, 0], [0, 0, 1])
    assert list(no_inodes.links()) == [0, 1]


def test_a_file_written_is_linked_to_no_other_until_listed_again(tmp_path: Path) -> None:
    """`OutputRecord.update` after an update: the links known from the record stay, but a
    file written (a new inode) and the files that were linked to it are each looked at
    for themselves next time (`links()`); what a full listing finds is one link fewer."""
    out = tmp_path / "output"
    (out / "q").mkdir(parents=True)
    for name in ("a.html", "b.html", "c.html"):
        (out / name).write_text(name)
    os.link(out / "a.html", out / "q/a.html")  # (a file at two addresses)
    os.link(out / "b.html", out / "q/b.html")
    record = OutputRecord.of(listing(out))
    links = record.links()
    files = record.files
    assert [files[j] for j in links] == ["a.html", "b.html", "c.html", "a.html", "b.html"]
    assert record.known_links is links
    (out / "a.html.tmp").write_text("new a")  # written as a build writes: a new file
    os.replace(out / "a.html.tmp", out / "a.html")
    record.update(out, ["a.html"])
    assert [files[j] for j in record.links()] == files[:4] + ["b.html"]
    fresh = OutputRecord.of(listing(out))
    assert fresh.digest() == record.digest() and fresh == record
    assert [files[j] for j in fresh.links()] == files[:4] + ["b.html"]
    (out / "d.html").write_text("d")  # a path added: the links are found again
    record.update(out, ["d.html"])
    assert record.known_links is None and len(record.links()) == len(record.files) == 6


def test_a_killed_look_for_changes_builds_fully(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process that looks for the changes dies (out of memory, killed): the command
    builds fully, and says nothing of it."""
    project = project_of(tmp_path)
    build(project, "--no-pdf")
    _append("content/dolls/hmong/vi.md", "\nMột câu mới.\n")(project)

    def killed(*_args: object) -> None:
        os.kill(os.getpid(), 9)

    monkeypatch.setattr(lastbuild, "changes_in_steps", killed)
    from site_builder.cli import main

    assert main(["--project", str(project), "build", "--no-pdf"]) == 0
    assert snapshot(project / "output") == cold(project, tmp_path, "--no-pdf")


def test_an_edited_story_is_converted_by_the_process_that_finds_the_changes(
    tmp_path: Path,
) -> None:
    """One story edited: the forked process converts it (`quick._stories`) while the
    command loads the site; the command itself never imports Python-Markdown, and the
    pages are those of a cold build."""
    project = project_of(tmp_path)
    build(project, "--no-pdf")
    _append("content/dolls/hmong/vi.md", "\nMột câu **mới**.\n")(project)
    code, out, shown = cli_then(project, "'markdown' in sys.modules", "build", "--no-pdf")
    assert code == 0 and out.startswith(UPDATED + "1 item(s)"), out
    assert shown == "False"
    assert snapshot(project / "output") == cold(project, tmp_path, "--no-pdf")
    assert "<strong>mới</strong>" in (project / "output/vi/dolls/hmong/index.html").read_text()


def test_the_update_writes_with_the_garbage_collector_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What is read and loaded is made with the collector paused (all of it is kept), but
    the update itself, the PDFs included (seconds of WeasyPrint's cyclic garbage), runs
    with it on, rendered before output/ is vouched for or not."""
    import gc

    project = project_of(tmp_path)
    build(project)
    _append("content/dolls/hmong/vi.md", "\nMột câu mới.\n")(project)
    seen: list[bool] = []
    apply = quick._apply

    def watched(*args: object) -> object:
        seen.append(gc.isenabled())
        return apply(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(quick, "_apply", watched)
    from site_builder.cli import main

    assert main(["--project", str(project), "build"]) == 0
    assert seen == [True]


def test_a_record_left_by_an_older_version_is_removed_not_read(tmp_path: Path) -> None:
    """The record was JSON before it was bytes (`last-build.json`, 3 MB at 2,000 items):
    after an upgrade, the next build does not read it, builds fully, and removes it."""
    project = project_of(tmp_path)
    build(project, "--no-pdf")
    (project / CACHE_DIR / lastbuild.RECORD).rename(project / CACHE_DIR / "last-build.json")
    _append("content/dolls/hmong/vi.md", "\nMột câu mới.\n")(project)
    assert build(project, "--no-pdf").startswith(BUILT)
    assert not (project / CACHE_DIR / "last-build.json").exists()
    assert snapshot(project / "output") == cold(project, tmp_path, "--no-pdf")
    _append("content/dolls/hmong/vi.md", "\nMột câu nữa.\n")(project)
    assert build(project, "--no-pdf").startswith(UPDATED)  # (from the new record)


def test_the_look_ahead_converts_every_story_of_an_edited_item(tmp_path: Path) -> None:
    """Loading an edited item converts all its stories; after a full build its unchanged
    ones are in no small table yet (a large Markdown table is left unread), so the other
    process converts them too, not only the edited one."""
    from site_builder.cache import digest
    from site_builder.content.translations import story_text
    from site_builder.markdown import converted

    project = project_of(tmp_path).resolve()
    build(project, "--no-pdf")
    _append("content/dolls/hmong/vi.md", "\nMột câu mới.\n")(project)
    inputs = next(lastbuild.changes_in_steps(project, project / "output", "print=False"))
    assert inputs is not None
    folder = project / "content/dolls/hmong"
    assert inputs[0] == {str(folder / "vi.md")}
    texts = [story_text(folder / name) for name in ("vi.md", "en.md")]
    expected = {digest(text): converted(text) for text in texts if text is not None}
    assert len(expected) == 2 and quick._stories(inputs[0], inputs[1]) == expected
    # the free pages' stories too, while the Markdown table's side file lacks them
    pages = sorted((project / "content/pages").rglob("*.md"))
    free = [text for page in pages if (text := story_text(page)) is not None]
    assert len(free) == 2
    expected.update({digest(text): converted(text) for text in free})
    assert quick._stories(inputs[0], inputs[1], project, inputs[2]) == expected
    side = Table(project / CACHE_DIR / "markdown.json")
    side.defer(64)
    for text in free:
        side.put(digest(text), converted(text))
    side.save()  # (deferred: into the side file only)
    assert side.recent_keys() == {digest(text) for text in free}
    assert quick._stories(inputs[0], inputs[1], project, inputs[2]).keys() == {
        digest(text) for text in texts if text is not None
    }


@pytest.mark.parametrize("flags", [(), ("--no-pdf",)], ids=["with-pdf", "no-pdf"])
def test_the_record_of_what_a_build_wrote_is_a_listing_of_output(
    flags: tuple[str, ...], tmp_path: Path
) -> None:
    """The repo's own sample (aliases, a bank-transfer code, a GTIN, booklets, photos
    linked from the image cache, pages at two addresses, compressed copies linked):
    cold, then a full build over the last output (its pages kept, linked from it)."""
    project = copy_project(tmp_path / "site", "sample")
    for n in range(2):
        if n:
            _replace("templates/item.html", "</article>", "<p>Mới.</p></article>")(project)
        assert build(project, *flags).startswith(BUILT)
        record, fresh = lastbuild.recorded(project), OutputRecord.of(listing(project / "output"))
        assert record is not None
        assert (record["output_files"], record["output_folders"]) == fresh.joined()
        assert record["output_fingerprint"] == fresh.digest()


def test_the_record_set_aside_goes_once_a_new_one_is_written(tmp_path: Path) -> None:
    """`forget` moves the record aside (what the last build read still tells a copied
    folder from its original); once a good build or update writes the new record, the
    aside copy (a few MB at 20,000 items) is deleted, not left beside it."""
    project = project_of(tmp_path)
    cache = project / CACHE_DIR
    aside = cache / lastbuild.FORGOTTEN
    assert build(project, "--no-pdf").startswith(BUILT)
    lastbuild.forget(project)
    assert aside.is_file() and not (cache / lastbuild.RECORD).exists()
    assert lastbuild.inputs_read_last(project)  # (read from the aside copy meanwhile)
    site = project / "site.yaml"
    site.write_text(site.read_text("utf-8") + "\n", "utf-8")  # a full build
    assert build(project, "--no-pdf").startswith(BUILT)
    assert (cache / lastbuild.RECORD).is_file() and not aside.exists()
    _append("content/dolls/hmong/vi.md", "\nThêm một câu.\n")(project)  # an update in place
    assert build(project, "--no-pdf").startswith(UPDATED)
    assert (cache / lastbuild.RECORD).is_file() and not aside.exists()


def test_an_item_loaded_again_from_unchanged_files_is_kept_once(tmp_path: Path) -> None:
    """Files saved within two seconds of a build (an unzip, a checkout, then `build`) are
    not trusted by the next command, which loads their items again from the same files.
    The item cache keeps one entry per state of the files: a copy remembered under the
    same states as the entry itself is never the one an update looks for, and it doubled
    items.pickle (and every later command's time to read it)."""
    from site_builder.content import itemcache

    project = copy_project(tmp_path / "site")
    for path in project.rglob("*"):  # every file just written: all unsettled
        os.utime(path, follow_symlinks=False)
    build(project, "--no-pdf")
    assert run_cli(project, "check").code == 0  # (loads every item: each unsettled)
    build(project)  # (other options: a full build, which loads every item)
    build(project, "--no-pdf")  # (and back: another)
    from site_builder.config import load_config

    entries = itemcache.ItemCache(project, itemcache.context_key(load_config(project))).entries
    assert entries
    for entry in entries.values():
        states = [[tuple(s) for s in entry.stats]]
        states += [[tuple(s) for s in stats] for stats, _item in entry.previous]
        assert len(states) == len({repr(s) for s in states}), entry.previous
    # and an update after an edit still finds the item the last build showed
    _append("content/dolls/hmong/vi.md", "\nMột câu mới.\n")(project)
    assert build(project, "--no-pdf").startswith(UPDATED)
    assert snapshot(project / "output") == cold(project, tmp_path, "--no-pdf")


def _new_item(project: Path) -> None:
    shutil.copytree(project / "content/dolls/hmong", project / "content/dolls/hmong-2")


def _renamed_over(project: Path) -> None:
    """An editor's save: the new text written to a new file, renamed over the old one."""
    path = project / "content/dolls/hmong/vi.md"
    tmp = path.with_name(".vi.md.swp")
    tmp.write_text(path.read_text(encoding="utf-8") + "\nMột câu.\n", encoding="utf-8")
    os.replace(tmp, path)


def _locale_made(project: Path) -> None:
    (project / "locale").mkdir()
    (project / "locale/README.txt").write_text("x")


# every way an input can change: (edit, whether the recorded files and folders, looked at
# again, can answer without listing the folders)
INPUT_EDITS: dict[str, tuple[Callable[[Path], None], bool]] = {
    "nothing": (lambda project: None, True),
    "story written in place": (_append("content/dolls/hmong/vi.md", "\nCâu mới.\n"), True),
    "story saved by renaming a new file over it": (_renamed_over, False),
    "file added to an item": (
        lambda project: (project / "content/dolls/hmong/notes.md").write_text("x"),
        False,
    ),
    "file added to an empty folder": (
        lambda project: (project / "templates/empty/new.html").write_text("x"),
        False,
    ),
    "file removed": (_drop_en, False),
    "item added": (_new_item, False),
    "missing input made": (_locale_made, False),
    "file touched": (lambda project: os.utime(project / "content/ocop/tea/item.yaml"), True),
}


@pytest.mark.parametrize("edit", list(INPUT_EDITS))
def test_the_inputs_looked_at_again_are_what_a_scan_finds(edit: str, tmp_path: Path) -> None:
    """The inputs are found by looking at the recorded files and folders again, without
    listing a folder, only while every folder is as recorded (`_restated_inputs`); the
    answer is then a fresh scan's, and any other change is found by a scan."""
    shutil.rmtree(tmp_path / "site", ignore_errors=True)
    (tmp_path / "site").mkdir()
    project = copy_project(tmp_path / "site")
    shutil.rmtree(project / "locale", ignore_errors=True)  # (an input not there)
    (project / "templates/empty").mkdir(parents=True)  # (a folder with no file)
    hour_ago = time.time_ns() - 3600 * 10**9
    for path in [project, *project.rglob("*")]:
        os.utime(path, ns=(hour_ago, hour_ago), follow_symlinks=False)
    project = project.resolve()
    build(project, "--no-pdf")
    last = lastbuild.recorded(project)
    assert last is not None and last["input_folders"]
    assert str(project / "templates/empty") in last["input_folders"].split("\n")
    assert last["input_absent"] == [str(project / "locale")]
    change, restated = INPUT_EDITS[edit]
    change(project)
    fresh = lastbuild.input_entries(project)
    again = lastbuild._restated_inputs(last)
    assert (again is not None) == restated
    if again is not None:
        assert again[0] == fresh
        assert again[1] == lastbuild.packed_scan(fresh[0])[1]
    found = lastbuild.changes(project, project / "output", "print=False")
    assert found is not None
    assert found.scan[0] == fresh[0]
    scanned = {e[0]: e[1:] for e in fresh[0]}
    recorded = dict(
        zip(
            last["input_paths"].split("\n"),
            zip(*[iter(array("q", last["input_states"]))] * 3, strict=True),
            strict=True,
        )
    )
    assert found.changed == {
        p for p in scanned.keys() | recorded.keys() if scanned.get(p) != recorded.get(p)
    }
    assert bool(found.changed) == (edit != "nothing")
