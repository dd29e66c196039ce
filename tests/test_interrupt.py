"""A build stopped at any moment (SIGKILL, SIGTERM, Ctrl-C) leaves a usable project.

A site of 500 items is generated at test time (bench/corpus.py), large enough for the
build to load and render on two worker processes for a few seconds. Its main process is
killed at several moments; then: the next build starts at once (the lock is free) and
succeeds, no process of the killed build is left, no staging/old folder is left, and
output/ was present and complete the whole time (a thread watches it).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bench import corpus
from site_builder import writer
from site_builder.build import build
from site_builder.errors import SiteError
from site_builder.outdir import MARKER
from tests.helpers import snapshot

ITEMS = 500
PATIENCE = 60.0  # seconds; a shared 2-core machine can be slow, so generous
ENV = {"SITE_BUILDER_JOBS": "2"}


def cli(
    root: Path, *args: str, env: dict[str, str] | None = None, lang: str = "en"
) -> subprocess.Popen[str]:
    """The real command, in its own process group (so its workers can be found), with
    Ctrl-C and SIGTERM as a terminal gives them: a shell without job control starts its
    background commands (a CI script run with `&`) with SIGINT ignored, which the command
    would inherit, and rightly go on building."""
    return subprocess.Popen(
        [sys.executable, "-m", "site_builder", "--project", str(root), "--lang", lang, *args],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, **ENV, **(env or {})},
        preexec_fn=_as_in_a_terminal,
    )


def _as_in_a_terminal() -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)


def finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=300)
    return proc.returncode, out, err


def alive_in_group(pgid: int) -> list[int]:
    """Processes of process group `pgid` that still run (zombies have let go of
    everything: memory, files, locks)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            pids.append(int(entry))
    return pids


def files_of(folder: Path) -> set[str]:
    """The paths of every file below `folder` (listing only: thousands of files)."""
    out = set()
    for dirpath, _dirs, files in os.walk(folder):
        rel = os.path.relpath(dirpath, folder)
        out.update(f if rel == "." else f"{rel}/{f}" for f in files)
    return out


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".output."))


def staged_files(root: Path) -> int:
    total = 0
    for folder in root.glob(".output.staging-*"):
        for _dirpath, _dirs, files in os.walk(folder):
            total += len(files)
    return total


def wait_for(condition: Callable[[], bool], what: str, timeout: float = PATIENCE) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"after {timeout:.0f} s: {what}")
        time.sleep(0.02)


