"""Work spread over worker processes gives exactly what one process gives.

Small sites are loaded and rendered in one process (starting workers would cost more);
here the thresholds are lowered so that the sample and the broken sites take the
parallel paths, and their output and errors are compared with the serial ones.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from site_builder import build as build_module
from site_builder import compress
from site_builder.build import build
from site_builder.content import loader
from site_builder.errors import ErrorList
from tests.helpers import copy_project, snapshot
from tests.test_invalid_sites import CASES, apply_case


def parallel_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITE_BUILDER_JOBS", "2")
    monkeypatch.setattr(loader, "PARALLEL_FROM", 1)
    monkeypatch.setattr(build_module, "PARALLEL_FROM", 2)
    monkeypatch.setattr(compress, "PARALLEL_FROM", 1)  # (workers receive the staging folder)


def test_parallel_build_equals_serial_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = copy_project(tmp_path / "site", "sample")
    monkeypatch.setenv("SITE_BUILDER_JOBS", "1")
    build(project, tmp_path / "serial", use_cache=False)
    parallel_everywhere(monkeypatch)
    build(project, tmp_path / "parallel", use_cache=False)
    serial = snapshot(tmp_path / "serial")
    assert serial and snapshot(tmp_path / "parallel") == serial
    build(project, tmp_path / "parallel-cached")  # through the cache as well
    assert snapshot(tmp_path / "parallel-cached") == serial


@pytest.mark.parametrize("case", ["several-errors", "duplicate-code", "missing-image"])
def test_parallel_loading_reports_the_same_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    project = copy_project(tmp_path / "site", "minimal")
    apply_case(project, CASES / case)
    monkeypatch.setenv("SITE_BUILDER_JOBS", "1")
    with pytest.raises(ErrorList) as serial:
        loader.load_site(project)
    parallel_everywhere(monkeypatch)
    with pytest.raises(ErrorList) as parallel:
        loader.load_site(project)
    assert [e.format_localized(project) for e in parallel.value.errors] == [
        e.format_localized(project) for e in serial.value.errors
    ]
    assert parallel.value.errors


def test_a_template_error_in_a_worker_is_reported_like_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from site_builder.errors import ContentError

    project = copy_project(tmp_path / "site", "minimal")
    item = project / "templates/item.html"
    item.write_text(item.read_text().replace("{{ item.title }}", "{{ item.no_such_field }}"))
    messages = []
    for parallel in (False, True):
        if parallel:
            parallel_everywhere(monkeypatch)
        with pytest.raises(ContentError) as info:
            build(project, use_cache=False)
        messages.append(info.value.format(project))
    assert messages[0] == messages[1]
    assert messages[0].startswith("templates/item.html:")
    assert not (project / "output").exists()


def test_stories_converted_by_workers_are_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from site_builder import markdown

    project = copy_project(tmp_path / "site", "sample")
    parallel_everywhere(monkeypatch)
    build(project, with_print=False)  # stories converted in worker processes
    story = project / "content/dolls/hmong/en.md"
    story.write_text(story.read_text() + "\nA new sentence about deep indigo.\n")
    monkeypatch.setenv("SITE_BUILDER_JOBS", "1")  # in this process, to count
    converted: list[str] = []
    real = markdown.converted  # (Python-Markdown's or markdown_plain's: both pass here)

    def counting(text: str) -> str:
        converted.append(text)
        return real(text)

    monkeypatch.setattr(markdown, "converted", counting)
    build(project, with_print=False)
    assert len(converted) == 1 and "deep indigo" in converted[0]


def test_photos_hashed_by_workers_are_not_read_again_by_the_main_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loading workers hash each item photo they check (content/images.py
    `photo_digest`) and send the digests back; the main process names the derivatives
    from them without reading any item photo again (a booklet's cover is checked, and so
    hashed, in the main process), and the next build finds them in the cache."""
    import hashlib

    from site_builder.cache import BuildCache
    from site_builder.content.images import EXTENSIONS

    project = copy_project(tmp_path / "site", "sample")
    photos = [p for p in (project / "content").rglob("*") if p.suffix.lower() in EXTENSIONS]
    photos = [p for p in photos if p.suffix.lower() != ".svg"]
    assert len(photos) >= 4
    for photo in photos:  # settled: older than two seconds, so remembered
        st = photo.stat()
        os.utime(photo, ns=(st.st_atime_ns, st.st_mtime_ns - 10**10))
    parallel_everywhere(monkeypatch)
    main, read = os.getpid(), []
    real = Path.read_bytes

    def reading(self: Path) -> bytes:
        if os.getpid() == main and self in photos:
            read.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", reading)
    build(project, with_print=False)
    assert read == []
    table = BuildCache(project).photos.data
    for photo in photos:
        st = photo.stat()
        key = f"{photo.resolve()}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}"
        assert table[key] == hashlib.sha256(real(photo)).hexdigest()[:20], photo


