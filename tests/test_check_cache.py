"""`check` remembers what it derives per story and per file (site_builder/check_cache.py):
after each kind of edit it reports exactly what a check with no such memory reports, it
derives again only what the edit touched, and a damaged memory is ignored."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import site_builder.check as check_module
import site_builder.translated as translated
from site_builder import lastbuild
from site_builder.cache import CACHE_DIR, Table
from site_builder.check import CheckReport, check, mark_translated
from site_builder.cli import main
from site_builder.filestate import state_of

HOUR = 3600 * 10**9
MEMORY = Path(CACHE_DIR) / "check.json"
JOURNAL = Path(CACHE_DIR) / "check.journal.json"


def _age(project: Path) -> None:
    """Every file an hour old: settled, so the check may remember it (filestate.RACY_NS)."""
    old = time.time_ns() - HOUR
    for path in project.rglob("*"):
        if path.is_file() and CACHE_DIR not in path.parts:
            os.utime(path, ns=(old, old))


_edits = 0


def _edit(project: Path, rel: str, change: Callable[[str], str]) -> None:
    """Change a file as a member would, then date it in the past (a state never seen
    before, and settled: the check may remember what it finds in it)."""
    global _edits
    _edits += 1
    path = project / rel
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    when = time.time_ns() - HOUR + _edits * 10**9
    os.utime(path, ns=(when, when))


def _seen(report: CheckReport) -> tuple[object, ...]:
    return (
        report.as_json(),
        [str(e) for e in report.errors],
        [str(w) for w in report.warnings],
    )


def _without_memory(project: Path) -> CheckReport:
    """The check computing everything: no check.json (it writes one; set back after)."""
    kept = {}
    for memory in (project / MEMORY, project / JOURNAL):
        if memory.exists():
            kept[memory] = memory.read_bytes()
            memory.unlink()
    try:
        return check(project)
    finally:
        for memory, data in kept.items():
            memory.write_bytes(data)


class Counted:
    """How often check.py and translated.py derive hashes (the real functions, counted in a
    file: the translations are worked out by the process `check` forks). A story's links
    are not the check's to derive: they are found where the story is converted and come
    with the loaded item (`Translation.links`)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        self.log = tmp_path / "calls"
        self.log.write_text("")
        self.names = ("source_hash", "recorded_hash")
        for module in (check_module, translated):
            for name in self.names:
                if hasattr(module, name):  # (check.py uses translated.py's hashes too)
                    monkeypatch.setattr(
                        module, name, self._counting(name, getattr(translated, name))
                    )

    def _counting(self, name: str, real: Callable[..., object]) -> Callable[..., object]:
        def counting(*args: object) -> object:
            with self.log.open("a") as log:  # (one line each, whichever process calls)
                log.write(name + "\n")
            return real(*args)

        return counting

    def reset(self) -> dict[str, int]:
        lines = self.log.read_text().split()
        self.log.write_text("")
        return {name: lines.count(name) for name in self.names}


def _project(minimal: Path) -> Path:
    _age(minimal)
    assert check(minimal).errors == []  # fills the memory
    assert (minimal / MEMORY).is_file()
    return minimal


def _same_as_without_memory(project: Path) -> CheckReport:
    remembered = check(project)
    assert _seen(remembered) == _seen(_without_memory(project))
    return remembered


