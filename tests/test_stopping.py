"""A SIGTERM is never lost (site_builder/stopping.py): Python drops (and prints) the
exception a handler raises inside the callbacks `os.fork` runs in the parent, so signals
are held around each fork and delivered after it, and a request recorded anyway stops the
command before it goes on, and never lets it replace output/.

Seen in CI once: a build's SIGTERM landed in `logging`'s after-fork callback ("Exception
ignored in: <function _releaseLock>") and the build finished and exited 0.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from site_builder import stopping
from site_builder.writer import Staging

# the signal sent from inside an after-fork callback of the parent: its handler runs there
DROPPED = """
import multiprocessing, os, signal, sys
from site_builder import lifeline, stopping
signal.signal(signal.SIGTERM, stopping.terminate)
sent = []
def callback():
    if not sent:
        sent.append(1)
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(1000):  # (bytecodes: the handler runs between two of them)
            pass
os.register_at_fork(after_in_parent=callback)
try:
    lifeline.{call}
except stopping.Terminated:
    print("stopped")
    sys.exit(143)
print("went on")
"""

CALLS = {
    "fork_each": "fork_each(abs, [(-1,), (-2,), (-3,)], 1, multiprocessing.get_context('fork'))",
    "pool_map": "pool_map(abs, [(-1,), (-2,)], 2, multiprocessing.get_context('fork'))",
}


@pytest.mark.parametrize("call", list(CALLS))
def test_a_sigterm_dropped_in_a_fork_callback_still_stops_the_workers_caller(
    call: str,
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", DROPPED.format(call=CALLS[call])],
        capture_output=True,
        text=True,
        timeout=120,
    )
    # sent during the fork: delivered after it, not inside the callback (where Python
    # would drop the handler's exception and print "Exception ignored in ...")
    assert "Exception ignored" not in done.stderr, done.stderr
    assert (done.returncode, done.stdout, done.stderr) == (143, "stopped\n", "")


def test_a_dropped_sigterm_never_lets_output_be_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("old", encoding="utf-8")
    staging = Staging(output)
    staging.put("index.html", b"new")
    monkeypatch.setattr(stopping, "_asked", True)  # as the handler leaves it
    with pytest.raises(stopping.Terminated):
        staging.commit()
    assert (output / "index.html").read_text(encoding="utf-8") == "old"
    staging.discard()
    stopping.clear()
    assert not stopping._asked


POOL_LEFT_RUNNING = """
import multiprocessing, sys, threading, time
from concurrent.futures import ProcessPoolExecutor
from site_builder import cli

def slow(x):
    time.sleep(600)
    return x

def background():  # as the preview's PDF thread: a daemon thread using a process pool
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        list(pool.map(slow, [1, 2, 3]))

threading.Thread(target=background, daemon=True).start()
while len(multiprocessing.active_children()) < 2:
    time.sleep(0.05)
print("workers busy", flush=True)
cli.end_now(0)
"""


def test_the_command_ends_while_a_daemon_threads_worker_processes_still_work(
    tmp_path: Path,
) -> None:
    """Ctrl-C on the preview while it makes PDFs in the background: the command printed
    "Preview stopped." but its process never ended, multiprocessing's exit function
    waiting for the PDF workers (cli.end_now, `_stop_pools_left`). Here the workers would
    work for 10 minutes; the process ends at once, and its workers with it."""
    script = tmp_path / "left.py"
    script.write_text(POOL_LEFT_RUNNING, encoding="utf-8")
    proc = subprocess.run(  # (TimeoutExpired if it waits for the workers: 600 s of sleep)
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120
    )
    assert (proc.returncode, proc.stdout) == (0, "workers busy\n"), proc.stderr
    left = subprocess.run(["pgrep", "-f", str(script)], capture_output=True, text=True)
    assert left.stdout == "", "a worker outlived the command"
