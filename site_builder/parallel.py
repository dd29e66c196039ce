"""Work spread over worker processes: the ground floor every layer may use.

`parallel_map` forks workers (on Linux, so that they share the loaded site instead of
pickling it) that die with the command that started them (site_builder/lifeline.py).
What a worker needs is passed in its arguments; nothing is read from module globals
set before the fork.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator
from typing import Any

from site_builder.lifeline import pool_map


def jobs_count() -> int:
    """Worker processes: SITE_BUILDER_JOBS, else the machine's cores (at most 4)."""
    value = os.environ.get("SITE_BUILDER_JOBS", "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    return max(1, min(4, os.cpu_count() or 1))


def parallel_map(
    fn: Callable[..., Any], args: list[tuple[Any, ...]], shared: Any = None
) -> list[Any]:
    """`[fn(*a) for a in args]`, in worker processes when there is more than one job.

    With `shared` (e.g. the loaded site and its renderer: too big to send with every
    task), the calls are `fn(shared, *a)`: each worker receives `shared` once, through
    the fork, when it starts.
    """
    workers = min(jobs_count(), len(args))
    if workers <= 1:
        return [fn(*a) if shared is None else fn(shared, *a) for a in args]
    context = multiprocessing.get_context("fork")
    with gc_frozen():
        # frozen before the fork: the workers' collections skip the (shared) loaded site;
        # the workers die with this process (site_builder/lifeline.py)
        if shared is None:
            return pool_map(fn, args, workers, context)
        calls = [(fn, *a) for a in args]
        return pool_map(_with_shared, calls, workers, context, _receive, (shared,))


_received: list[Any] = []  # in a worker: what `parallel_map` shared with it, once


def _receive(shared: Any) -> None:
    _received[:] = [shared]


def _with_shared(fn: Callable[..., Any], *args: Any) -> Any:
    return fn(_received[0], *args)


@contextlib.contextmanager
def gc_frozen() -> Iterator[None]:
    """Keep the garbage collector off the objects that exist now (the loaded site) while
    work is done: WeasyPrint makes objects by the million, and every full collection
    would walk the whole site again (in forked workers, also copying the memory pages it
    touches). A tenth of a sticker sheet's rendering time."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