class Watch:
    """Looks at output/ continuously; records every moment it was absent or incomplete."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self.missing: list[float] = []
        self.looks = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for rel in ("index.html", "sitemap.xml", MARKER, "vi/index.html"):
                if not (self.output / rel).is_file():
                    self.missing.append(time.monotonic())
            self.looks += 1
            time.sleep(0.005)

    def __enter__(self) -> Watch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str]]:
    """A 500-item site built once; returns (project, the files of a complete output/)."""
    base = tmp_path_factory.mktemp("interrupt")
    corpus.generate(base, items=ITEMS, seed=3, peers=False)
    root = base / "ours"
    code, out, err = finish(cli(root, "build", "--no-pdf"))
    assert code == 0, err
    return root, files_of(root / "output")


def edit_a_story(root: Path, text: str) -> Path:
    story = sorted((root / "content" / "dolls").glob("*/en.md"))[0]
    body = story.read_text(encoding="utf-8").rsplit("\n<!-- edit -->", 1)[0]
    story.write_text(body + f"\n<!-- edit -->\n\n{text}\n", encoding="utf-8")
    return story


def page_of(root: Path, story: Path) -> Path:
    return root / "output" / "en" / "dolls" / story.parent.name / "index.html"


MOMENTS: dict[str, Callable[[Path, int], bool]] = {
    # when to kill, given the project and the build's pid
    "first-workers": lambda root, pid: len(alive_in_group(pid)) >= 3,  # loading the items
    "staging-made": lambda root, pid: bool(list(root.glob(".output.staging-*"))),
    "mid-render": lambda root, pid: staged_files(root) >= 1500,
    "nearly-done": lambda root, pid: staged_files(root) >= 4000,
}


@pytest.mark.parametrize(
    ("moment", "swap"),
    [(m, "exchange") for m in MOMENTS] + [("nearly-done", "two-renames")],
)
def test_sigkill_at_any_moment_leaves_a_working_project(
    big_site: tuple[Path, set[str]], moment: str, swap: str
) -> None:
    root, complete = big_site
    output = root / "output"
    env = {"SITE_BUILDER_NO_EXCHANGE": "1"} if swap == "two-renames" else {}
    story = edit_a_story(root, f"Killed {moment} ({swap}).")
    with Watch(output) as watch:
        victim = cli(root, "build", "--no-pdf", "--no-cache", env=env)
        wait_for(
            lambda: MOMENTS[moment](root, victim.pid) or victim.poll() is not None,
            f"the moment {moment}",
        )
        assert victim.poll() is None, "the build ended before the moment came: site too small"
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()
        assert files_of(output) == complete  # present and complete after the kill
        # at once: the lock died with the killed process (its workers do not hold it)
        code, out, err = finish(cli(root, "build", "--no-pdf", env=env))
        assert code == 0, err
        # a full build, or (when the kill left output/ as the last build made it) an
        # update in place of the edited item (preview/quick.py)
        assert out.startswith(("Built ", "Updated ")) and "Traceback" not in err
        assert "another build" not in err
        wait_for(lambda: not alive_in_group(victim.pid), "workers of the killed build alive")
        wait_for(lambda: not leftovers(root), f"left next to output/: {leftovers(root)}")
    assert watch.looks > 10 and watch.missing == []
    assert files_of(output) == complete
    assert f"Killed {moment} ({swap})." in page_of(root, story).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("sig", "code", "whole_group"),
    [(signal.SIGTERM, 143, False), (signal.SIGINT, 130, True)],
    ids=["sigterm", "ctrl-c"],
)
def test_sigterm_and_ctrl_c_stop_cleanly(
    big_site: tuple[Path, set[str]], sig: signal.Signals, code: int, whole_group: bool
) -> None:
    """One message, no traceback (not from the workers either), the staging folder gone,
    output/ as it was, no process left. Ctrl-C in a terminal reaches the whole group."""
    root, complete = big_site
    before = snapshot(root / "output")
    edit_a_story(root, f"Stopped by {sig.name}.")
    victim = cli(root, "build", "--no-pdf", "--no-cache")
    wait_for(lambda: staged_files(root) >= 1000 or victim.poll() is not None, "the render to start")
    assert victim.poll() is None, "the build ended before the signal: site too small"
    if whole_group:
        os.killpg(victim.pid, sig)
    else:
        os.kill(victim.pid, sig)
    status, out, err = finish(victim)
    assert (status, err) == (code, "Stopped.\n")
    wait_for(lambda: not alive_in_group(victim.pid), "workers of the stopped build alive")
    # removed by the stopped build itself; an earlier build's old output may still be going
    # in the background (writer._remove_later) on a busy machine: waited for, never assumed
    wait_for(lambda: leftovers(root) == [], f"leftovers {leftovers(root)} removed")
    assert snapshot(root / "output") == before
    vi = cli(root, "build", "--no-pdf", "--no-cache", lang="vi")
    wait_for(lambda: staged_files(root) >= 1000 or vi.poll() is not None, "the render to start")
    os.kill(vi.pid, signal.SIGTERM)
    assert finish(vi)[2] == "Đã dừng.\n"


def test_a_swap_cut_between_its_two_renames_is_put_back(minimal: Path) -> None:
    """The fallback swap (no RENAME_EXCHANGE) is two renames; a kill between them leaves
    output/ aside. The next build puts it back first, then builds, and removes the rest."""
    build(minimal)
    before = snapshot(minimal / "output")
    aside = minimal / ".output.swap-4242-0badc0de"
    os.rename(minimal / "output", aside)  # the state a kill between the renames leaves
    half = minimal / ".output.staging-k1ll3d"
    (half / "vi").mkdir(parents=True)
    (half / "vi" / "index.html").write_text("<p>half")
    writer.tidy(minimal / "output")
    assert snapshot(minimal / "output") == before  # the complete previous site, at once
    wait_for(lambda: not leftovers(minimal), "leftovers removed")
    os.rename(minimal / "output", aside)
    build(minimal, use_cache=False)  # the whole way, through build()
    assert snapshot(minimal / "output") == before
    wait_for(lambda: not leftovers(minimal), "leftovers removed")


def test_the_fallback_swap_when_exchange_is_not_available(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(minimal)
    before = snapshot(minimal / "output")
    monkeypatch.setattr(writer, "_renameat2", lambda: None)
    monkeypatch.setattr(writer, "_exchange_works", None)
    assert writer.exchange(minimal / "output", minimal / "content") is False
    story = minimal / "content/dolls/hmong/en.md"
    story.write_text(story.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    build(minimal)
    after = snapshot(minimal / "output")
    assert after != before and set(after) == set(before)
    assert leftovers(minimal) == []


def test_exchange_swaps_two_folders_in_one_step(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    (a / "x").mkdir(parents=True)
    (b / "y").mkdir(parents=True)
    if not writer.exchange(a, b):
        pytest.skip("renameat2(RENAME_EXCHANGE) is not available here (the fallback is tested)")
    assert sorted(os.listdir(a)) == ["y"] and sorted(os.listdir(b)) == ["x"]


def test_a_lock_left_by_an_ended_process_or_another_computer(minimal: Path) -> None:
    """A lock file naming a process that has ended, or another computer, without anyone
    holding the lock: the build goes ahead at once."""
    for content in ("999999 this-was-me\n", "4242 may-tinh-cua-lan\n", "garbage"):
        (minimal / writer.LOCK_FILE).write_text(content)
        started = time.monotonic()
        build(minimal, use_cache=False)
        assert time.monotonic() - started < 60
    assert (minimal / writer.LOCK_FILE).read_text().split()[0] == str(os.getpid())


def test_a_lock_held_on_another_computer_names_it(minimal: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, time\n"
            f"fd = os.open({str(minimal / writer.LOCK_FILE)!r}, os.O_RDWR | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX); os.write(fd, b'4242 may-tinh-cua-lan\\n')\n"
            "print('locked', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        proc = cli(minimal, "build")
        code, out, err = finish(proc)
        assert code == 1
        assert err == (
            "Error: another build of this project is running on the computer may-tinh-cua-lan "
            "(process 4242). Wait for it to finish; if that computer is off or the build was "
            "stopped, the lock is released within a few minutes.\n"
        )
        assert not (minimal / "output").exists()
    finally:
        holder.kill()
        holder.wait()
    build(minimal)


def test_leftovers_are_removed_even_when_nothing_changed(minimal: Path) -> None:
    """A build killed with --no-cache leaves the last fingerprint valid: the next build has
    nothing to rebuild, and still removes what the killed one left."""
    build(minimal)
    before = snapshot(minimal / "output")
    half = minimal / ".output.staging-k1ll3d"
    (half / "en").mkdir(parents=True)
    (half / "en" / "index.html").write_text("<p>half")
    code, out, err = finish(cli(minimal, "build"))
    assert code == 0, err
    assert out == "Nothing changed since the last build: output/ is up to date.\n"
    wait_for(lambda: not leftovers(minimal), "leftovers removed")
    assert snapshot(minimal / "output") == before


def test_the_raw_system_call_exchanges_too(tmp_path: Path) -> None:
    """Where the C library is older than renameat2 (glibc < 2.28), the system call by
    number does the same."""
    call = writer._renameat2(symbol=False)
    if call is None:
        pytest.skip("no renameat2 system call number known for this machine")
    a, b = tmp_path / "a", tmp_path / "b"
    (a / "x").mkdir(parents=True)
    (b / "y").mkdir(parents=True)
    assert call(-100, os.fsencode(a), -100, os.fsencode(b), 2) == 0
    assert sorted(os.listdir(a)) == ["y"] and sorted(os.listdir(b)) == ["x"]


def test_a_file_system_without_locks_is_said_plainly(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some network or USB file systems refuse flock: a message, not a traceback."""
    import errno
    import fcntl

    def no_locks(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))

    monkeypatch.setattr(fcntl, "flock", no_locks)
    with pytest.raises(SiteError) as info:
        build(minimal)
    assert str(info.value) == (
        f"cannot lock {minimal / writer.LOCK_FILE}: this file system does not support locks "
        "(No locks available). Keep the project on this computer's own disk."
    )
    assert not (minimal / "output").exists()
