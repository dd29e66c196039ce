"""One call in a process of its own while the command goes on (`lifeline.fork_one`), and
a command that ends without taking the interpreter apart (`cli.end_now`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from site_builder.lifeline import fork_one


def _steps(n: int, size: int) -> Iterator[bytes]:
    for i in range(n):
        yield bytes([i]) * size


def _fails() -> None:
    raise ValueError("the call's own error")


def _killed() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _sleeps() -> int:
    time.sleep(60)
    return 1


def _pid() -> int:
    return os.getpid()


def _gone(pid: int) -> bool:
    """Whether `pid` is no process of ours any more (ended and waited for)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_each_answer_of_a_generator_comes_back_in_order() -> None:
    with fork_one(_steps, 3, 5) as ahead:
        assert [ahead.next() for _ in range(3)] == [b"\0" * 5, b"\1" * 5, b"\2" * 5]
        with pytest.raises(ChildProcessError):
            ahead.next()  # (no more answers: the process ended)
    assert _gone(ahead.pid)


def test_answers_larger_than_a_pipe_do_not_hold_the_call_back() -> None:
    """Three answers of 3 MB each, none read until the process has ended: the call ran to
    its end meanwhile (through a pipe of 64 kB it would wait for the first read)."""
    with fork_one(_steps, 3, 3 * 2**20) as ahead:
        deadline = time.monotonic() + 60  # (a busy machine: generous)
        while not _ended(ahead.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _ended(ahead.pid)
        assert [len(ahead.next()) for _ in range(3)] == [3 * 2**20] * 3


def _ended(pid: int) -> bool:
    """Whether the process `pid` has ended (gone, or a zombie not waited for yet)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")


def test_the_call_s_exception_is_raised_in_the_caller() -> None:
    with fork_one(_fails) as ahead, pytest.raises(ValueError, match="the call's own error"):
        ahead.next()
    assert _gone(ahead.pid)


def test_a_process_killed_without_an_answer_is_a_child_process_error() -> None:
    with fork_one(_killed) as ahead, pytest.raises(ChildProcessError):
        ahead.next()


def test_the_call_runs_in_another_process() -> None:
    with fork_one(_pid) as ahead:
        assert ahead.next() == ahead.pid != os.getpid()


def test_leaving_early_kills_the_process_and_waits_for_it() -> None:
    with fork_one(_sleeps) as ahead:
        pass
    assert _gone(ahead.pid)


def test_the_process_dies_with_its_parent(tmp_path: Path) -> None:
    """A parent killed while its call runs: the kernel ends the call too (Linux)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the parent's death signal is Linux's")
    pid_file = tmp_path / "pid"
    script = (
        "import time\n"
        "from site_builder.lifeline import fork_one\n"
        "def wait():\n"
        f"    import os; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(60)\n"
        "ahead = fork_one(wait)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 60
        while not pid_file.is_file() or not pid_file.read_text():
            assert time.monotonic() < deadline, "the call never started"
            time.sleep(0.05)
        child = int(pid_file.read_text())
    finally:
        parent.kill()
        parent.wait(60)
    deadline = time.monotonic() + 60
    while not _ended(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _ended(child)


END_NOW = """
import atexit, sys, threading
from site_builder.cli import end_now
atexit.register(lambda: print("atexit ran", flush=True))
print("a" * 100_000, end="")  # (more than a pipe holds: still flushed)
print("to stderr", file=sys.stderr, end="")
went_on = threading.Event()
if sys.argv[1] == "thread":
    threading.Thread(target=lambda: (went_on.wait(), print("thread done"))).start()
end_now(3)
print("returned", end="", flush=True)
went_on.set()
sys.exit(4)
"""


def test_a_command_ends_with_its_code_its_output_flushed_and_atexit_run() -> None:
    done = subprocess.run(
        [sys.executable, "-c", END_NOW, "alone"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 3
    assert done.stdout == "a" * 100_000 + "atexit ran\n"
    assert done.stderr == "to stderr"


def test_a_command_with_a_thread_still_running_ends_as_python_does() -> None:
    done = subprocess.run(
        [sys.executable, "-c", END_NOW, "thread"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 4
    assert done.stdout == "a" * 100_000 + "returned" + "thread done\n" + "atexit ran\n"