def test_frozen_blocks_nest_and_only_the_outermost_lets_go() -> None:
    import gc

    from site_builder.parallel import gc_frozen

    assert gc.get_freeze_count() == 0
    with gc_frozen():
        outer = gc.get_freeze_count()
        made = [[i] for i in range(1000)]  # made inside the outer block
        with gc_frozen():  # e.g. parallel_map inside a build
            assert gc.get_freeze_count() >= outer + len(made)
        assert gc.get_freeze_count() >= outer + len(made)  # still frozen: the outer block's
    assert gc.get_freeze_count() == 0  # all handed back to the collector
    del made


def test_paused_collector_is_restored_as_it_was() -> None:
    import gc

    from site_builder.parallel import gc_paused

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block found it off: it stays off
    assert gc.isenabled()
    with pytest.raises(ValueError), gc_paused():
        raise ValueError("a failure inside")
    assert gc.isenabled()


def test_a_worker_receives_the_staging_folder_without_its_bookkeeping(tmp_path: Path) -> None:
    """What each compression task pickles: the folder, not a record of every file written
    (the main process keeps that); the worker still writes into old and new folders."""
    import pickle

    from site_builder.writer import Staging

    staging = Staging(tmp_path / "output")
    for n in range(500):
        rel = f"vi/dolls/doll-{n}/index.html"
        staging.record(rel, "k" * 64, staging.put(rel, b"<p>trang</p>"))
        staging.claim(rel, "page")
    copy = pickle.loads(pickle.dumps(staging))
    assert len(pickle.dumps(staging)) < 1000
    assert (copy.dir, copy.written, copy.made, copy.states) == (staging.dir, {}, {}, {})
    assert copy.put("vi/dolls/doll-7/index.html.gz", b"x")[0] == 1  # a folder made before
    assert copy.put("en/dolls/doll-7/index.html", b"yz")[0] == 2  # a new one
    assert (staging.dir / "en/dolls/doll-7/index.html").read_bytes() == b"yz"
    staged = staging.staged("en/dolls/doll-7/index.html")  # what the parent keeps of a file
    assert os.fspath(staged) == str(staging.dir / "en/dolls/doll-7/index.html")
    assert staged.read_bytes() == b"yz" and os.stat(staged).st_size == 2
    assert not hasattr(staged, "__dict__")
    assert len(staging.written) == len(staging.made) == 500  # the original keeps its own
    staging.discard()


_seen: list[int] = []  # what a call of `_fresh_call` found left by earlier calls


def _fresh_call(n: int) -> tuple[int, int, int]:
    _seen.append(n)
    return n * n, os.getpid(), len(_seen)


def _failing_call(n: int) -> int:
    if n == 3:
        raise ValueError(f"call {n} failed")
    if n == 4:
        time.sleep(600)  # killed when call 3 fails
    return n


def _dying_call(n: int) -> int:
    if n == 1:
        os._exit(7)  # as if killed for lack of memory: no answer
    return n


