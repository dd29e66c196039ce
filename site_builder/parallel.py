"""Work spread over worker processes, and when the garbage collector may run while a
whole site is held: the ground floor every layer may use.

`parallel_map` forks workers (on Linux, so that they share the loaded site instead of
pickling it) that die with the command that started them (site_builder/lifeline.py).
What a worker needs is passed in its arguments; nothing is read from module globals
set before the fork.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable, Iterator
from typing import Any


def jobs_count() -> int:
    """Worker processes: SITE_BUILDER_JOBS, else the machine's cores (at most 4)."""
    value = os.environ.get("SITE_BUILDER_JOBS", "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    return max(1, min(4, os.cpu_count() or 1))


def parallel_map(
    fn: Callable[..., Any],
    args: list[tuple[Any, ...]],
    shared: Any = None,
    fresh: bool = False,
    spawned: bool = False,
) -> list[Any]:
    """`[fn(*a) for a in args]`, in worker processes when there is more than one job.

    With `shared` (e.g. the loaded site and its renderer: too big to send with every
    task), the calls are `fn(shared, *a)`: each worker receives `shared` once, through
    the fork, when it starts. With `fresh`, every call gets a process of its own, forked
    when it starts and ended after it (`lifeline.fork_each`): for calls that read much of
    a large `shared`, whose memory pages a long-lived worker would copy one by one.

    With `spawned`, the workers are new interpreters, not forks, and share none of this
    process's memory: for calls sent all they need (`args`, pickled) by a process holding
    a large site. A forked worker copies every page it writes to, and the objects it
    makes fill the free slots spread through the parent's heap: at 20,000 items, two
    forked workers laying out stickers from their own contents took the check's memory
    from 627 to 1,043 MB (PSS). A new interpreter imports `fn`'s modules first (~0.1 s).
    """
    workers = min(jobs_count(), len(args))
    if workers <= 1:
        return [fn(*a) if shared is None else fn(shared, *a) for a in args]
    import multiprocessing  # (here: a command that forks no worker need not import it)

    from site_builder.lifeline import fork_each, pool_map

    if spawned:
        assert shared is None and not fresh
        return pool_map(fn, args, workers, multiprocessing.get_context("spawn"))
    context = multiprocessing.get_context("fork")
    with gc_frozen():
        # frozen before the fork: the workers' collections skip the (shared) loaded site;
        # the workers die with this process (site_builder/lifeline.py)
        if fresh:
            calls = [a if shared is None else (shared, *a) for a in args]
            return fork_each(fn, calls, workers, context)
        if shared is None:
            return pool_map(fn, args, workers, context)
        calls = [(fn, *a) for a in args]
        return pool_map(_with_shared, calls, workers, context, _receive, (shared,))


_received: list[Any] = []  # in a worker: what `parallel_map` shared with it, once


def _receive(shared: Any) -> None:
    _received[:] = [shared]


def _with_shared(fn: Callable[..., Any], *args: Any) -> Any:
    return fn(_received[0], *args)


_frozen_depth = 0  # gc_frozen blocks open in this process


@contextlib.contextmanager
def gc_frozen() -> Iterator[None]:
    """Keep the garbage collector off the objects that exist now (the loaded site) while
    work is done: WeasyPrint makes objects by the million, and every full collection
    would walk the whole site again (in forked workers, also copying the memory pages it
    touches). A tenth of a sticker sheet's rendering time. Blocks nest: objects made
    inside an outer block are frozen too when an inner one starts, and only the outermost
    block lets them go."""
    global _frozen_depth
    gc.freeze()
    _frozen_depth += 1
    try:
        yield
    finally:
        _frozen_depth -= 1
        if _frozen_depth == 0:
            gc.unfreeze()


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic collection inside the block, for code that makes many objects and keeps
    them all (the item cache unpickled, the project's files listed): each full collection
    walks every object alive, so collections while a big model is read take a share that
    grows with the model (at 20,000 items, half of the item cache's reading time).
    Inside a `gc_frozen` block, what the block made is frozen too at its end: no
    collection walks it afterwards (young objects by the hundred thousand would be walked
    by the next two younger collections: ~25 ms at 2,000 items)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if _frozen_depth:
            gc.freeze()
        if enabled:
            gc.enable()
