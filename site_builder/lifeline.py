"""Worker processes live no longer than the command that forked them.

Every pool of workers (`site_builder/parallel.py:parallel_map`) starts its processes with
`die_with_parent`: the kernel sends them SIGKILL when the parent dies (Linux
`prctl(PR_SET_PDEATHSIG)`), a thread in each also polls the parent's pid (other systems),
Ctrl-C is left to the parent (one "Stopped." instead of a traceback per worker), and the
worker closes its inherited copy of the project lock so that the lock goes with the
parent. `pool_map` kills the workers at once when the parent stops early (an error,
Ctrl-C, SIGTERM) instead of letting them finish the queued work.

`fork_one` runs one call in a process of its own while the command goes on (the record
of the last build checked against output/ while the command imports and reads its item
cache: preview/quick.py); it imports nothing heavy, as the commands that use it are the
ones that must answer in a fraction of a second.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
import sys
import threading
import time
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any, cast

from site_builder import stopping

if TYPE_CHECKING:  # (imported where used: `fork_one` is for commands that start fast)
    from concurrent.futures import ProcessPoolExecutor

PR_SET_PDEATHSIG = 1
POLL_SECONDS = 0.5


def die_with_parent(parent: int) -> None:
    """Initializer of every forked worker (`parent`: the pid that forked it)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    stopping.let_through()  # (forked with them held: `stopping.held`)
    from site_builder.writer import close_inherited_locks

    close_inherited_locks()
    _ask_kernel()
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="lifeline", daemon=True).start()


def _start_worker(parent: int, setup: Callable[..., None] | None, args: tuple[Any, ...]) -> None:
    die_with_parent(parent)
    if setup is not None:
        setup(*args)


def _ask_kernel() -> None:
    """SIGKILL this process when its parent dies (Linux only; elsewhere the poll does)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:  # (the C library's symbols are the process's own: no `find_library`, which
        # runs `ldconfig -p` in a subprocess, ~3 ms a worker)
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        import ctypes.util

        try:
            prctl = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True).prctl
        except (OSError, AttributeError, TypeError):
            return
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    os._exit(1)


def pool_map(
    fn: Callable[..., Any],
    args: list[tuple[Any, ...]],
    workers: int,
    context: Any,
    setup: Callable[..., None] | None = None,
    setup_args: tuple[Any, ...] = (),
) -> list[Any]:
    """`fn(*a)` for every `a` of `args` on `workers` forked processes, in order.

    `setup(*setup_args)` runs first in each worker; with the fork start method its
    arguments reach the worker through the fork itself, not pickled.
    """
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(os.getpid(), setup, setup_args),
    )
    try:
        with stopping.held():  # (no handler inside a fork's callbacks: see there)
            futures = pool.map(fn, *zip(*args, strict=True))  # (the workers are forked here)
        stopping.check()  # (a SIGTERM during a fork's callbacks is dropped there)
        results = list(futures)
    except BaseException:
        stop(pool)
        raise
    pool.shutdown(wait=True)
    return results


_after_kill: list[Callable[[], object]] = []


def after_killing_workers(fn: Callable[[], object]) -> None:
    """Have `fn()` called once workers were killed and waited for: a killed process runs
    nothing at its end, so what it leaves (a temporary folder) is for its parent to
    remove (print/fontfolder.py)."""
    if fn not in _after_kill:
        _after_kill.append(fn)


def _killed() -> None:
    for fn in list(_after_kill):
        with contextlib.suppress(Exception):  # (tidying: never in the way of stopping)
            fn()


def stop(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's workers now; the queued work is dropped."""
    _quiet_broken_pool()
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AssertionError):
            process.join(5)
    # its manager thread closes its wake-up pipe as it ends; left running, it raced the
    # interpreter's exit, which writes to that pipe: "Exception ignored ... OSError: [Errno
    # 9] Bad file descriptor" under a "Stopped." (2 of 14 stops, CPython 3.11)
    manager = getattr(pool, "_executor_manager_thread", None)
    if isinstance(manager, threading.Thread) and manager is not threading.current_thread():
        manager.join(5)
    _killed()


