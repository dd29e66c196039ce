"""`site-builder serve`: a live preview on http://127.0.0.1:PORT/.

Over 500 lines: the server, the file watcher and the rebuild loop with its error page;
the watcher (events -> changed folders) is the part to move out next.

livereload (on tornado) watches the content and reloads the browser; a small WSGI
app serves `output/` the way the production host does:

the rules of site_builder/serving.py (shared with `check` and the generated host
configurations): `/vi/dolls/hmong/` -> `vi/dolls/hmong/index.html`, `/vi/dolls/hmong`
redirects to the slash, `/Q/XM-D01` -> `Q/XM-D01.html`, anything else -> `404.html`
with status 404.

Each request opens files by path below the *current* `output/` (a build swaps in a new
folder by renaming, so no handle to an old folder is kept).

When the last rebuild failed, every HTML page request gets an error page (status 500)
listing every error with file, line, field and hint, instead of a stale page; images
and styles are still served. Saving a fix rebuilds and the page comes back by itself.

Changes are found by file-system events (watchfiles, in background threads), not by
polling, and handed to the server's loop; editors' swap and backup files are ignored.
`Preview.rebuild` is the one place a rebuild happens: the first one is a full build,
later ones go through `site_builder.preview.live.LiveSite`, which re-renders only what an edit
to an item touches (and falls back to a full build for anything else). The browsers are
told to reload right after; the PDFs follow in the background.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import errno
import functools
import hashlib
import html
import logging
import mimetypes
import os
import re
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import markupsafe

from site_builder import serving
from site_builder.errors import ContentError, ErrorList, SiteError, raised_message
from site_builder.messages import Msg, Seconds, _, language, ngettext
from site_builder.writer import BuildLocked

if TYPE_CHECKING:
    from site_builder.preview.live import LiveSite, PrintUpdate, Update

WATCHED = ("content", "booklets", "templates", "locale", "site.yaml")
HOST = "127.0.0.1"
# livereload's snippet (as its Server.application writes it without a separate live port)
LIVE_SCRIPT = (
    b'<script type="text/javascript">(function(){'
    b'var s=document.createElement("script");'
    b"var port=(window.location.port || (window.location.protocol == 'https:' ? 443: 80));"
    b's.src="//"+window.location.hostname+":"+port'
    b'+ "/livereload.js?port=" + port;'
    b"document.head.appendChild(s);"
    b"})();</script>"
)
DEFAULT_PORT = 8000
IGNORED_FOLDERS = {".git", ".hg", ".svn", "__pycache__", ".site-builder-cache"}
PRINT_DELAY = 0.3  # s after a reload before the PDFs are redrawn: let the browser fetch first

StartResponse = Callable[..., Any]


class PortInUse(SiteError):
    pass


def rebuild(root: Path, output: Path) -> Any:
    """Bring `output/` up to date with the project. The one place a rebuild happens."""
    from site_builder.build import build

    return build(root, output)


@dataclass
class ShownProblem:
    """One thing shown on the error page: a content error, or a message without a file."""

    error: ContentError | None = None
    text: str = ""


@dataclass
class Preview:
    root: Path
    output: Path
    rebuild_fn: Callable[[Path, Path], Any] = rebuild
    log: Callable[[str], None] = lambda m: print(m, file=sys.stderr, flush=True)
    problems: list[ShownProblem] = field(default_factory=list)
    base_path: str = "/"
    retry: Callable[[], None] | None = None  # set by the server: try again shortly
    live_script: bytes = b""  # livereload's <script> injected before </head>
    live: LiveSite | None = None  # incremental rebuilds (set by `serve`); else rebuild_fn
    print_problems: list[ShownProblem] = field(default_factory=list)  # the last PDF refresh's
    last_update: Update | None = None  # what the last rebuild through `live` did
    build_failed: bool = False  # the last rebuild itself failed (not only the PDFs)

    # --- building ---------------------------------------------------------------------

    def rebuild(self, changed: str | Collection[str] | None = None) -> bool:
        """Rebuild after `changed` files changed (None: everything); remember the errors for
        the error page. True when the site is good."""
        t0 = time.perf_counter()
        paths = [changed] if isinstance(changed, str) else sorted(changed or ())
        paths.sort(key=lambda p: not Path(p).exists())  # name a saved file, not a temporary
        problems: list[ShownProblem] = []
        warnings: list[str] = []
        try:
            if self.live is not None:
                self.last_update = None
                update = self.live.update(None if changed is None else paths)
                self.last_update = update
                warnings = update.warnings
                if update.full:
                    self.print_problems = []  # the full build made the PDFs itself
            else:
                report = self.rebuild_fn(self.root, self.output)
                warnings = list(getattr(report, "warnings", None) or [])
        except Exception as exc:
            problems = self.problems_of(exc)
        self.build_failed = bool(problems)
        self.problems = problems or self.print_problems
        self._read_base_path()
        seconds = Seconds(time.perf_counter() - t0)
        where = ""
        if paths:
            more = f" (+{len(paths) - 1})" if len(paths) > 1 else ""
            where = f"{self._display(paths[0])}{more}: "
        if problems:
            self._log_problems(where, problems)
        else:
            self.log(where + _("rebuilt in {seconds:.2f} s.").format(seconds=seconds))
        for warning in warnings:  # a Msg, an ErrorWarning, or (print modules) plain English
            localized = getattr(warning, "localized", None)
            message = localized() if callable(localized) else _(warning)
            self.log(_("Warning: {message}").format(message=message))
        return not self.problems

    def printed(self, result: PrintUpdate) -> bool:
        """Take in a finished background refresh of the PDFs. True when the browsers should
        reload (the error page appears or goes, or booklet pages changed)."""
        if result.superseded or self.live is None or result.generation != self.live.generation:
            return False
        before = self.problems
        self.print_problems = self.problems_of(result.error) if result.error else []
        if not self.build_failed:
            self.problems = self.print_problems
        if result.error is not None and self.print_problems:
            self._log_problems("", self.print_problems)
        for warning in result.warnings:
            self.log(_("Warning: {message}").format(message=_(warning)))
        html_changed = any(p.endswith(".html") for p in result.written + result.deleted)
        return html_changed or self.problems != before

    def problems_of(self, exc: BaseException) -> list[ShownProblem]:
        """What the error page shows for an exception raised by a rebuild."""
        if isinstance(exc, ErrorList):
            return [ShownProblem(e) for e in exc.errors]
        if isinstance(exc, ContentError):
            return [ShownProblem(exc)]
        if isinstance(exc, FileNotFoundError):  # a file vanished between listing and reading
            self._retry()
            return [
                ShownProblem(
                    ContentError(
                        Path(str(exc.filename or self.root)),
                        None,
                        None,
                        Msg("this file disappeared while the site was being built."),
                        Msg(
                            "If you are moving or saving it, wait a moment: the preview rebuilds by itself."
                        ),
                    )
                )
            ]
        if isinstance(exc, BuildLocked):
            self._retry()
            return [ShownProblem(text=_(raised_message(exc)))]
        if isinstance(exc, SiteError):
            return [ShownProblem(text=_(raised_message(exc)))]
        # a bug must not stop the preview: show it, keep serving
        traceback.print_exception(exc)
        return [ShownProblem(text=f"{type(exc).__name__}: {exc}")]

    def _log_problems(self, where: str, problems: list[ShownProblem]) -> None:
        self.log(
            where
            + ngettext(
                "{n} error; the browser shows it until it is fixed.",
                "{n} errors; the browser shows them until they are fixed.",
                len(problems),
            )
        )
        for p in problems:
            self.log("  " + (p.error.format_localized(self.root) if p.error else p.text))

    def _retry(self) -> None:
        if self.retry is not None:
            self.retry()

    def _read_base_path(self) -> None:
        plan = self.live.plan if self.live is not None else None
        if plan is not None:  # site.yaml as the engine read it: not parsed again per edit
            self.base_path = plan.site.config.base_path
            return
        try:
            from site_builder.config import load_config

            self.base_path = load_config(self.root).base_path
        except Exception:
            pass  # keep the last good one; the error is on the page already

    def _display(self, path: str) -> str:
        try:
            return Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return path

    # --- serving ----------------------------------------------------------------------

    def app(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """The WSGI application serving `output/`."""
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            return _respond(start_response, "405 Method Not Allowed", b"", "text/plain")
        raw = environ.get("PATH_INFO", "/")
        path = raw.encode("latin-1", "replace").decode("utf-8", "replace")
        if self.base_path != "/" and path + "/" == self.base_path:
            return _redirect(start_response, self.base_path)
        if self.base_path != "/" and path.startswith(self.base_path):
            path = "/" + path[len(self.base_path) :]
        kind, target = self.resolve(path)
        page = kind == "page" or (kind == "missing" and _looks_like_page(path))
        if self.problems and page:
            body = self.error_page()
            return _respond(start_response, "500 Internal Server Error", body, "text/html")
        if kind == "redirect":
            return _redirect(start_response, self.base_path + target.lstrip("/"))
        if kind in ("page", "file"):
            try:
                data = (self.output / target).read_bytes()
            except OSError:  # swapped out between resolve and read: try once more
                kind, target = self.resolve(path)
                data = (self.output / target).read_bytes() if kind in ("page", "file") else b""
            if target.endswith(".html"):
                data = self.allow_live_script(data)
            return _respond(start_response, "200 OK", data, _content_type(target))
        not_found = self.output / "404.html"
        data = not_found.read_bytes() if not_found.is_file() else b"404 Not Found"
        data = self.allow_live_script(data)
        ctype = "text/html" if not_found.is_file() else "text/plain"
        return _respond(start_response, "404 Not Found", data, ctype)

    def resolve(self, path: str) -> tuple[str, str]:
        """('page'|'file', rel) | ('redirect', url path) | ('missing', ''): serving.py's rules."""
        found = serving.resolve(path, self._inside)
        if found.kind == "file":
            return ("page" if found.is_page else "file"), found.target
        return found.kind, found.target

    def _inside(self, rel: str) -> bool:
        """`rel` is a file of the output folder, reached without leaving it by a symlink."""
        path = self.output / rel
        if not path.is_file():
            return False
        real = Path(os.path.realpath(path))
        return real.is_relative_to(Path(os.path.realpath(self.output)))

    def allow_live_script(self, page: bytes) -> bytes:
        """Let the page's Content-Security-Policy run the reload script (preview only).

        The site's pages forbid inline scripts; here their policy also allows exactly
        livereload's snippet (by its hash), scripts from this server and its websocket.
        """
        m = re.search(rb"<script[^>]*>(.*?)</script>", self.live_script, re.S)
        if m is None:
            return page
        digest = base64.b64encode(hashlib.sha256(m.group(1)).digest()).decode()
        allow = f"'self' 'sha256-{digest}'"

        def relax(match: re.Match[bytes]) -> bytes:
            directives = [d.strip() for d in match.group(2).decode().split(";") if d.strip()]
            out, seen = [], set()
            for d in directives:
                name, _sp, value = d.partition(" ")
                seen.add(name)
                if name == "script-src":
                    value = " ".join(v for v in value.split() if v != "'none'")
                    d = f"script-src {value} {allow}".replace("  ", " ")
                elif name == "connect-src":
                    d = f"{d} 'self' ws:"
                out.append(d)
            if "script-src" not in seen:
                out.append(f"script-src {allow}")
            if "connect-src" not in seen:
                out.append("connect-src 'self' ws:")
            return match.group(1) + "; ".join(out).encode() + match.group(3)

        return re.sub(
            rb'(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(")', relax, page
        )

    def error_page(self) -> bytes:
        n = len(self.problems)
        title = _("The site has errors")
        intro = ngettext(
            "The preview could not be rebuilt because of {n} error. Fix it and save the file: "
            "this page reloads by itself.",
            "The preview could not be rebuilt because of {n} errors. Fix them and save the "
            "files: this page reloads by itself.",
            n,
        )
        rows = []  # plain data: the template (preview/error.html) escapes it
        for p in self.problems:
            if p.error is None:
                rows.append({"where": None, "message": p.text})
                continue
            e = p.error
            hint = _(e.hint) if e.hint else ""
            rows.append(
                {
                    "where": e.location(self.root),
                    "field": e.field,
                    "message": _(e.message),
                    "hint": hint,
                }
            )
        note = _("(This page is shown only by `site-builder serve`; nothing was published.)")
        page = _error_template().render(
            lang=language(), title=title, intro=intro, field_word=_("field"), rows=rows, note=note
        )
        return page.encode("utf-8")


