"""What passed in silence now says so (issue 16's newcomer review): a video player, a map
or a script pasted into a story is removed by the sanitiser, and a story left empty shows a
page of facts only. Both are warnings, named on their file and line by `build` (full and
in place) and by `check`, and the pages are still published."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import parse_html, run_cli
from tests.test_incremental import _append
from tests.test_quick_build import BUILT, UPDATED, project_of

VI = "content/dolls/hmong/vi.md"
EN = "content/dolls/hmong/en.md"
IFRAME = (
    "Warning: content/dolls/hmong/vi.md:12: the <iframe> in the story was removed: the site "
    "shows no players, scripts or forms from stories. Link to it instead, e.g. "
    "[Xem video](https://...)."
)
EMPTY = "Warning: content/dolls/hmong/en.md: the story is empty: the page shows the title and facts only."


def warnings_of(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("Warning:")]


def with_video(project: Path) -> None:
    _append(VI, '\nXem video:\n\n<iframe src="https://www.youtube.com/embed/x"></iframe>\n')(
        project
    )


def emptied(project: Path) -> None:
    path = project / EN
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("---", 3) + 4], encoding="utf-8")  # the front matter only


def test_build_names_a_removed_player_and_an_empty_story(tmp_path: Path) -> None:
    project = project_of(tmp_path)
    with_video(project)
    emptied(project)
    done = run_cli(project, "build", "--no-pdf")
    assert done.code == 0, done.err
    assert done.out.startswith(BUILT)
    assert warnings_of(done.out + done.err) == [IFRAME, EMPTY]
    page = parse_html(project / "output/vi/dolls/hmong/index.html")
    assert not list(page.iter("iframe"))  # (removed, as before: now said)
    checked = run_cli(project, "check", "--format", "json")
    found = [w for w in json.loads(checked.out)["warnings"] if "story" in w["message"]]
    assert found == [
        {
            "file": VI,
            "line": 12,
            "field": None,
            "message": "the <iframe> in the story was removed: the site shows no players, "
            "scripts or forms from stories.",
            "hint": "Link to it instead, e.g. [Xem video](https://...).",
        },
        {
            "file": EN,
            "line": None,
            "field": None,
            "message": "the story is empty: the page shows the title and facts only.",
            "hint": "",
        },
    ]


def test_an_update_in_place_names_them_too(tmp_path: Path) -> None:
    project = project_of(tmp_path)
    assert run_cli(project, "build", "--no-pdf").out.startswith(BUILT)
    with_video(project)
    done = run_cli(project, "build", "--no-pdf")
    assert done.out.startswith(UPDATED), done.out
    assert warnings_of(done.out + done.err) == [IFRAME]


def test_the_warning_in_vietnamese(tmp_path: Path) -> None:
    project = project_of(tmp_path)
    with_video(project)
    done = run_cli(project, "--lang", "vi", "build", "--no-pdf")
    lines = [line for line in (done.out + done.err).splitlines() if line.startswith("Cảnh báo:")]
    assert lines == [
        "Cảnh báo: content/dolls/hmong/vi.md:12: thẻ <iframe> trong bài viết đã bị bỏ đi: "
        "trang web không hiện trình phát, mã lệnh hay biểu mẫu từ bài viết. Hãy đặt liên kết "
        "tới nó, ví dụ [Xem video](https://...)."
    ]


def test_the_sample_has_neither(sample_site: Path) -> None:
    done = run_cli(sample_site, "check", "--format", "json")
    assert not [w for w in json.loads(done.out)["warnings"] if "story" in w["message"]]
