"""The live preview's builds: the first one full, then only what an edit touches.

Over 500 lines: the map from an edit to the files it touches is written out case by
case below; a full warm build at 2,000 items takes seconds, this tens of milliseconds.

`LiveSite` keeps the model of the site (`build.Plan`) in memory between saves. The
first update is a normal full `build()`. After that, a change to files inside existing
item folders (`content/dolls/<folder>/` or `content/ocop/<folder>/`: `item.yaml`, `*.md`,
or a file the item does not show) reloads only those items (`load_item`), runs the same
whole-site checks as `load_site` (every error of every changed item, unique codes and
addresses), and re-renders, with the build's own functions (`run_task`, `booklet_pages`,
`closing_outputs`), only the files that depend on them:

- the item's pages in every language, its QR landing pages (its own code, printed and
  moved codes leading to it), alias redirects, payment QR files and GS1 landing pages;
- the home page and the list of its kind in a language, only when its card (the
  `item_view` every list shows) changed in that language;
- the e-booklet pages of booklets listing it (once the names of the booklet PDFs are known);
- sitemap.xml, only when the set of its translations changed;
- the service worker (webapp.py), whose version follows every change.

Only files whose bytes changed are written, each atomically, into output/; files the
item no longer makes (a page left out under `missing_translation: omit`, a payment QR
taken away) are removed. The PDFs (the sticker sheet of all items, booklets) are slow:
`refresh_print()` redraws them afterwards in a background thread (the build cache makes
unchanged sticker chunks and booklet editions free), together with the booklet pages
that link to them.

Anything else falls back to a full build: a changed code, aliases, GTIN or image list;
a photo an item shows; templates, site.yaml, locale, categories, free pages, booklets,
printed-codes.yaml, any other file; new, renamed or deleted folders; an unexpected
failure of the incremental path; and, after a failed full build, every change until a
full build succeeds. Items that fail to load are kept "dirty" and loaded again with the
next change, so the errors shown are always those the full build would show.

The PDF refresh never writes what an older model made: every update counts a
generation, and a refresh whose generation is no longer current writes nothing (the
newer one follows). One lock orders all writes into output/ in this process, the
project lock keeps out a `site-builder build` running at the same time, and a full build
first waits for a running refresh.

The output is byte-identical to a full build of the same content (tests/test_live.py).
An incremental update does not touch the build cache's fingerprint, so the next
`site-builder build` sees changed inputs and output and builds everything again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from site_builder.budgets import Page, heavy_pages, loaded_by_every_page, warnings_of
from site_builder.build import (
    BuildReport,
    ErrorWarning,
    Plan,
    booklet_pdf_links,
    build,
    closing_outputs,
    links_nowhere,
    plan_site,
    print_and_booklet_outputs,
    run_task,
)
from site_builder.cache import BuildCache, current, using
from site_builder.compress import EXTS, copies_for
from site_builder.content import kinds
from site_builder.content.loader import item_warnings, load_site, reload_items
from site_builder.content.model import Booklet, Item, Site
from site_builder.content.translations import with_fallback
from site_builder.errors import SiteError
from site_builder.link_check import links_anywhere
from site_builder.outputs import files_of, item_pages, list_files
from site_builder.render.booklets import booklet_pages
from site_builder.render.html import HtmlRenderer, Output
from site_builder.tasks import CodePages, HomePage, ItemExtras, ItemPages, ListPage
from site_builder.urls import list_page_count
from site_builder.webapp import worker
from site_builder.writer import BuildLocked, FileData, project_lock, write_atomic

# Files editors and tools make next to the one being saved; the save itself always also
# changes the real file, so these never need a rebuild.
TEMPORARY = re.compile(
    r"""(
        ~$                          # backups: vi.md~
      | ^\.\#                       # Emacs lock: .#vi.md
      | ^\#.*\#$                    # Emacs auto-save: #vi.md#
      | ^\..*\.sw[a-p]$             # Vim swap: .vi.md.swp
      | ^4913$                      # Vim's "can I write here" probe
      | \.kate-swp$ | \.crswap$     # Kate, Chrome
      | ^\.goutputstream-           # GNOME (gedit)
      | ___jb_(tmp|old|bak)___$     # JetBrains safe write
      | ^\.~lock\..*\#$             # LibreOffice lock
      | ^\.DS_Store$ | ^Thumbs\.db$
      | ^\..+\.[a-z0-9_]{8}$        # write_atomic's temporary file: .vi.md.k3j2h5g1
      | \.tmp$ | ^\..+\.tmp[\w-]*$  # other safe-save temporaries: vi.md.tmp, .vi.md.tmp42
    )""",
    re.X,
)


def is_temporary(name: str) -> bool:
    """True for an editor's swap, backup or lock file, or a half-written temporary file."""
    return TEMPORARY.search(name) is not None


