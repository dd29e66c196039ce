"""A stop asked for by SIGTERM, kept until the command acts on it.

The command's SIGTERM handler (cli.py) raises `Terminated` where the signal lands, as
Ctrl-C raises KeyboardInterrupt. Python runs a signal's handler between two bytecodes of
the main thread, and an exception raised inside some callbacks is printed and dropped
instead of raised: the functions `os.fork` calls in the parent after a fork are such a
place (the `logging` module registers one), and a build forks a process for each chunk of
its work. Seen in CI: a SIGTERM landing there was reported as "Exception ignored in
<function _releaseLock>", and the build went on, replaced output/ and exited 0.

So the handler also records the request, and the code that would go on after such a
callback asks again (`check`): after each fork (lifeline.py) and just before output/ is
replaced (writer.py, with the signals held).
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager, suppress


class Terminated(KeyboardInterrupt):
    """SIGTERM: stop the way Ctrl-C does (staging removed, lock released, one message)."""


_asked = False


def terminate(signum: int, frame: object) -> None:
    """The SIGTERM handler: remember, then stop here if Python lets the exception through."""
    global _asked
    _asked = True
    raise Terminated()


def check() -> None:
    """Raise `Terminated` if a SIGTERM came and its exception was dropped."""
    if _asked:
        raise Terminated()


def clear() -> None:
    """Forget a past request (a command run again in one process: the tests)."""
    global _asked
    _asked = False


STOPS = {signal.SIGINT, signal.SIGTERM}


@contextmanager
def held() -> Iterator[None]:
    """Ctrl-C and SIGTERM are delivered after the block, not in the middle of it: around
    replacing output/ (writer.py), and around each fork (lifeline.py), so that the handler
    never runs inside the callbacks `os.fork` calls, where Python prints its exception as
    "Exception ignored in: <function _releaseLock>" before the command stops. A process
    forked inside the block starts with them held too: it lets them through
    (`let_through`) once its own handlers are set."""
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)
    except (AttributeError, OSError, ValueError):  # (no such call here, or not the main thread)
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def let_through() -> None:
    """In a process forked inside `held()`: Ctrl-C and SIGTERM delivered again."""
    with suppress(AttributeError, OSError, ValueError):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPS)