def test_unchanged_project_derives_nothing_again(
    minimal: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # one story with a link (the fixture's others have no `a` or `img` tag: never parsed)
    _edit(minimal, "content/dolls/hmong/vi.md", lambda t: t + "\nXem [chè](/vi/ocop/tea/).\n")
    project = _project(minimal)
    counted = Counted(monkeypatch, tmp_path)
    report = check(project)
    assert counted.reset() == {"source_hash": 0, "recorded_hash": 0}
    assert _seen(report) == _seen(_without_memory(project))
    assert counted.reset()["source_hash"] > 0  # without the memory, hashed again


def test_broken_link_added_then_removed(
    minimal: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    project = _project(minimal)
    counted = Counted(monkeypatch, tmp_path)
    story = "content/dolls/hmong/vi.md"
    link = "\nXem [chè](/vi/ocop/tee/) và [thăm](../../pages/visit/).\n"
    _edit(project, story, lambda text: text + link)
    report = check(project)
    # only the edited story's hash is computed again
    assert counted.reset() == {"source_hash": 1, "recorded_hash": 0}
    assert [(Path(e.path).name, e.line, str(e.message)) for e in report.errors] == [
        ("vi.md", 10, "the link '/vi/ocop/tee/' leads to no page of this site.")
    ]
    assert _seen(report) == _seen(_without_memory(project))
    _edit(project, story, lambda text: text.replace(link, "\n"))
    report = _same_as_without_memory(project)
    assert report.errors == []


def test_a_link_breaks_when_its_target_goes_though_the_story_did_not_change(
    minimal: Path,
) -> None:
    """The memory holds the links a story contains, never whether they lead somewhere."""
    project = _project(minimal)
    _edit(project, "content/dolls/hmong/vi.md", lambda t: t + "\nXem [mã](/Q/XM-D01).\n")
    assert _same_as_without_memory(project).errors == []
    _edit(project, "content/dolls/hmong/item.yaml", lambda t: t.replace("XM-D01", "XM-D02"))
    report = _same_as_without_memory(project)
    assert [str(e.message) for e in report.errors] == [
        "the link '/Q/XM-D01' leads to no page of this site."
    ]


def test_code_changed_to_one_too_long_for_the_qr_limit(minimal: Path) -> None:
    """QR versions are remembered under what they encode: a new code is encoded, and
    the error names the same size as a check computing everything."""
    project = _project(minimal)
    keys = Table(project / MEMORY).data.keys()
    assert sum(k.startswith("qr:") for k in keys) == 2  # XM-D01 and the tea's code
    _edit(
        project, "content/dolls/hmong/item.yaml", lambda t: t.replace("XM-D01", "XINMAN-DOLL-0001")
    )
    _edit(project, "site.yaml", lambda t: t + "qr:\n  max_version: 2\n")
    report = _same_as_without_memory(project)
    assert [str(e) for e in report.errors] == [
        f"{project.resolve()}/content/dolls/hmong/item.yaml:1: code: the code XINMAN-DOLL-0001 "
        "makes the QR code HTTPS://XM.EXAMPLE.VN/Q/XINMAN-DOLL-0001 need version 3 (29x29 "
        "modules); the limit is 2. Use a shorter code, e.g. XM-D01, so the QR stays small and "
        "easy to scan (or raise qr.max_version in site.yaml if your stickers are large)."
    ]
    assert _same_as_without_memory(project).errors == report.errors  # remembered now


def test_translation_marked_then_made_stale_then_marked_again(minimal: Path) -> None:
    project = _project(minimal)
    en = project / "content/dolls/hmong/en.md"

    def status(report: CheckReport) -> str:
        return next(t.status for t in report.translations if t.file == en)

    assert status(_same_as_without_memory(project)) == "unknown"
    mark_translated(project, en)
    _edit(project, "content/dolls/hmong/en.md", lambda t: t)  # settled, a new state
    assert status(_same_as_without_memory(project)) == "current"
    _edit(project, "content/dolls/hmong/vi.md", lambda t: t + "\nMột câu mới.\n")
    report = _same_as_without_memory(project)
    assert status(report) == "stale"
    assert any(
        "stale: vi.md changed after this translation was made." in str(w) for w in report.warnings
    )
    mark_translated(project, en)
    _edit(project, "content/dolls/hmong/en.md", lambda t: t)
    assert status(_same_as_without_memory(project)) == "current"


def test_translation_removed_and_linked_item_renamed(minimal: Path) -> None:
    project = _project(minimal)
    _edit(project, "content/dolls/hmong/vi.md", lambda t: t + "\n[Chè](/vi/ocop/tea/)\n")
    assert _same_as_without_memory(project).errors == []
    (project / "content/dolls/hmong/en.md").unlink()
    (project / "content/ocop/tea").rename(project / "content/ocop/tra")
    _edit(project, "booklets/gifts.yaml", lambda t: t.replace("ocop/tea", "ocop/tra"))
    report = _same_as_without_memory(project)
    assert [(str(e.message), str(e.hint)) for e in report.errors] == [
        ("the link '/vi/ocop/tea/' leads to no page of this site.", "Did you mean /vi/ocop/tra/?")
    ]
    assert [t.status for t in report.translations if t.key == "dolls/hmong"] == ["missing"]


def test_a_story_edited_within_two_seconds_is_not_remembered(minimal: Path) -> None:
    """A file changed just now could change again with the same state: not stored."""
    project = _project(minimal)
    vi = project / "content/dolls/hmong/vi.md"
    vi.write_text(vi.read_text(encoding="utf-8") + "\nMới.\n", encoding="utf-8")
    check(project)
    keys = Table(project / MEMORY, journal=True).data.keys()
    assert any(k.startswith("source:") for k in keys)  # the other stories' are remembered
    now = state_of(vi.resolve())
    assert now is not None
    assert "source:" + "\0".join(map(str, now)) not in keys


@pytest.mark.parametrize("damage", ["garbage", "truncated", "wrong shapes"])
def test_a_damaged_memory_is_ignored(minimal: Path, damage: str) -> None:
    project = _project(minimal)
    _edit(project, "content/dolls/hmong/vi.md", lambda t: t + "\n[Sai](/vi/ocop/tee/)\n")
    expected = _seen(_without_memory(project))
    assert expected[1] != []  # a broken link to find
    memory = project / MEMORY
    check(project)
    if damage == "garbage":
        memory.write_bytes(b"\x00not json at all\xff")
    elif damage == "truncated":
        memory.write_bytes(memory.read_bytes()[:-40])
    else:  # a sealed file whose entries are not what they should be
        table = Table(memory)
        for key in list(table.data):
            kind = key.split(":", 1)[0]
            wrong = {
                "links": 42,
                "source": "not-a-hash",
                "recorded": ["x", -1],
                "qr": 99,
                "sticker": "yes",
                "sheet": 1,
            }
            table.put(key, wrong[kind])
        table.save()
        assert Table(memory).data  # the seal holds: only the entries are wrong
    assert _seen(check(project)) == expected
    assert _seen(check(project)) == expected  # and the memory written again is sound


def test_cli_output_unchanged_with_memory(
    minimal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(minimal)
    args = ["--project", str(project), "--lang", "vi", "check"]
    assert main(args) == 0
    remembered = capsys.readouterr().out
    (project / MEMORY).unlink()
    assert main(args) == 0
    assert capsys.readouterr().out == remembered


def test_paths_in_messages_resolve_as_path_resolve_does(tmp_path: Path) -> None:
    """The warnings name files relative to the project as `Path.resolve` sees them; the
    check resolves each folder once (symbolic links to a folder or a file, and a link
    leading out of the project, included)."""
    from site_builder.check import _rel

    root = tmp_path / "site"
    (root / "content/dolls/hmong").mkdir(parents=True)
    (root / "content/dolls/hmong/en.md").write_text("x", encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere/en.md").write_text("y", encoding="utf-8")
    (root / "content/dolls/dao").symlink_to(root / "content/dolls/hmong")
    (root / "content/dolls/outside").symlink_to(tmp_path / "elsewhere")
    (root / "content/dolls/hmong/vi.md").symlink_to(tmp_path / "elsewhere/en.md")
    paths = [
        root / "content/dolls/hmong/en.md",
        root / "content/dolls/hmong/vi.md",
        root / "content/dolls/hmong/missing.md",
        root / "content/dolls/dao/en.md",
        root / "content/dolls/outside/en.md",
        root / "content/dolls/hmong/../dao/en.md",
    ]
    memo: dict[str, str] = {}
    for path in paths:
        assert _rel(path, root.resolve(), memo) == _rel(path, root.resolve()), path
    assert _rel(paths[3], root.resolve(), memo) == "content/dolls/hmong/en.md"


def test_a_memory_that_cannot_be_written_changes_nothing(minimal: Path) -> None:
    """check.json is a folder (it cannot be read or replaced): the check reports the
    same, and still saves the build cache's own tables."""
    project = _project(minimal)
    memory = project / MEMORY
    memory.unlink()
    memory.mkdir()
    markdown = project / CACHE_DIR / "markdown.json"
    before = markdown.read_bytes()
    _edit(project, "content/dolls/hmong/vi.md", lambda t: t + "\n[Sai](/vi/ocop/tee/)\n")
    seen = _seen(check(project))
    assert memory.is_dir()
    assert markdown.read_bytes() != before  # the edited story's Markdown was remembered
    memory.rmdir()
    assert seen == _seen(_without_memory(project))
    assert seen[1] != []  # the broken link


def test_error_locations_resolved_once_per_folder_match_path_resolve(tmp_path: Path) -> None:
    """`check` shows thousands of warnings resolving each folder once (errors.realpath):
    each location must be what `Path.resolve` gives, through symbolic links, and outside
    the project."""
    from site_builder.errors import ContentError

    root = tmp_path / "project"
    real_item = tmp_path / "elsewhere" / "doll"
    real_item.mkdir(parents=True)
    (real_item / "vi.md").write_text("x", encoding="utf-8")
    (root / "content" / "dolls").mkdir(parents=True)
    (root / "content" / "dolls" / "hmong").mkdir()
    (root / "content" / "dolls" / "hmong" / "en.md").write_text("x", encoding="utf-8")
    (root / "content" / "dolls" / "linked").symlink_to(real_item)
    (root / "content" / "dolls" / "hmong" / "vi.md").symlink_to(real_item / "vi.md")
    (root / "content" / "dolls" / "inside").symlink_to(root / "content" / "dolls" / "hmong")
    paths = [
        root / "content" / "dolls" / "hmong" / "en.md",
        root / "content" / "dolls" / "hmong" / "vi.md",
        root / "content" / "dolls" / "linked" / "vi.md",
        root / "content" / "dolls" / "inside" / "en.md",
        root / "content" / "dolls" / "hmong" / ".." / "hmong" / "en.md",
        tmp_path / "elsewhere" / "doll" / "vi.md",
        root / "site.yaml",  # does not exist
        root,  # the project itself: "."
        tmp_path / "project2" / "vi.md",  # a sibling whose name starts like the project's
    ]
    real: dict[str, str] = {}
    for path in paths:
        error = ContentError(path, 3, "title", "Something.")
        assert error.location(root, real) == error.location(root), path
        assert error.format_localized(root, real) == error.format_localized(root)
    assert ContentError(paths[3], 3, None, "x").location(root, real) == (
        "content/dolls/hmong/en.md:3"
    )


MAY_LINK = [
    '<p>See <a href="/vi/">home</a></p>',
    '<P>See <A HREF="/vi/">home</A></P>',
    "<a\nhref='/x/'>x</a>",
    "<a\thref=/x/>x</a>",
    "<img/src=/media/x.webp>",
    '<img src="/media/x.webp" alt="">',
    "<IMG SRC=/media/x.webp>",
    "<a>no href</a> <a href=''>empty</a>",
    "<p>1 &lt; 2 and <a href=/q>q</a></p>",
]
NO_LINK = [
    "<p>Chè Shan tuyết, mật ong rừng.</p>",
    "<p><abbr title='x'>HTX</abbr> <aside>x</aside> <image>x</image></p>",
    "<p>&lt;a href=/escaped/&gt; is text</p>",
    "<pre><code>&lt;img src=x&gt;</code></pre>",
    "",
]


@pytest.mark.parametrize("html", MAY_LINK + NO_LINK)
def test_a_story_is_parsed_for_links_whenever_the_parser_would_find_one(html: str) -> None:
    """`may_link` lets only stories without an `a`/`img` tag skip the parser: whatever
    the parser finds a link in, it says may link (and it rules out the plain ones)."""
    from site_builder.markdown import links_in, may_link

    if links_in(html):
        assert may_link(html), html
    if html in NO_LINK:
        assert not may_link(html) and links_in(html) == [], html


def test_the_link_prefilter_misses_nothing_in_generated_html() -> None:
    """Random tag soup around `a`/`img` tags, any case, any separator: the parser never
    finds a link where `may_link` says there is none."""
    import random

    from site_builder.markdown import links_in, may_link

    rng = random.Random(16)
    noise = ["", " ", "x", "<p>", "</a>", "&lt;a ", "<abbr>", "<!-- <a href=c> -->", "<b"]
    found = 0
    for _ in range(3000):
        name = rng.choice(["a", "A", "img", "IMG", "iMg", "abbr", "image", "ax"])
        attr = rng.choice(["href", "HREF", "src", "Src", "title"])
        quote = rng.choice(["", '"', "'"])
        gap = rng.choice([" ", "\n", "\t", "/", "  ", "\r\n"])
        end = rng.choice([">", "/>", " >", ""])
        tag = f"<{name}{gap}{attr}={quote}/x/{quote}{end}"
        html = rng.choice(noise) + tag + rng.choice(noise)
        if links_in(html):
            found += 1
            assert may_link(html), html
    assert found > 50  # the generator does make links


def test_translations_worked_out_ahead_are_what_the_check_itself_finds(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The translations' freshness comes from the process the check forks
    (`translated.translations_ahead`); when that process dies, the check works it out
    itself, to the same report (statuses, warnings and their paths, errors)."""
    _age(minimal)
    # a translation stale: its source changed after it recorded the source's hash
    marked = mark_translated(minimal, minimal / "content/dolls/hmong/en.md")
    assert marked[2]
    source = "content/dolls/hmong/vi.md"
    _edit(minimal, source, lambda text: text + "\nMột câu mới.\n")
    ahead = check(minimal)
    statuses = {(t.key, t.lang): t.status for t in ahead.translations}
    assert "stale" in statuses.values(), statuses
    assert any("stale:" in str(w.message) for w in ahead.warnings)

    def dies(*_args: object) -> None:
        os.kill(os.getpid(), 9)

    monkeypatch.setattr(translated, "translations_ahead", dies)
    itself = check(minimal)
    assert _seen(itself) == _seen(ahead)


@pytest.mark.parametrize("other", ["works", "is killed"])
def test_translations_worked_out_by_two_processes_are_those_of_one(
    minimal: Path, monkeypatch: pytest.MonkeyPatch, other: str, tmp_path: Path
) -> None:
    """Many folders (here: from one on) whose sources' hashes are mostly unknown (the first
    check) are halved between the look-ahead process and a second one it forks
    (`translated._statuses_halved`): the same report as one process makes, with the
    memory of both halves kept; when the second process dies, the first works its half
    out. Once they are known, no second process is forked."""
    _age(minimal)
    marked = mark_translated(minimal, minimal / "content/dolls/hmong/en.md")
    assert marked[2]
    _edit(minimal, "content/dolls/hmong/vi.md", lambda text: text + "\nMột câu mới.\n")
    _edit(minimal, "content/ocop/tea/vi.md", lambda text: text + "\nTrà mới.\n")
    expected = _seen(_without_memory(minimal))
    monkeypatch.setattr(translated, "HALVED_FROM", 1)
    forked = tmp_path / "forked"
    found_in = translated._found_in

    def other_half(*args: Any) -> Any:
        forked.write_text("yes")
        if other == "is killed":
            os.kill(os.getpid(), 9)
        return found_in(*args)

    monkeypatch.setattr(translated, "_found_in", other_half)
    (minimal / MEMORY).unlink(missing_ok=True)
    (minimal / JOURNAL).unlink(missing_ok=True)
    halved = check(minimal)
    assert _seen(halved) == expected
    assert "stale" in {t.status for t in halved.translations}
    sources = {k for k in Table(minimal / MEMORY, journal=True).data if k.startswith("source:")}
    folders = {t.source.parent.name for t in halved.translations}
    assert len(folders) >= 2  # (both halves: each remembers its sources' hashes)
    assert {Path(k[len("source:") :].split("\0")[0]).parent.name for k in sources} == folders
    assert forked.exists()
    forked.unlink()
    _edit(minimal, "content/ocop/tea/vi.md", lambda text: text + "\nLần nữa.\n")
    again = check(minimal)
    assert not forked.exists()  # (the hashes are known: one process)
    assert _seen(again) == _seen(_without_memory(minimal))


LAST_CHECK = Path(CACHE_DIR) / check_module.LAST_CHECK


def _loaded(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The sites `check` loads from now on (`load_site` calls, counted)."""
    from site_builder.content import loader

    calls: list[object] = []
    real = loader.load_site

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(args[0])
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "load_site", counting)
    return calls


def test_a_check_with_nothing_changed_gives_the_last_report_without_loading(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checked again with no file changed (the tool's own included) since the last check
    and the last build: that check's report, the site not loaded; after an edit, a check
    made anew, equal to one without any memory."""
    project = _project(minimal)  # (checked once: the report is remembered)
    assert run_cli_build(project) == 0
    first = check(project)
    assert (project / LAST_CHECK).is_file()
    loads = _loaded(monkeypatch)
    again = check(project)
    assert loads == [] and _seen(again) == _seen(first)
    assert (again.items_kept, again.items_loaded) == (0, 0)
    _edit(project, "content/dolls/hmong/vi.md", lambda text: text + "\nMột câu mới.\n")
    after = check(project)
    assert len(loads) == 1  # (made anew)
    assert _seen(after) == _seen(_without_memory(project))
    assert _seen(after) != _seen(first)  # (the English text is stale now)


def run_cli_build(project: Path) -> int:
    return main(["--project", str(project), "build", "--no-pdf"])


@pytest.mark.parametrize(
    "damage",
    ["truncated", "garbage", "another report's seal"],
)
def test_a_damaged_remembered_report_is_not_used(
    minimal: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    project = _project(minimal)
    assert run_cli_build(project) == 0
    first = check(project)
    path = project / LAST_CHECK
    data = path.read_bytes()
    path.write_bytes(
        {
            "truncated": data[: len(data) // 2],
            "garbage": bytes(255 - b for b in data),
            "another report's seal": b"0" * 64 + data[64:],
        }[damage]
    )
    loads = _loaded(monkeypatch)
    again = check(project)
    assert len(loads) == 1 and _seen(again) == _seen(first)


def test_a_file_changed_just_before_the_check_is_not_trusted_by_its_state(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file changed within two seconds of the check's scan could change again with the
    same state: that check's report is not remembered, and the next check is made."""
    project = _project(minimal)
    assert run_cli_build(project) == 0
    check(project)
    (project / LAST_CHECK).unlink()
    story = project / "content/dolls/hmong/vi.md"
    story.write_text(story.read_text(encoding="utf-8") + "\nVừa sửa.\n", encoding="utf-8")
    check(project)  # (the story: changed now, racy)
    assert not (project / LAST_CHECK).exists()
    loads = _loaded(monkeypatch)
    check(project)
    assert len(loads) == 1


def test_the_item_cache_is_read_ahead_unless_the_last_report_may_answer(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the other process looks for the changes, `check` reads the item cache ahead,
    unless the last check's report may be the answer: not after a build (the report's key
    holds the last build's output), so an edit, a build, then `check` does not wait."""
    import site_builder.content.itemcache as itemcache

    project = _project(minimal)
    reads: list[Path] = []
    read_ahead = itemcache.read_ahead
    monkeypatch.setattr(
        itemcache, "read_ahead", lambda root: reads.append(root) or read_ahead(root)
    )
    assert run_cli_build(project) == 0
    check(project)
    assert len(reads) == 1 and (project / LAST_CHECK).is_file()  # (no report yet: read)
    check(project)
    assert len(reads) == 1  # (nothing changed: the report answers, nothing read)
    _edit(project, "content/dolls/hmong/vi.md", lambda text: text + "\nMột câu mới.\n")
    assert run_cli_build(project) == 0
    assert check_module._may_be_remembered(project) is False
    reads.clear()  # (the build read it too)
    after = check(project)
    assert len(reads) == 1 and _seen(after) == _seen(_without_memory(project))


def test_the_inputs_parts_are_counted_where_the_forked_processes_expect_them() -> None:
    import typing

    assert len(typing.get_args(lastbuild.Inputs)) == lastbuild.INPUT_PARTS


def test_after_an_edit_and_a_build_the_forked_process_answers_what_it_works_out(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process `check` forks (check_ahead.py) works out the translations' freshness
    and the sticker settings while the check loads the site; the check takes its answers
    instead of working them out again (when that process failed on the inputs' new
    shape, the check did both itself: the same report, ~0.1 s later at 2,000 items)."""
    from site_builder import check_ahead

    project = _project(minimal)
    assert run_cli_build(project) == 0
    _edit(project, "content/dolls/hmong/vi.md", lambda text: text + "\nMột câu mới.\n")
    assert run_cli_build(project) == 0
    here: list[str] = []  # (calls in this process: the forked one's stay there)
    statuses_in, settings_errors = check_module.statuses_in, check_ahead.settings_errors
    monkeypatch.setattr(
        check_module,
        "statuses_in",
        lambda *args: here.append("translations") or statuses_in(*args),
    )
    monkeypatch.setattr(
        check_ahead,
        "settings_errors",
        lambda config: here.append("sticker settings") or settings_errors(config),
    )
    after = check(project)
    assert here == []
    assert _seen(after) == _seen(_without_memory(project))


def test_a_remembered_report_is_made_again_as_it_was(tmp_path: Path) -> None:
    """The columns a report is pickled as (`CheckReport.__reduce__`) make the same report
    again: paths as paths and strings as strings, messages with their values."""
    import io

    from site_builder.content.itemcache import _dumps, _Unpickler
    from site_builder.errors import ContentError
    from site_builder.messages import Msg
    from site_builder.translated import TranslationStatus

    root = tmp_path
    report = CheckReport(
        root,
        "vi",
        [ContentError(root / "a/item.yaml", 3, "code", Msg("bad {n}", n=1), "plain hint")],
        [
            ContentError("site.yaml", None, None, "plain", Msg("raise {name}", name="x")),
            ContentError(root / "c/en.md", 7, None, Msg("m {source}", source="vi.md"), Msg("k")),
        ],
        [TranslationStatus("dolls/c", "en", "stale", root / "c/en.md", root / "c/vi.md", "a", "b")],
        3,
        4,
        {"/x": "/y"},
    )
    again = _Unpickler(io.BytesIO(_dumps(report))).load()
    assert again == report
    assert [type(w.path) for w in again.warnings] == [str, type(root)]
    messages = [m for w in again.warnings for m in (w.message, w.hint)]
    assert [(m.template, m.params) if isinstance(m, Msg) else m for m in messages] == [
        "plain",
        ("raise {name}", {"name": "x"}),
        ("m {source}", {"source": "vi.md"}),
        ("k", {}),
    ]
    assert again.translations[0].file == root / "c/en.md"
    assert (again.items_kept, again.items_loaded, again.resolved) == (3, 4, {"/x": "/y"})


@pytest.mark.parametrize("ahead", ["found ahead", "process killed", "other settings read"])
def test_a_label_too_small_for_the_codes_is_an_error_of_site_yaml(
    minimal: Path, monkeypatch: pytest.MonkeyPatch, ahead: str
) -> None:
    """The sticker settings are checked by the process `check` forks (it reads site.yaml
    too) or, when it could not or read other settings, by the check itself: the same
    error either way."""
    from site_builder import check_ahead

    site_yaml = minimal / "site.yaml"
    site_yaml.write_text(site_yaml.read_text() + "stickers:\n  template: L7651\n")
    line = site_yaml.read_text().splitlines().index("stickers:") + 1
    if ahead == "process killed":

        def dies(root: Path) -> object:
            os.kill(os.getpid(), 9)
            return None

        monkeypatch.setattr(check_ahead, "settings_ahead", dies)
    elif ahead == "other settings read":
        monkeypatch.setattr(check_ahead, "settings_ahead", lambda root: (("other",), []))
    report = check(minimal)
    assert [(Path(e.path).name, e.line, e.field, str(e.message)) for e in report.errors] == [
        (
            "site.yaml",
            line,
            "stickers",
            "label L7651 is 38.1 × 21.17 mm; a 20 mm QR code (26.4 mm with its quiet zone) "
            "with its text needs at least 44.9 × 29.4 mm (text beside the code) or "
            "29.4 × 32.4 mm (text below it); choose a larger template or lower min_qr_mm.",
        )
    ]


def test_after_story_edits_since_the_last_build_its_qr_sizes_are_not_looked_up_again(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only stories changed since the last good build: its codes and QR settings are the
    ones it checked, so `check` does not look their QR sizes up again (an update does not
    either), and keeps their entries in check.json; the report is a full check's."""
    from site_builder.check_cache import CheckCache

    project = _project(minimal)
    assert run_cli_build(project) == 0
    _edit(project, "content/dolls/hmong/vi.md", lambda text: text + "\nMột câu mới.\n")
    looked: list[str] = []
    qr_version = CheckCache.qr_version

    def watched(self: CheckCache, data: str, *args: object) -> int:
        looked.append(data)
        return qr_version(self, data, *args)  # type: ignore[arg-type]

    with monkeypatch.context() as m:
        m.setattr(CheckCache, "qr_version", watched)
        report = check(project)
    assert looked == []
    assert sum(k.startswith("qr:") for k in Table(project / MEMORY, journal=True).data) == 2
    lastbuild.forget(project)  # (no record: the QR sizes are looked up)
    with monkeypatch.context() as m:
        m.setattr(CheckCache, "qr_version", watched)
        assert _seen(check(project)) == _seen(report)
    assert len(looked) == 2
