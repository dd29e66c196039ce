"""`check` lays out every item's sticker as the build does: a sticker the build cannot lay
out on its label is check's error too, with the build's own message, file, line and field."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from site_builder.check_cache import CheckCache
from site_builder.cli import main
from tests.helpers import copy_project
from tests.test_invalid_sites import CASES, apply_case

LONG_VI = (
    "title: Búp bê trong trang phục truyền thống của người Mông hoa ở thôn Nà Chì, xã Xín "
    "Mần, tỉnh Hà Giang, làm bằng tay\n"
)
TOO_LONG_EN = (
    "Error: content/dolls/hmong/vi.md:2: title: sticker XM-D01: its text does not fit on a "
    "L7160 label (63.5 × 38.1 mm) beside a 20 mm QR code, even at 6.0 pt; shorten the "
    "item's names (now 110 / 128 characters), choose a larger template or lower min_qr_mm."
)
TOO_LONG_VI = (
    "Lỗi: content/dolls/hmong/vi.md:2: title: tem XM-D01: chữ không vừa trên ô tem L7160 "
    "(63.5 × 38.1 mm) bên cạnh mã QR 20 mm, kể cả ở cỡ chữ 6.0 pt; hãy rút ngắn tên sản "
    "phẩm (hiện 110 / 128 ký tự), chọn loại giấy tem lớn hơn hoặc giảm min_qr_mm."
)


def run(
    project: Path, capsys: pytest.CaptureFixture[str], lang: str, *args: str
) -> tuple[int, str]:
    """The exit code and what the command printed (both streams)."""
    capsys.readouterr()
    code = main(["--project", str(project), "--lang", lang, *args])
    shown = capsys.readouterr()
    return code, shown.out + shown.err


def errors(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(("Error: ", "Lỗi: "))]


@pytest.fixture
def too_long(tmp_path: Path) -> Path:
    """The minimal project with a doll whose names do not fit on an L7160 sticker."""
    project = copy_project(tmp_path / "site", "minimal")
    apply_case(project, CASES / "sticker-title-too-long")
    return project


@pytest.mark.parametrize(("lang", "expected"), [("en", TOO_LONG_EN), ("vi", TOO_LONG_VI)])
def test_a_name_too_long_for_the_label_is_checks_error_with_the_builds_message(
    too_long: Path, capsys: pytest.CaptureFixture[str], lang: str, expected: str
) -> None:
    code, shown = run(too_long, capsys, lang, "check")
    assert code == 1
    assert errors(shown) == [expected]
    code, built = run(too_long, capsys, lang, "build")
    assert code == 1
    assert errors(built) == [expected]
    assert not (too_long / "output").exists()


def test_the_json_report_names_the_title_line_of_the_source_text(
    too_long: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, shown = run(too_long, capsys, "en", "check", "--format", "json")
    assert code == 1
    (error,) = json.loads(shown)["errors"]
    assert (error["file"], error["line"], error["field"]) == (
        "content/dolls/hmong/vi.md",
        2,
        "title",
    )
    assert error["message"] == TOO_LONG_EN.split(": title: ", 1)[1]


def test_names_that_fit_are_no_error_and_are_remembered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(tmp_path / "site", "minimal")
    code, shown = run(project, capsys, "en", "check")
    assert code == 0, shown
    assert errors(shown) == []
    remembered = CheckCache(project).table.data
    assert sum(key.startswith("sticker:") for key in remembered) == 2  # (both items fit)
    code, shown = run(project, capsys, "en", "check")
    assert code == 0 and errors(shown) == []


def test_a_new_version_of_the_layout_code_lays_every_sticker_out_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sticker's verdict is remembered under the tool's code too (`code_digest`): a
    changed layout rule (a larger line pitch) is not answered by what the old one found."""
    from site_builder.content import itemcache

    project = copy_project(tmp_path / "site", "minimal")
    assert run(project, capsys, "en", "check")[0] == 0
    before = {k for k in CheckCache(project).table.data if k.startswith("sticker:")}
    monkeypatch.setattr(itemcache, "code_digest", lambda cache_dir=None: "other code")
    assert run(project, capsys, "en", "check")[0] == 0
    after = {k for k in CheckCache(project).table.data if k.startswith("sticker:")}
    assert len(before) == len(after - before) == 2  # (laid out again, under new keys)