def _quiet_broken_pool() -> None:
    """Once workers are killed on purpose, CPython 3.11's executor thread may still try
    to fail futures that were just cancelled and print `InvalidStateError` with a
    traceback (a race inside concurrent.futures). That thread's noise is dropped; every
    other thread's exceptions are reported as before. The member sees one "Stopped.".
    """
    from concurrent.futures import InvalidStateError

    previous = threading.excepthook
    if getattr(previous, "_site_builder_quiet", False):
        return

    def hook(args: threading.ExceptHookArgs) -> None:
        manager = type(args.thread).__name__ == "_ExecutorManagerThread"
        if manager and isinstance(args.exc_value, InvalidStateError):
            return
        previous(args)

    hook._site_builder_quiet = True  # type: ignore[attr-defined]
    threading.excepthook = hook


def fork_each(
    fn: Callable[..., Any], args: list[tuple[Any, ...]], workers: int, context: Any
) -> list[Any]:
    """`fn(*a)` for every `a` of `args`, in order, each call in a process forked for it
    alone (at most `workers` at once; the next starts as soon as one ends).

    For work that reads a large loaded site: a forked process copies every memory page
    it writes, and changing an object's reference count writes its page, so a long-lived
    worker ends up with a private copy of most of the site (at 20,000 items, 450-680 MB
    each). A process that ends after one call hands its copies back. An exception in a
    call is raised here, as `pool_map` does; a worker that dies without an answer (e.g.
    killed for lack of memory) raises `ChildProcessError`; on any error or interrupt the
    other workers are killed at once.
    """
    from multiprocessing.connection import Connection, wait

    parent = os.getpid()
    results: list[Any] = [None] * len(args)
    todo = list(enumerate(args))[::-1]
    running: dict[Connection, tuple[int, Any]] = {}  # its pipe's end -> (call, process)
    try:
        while todo or running:
            while todo and len(running) < workers:
                i, call = todo.pop()
                receive, send = context.Pipe(duplex=False)
                process = context.Process(
                    target=_call_once, args=(parent, send, fn, call), daemon=True
                )
                with stopping.held():  # (no handler inside the fork's callbacks)
                    process.start()
                stopping.check()  # (a SIGTERM during the fork's callbacks is dropped there)
                send.close()  # (the child holds its own copy: EOF here when it ends)
                running[receive] = (i, process)
            for ready in wait(list(running)):
                conn = cast(Connection, ready)
                i, process = running.pop(conn)
                try:
                    ok, value = conn.recv()
                except EOFError:
                    process.join()
                    raise ChildProcessError(
                        f"a worker process ended without an answer (exit code {process.exitcode})"
                    ) from None
                finally:
                    conn.close()
                process.join()
                if not ok:
                    raise cast(BaseException, value)
                results[i] = value
    except BaseException:
        for _conn, (_i, process) in running.items():
            with contextlib.suppress(OSError, ValueError, AttributeError):
                process.kill()
        for _conn, (_i, process) in running.items():
            with contextlib.suppress(OSError, ValueError, AssertionError):
                process.join(5)
        _killed()
        raise
    return results


