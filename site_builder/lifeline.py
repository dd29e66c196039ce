"""Worker processes live no longer than the command that forked them.

Every pool of workers (`site_builder/parallel.py:parallel_map`) starts its processes with
`die_with_parent`: the kernel sends them SIGKILL when the parent dies (Linux
`prctl(PR_SET_PDEATHSIG)`), a thread in each also polls the parent's pid (other systems),
Ctrl-C is left to the parent (one "Stopped." instead of a traceback per worker), and the
worker closes its inherited copy of the project lock so that the lock goes with the
parent. `pool_map` kills the workers at once when the parent stops early (an error,
Ctrl-C, SIGTERM) instead of letting them finish the queued work.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import InvalidStateError, ProcessPoolExecutor
from typing import Any, cast

from site_builder import stopping

PR_SET_PDEATHSIG = 1
POLL_SECONDS = 0.5


def die_with_parent(parent: int) -> None:
    """Initializer of every forked worker (`parent`: the pid that forked it)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
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
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


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
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(os.getpid(), setup, setup_args),
    )
    try:
        futures = pool.map(fn, *zip(*args, strict=True))  # (the workers are forked here)
        stopping.check()  # (a SIGTERM during a fork's callbacks is dropped there)
        results = list(futures)
    except BaseException:
        stop(pool)
        raise
    pool.shutdown(wait=True)
    return results


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


def _quiet_broken_pool() -> None:
    """Once workers are killed on purpose, CPython 3.11's executor thread may still try
    to fail futures that were just cancelled and print `InvalidStateError` with a
    traceback (a race inside concurrent.futures). That thread's noise is dropped; every
    other thread's exceptions are reported as before. The member sees one "Stopped.".
    """
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