@dataclass
class Update:
    """What one `LiveSite.update` did."""

    full: bool = False  # a full build ran (or found the output up to date)
    written: list[str] = field(default_factory=list)  # output paths written
    deleted: list[str] = field(default_factory=list)  # output paths removed
    warnings: list[str] = field(default_factory=list)
    report: BuildReport | None = None  # the full build's report
    print_pending: bool = False  # the PDFs wait for `refresh_print()`
    # the item folders whose pages were weighed, and those over budget (budgets.heavy_pages)
    measured: tuple[set[Path], dict[Path, list[Page]]] | None = None


@dataclass
class PrintUpdate:
    """What one background refresh of the PDFs (and the booklet pages) did."""

    generation: int
    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: BaseException | None = None  # the full build would have failed with this
    superseded: bool = False  # a newer update came first: nothing was written


@dataclass
class _PrintJob:
    plan: Plan
    generation: int
    epoch: int
    done: Callable[[PrintUpdate], None] | None
    start_at: float


class LiveSite:
    """The preview's site: one full build, then incremental updates (see the module doc)."""

    compile_ahead = True  # every template at once, so that the first save is quick

    def __init__(
        self,
        root: Path,
        output: Path | None = None,
        build_fn: Callable[[Path, Path], BuildReport] = build,
    ) -> None:
        self.root = root.resolve()
        self.output = (output or self.root / "output").resolve()
        self.build_fn = build_fn
        self.plan: Plan | None = None  # the model output/ was made from; None: build fully
        self.dirty: set[Path] = set()  # item folders changed since output/ last matched them
        self.generation = 0  # one more after every update that may have changed output/
        self.print_paths: list[str] | None = None  # output/print/ files, in the build's order
        self._renderer: HtmlRenderer | None = None
        self._print_r: tuple[int, HtmlRenderer] | None = None  # the PDF thread's own
        self._index: dict[Path, int] = {}  # item folder -> its place in site.items
        self._epoch = 0  # one more per full build: templates and catalogs may have changed
        self._write_lock = threading.Lock()  # one writer of output/ at a time in this process
        self._closed = False
        self._printer = _PrintWorker(self._refresh_print)
        umask = os.umask(0)
        os.umask(umask)
        self._mode = 0o666 & ~umask  # what a full build's files get

    # --- the public side ------------------------------------------------------------------

    def update(self, changed: Iterable[str | Path] | None = None) -> Update:
        """Bring output/ up to date after `changed` files changed (None: build fully).

        Raises what the full build raises for the same content (`ErrorList`, ...); the
        items that failed are retried with the next update.
        """
        if changed is None or self.plan is None:
            return self._full()
        folders = self._item_folders(changed)
        if folders is None:
            return self._full()
        folders |= self.dirty
        if not folders:
            return Update()
        self.dirty = folders  # until they are rendered
        try:
            result = self._incremental(folders)
        except (SiteError, OSError):
            raise
        except Exception:  # a bug here must never leave a wrong site: build it all
            traceback.print_exc()
            return self._full()
        if result is None:
            return self._full()
        self.dirty = set()
        return result

    def refresh_print(
        self, done: Callable[[PrintUpdate], None] | None = None, delay: float = 0.0
    ) -> None:
        """Redraw the PDFs (and the booklet pages linking them) in the background, after
        `delay` seconds; a newer call replaces a waiting one. `done` is called from the
        background thread."""
        if self.plan is None or self._closed:
            return
        job = _PrintJob(self.plan, self.generation, self._epoch, done, time.monotonic() + delay)
        self._printer.submit(job)

    def wait_print(self) -> None:
        """Wait until no PDF refresh is waiting or running."""
        self._printer.wait_idle()

    def close(self) -> None:
        """Stop: nothing is written into output/ after this returns."""
        with self._write_lock:
            self._closed = True
        self._printer.close()

    # --- full builds ----------------------------------------------------------------------

    def _full(self) -> Update:
        self._printer.cancel_and_wait()  # never two rebuilds at once
        self.plan, self.dirty, self.print_paths = None, set(), None
        self._renderer, self._index = None, {}
        with self._write_lock:
            self.generation += 1
            report = self.build_fn(self.root, self.output)
        plan = report.plan if report.plan is not None else self._load_plan()
        self._adopt(plan)
        return Update(full=True, report=report, warnings=list(report.warnings))

    def _load_plan(self) -> Plan:
        """The model of a site whose output was up to date (the build did nothing)."""
        with using(BuildCache(self.root)):
            return plan_site(load_site(self.root))

    def _adopt(self, plan: Plan) -> None:
        self._epoch += 1
        with using(current() or BuildCache(self.root)):  # (compiled templates kept)
            renderer = HtmlRenderer(plan.site, plan.urls)
        with contextlib.suppress(Exception):  # a broken template the site does not use
            if self.compile_ahead:
                renderer.prepare()  # compile now, not on the first save
        self._renderer = renderer
        self._index = {item.folder: i for i, item in enumerate(plan.site.items)}
        self.plan = plan

    # --- incremental updates ----------------------------------------------------------------

    def _item_folders(self, changed: Iterable[str | Path]) -> set[Path] | None:
        """The item folders to load again; None if a full build is needed.

        Any file in an existing item folder reloads that item (it reads item.yaml and
        every *.md there; its error hints list the folder's images), except an image the
        item shows: photos are resized by the full build.
        """
        assert self.plan is not None
        content = self.root / "content"
        folders: set[Path] = set()
        for raw in changed:
            path = Path(raw)
            if not path.is_absolute():
                path = self.root / path
            if is_temporary(path.name):
                continue
            try:
                parts = path.relative_to(content).parts
            except ValueError:
                return None
            if len(parts) < 3 or parts[0] not in kinds.names():
                return None
            folder = content / parts[0] / parts[1]
            if folder not in self._index or not folder.is_dir():
                return None  # a new folder, a deleted one, or one that is not an item
            item = self.plan.site.items[self._index[folder]]
            if any(path == image.path for image in item.images):
                return None
            folders.add(folder)
        return folders

    def _incremental(
        self, folders: set[Path], loaded: tuple[list[Item], dict[Path, Item]] | None = None
    ) -> Update | None:
        """Reload and re-render the items in `folders` (`loaded`: already loaded and checked,
        as `reload_items` returns them); None when a full build is needed."""
        plan, renderer = self.plan, self._renderer
        assert plan is not None and renderer is not None
        site, root = plan.site, self.root
        print_paths = self.print_paths  # set by the PDF thread: read once
        config = site.config

        # load, and check like load_site does: every error of every changed item at once
        old: dict[Path, Item] = {f: site.items[self._index[f]] for f in folders}
        items, new = reload_items(site, folders) if loaded is None else loaded
        if len(new) != len(folders):
            return None  # not loaded, yet no error: let the full build say why

        # what the whole site was planned from must not have changed
        for folder, item in new.items():
            before = old[folder]
            if (item.kind, item.slug, item.code, item.aliases, item.images) != (
                before.kind,
                before.slug,
                before.code,
                before.aliases,
                before.images,
            ) or (item.facts.gtin, item.uid) != (before.facts.gtin, before.uid):
                return None  # (the printed-code id too: the registry is checked against it)

        new_site = dataclasses.replace(
            site, items=tuple(items), warnings=self._site_warnings(site, new)
        )
        codes = {code: new.get(item.folder, item) for code, item in plan.codes.items()}
        new_plan = dataclasses.replace(plan, site=new_site, codes=codes)  # printed, booklets kept

        # render what depends on the changed items, with the full build's own functions
        old_paths: set[str] = set()
        home: set[str] = set()
        lists: set[tuple[str, str]] = set()
        booklets: list[Booklet] = []
        translations_changed = False
        for folder, item in new.items():
            before = old[folder]
            for lang in config.languages:
                if self._card(renderer, before, lang) != self._card(renderer, item, lang):
                    home.add(lang)
                    lists.add((item.kind, lang))
            translations_changed |= set(before.translations) != set(item.translations)
            old_paths |= item_pages(plan, before)
            booklets += [b for b in site.booklets if item.key in b.entries and b not in booklets]
        for kind in {kind for kind, _lang in lists}:  # a list with a page more or less:
            counts = [
                (list_page_count(site, kind, lang), list_page_count(new_site, kind, lang))
                for lang in config.languages
            ]  # its pages in every language link to it
            if any(before != after for before, after in counts):
                lists.update((kind, lang) for lang in config.languages)
        for kind, lang in lists:  # (the pages a shorter list no longer has)
            old_paths |= list_files(plan, kind, lang)
        if print_paths is not None:  # their pages are rendered with the item's
            for booklet in booklets:
                old_paths |= self._booklet_files(plan, booklet)
        renderer.site = new_site
        try:
            booklets = booklets if print_paths is not None else []  # else the PDF refresh's
            outputs = self._render(renderer, new_plan, new, home, lists, booklets, print_paths)
            if translations_changed:
                outputs += closing_outputs(new_plan, renderer)  # the sitemap
            else:  # the service worker's version follows every change
                outputs.append(worker(new_plan))
            warnings: list[str] = list(item_warnings(new.values(), root))
            if links_anywhere(new.values()):  # (the site's files listed only then)
                broken = links_nowhere(new_plan, files_of(new_plan), list(new.values()))
                warnings += [ErrorWarning(e, self.root) for e in broken]
            only, heavy = self._heavy_pages(new_plan, new.values(), outputs)
            warnings += [ErrorWarning(e, self.root) for e in warnings_of(only, heavy)]
            with self._write_lock:
                if self._closed:  # stopping: write nothing more
                    renderer.site = site
                    return Update()
                with self._locked():
                    written = self._write(outputs)
                    made = {o.path for o in outputs}
                    deleted = self._delete(sorted(old_paths - made))
                self.plan = new_plan
                self.generation += 1
        except BaseException:
            renderer.site = site
            raise
        return Update(
            written=written,
            deleted=deleted,
            warnings=warnings,
            print_pending=True,
            measured=(set(new), heavy),
        )

    def _render(
        self,
        r: HtmlRenderer,
        plan: Plan,
        new: dict[Path, Item],
        home: set[str],
        lists: set[tuple[str, str]],
        booklets: list[Booklet],
        print_paths: list[str] | None,
    ) -> list[Output]:
        """The files that depend on the items in `new`, as the full build renders them."""
        config = plan.site.config
        outputs: list[Output] = []
        for folder, item in new.items():
            i = self._index[folder]
            outputs += run_task(r, plan, ItemPages(i))
            outputs += run_task(r, plan, ItemExtras(i))
            for code in sorted(c for c, target in plan.codes.items() if target is item):
                outputs += run_task(r, plan, CodePages(code))
        for lang in config.languages:
            if lang in home:
                outputs += run_task(r, plan, HomePage(lang))
            for kind in kinds.names():
                if (kind, lang) in lists:
                    outputs += run_task(r, plan, ListPage(kind, lang))
        for booklet in booklets:
            if print_paths is not None:
                links = booklet_pdf_links(plan, booklet, print_paths)
                for lang in config.languages:
                    outputs += booklet_pages(r, booklet, lang, pdfs=links)
        return outputs

    @staticmethod
    def _card(r: HtmlRenderer, item: Item, lang: str) -> dict[str, Any] | None:
        """The item as every list shows it in `lang` (None: not listed)."""
        tr = with_fallback(item, lang, r.site.config)
        return None if tr is None else r.item_view(item, lang, tr)

    def _booklet_files(self, plan: Plan, booklet: Booklet) -> set[str]:
        """The e-booklet's pages in output/ now (a chapter can go: `missing_translation:
        omit`)."""
        found = set()
        for lang in plan.site.config.languages:
            folder = self.output / plan.urls.booklet_file(lang, booklet.slug)
            for path in folder.parent.rglob("*.html") if folder.parent.is_dir() else []:
                found.add(path.relative_to(self.output).as_posix())
        return found

    def _site_warnings(self, site: Site, new: dict[Path, Item]) -> tuple[str, ...]:
        """`Site.warnings` as load_site makes them: the changed items' anew, in item order."""
        fresh = {f: item_warnings([item], self.root) for f, item in new.items()}
        if not site.warnings and not any(fresh.values()):
            return ()
        old: dict[str, list[str]] = {}
        for w in site.warnings:  # item_warnings': each names its file
            old.setdefault(getattr(w, "params", {}).get("file", ""), []).append(w)
        out: list[str] = []
        for item in site.items:
            if item.folder in fresh:
                out += fresh[item.folder]
            else:
                out += old.get((item.folder / "item.yaml").relative_to(self.root).as_posix(), [])
        return tuple(out)

    def _heavy_pages(
        self, plan: Plan, items: Iterable[Item], outputs: list[Output]
    ) -> tuple[Site, dict[Path, list[Page]]]:
        """`heavy_pages` of `items` (the site with only those): the pages just rendered,
        the photos and the files every page loads as output/ has them (or as rendered)."""
        files: dict[str, FileData] = {}
        only = dataclasses.replace(plan.site, items=tuple(items))  # the others are unchanged
        for rel in {f for each in loaded_by_every_page(only).values() for f in each}:
            if (self.output / rel).is_file():
                files[rel] = self.output / rel
        for item in only.items:
            media = self.output / "media" / item.kind / item.slug
            for path in sorted(media.glob("*.webp")) if media.is_dir() else []:
                files[path.relative_to(self.output).as_posix()] = path
        files.update((o.path, o.data) for o in outputs)
        return only, heavy_pages(only, files)

    # --- writing ----------------------------------------------------------------------------

    def _locked(self) -> contextlib.AbstractContextManager[None]:
        """The project lock around one write into output/ (`preview/quick.py`, which holds
        it for the whole command, takes nothing more)."""
        return project_lock(self.root)

    def _write(self, outputs: list[Output]) -> list[str]:
        """Write the outputs whose bytes differ from output/'s; the paths written."""
        written = []
        for o in outputs:
            data = o.bytes()
            path = self.output / o.path
            try:
                if path.read_bytes() == data:
                    continue
            except OSError:
                pass
            write_atomic(path, data)
            os.chmod(path, self._mode)
            written.append(o.path)
            for rel, body in copies_for(o.path, data).items():  # as a full build: .br, .gz
                write_atomic(self.output / rel, body)
                os.chmod(self.output / rel, self._mode)
        return written

    def _delete(self, paths: list[str]) -> list[str]:
        deleted = []
        for rel in paths:
            path = self.output / rel
            for copy in EXTS:  # its compressed copies go with it
                with contextlib.suppress(FileNotFoundError):
                    path.with_name(path.name + copy).unlink()
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            deleted.append(rel)
            folder = path.parent
            while folder != self.output:  # no empty folders a full build would not make
                try:
                    folder.rmdir()
                except OSError:
                    break
                folder = folder.parent
        return deleted

    # --- the PDFs, in the background ------------------------------------------------------------

    def _refresh_print(self, job: _PrintJob) -> PrintUpdate:
        """Render the PDFs and booklet pages of `job.plan`; write what changed, unless a
        newer update came meanwhile (its own refresh follows)."""
        result = PrintUpdate(job.generation)
        try:
            renderer = self._print_renderer(job)
            with using(BuildCache(self.root)):
                outputs = print_and_booklet_outputs(job.plan, renderer, result.warnings, True)
        except Exception as exc:  # the content can make the PDFs fail: show it like a build
            if not isinstance(exc, (SiteError, OSError)):
                traceback.print_exc()
            result.error = exc
            return result
        prints = [o.path for o in outputs if o.kind == "pdf"]
        made = {o.path for o in outputs}
        with self._write_lock:
            if self._closed or job.generation != self.generation:
                result.superseded = True
                return result
            try:
                with self._locked():
                    old = set()
                    for booklet in job.plan.site.booklets:
                        old |= self._booklet_files(job.plan, booklet)
                    folder = self.output / "print"
                    for path in folder.iterdir() if folder.is_dir() else []:
                        if path.is_file():
                            old.add(path.relative_to(self.output).as_posix())
                    result.written = self._write(outputs)
                    result.deleted = self._delete(sorted(old - made))
            except BuildLocked:  # a `site-builder build` is running: try again in a moment
                self._printer.submit(dataclasses.replace(job, start_at=time.monotonic() + 1))
                result.superseded = True
                return result
            except Exception as exc:
                result.error = exc
                return result
            self.print_paths = prints
        return result

    def _print_renderer(self, job: _PrintJob) -> HtmlRenderer:
        """The background thread's own renderer (Jinja environments are not shared)."""
        cached = self._print_r
        if cached is None or cached[0] != job.epoch:
            with using(BuildCache(self.root)):  # (compiled templates kept)
                cached = (job.epoch, HtmlRenderer(job.plan.site, job.plan.urls))
            self._print_r = cached
        renderer = cached[1]
        renderer.site = job.plan.site
        return renderer