def test_a_smaller_label_makes_a_fitting_name_an_error_on_the_next_check(
    too_long: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the long names fit a custom label 99 mm wide; made 63.5 mm wide, they no longer do
    site = too_long / "site.yaml"
    base = site.read_text(encoding="utf-8")
    labels = (
        "labels:\n  shop:\n    description: the print shop's sheet\n    page_width: 210\n"
        "    page_height: 297\n    label_width: {w}\n    label_height: 38.1\n"
        "    columns: 1\n    rows: 7\n    left: 10\n    top: 10\n"
        "stickers:\n  template: shop\n"
    )
    site.write_text(base + labels.format(w=99), encoding="utf-8")
    code, shown = run(too_long, capsys, "en", "check")
    assert code == 0, shown
    site.write_text(base + labels.format(w=63.5), encoding="utf-8")
    code, shown = run(too_long, capsys, "en", "check")
    assert code == 1
    expected = TOO_LONG_EN.replace("L7160 label", "shop label")
    assert errors(shown) == [expected]
    code, built = run(too_long, capsys, "en", "build")
    assert code == 1 and errors(built) == [expected]


def test_a_payment_caption_too_long_names_the_account_holder_in_item_yaml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(tmp_path / "site", "minimal")
    item = project / "content/dolls/hmong/item.yaml"
    item.write_text(
        item.read_text(encoding="utf-8")
        + "payment:\n  bank: MB\n  account: '0000123456789'\n"
        + '  account_name: "CHI DOAN XA XIN MAN (VI DU)"\n',
        encoding="utf-8",
    )
    site = project / "site.yaml"
    site.write_text(
        site.read_text(encoding="utf-8") + "stickers:\n  template: L7163\n  show_payment: yes\n",
        encoding="utf-8",
    )
    line = (
        item.read_text(encoding="utf-8")
        .splitlines()
        .index('  account_name: "CHI DOAN XA XIN MAN (VI DU)"')
    )
    expected = (
        f"Error: content/dolls/hmong/item.yaml:{line + 1}: payment.account_name: sticker XM-D01: "
        "the payment caption ('Chuyển khoản / Pay / MB Bank / CHI DOAN XA XIN MAN (VI DU)') "
        "does not fit under a 20 mm payment QR code on a L7163 label (99.06 × 38.1 mm), even "
        "at 6.0 pt; shorten the payment label lines, choose a larger template such as L7173 "
        "(99.06 × 57 mm), lower min_qr_mm or print payment cards separately."
    )
    code, shown = run(project, capsys, "en", "check")
    assert code == 1
    assert errors(shown) == [expected]
    code, built = run(project, capsys, "en", "build")
    assert code == 1
    assert errors(built) == [expected]
    # on the larger label the sample's caption fits
    site.write_text(site.read_text(encoding="utf-8").replace("L7163", "L7173"), encoding="utf-8")
    code, shown = run(project, capsys, "en", "check")
    assert code == 0, shown


def test_a_check_after_an_edit_that_leaves_every_sticker_lays_none_out(tmp_path: Path) -> None:
    """The whole preview sheet's verdict is remembered (`check_stickers.sheet_key`): a
    check after a story edit that changes no sticker neither lays one out nor imports the
    layout, and keeps every sticker's own entry for the next edit that does."""
    import subprocess
    import sys

    project = copy_project(tmp_path / "site", "minimal")
    probe = (
        "import sys; from site_builder.cli import main; "
        f"code = main(['--project', {str(project)!r}, 'check']); "
        "print(code, 'site_builder.print.stickers' in sys.modules)"
    )

    def check() -> str:
        done = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, timeout=300
        )
        return done.stdout.splitlines()[-1]

    assert check() == "0 True"  # (the first: every sticker laid out)
    story = project / "content/dolls/hmong/vi.md"
    story.write_text(story.read_text(encoding="utf-8") + "\nMột câu mới.\n", encoding="utf-8")
    assert check() == "0 False"
    remembered = CheckCache(project).table.data
    assert sum(key.startswith("sticker:") for key in remembered) == 2
    assert sum(key.startswith("sheet:") for key in remembered) == 1