@functools.cache
def _error_template() -> jinja2.Template:
    """The preview's error page (site_builder/preview/error.html), HTML-escaped."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent),
        autoescape=True,
        keep_trailing_newline=True,
        # every value escaped as html.escape does (&#x27;), the page's bytes as before
        finalize=lambda v: markupsafe.Markup(html.escape(v)) if isinstance(v, str) else v,
    )
    return env.get_template("error.html")


def _looks_like_page(path: str) -> bool:
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return path.endswith("/") or last.endswith(".html") or "." not in last


def _content_type(rel: str) -> str:
    if rel.endswith(".html"):
        return "text/html"
    ctype, _enc = mimetypes.guess_type(rel)
    return ctype or "application/octet-stream"


def _respond(start_response: StartResponse, status: str, body: bytes, ctype: str) -> list[bytes]:
    if ctype.startswith("text/") or ctype in ("application/javascript", "application/json"):
        ctype += "; charset=utf-8"
    start_response(
        status,
        [
            ("Content-Type", ctype),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
        ],
    )
    return [body]


def _redirect(start_response: StartResponse, location: str) -> list[bytes]:
    start_response("301 Moved Permanently", [("Location", location), ("Content-Length", "0")])
    return [b""]


# --- the server ----------------------------------------------------------------------------


class Watcher:
    """File-system events (watchfiles), not polling: the changed paths go to `notify`.

    Two threads: one watches the folders of `WATCHED` recursively, with a short debounce;
    one watches the project folder itself (not recursively) for site.yaml and for those
    folders appearing or going, and then restarts the first on the folders that exist.
    Editors' temporary files, output/ and the build cache are ignored.
    """

    def __init__(self, root: Path, output: Path, notify: Callable[[set[str]], None]) -> None:
        self.root, self.output, self.notify = root, output, notify
        self.stop_event = threading.Event()
        self.restart = threading.Event()
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        for target in (self._watch_tree, self._watch_root):
            thread = threading.Thread(target=target, name="site-builder-watch", daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=2)

    def keep(self, _change: Any, path: str) -> bool:
        """False for paths that never need a rebuild."""
        from site_builder.preview.live import is_temporary

        p = Path(path)
        if is_temporary(p.name) or p == self.output or self.output in p.parents:
            return False
        try:
            return not IGNORED_FOLDERS.intersection(p.relative_to(self.root).parts)
        except ValueError:
            return True

    def _watch_tree(self) -> None:
        class Either:  # stop watching to quit, or to watch another set of folders
            def is_set(_self) -> bool:
                return self.stop_event.is_set() or self.restart.is_set()

        while not self.stop_event.is_set():
            self.restart.clear()
            folders = [self.root / n for n in WATCHED if (self.root / n).is_dir()]
            if folders:
                self._watch(folders, True, self.keep, 5, Either(), self.notify)
            else:
                self.restart.wait(0.5)

    def _watch_root(self) -> None:
        from watchfiles import Change

        def keep(change: Change, path: str) -> bool:
            p = Path(path)
            if p.parent != self.root or p.name not in WATCHED:
                return False  # output/ swapped in, the cache, the lock file, ...
            return p.name.endswith(".yaml") or change != Change.modified

        def changed(paths: set[str]) -> None:
            if any(not path.endswith(".yaml") for path in paths):
                self.restart.set()  # a watched folder appeared or went
            self.notify(paths)

        self._watch([self.root], False, keep, 50, self.stop_event, changed)

    def _watch(
        self,
        paths: list[Path],
        recursive: bool,
        keep: Callable[[Any, str], bool],
        step: int,
        stop: Any,
        changed: Callable[[set[str]], None],
    ) -> None:
        """Hand every batch of changes to `changed` until `stop` is set. Events first; if
        the system cannot give them (e.g. no inotify watches left), polling."""
        from watchfiles import watch

        for polling in (None, True):
            try:
                for changes in watch(
                    *paths,
                    watch_filter=keep,
                    recursive=recursive,
                    debounce=30,
                    step=step,
                    stop_event=stop,
                    rust_timeout=1000,
                    yield_on_timeout=False,
                    raise_interrupt=False,
                    force_polling=polling,
                ):
                    changed({path for _change, path in changes})
                return
            except Exception:
                if not all(p.exists() for p in paths):
                    return  # a folder went meanwhile: the caller looks again
                if polling:
                    raise
                traceback.print_exc()


def serve(root: Path, port: int = DEFAULT_PORT, output: Path | None = None) -> int:
    """Build, serve and watch until Ctrl-C. Raises `PortInUse` if the port is taken."""
    from livereload import Server
    from livereload.handlers import LiveReloadHandler

    from site_builder.cache import recorded_output
    from site_builder.outdir import check_output_folder
    from site_builder.preview.live import LiveSite

    root = root.resolve()
    output = (output or root / "output").resolve()
    check_output_folder(root, output, legacy=recorded_output(root))  # before serving anything
    live = LiveSite(root, output)
    preview = Preview(root, output, live=live)
    logging.getLogger("livereload").setLevel(logging.WARNING)
    logging.getLogger("tornado.access").setLevel(logging.CRITICAL)
    logging.getLogger("watchfiles").setLevel(logging.WARNING)

    class PreviewServer(Server):
        def get_web_handlers(self, script: bytes) -> Any:
            preview.live_script = script  # the snippet it will inject into every page
            return super().get_web_handlers(script)

        def application(  # livereload's, with every handler guarded (guard.py)
            self,
            port: int,
            host: str,
            liveport: int | None = None,
            debug: bool | None = None,
            live_css: bool = True,
        ) -> None:
            from livereload.handlers import (
                ForceReloadHandler,
                LiveReloadHandler,
                LiveReloadJSHandler,
            )
            from livereload.server import LiveScriptInjector
            from tornado import web

            from site_builder.preview.guard import guarded_handlers

            LiveReloadHandler.watcher = self.watcher
            LiveReloadHandler.live_css = live_css
            script = LIVE_SCRIPT

            class Injector(LiveScriptInjector):
                pass

            Injector.script = script
            live_handlers = [
                (r"/livereload", LiveReloadHandler),
                (r"/forcereload", ForceReloadHandler),
                (r"/livereload.js", LiveReloadJSHandler),
            ]
            handlers = guarded_handlers(live_handlers, self.get_web_handlers(script))
            app = web.Application(handlers=handlers, debug=False, transforms=[Injector])
            app.listen(port, address=host)

    async def run() -> None:
        loop = asyncio.get_running_loop()
        # livereload's own watcher is never started (no polling): we tell it when to reload
        server = PreviewServer(preview.app)
        try:
            server.application(port, HOST, liveport=None, debug=False, live_css=False)
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                other = port + 1 if port < 65535 else 8001
                if os.environ.get("SITE_BUILDER_MAKE_SERVE"):  # (set by `make serve`)
                    raise PortInUse(
                        Msg(
                            "the port {port} is already in use (another preview or program is "
                            "using it). Choose another one, e.g. `make serve PORT={other}`.",
                            port=port,
                            other=other,
                        )
                    ) from None
                raise PortInUse(
                    Msg(
                        "the port {port} is already in use (another preview or program is using it). "
                        "Choose another one, e.g. `site-builder serve --port {other}`.",
                        port=port,
                        other=other,
                    )
                ) from None
            raise

        pending: set[str] = set()
        scheduled = False

        def post(fn: Callable[..., None], *args: Any) -> None:  # from another thread
            with contextlib.suppress(RuntimeError):  # the loop has closed: stopping
                loop.call_soon_threadsafe(fn, *args)

        def reload() -> None:
            LiveReloadHandler.reload_waiters("*")

        def printed(result: PrintUpdate) -> None:  # on the loop, after a PDF refresh
            if preview.printed(result):
                reload()

        def rebuild(changed: set[str] | tuple[()] | None) -> None:
            before = preview.problems
            preview.rebuild(changed)
            done = preview.last_update
            changed_output = done is None or done.full or done.written or done.deleted
            if changed_output or preview.problems != before:  # else a reload shows nothing new
                reload()
            if done is not None and (done.print_pending or done.full):
                # the PDFs of an incremental update; after a full build, the names of the
                # PDFs (its booklet pages link them): all from the build cache
                live.refresh_print(lambda result: post(printed, result), PRINT_DELAY)

        def flush() -> None:
            nonlocal scheduled
            scheduled = False
            if pending:
                changed = set(pending)
                pending.clear()
                rebuild(changed)

        def changed(paths: set[str]) -> None:  # on the loop; a rebuild may be running
            nonlocal scheduled
            pending.update(paths)
            if not scheduled:
                scheduled = True
                loop.call_soon(flush)

        def retry() -> None:
            loop.call_later(1.0, rebuild, ())

        preview.retry = retry
        watcher = Watcher(root, output, lambda paths: post(changed, paths))
        watcher.start()  # saves during the first build are rebuilt right after it
        rebuild(None)
        preview.log(
            _("Preview: http://{host}:{port}/ — press Ctrl-C to stop.").format(host=HOST, port=port)
        )
        preview.log(
            _(
                "Watching {folders}; saving a file rebuilds the site and reloads the browser."
            ).format(folders=", ".join(n + ("" if n.endswith(".yaml") else "/") for n in WATCHED))
        )
        stop = asyncio.Event()

        def stopped_by(sig: int) -> None:
            received.append(sig)
            stop.set()

        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stopped_by, sig)
        try:
            await stop.wait()
        finally:
            live.close()
            watcher.stop()

    received: list[int] = []
    try:
        asyncio.run(run())
    finally:
        live.close()
    preview.log(_("Preview stopped."))
    # Ctrl-C is how a member ends the preview: 0. SIGTERM (a supervisor, `kill`): 143, as
    # every other command ends on it
    return 143 if signal.SIGTERM in received else 0
