"""Work spread over worker processes gives exactly what one process gives.

Small sites are loaded and rendered in one process (starting workers would cost more);
here the thresholds are lowered so that the sample and the broken sites take the
parallel paths, and their output and errors are compared with the serial ones.
"""

from __future__ import annotations

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
    import markdown

    project = copy_project(tmp_path / "site", "sample")
    parallel_everywhere(monkeypatch)
    build(project, with_print=False)  # stories converted in worker processes
    story = project / "content/dolls/hmong/en.md"
    story.write_text(story.read_text() + "\nA new sentence about deep indigo.\n")
    monkeypatch.setenv("SITE_BUILDER_JOBS", "1")  # in this process, to count
    converted: list[str] = []
    real = markdown.Markdown.convert

    def counting(self: markdown.Markdown, text: str) -> str:
        converted.append(text)
        return real(self, text)

    monkeypatch.setattr(markdown.Markdown, "convert", counting)
    build(project, with_print=False)
    assert len(converted) == 1 and "deep indigo" in converted[0]


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
    assert (copy.dir, copy.written, copy.made) == (staging.dir, {}, {})
    assert copy.put("vi/dolls/doll-7/index.html.gz", b"x")[0] == 1  # a folder made before
    assert copy.put("en/dolls/doll-7/index.html", b"yz")[0] == 2  # a new one
    assert (staging.dir / "en/dolls/doll-7/index.html").read_bytes() == b"yz"
    assert len(staging.written) == len(staging.made) == 500  # the original keeps its own
    staging.discard()