def _call_once(parent: int, send: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """In a worker of `fork_each`: one call, its result (or exception) sent back."""
    die_with_parent(parent)
    try:
        answer: tuple[bool, Any] = (True, fn(*args))
    except BaseException as exc:  # (sent back and raised in the parent, like pool_map)
        answer = (False, exc)
    try:
        send.send(answer)
    except Exception as exc:  # an answer that cannot be pickled: say why
        send.send((False, TypeError(f"a worker's answer cannot be sent back: {exc!r}")))
    send.close()


class Forked:
    """A call running in a process forked for it (`fork_one`). `next()` waits for its next
    answer (a generator's each value, else its one return value); `cancel()` kills it if
    still running. Use it as a context manager, so that a command leaving early never
    leaves the process behind.

    Answers are pickled into a temporary file that has no name (made before the fork,
    gone with its last descriptor) and the pipe carries only where each lies: a pipe
    holds 64 kB, and an answer written through it would stop the call until the parent
    reads (the record of the last build is megabytes; its pieces then crossed one
    thread switch each, up to 5 ms apiece)."""

    def __init__(self, pid: int, pipe: int, spool: int) -> None:
        self.pid = pid
        self._pipe: int | None = pipe  # None once the process ended and was waited for
        self._spool = spool

    def next(self) -> Any:
        """The call's next answer, or its exception raised here; `ChildProcessError` if
        the process ended without one (killed, or no more answers)."""
        if self._pipe is None:
            raise ChildProcessError("the worker process was stopped")
        try:
            where = _read_exactly(self._pipe, _WHERE.size)
            if where is None:
                raise ChildProcessError("a worker process ended without an answer")
            offset, length = _WHERE.unpack(where)
            data = os.pread(self._spool, length, offset)
            if len(data) != length:
                raise ChildProcessError("a worker process's answer was cut short")
            ok, value = pickle.loads(data)
        except BaseException:
            self.cancel()
            raise
        if not ok:
            self.cancel()
            raise cast(BaseException, value)
        return value

    def cancel(self) -> None:
        """Stop the call and wait for its process to end (nothing happens once it did)."""
        if self._pipe is None:
            return
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        for fd in (self._pipe, self._spool):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._pipe = None
        with contextlib.suppress(OSError):
            os.waitpid(self.pid, 0)

    def __enter__(self) -> Forked:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()


_WHERE = struct.Struct("<QQ")  # an answer's offset and length in the spool


def _read_exactly(fd: int, size: int) -> bytes | None:
    """`size` bytes from the pipe `fd`; None at its end (the writer is gone)."""
    data = b""
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def fork_one(fn: Callable[..., Any], *args: Any) -> Forked:
    """`fn(*args)` in a process forked for it, while the caller goes on; its answer (each
    value, if `fn` is a generator), or its exception, comes back pickled (`Forked.next`).
    The process dies with its parent and leaves the project lock to it, as `pool_map`'s
    workers do.

    For a short call on what the caller has read so far (it sees the parent's memory as
    it was at the fork): forking costs well under a millisecond while the process is still
    small, and `os.fork` runs no `multiprocessing` machinery."""
    import tempfile

    parent = os.getpid()
    with tempfile.TemporaryFile() as spool_file:
        spool = os.dup(spool_file.fileno())
    pipe, send = os.pipe()
    with stopping.held():  # (no handler inside the fork's callbacks)
        pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            os.close(pipe)
            die_with_parent(parent)
            _answer(send, spool, fn, args)
        finally:
            os._exit(0)
    os.close(send)
    forked = Forked(pid, pipe, spool)
    try:
        stopping.check()  # (a SIGTERM during the fork's callbacks is dropped there)
    except BaseException:
        forked.cancel()
        raise
    return forked


def _answer(pipe: int, spool: int, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """In `fork_one`'s process: each answer, or the exception, pickled into the spool,
    and where it lies into the pipe."""
    offset = 0

    def send(ok: bool, value: Any) -> None:
        nonlocal offset
        try:
            data = pickle.dumps((ok, value), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an answer that cannot be pickled: say why
            data = pickle.dumps((False, TypeError(f"an answer cannot be sent back: {exc!r}")))
        written = 0
        while written < len(data):
            written += os.pwrite(spool, memoryview(data)[written:], offset + written)
        os.write(pipe, _WHERE.pack(offset, len(data)))  # (16 bytes: written at once)
        offset += len(data)

    try:
        value = fn(*args)
        if isinstance(value, Generator):
            for each in value:
                send(True, each)
        else:
            send(True, value)
    except BaseException as exc:  # (raised in the parent, as `pool_map` does)
        send(False, exc)
