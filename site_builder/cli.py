"""The `site-builder` command: verbs, messages and exit codes; no logic of its own."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import errno
import gc
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from site_builder import __version__, messages, stopping
from site_builder.commands import (
    booklet,
    build,
    check,
    codes,
    find_project,
    new,
    publish,
    qr,
    serve,
    stickers,
)
from site_builder.errors import ContentError, ErrorList, SiteError, raised_message
from site_builder.messages import _, ngettext
from site_builder.stopping import Terminated

COMMANDS = [build, serve, new, check, qr, codes, stickers, booklet, publish]


def parser(verb: str | None = None) -> argparse.ArgumentParser:
    """The command line. With `verb`, the command about to run: a command that is costly to
    describe (`new` lists the kinds: content/kinds.py, ~30 ms of imports) is registered by
    its name alone when it is not that one; its help and arguments are not needed."""
    p = argparse.ArgumentParser(
        prog="site-builder",
        description=_("Bilingual site, QR stickers and print-ready PDFs from Markdown/YAML notes."),
    )
    p.add_argument("--version", action="version", version=f"site-builder {__version__}")
    p.add_argument(
        "--project",
        help=_(
            "the project folder (with site.yaml); default: the current folder or the "
            "nearest one above it that holds site.yaml"
        ),
    )
    p.add_argument(
        "--lang",
        choices=messages.LANGUAGES,
        help=_("language of the messages: vi or en (default: from LANG)"),
    )
    p.add_argument(
        "--verbose",
        action="store_true",
        help=_("also show the original text of parser messages"),
    )
    sub = p.add_subparsers(dest="verb", required=True)
    for command in COMMANDS:
        brief = getattr(command, "register_name", None)
        if verb is not None and brief is not None and verb != command.NAME:
            brief(sub)
        else:
            command.register(sub)
    return p


def verb_of(argv: Sequence[str]) -> str | None:
    """The command named in `argv` (its global options hoisted to the front), if any."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in GLOBAL_WITH_VALUE:
            i += 2
        elif arg in GLOBAL_FLAGS or arg.startswith(tuple(f"{o}=" for o in GLOBAL_WITH_VALUE)):
            i += 1
        else:
            return None if arg.startswith("-") else arg
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = hoist_global_options(list(sys.argv[1:] if argv is None else argv))
    messages.set_language(messages.lang_from_argv(argv))
    messages.set_verbose("--verbose" in argv)
    args = parser(verb_of(argv)).parse_args(argv)
    try:
        if args.project is None:  # like git: the project the current folder belongs to
            found = find_project(Path.cwd())
            args.project = str(found) if found is not None else "."  # (none: "no site.yaml here")
        root = Path(args.project).resolve()
    except FileNotFoundError:  # the terminal's folder was deleted or moved away meanwhile
        message = _(
            "the current folder no longer exists (it was deleted or moved while the terminal "
            "was open). Go to the project folder again, or pass --project."
        )
        print(_("Error: {message}").format(message=message), file=sys.stderr)
        return 1
    main_thread = threading.current_thread() is threading.main_thread()
    stopping.clear()
    previous = signal.signal(signal.SIGTERM, stopping.terminate) if main_thread else None
    try:
        return _run(args, root)
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
        stopping.clear()


def console() -> int:
    """The `site-builder` command (and `python -m site_builder`): `main`, then the process
    ends. What is still alive then is frozen first (`gc.freeze`), so the interpreter's
    last garbage collection at exit does not walk it: 1.3 of 9.7 s of a `check` at
    20,000 items. (`main` itself, called by tests in one process, does not.)"""
    writable_output()
    code = main()
    gc.freeze()
    end_now(code)
    return code