def test_a_changed_design_file_is_checked_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The sheet's verdict is keyed by the design file's bytes: a design broken after a
    check that passed is the next check's error, as it is the build's."""
    project = copy_project(tmp_path / "site", "minimal")
    assert run(project, capsys, "en", "check")[0] == 0
    designs = project / "templates/print/sticker-designs.yaml"
    designs.write_text("standard: [not, a, design\n", encoding="utf-8")
    code, shown = run(project, capsys, "en", "check")
    assert code == 1
    (error,) = errors(shown)
    assert error.startswith("Error: templates/print/sticker-designs.yaml:"), error
    code, built = run(project, capsys, "en", "build")
    assert code == 1 and errors(built) == [error]


def test_a_sticker_that_does_not_fit_is_reported_beside_the_other_errors(
    too_long: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A member fixes every error in one round: a broken link elsewhere does not hide the
    sticker the build would refuse (check laid stickers out only when nothing else was
    wrong, so the build refused it after the link was fixed)."""
    story = too_long / "content/ocop/tea/vi.md"
    story.write_text(story.read_text(encoding="utf-8") + "\n[Sai](/vi/ocop/tee/)\n")
    code, shown = run(too_long, capsys, "en", "check")
    assert code == 1
    assert errors(shown) == [
        TOO_LONG_EN,
        "Error: content/ocop/tea/vi.md:11: the link '/vi/ocop/tee/' leads to no page of this "
        "site. Did you mean /vi/ocop/tea/?",
    ]
    code, built = run(too_long, capsys, "en", "build")
    assert code == 1 and errors(built) == [TOO_LONG_EN]


def test_a_title_refused_for_its_letters_is_not_refused_again_for_its_length(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One error per title: a title with a letter the print font lacks is refused for it,
    not a second time by its sticker's layout."""
    project = copy_project(tmp_path / "site", "minimal")
    story = project / "content/dolls/hmong/vi.md"
    text = story.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title: "))
    story.write_text(text.replace(title, title + " 𓀀" + " rất dài" * 30), encoding="utf-8")
    code, shown = run(project, capsys, "en", "check")
    assert code == 1
    (error,) = errors(shown)
    assert error.startswith("Error: content/dolls/hmong/vi.md:2: title: '𓀀' (U+13000)"), error


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_stickers_shared_among_workers_give_the_same_verdicts(
    too_long: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    jobs: str,
) -> None:
    """The first check of a large catalogue lays its stickers out in the workers
    (`SHARED_FROM`): the same refusals, named the same, and the same stickers remembered;
    and the workers are new interpreters sent the stickers' contents, never an item or the
    site (forked workers reading the items took the check's memory from 623 to 1,638 MB at
    20,000 items; forked workers sent only the contents, to 1,043 MB)."""
    import io
    import pickle

    from site_builder import check_stickers, parallel
    from site_builder.content.model import Item, Site

    sent: list[tuple[object, ...]] = []
    real = parallel.parallel_map

    def spying(fn, args, shared=None, fresh=False, spawned=False):  # type: ignore[no-untyped-def]
        assert shared is None and spawned  # (new interpreters: no page of the site shared)
        sent.extend(args)
        return real(fn, args, shared, fresh, spawned)

    for n in (2, 3):  # (two more teas: four stickers for the workers, one a task)
        tea = too_long / "content/ocop" / f"tea{n}"
        shutil.copytree(too_long / "content/ocop/tea", tea)
        yaml = tea / "item.yaml"
        yaml.write_text(yaml.read_text("utf-8").replace("XM-P01", f"XM-P0{n}"), "utf-8")
    monkeypatch.setattr(parallel, "parallel_map", spying)
    monkeypatch.setenv("SITE_BUILDER_JOBS", jobs)
    monkeypatch.setattr(check_stickers, "SHARED_FROM", 0)  # (every sticker)
    monkeypatch.setattr(check_stickers, "TASK", 1)
    shared = run(too_long, capsys, "en", "check")
    remembered = {k for k in CheckCache(too_long).table.data if k.startswith("sticker:")}
    (too_long / ".site-builder-cache/check.json").unlink()
    monkeypatch.setattr(check_stickers, "SHARED_FROM", 10**9)
    alone = run(too_long, capsys, "en", "check")
    assert shared[0] == alone[0] == 1
    assert errors(shared[1]) == errors(alone[1]) == [TOO_LONG_EN]
    assert remembered == {k for k in CheckCache(too_long).table.data if k.startswith("sticker:")}
    assert len(remembered) == 3  # (the teas' stickers fit; the doll's does not)
    assert len(sent) == (4 if jobs == "2" else 0)
    reached: list[object] = []

    class Looking(pickle.Pickler):
        def persistent_id(self, obj: object) -> None:
            if isinstance(obj, Item | Site):
                reached.append(obj)

    Looking(io.BytesIO()).dump(sent)
    assert reached == []