class _PrintWorker:
    """One background thread running the latest PDF job; a newer job replaces a waiting one."""

    def __init__(self, run: Callable[[_PrintJob], PrintUpdate]) -> None:
        self._run = run
        self._cond = threading.Condition()
        self._job: _PrintJob | None = None
        self._busy = False
        self._stopped = False
        self._thread: threading.Thread | None = None

    def submit(self, job: _PrintJob) -> None:
        """Run `job` next (at `job.start_at`), instead of any job not yet started; a retry
        of an older job never replaces a newer one."""
        with self._cond:
            if self._stopped or (self._job is not None and self._job.generation > job.generation):
                return
            self._job = job
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._loop, name="site-builder-print", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()

    def cancel_and_wait(self) -> None:
        """Drop a waiting job and wait for a running one to finish."""
        with self._cond:
            self._job = None
            self._cond.notify_all()
            while self._busy:
                self._cond.wait()

    def wait_idle(self) -> None:
        with self._cond:
            while self._busy or self._job is not None:
                self._cond.wait()

    def close(self) -> None:
        with self._cond:
            self._stopped = True
            self._job = None
            self._cond.notify_all()

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._stopped:
                    job = self._job
                    if job is not None:
                        wait = job.start_at - time.monotonic()
                        if wait <= 0:
                            break
                        self._cond.wait(wait)
                    else:
                        self._cond.wait()
                if self._stopped:
                    self._busy = False
                    self._cond.notify_all()
                    return
                assert job is not None
                self._job = None
                self._busy = True
            result = None
            try:
                result = self._run(job)
            except BaseException:  # never let the thread die silently
                traceback.print_exc()
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()
            if result is not None and job.done is not None:
                try:
                    job.done(result)
                except Exception:
                    traceback.print_exc()


__all__ = ["LiveSite", "PrintUpdate", "Update", "is_temporary"]