def writable_output() -> None:
    """Print whatever the console's encoding: a Vietnamese message on a terminal or into a
    file that is not UTF-8 (Windows' code page when the output is redirected, LANG=C)
    shows its letters as escapes (`\\u1ef1`) instead of ending a build that succeeded
    with UnicodeEncodeError and exit code 1. (stderr does so already.)"""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (stream.encoding or "").lower().replace("-", "") != "utf8":
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def end_now(code: int) -> None:
    """End the process with `code` without taking the interpreter apart: the `atexit`
    functions run and the output is flushed, as at any exit, but the modules and the
    objects still alive (a loaded site: ~100,000 objects at 2,000 items) are not freed
    one by one, which the system does at once (~15 ms of an edit's 0.3-0.4 s build).
    Returns (and the interpreter ends as usual) while a thread other than daemons runs,
    or under a profiler or a tracer (cProfile, coverage: they write their report at the
    interpreter's end)."""
    _stop_pools_left()
    if sys.getprofile() is not None or sys.gettrace() is not None:
        return
    if any(
        t.is_alive() and not t.daemon
        for t in threading.enumerate()
        if t is not threading.main_thread()
    ):
        return
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # (a closed pipe: as Python's own exit says)
            code = code or 120
    os._exit(code)


def _stop_pools_left() -> None:
    """Kill the worker processes still alive when the command is over: those of work a
    daemon thread was doing in the background (the preview's PDFs, when Ctrl-C stops it
    mid-way), which nobody waits for. Left alive, they wait for work or for the end of
    their job, and multiprocessing's own exit function (an `atexit` function) waits for
    them: the preview printed "Preview stopped." and never ended."""
    mp = sys.modules.get("multiprocessing")
    if mp is None:  # (a command that started none)
        return
    for child in mp.active_children():
        with contextlib.suppress(OSError, ValueError):
            child.kill()


def _run(args: argparse.Namespace, root: Path) -> int:
    try:
        return int(args.func(args))
    except ErrorList as exc:
        report_errors(exc.errors, root)
        return 1
    except ContentError as exc:
        report_errors([exc], root)
        return 1
    except SiteError as exc:
        text = raised_message(exc)
        localized = getattr(exc, "format_localized", None)  # e.g. a label template's error
        message = localized() if callable(localized) else _(text)
        print(_("Error: {message}").format(message=message), file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM
        print(_("Stopped."), file=sys.stderr)
        return 143 if isinstance(exc, Terminated) else 130
    except BrokenPipeError:  # `site-builder codes list | head`: the reader has gone
        return 120
    except OSError as exc:
        if exc.filename is None:  # not a file the system refused: a fault to see whole
            raise
        # the system refused a file: say which and why, not a traceback
        where = str(exc.filename)
        if exc.filename2 is not None:
            where += f" -> {exc.filename2}"
        reason = exc.strerror or str(exc) or type(exc).__name__
        if exc.errno == errno.ENAMETOOLONG:
            reason = _("a folder or file name in this path is longer than the system allows")
        print(_("Error: {message}").format(message=f"{where}: {reason}."), file=sys.stderr)
        return 1


# Options that belong to the whole command, accepted anywhere on the line:
# `site-builder check --lang vi` is `site-builder --lang vi check`.
GLOBAL_WITH_VALUE = ("--lang", "--project")
GLOBAL_FLAGS = ("--verbose",)


def hoist_global_options(argv: list[str]) -> list[str]:
    """`argv` with the global options (wherever they were, before a `--`) moved to the front."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest.extend(argv[i:])
            break
        if arg in GLOBAL_WITH_VALUE and i + 1 < len(argv):
            front += [arg, argv[i + 1]]
            i += 2
            continue
        if arg in GLOBAL_FLAGS or arg.startswith(tuple(f"{o}=" for o in GLOBAL_WITH_VALUE)):
            front.append(arg)
        else:
            rest.append(arg)
        i += 1
    return front + rest


def report_errors(errors: Sequence[ContentError], root: Path) -> None:
    for error in errors:
        print(_("Error: {message}").format(message=error.format_localized(root)), file=sys.stderr)
    n = len(errors)
    print(
        ngettext("{n} error; nothing was written.", "{n} errors; nothing was written.", n),
        file=sys.stderr,
    )