def test_fresh_workers_run_each_call_in_a_process_of_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`parallel_map(fresh=True)`: results in order, one process per call, and nothing a
    call did is left for the next (what it copied of the parent went with it)."""
    from site_builder.parallel import parallel_map

    monkeypatch.setenv("SITE_BUILDER_JOBS", "2")
    out = parallel_map(_fresh_call, [(n,) for n in range(9)], fresh=True)
    assert [square for square, _pid, _seen in out] == [n * n for n in range(9)]
    assert len({pid for _square, pid, _seen in out} | {os.getpid()}) == 10
    assert {seen for _square, _pid, seen in out} == {1}
    assert _seen == []


def test_a_fresh_worker_s_error_is_raised_and_the_others_are_stopped() -> None:
    import multiprocessing

    from site_builder.lifeline import fork_each

    context = multiprocessing.get_context("fork")
    with pytest.raises(ValueError, match="call 3 failed"):
        fork_each(_failing_call, [(n,) for n in range(6)], 2, context)
    assert multiprocessing.active_children() == []  # call 4 (600 s) killed, not waited for
    with pytest.raises(ChildProcessError, match=r"ended without an answer \(exit code 7\)"):
        fork_each(_dying_call, [(n,) for n in range(3)], 2, context)
    assert multiprocessing.active_children() == []


def test_write_chunks_are_few_for_a_small_site_and_bounded_for_a_large_one() -> None:
    from site_builder.build import WRITE_CHUNK, write_chunks
    from site_builder.tasks import AppIcons, CodePages, HomePage, ItemPages, ListPage

    front = [AppIcons(), HomePage("vi"), ListPage("dolls", "vi"), HomePage("en")]
    for items, expected in ((3000, 8), (30000, 4 + 31)):  # 4 per worker; 31 runs of 1,000
        tasks = [
            *front,
            *(ItemPages(i) for i in range(items)),
            *(CodePages(f"C{i}") for i in range(99)),
        ]
        chunks = [c for (c,) in write_chunks(tasks, 2)]
        assert len(chunks) == expected
        assert sorted(i for c in chunks for i in c) == list(range(len(tasks)))  # each once
        assert all(c == list(range(c[0], c[-1] + 1)) for c in chunks)  # runs of neighbours
        if items == 3000:  # the pages showing every item together, with the first run
            assert chunks[0][:5] == [0, 1, 2, 3, 4]
            continue
        assert max(len(c) for c in chunks) <= WRITE_CHUNK
        alone = [k for k, c in enumerate(chunks) if c[0] < len(front)]
        assert [chunks[k] for k in alone] == [[0], [1], [2], [3]]  # alone, and far apart
        assert [b - a for a, b in zip(alone[:-1], alone[1:], strict=True)] == [8, 8, 8]
    assert write_chunks([AppIcons()], 2) == [([0],)]


def test_items_fingerprinted_by_workers_as_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that loads an item also makes its fingerprint (the `repr` of all it holds,
    content/itemcache.py), which the main process keeps: the same as its own."""
    from site_builder.cache import CACHE_DIR
    from site_builder.content import itemcache

    def fingerprints(name: str) -> dict[str, str]:
        project = copy_project(tmp_path / name, "sample")
        build(project, with_print=False)
        read = itemcache._read_file(project / CACHE_DIR / itemcache.FILE)
        assert read is not None
        entries = read[-1]
        return {Path(k).name: e.fingerprint for k, e in entries.items()}

    monkeypatch.setenv("SITE_BUILDER_JOBS", "1")
    serial = fingerprints("serial")
    parallel_everywhere(monkeypatch)
    real, made = loader.fingerprint_of, tmp_path / "made-by"

    def fingerprint(*args: object) -> str:
        with open(made, "a", encoding="utf-8") as f:  # (from a worker: another process)
            f.write(f"{os.getpid()}\n")
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "fingerprint_of", fingerprint)
    assert fingerprints("parallel") == serial
    assert len(serial) >= 8 and all(serial.values())
    pids = made.read_text(encoding="utf-8").split()
    assert len(pids) == len(serial) and str(os.getpid()) not in pids
