"""`site-builder build` after edits inside item folders: the live preview's update
(`preview/live.py`), started from the record of the last build, instead of a full build.

A full build writes every file of the site again into a staging folder (44,000 files at
2,000 items: seconds of system calls alone). After a story edit only a handful of files
change, so the command line does what the preview does: it loads the site (the item cache
makes that one item's work), finds the files that changed since the last build, and hands
them to `LiveSite`, which re-renders only what depends on the changed items and writes only
files whose bytes changed, each atomically, into output/. The output is byte-identical to a
full build (tests/test_quick_build.py, tests/test_incremental.py).

It runs only when it can prove what output/ holds. `last-build.record` in the build cache
records, after every good build: the output folder and options, the `stat` of every input
file (path, size, mtime, inode) as read *before* the build read them, and the fingerprint of
output/ after it. The update runs only when that record is sealed and current, output/ is
exactly as recorded (nobody wrote there since: not the preview, not a hand), nothing was
left by an interrupted build, and every changed file lies in an existing item folder whose
item as the last build saw it is still known (the item cache's replaced entry, made from
exactly the recorded files). Anything else — a template, site.yaml, a new or deleted
folder, a photo shown, a content error, an unexpected failure — returns None and the
caller builds fully, which reports errors as always.

The record is deleted before output/ is touched and written again only after success, so
an update killed half way (some files new, some old, each whole) is followed by a full
build. A file changed within two seconds of the scan is recorded as "unknown" and seen as
changed next time (its next edit could keep the same `stat`).
"""

from __future__ import annotations

import contextlib
import functools
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from site_builder import lastbuild, lifeline
from site_builder.cache import BuildCache, recorded_output, using
from site_builder.outdir import check_output_folder
from site_builder.parallel import gc_frozen, gc_paused
from site_builder.writer import FILE_MODE, project_lock, tidy

if TYPE_CHECKING:  # the heavy modules are imported when an update runs (start-up time)
    from site_builder.content.model import Item


class _Fallback(Exception):
    """The update cannot vouch for its result: build fully."""


@dataclass
class QuickReport:
    """What `quick_build` did: nothing (`up_to_date`), or wrote and removed these files."""

    output: Path
    up_to_date: bool = False
    items: int = 0  # item folders changed
    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    config: Any = None  # the site.yaml read (SiteConfig), for what the command does next
    budgets: dict[str, Any] | None = None  # the pages over budget now (budgets.as_record)


QR_LOOKUPS = 64  # QR symbols of the changed items looked up before the QR table is read
# a QR symbol in neither the side file nor `_stories`: the QR table is read if smaller
# (1.6 MB at 2,000 items: ~7 ms) rather than `qrcode` and Pillow imported (~30 ms)
QR_READ_BELOW = 4_000_000


def quick_build(root: Path, output: Path, with_print: bool) -> QuickReport | None:
    """Bring `output` up to date after edits inside item folders (or say it is); None
    when only a full build can."""
    root, output = root.resolve(), output.resolve()
    options = f"print={with_print}"
    if not lastbuild.has_record(root):
        return None  # (before the lock: most builds without a record are cold ones)
    check_output_folder(root, output, legacy=recorded_output(root))  # as the build does
    with project_lock(root), gc_frozen():  # (what is read is kept to the end)
        t0 = time.perf_counter()
        tidy(output)  # what an interrupted build left next to output/ (as the build does)
        if not output.is_dir():
            return None
        # what changed since the last build is found by a process of its own (~0.2 s of
        # system calls and parsing at 2,000 items) while this one imports, reads and
        # loads what an update needs and renders its pages: on two cores, the two at once.
        # output/ is written only once that process has vouched for it (`vouch`, called
        # before the first file is written).
        cache = BuildCache(root)
        with lifeline.fork_one(_look, root, output, options) as ahead:
            try:
                with gc_paused():  # (what is read and loaded: no garbage)
                    _prepare()
                    inputs = ahead.next()
                    if inputs is None:
                        return None
                    found = lastbuild.from_inputs(inputs)
                    config = _read_ahead(root, found.changed) if found.changed else None
                    _stories_taken(cache, ahead.next())
                    if not found.changed:
                        if ahead.next() is None:  # (output/ is not as recorded)
                            return None
                        seconds = time.perf_counter() - t0
                        return QuickReport(output, up_to_date=True, seconds=seconds)
                    loaded = _load(cache, root, output, found, config)

                def vouch() -> None:
                    """Before the first file is written (the pages are rendered by then)."""
                    held = ahead.next()
                    if held is None:
                        raise _Fallback
                    lastbuild.vouched_by(found, held)
                    lastbuild.forget(root)  # from here on output/ may change
                    cache.forget_fingerprint()  # (the full build's own no-change test)

                loaded.live.vouch = vouch
                report = _apply(loaded, with_print, found.record.get("budgets"))
            except (ChildProcessError, _Fallback):  # (the child killed: out of memory?)
                return None
            except Exception:  # never a traceback: the full build does it all, and says why
                return None
        cache.save(None, keep_unused=True)
        state = found.output
        state.update(  # the files written or removed, and their compressed copies
            output,
            [p for rel in report.written + report.deleted for p in (rel, rel + ".br", rel + ".gz")],
        )
        lastbuild.remember(
            root, output, options, found.scan, state, found.packed, budgets=report.budgets
        )
        report.seconds = time.perf_counter() - t0
        return report


def _heavy_pages_now(site: Any, last: Any, measured: Any) -> dict[str, Any] | None:
    """The pages over budget after an update (`budgets.as_record`): as the last build
    recorded them (`last`) for the items the update did not change, as the update weighed
    them (`measured`) for the others; None when either is unknown (`check` weighs them)."""
    from site_builder import budgets

    before = None if measured is None else budgets.from_record(site, last)
    if before is None:
        return None
    folders, heavy = measured
    items = {item.folder for item in site.items}
    now = {folder: pages for folder, pages in before.items() if folder in items - folders}
    return budgets.as_record(site, {**now, **heavy})


FEW_STORIES = 8  # stories changed, at most, that the forked process converts


def _look(root: Path, output: Path, options: str) -> Iterator[Any]:
    """The forked process's answers: the inputs (`lastbuild.changes_in_steps`), the
    changed stories converted (`_stories`), output/'s state."""
    steps = lastbuild.changes_in_steps(root, output, options)
    inputs = next(steps)
    yield inputs
    if inputs is None:
        return
    assert len(inputs) == lastbuild.INPUT_PARTS  # (the inputs come first)
    yield _stories(inputs[0], inputs[1], root, inputs[2])
    yield from steps


def _stories(
    changed: set[str],
    below: dict[str, list[lastbuild.Entry]],
    root: Path | None = None,
    paths: str = "",
) -> dict[str, str]:
    """The stories the command's load will look up in the Markdown table (left unread),
    a few, each converted as the table keeps it, by its key: while output/ is looked at
    after them, the command loads the site and finds them converted (no Python-Markdown
    to make: ~25 ms of its own). Those of the changed item folders, the changed ones and
    the others there (`below`: each folder's recorded files; loading an item converts
    all its stories); and those of the free pages (in `paths`, the input scan's, below
    `root`) that the table's side file does not hold yet (the first edit after a full
    build). Any trouble: none (the command converts them)."""
    siblings = (entry[0] for entries in below.values() for entry in entries)
    stories = sorted({path for path in (*changed, *siblings) if path.endswith(".md")})
    if len(stories) > FEW_STORIES:
        return {}
    try:
        from site_builder import cache
        from site_builder.content.translations import story_text

        texts = {
            cache.digest(text): text
            for path in stories
            if (text := story_text(Path(path))) is not None
        }
        if root is not None:
            pages = f"{root}{os.sep}content{os.sep}pages{os.sep}"
            free = [p for p in paths.split("\n") if p.startswith(pages) and p.endswith(".md")]
            if free and len(stories) + len(free) <= FEW_STORIES:
                known = cache.BuildCache(root).markdown.recent_keys()
                for path in free:
                    text = story_text(Path(path))
                    if text is not None and (key := cache.digest(text)) not in known:
                        texts[key] = text
        if not texts:
            return {}
        from site_builder.markdown import converted

        return {key: converted(text) for key, text in texts.items()}
    except Exception:
        return {}


def _stories_taken(cache: BuildCache, stories: Any) -> None:
    """`_stories`' answer into the Markdown table (left unread, as `load_items` leaves it
    for a few stories: these are put beside it)."""
    from site_builder.content.itemcache import DEFER_FROM_BYTES, DEFERRED_LOOKUPS

    if not isinstance(stories, dict) or not stories:
        return
    cache.markdown.defer(DEFERRED_LOOKUPS, DEFER_FROM_BYTES)
    for key, html in stories.items():
        if isinstance(key, str) and isinstance(html, str):
            cache.markdown.put(key, html)


def _prepare() -> None:
    """While the changes are looked for: the modules an update imports (on two cores, at
    no cost in time even when nothing changed; what is read waits for the answer)."""
    from site_builder.content import itemcache, kinds, loader  # noqa: F401
    from site_builder.preview import live  # noqa: F401


def _read_ahead(root: Path, changed: set[str]) -> Any:
    """Once the changes are known, while output/ is looked at: the item cache read, the
    Markdown converter made if many stories changed, Babel's data for
    the site's languages (prices and dates on the changed items' pages). Returns site.yaml
    as read (None if it has errors: the update reads it again and fails, and the full
    build reports them)."""
    from site_builder.config import load_config
    from site_builder.content.itemcache import read_ahead
    from site_builder.i18n import locales_ahead
    from site_builder.markdown import converter_ahead

    read_ahead(root)
    stories = [path for path in changed if path.endswith(".md")]
    if len(stories) > FEW_STORIES:  # (a few: `_stories` converts them)
        converter_ahead()
    try:
        config = load_config(root)
    except Exception:
        return None
    locales_ahead(config.languages)
    return config


@dataclass
class _Loaded:
    """What an update found before writing anything (`_load`, then `_apply`)."""

    cache: BuildCache
    site: Any
    live: Any
    folders: set[Path]
    new: dict[Path, Item]


def _load(
    cache: BuildCache, root: Path, output: Path, found: lastbuild.Changes, config: Any
) -> _Loaded:
    """Load the site and make again the model output/ was built from, for `LiveSite` to
    update output/ for the changed item folders (`_Fallback` when it cannot vouch).
    Nothing is written: output/ is not vouched for yet."""
    from site_builder.content import kinds
    from site_builder.content.itemcache import folder_stats
    from site_builder.content.loader import load_site
    from site_builder.plan import plan_site
    from site_builder.preview.live import LiveSite

    class CommandLineSite(LiveSite):
        """`LiveSite` inside one command: the command holds the project lock throughout,
        and a full build is the caller's."""

        compile_ahead = False  # only the templates of the pages to render

        # output/ vouched for (`quick_build`): called before the first write, once
        vouch: Callable[[], None] | None = None

        def _locked(self) -> contextlib.AbstractContextManager[None]:
            self.vouched()
            return contextlib.nullcontext()

        def vouched(self) -> None:
            vouch, self.vouch = self.vouch, None
            if vouch is not None:
                vouch()

        def _full(self) -> Any:
            raise _Fallback

    changed = sorted(found.changed)
    if lastbuild.item_folders(root, found.changed, kinds.names()) is None:
        raise _Fallback  # (seen before loading: the full build loads once)
    # (the changed items' stories are converted, not looked up in markdown.json, which
    # would be read and written whole: ~0.15 s at 2,000 items; `load_items` defers it,
    # and what is converted goes to its small side file for the next command)
    cache.folder_states = lastbuild.item_folder_states(root, found.scan[0])
    # the loaded site is kept to the end: inside `quick_build`'s `gc_frozen`, what is made
    # here is frozen when the block ends, and no collection walks it again
    with using(cache), gc_paused():  # the item cache: only the changed items are loaded
        site = load_site(root, config)
        plan = plan_site(site, output, qr_sizes=False)  # codes unchanged: checked below
    if site.config.content_dir.resolve() != root / "content":
        raise _Fallback
    live = CommandLineSite(root, output)
    live._mode = FILE_MODE  # as a full build's files, whatever the umask
    live._index = {item.folder: i for i, item in enumerate(site.items)}
    live.plan = plan  # (for `_item_folders`: folders and photos are the last build's)
    folders = live._item_folders(changed)
    if folders is None:
        raise _Fallback
    # each changed item as the last build saw it: its item cache entry now, or one that
    # entry replaced (this load, or a `check` since), made from exactly the recorded files
    old: dict[Path, Item] = {}
    for folder in sorted(folders):
        recorded = found.recorded_below(str(folder))
        now = (folder_stats(folder), site.items[live._index[folder]])
        for stats, item in [now, *cache.items_before.get(str(folder), [])]:
            if item is not None and [tuple(s) for s in stats] == recorded:
                old[folder] = item
                break
        else:
            raise _Fallback  # (an item that had errors, or files changed twice unseen)
    old_site = replace(site, items=tuple(old.get(i.folder, i) for i in site.items))
    codes = {code: old.get(item.folder, item) for code, item in plan.codes.items()}
    live._adopt(replace(plan, site=old_site, codes=codes))
    new = {folder: site.items[live._index[folder]] for folder in folders}
    return _Loaded(cache, site, live, folders, new)


def _apply(loaded: _Loaded, with_print: bool, budgets: Any = None) -> QuickReport:
    """Write what the changed items change (`_load`), output/ being vouched for (the PDFs
    too: garbage collected); `budgets`: the pages over budget the last build recorded."""
    from site_builder.content.itemcache import DEFER_FROM_BYTES
    from site_builder.preview.live import PrintUpdate

    cache, site, live = loaded.cache, loaded.site, loaded.live
    if with_print:
        from site_builder.content.printable import unprintable
        from site_builder.render.pdf import sticker_name_languages

        languages = functools.partial(sticker_name_languages, site)
        if unprintable(site, languages, loaded.new.values()):  # refused before any write:
            raise _Fallback  # the full build names them and writes nothing
    live.print_paths = None if with_print else []  # the PDFs: redrawn below, or none
    # the changed items' QR symbols from the cache's QR table, left unread as the Markdown
    # table is: the small side file it keeps has them from the last edit of those items
    # (no `qrcode` imported to draw the same codes again)
    cache.qr.defer(QR_LOOKUPS, DEFER_FROM_BYTES, QR_READ_BELOW)
    with using(cache):
        # (changed codes: None)
        update = live._incremental(loaded.folders, (list(site.items), loaded.new))
    if update is None:
        raise _Fallback
    report = QuickReport(live.output, items=len(loaded.folders), warnings=list(site.warnings))
    report.config = site.config
    report.budgets = _heavy_pages_now(site, budgets, update.measured)
    report.written, report.deleted = list(update.written), list(update.deleted)
    if with_print:  # the sticker sheet of every item, booklets (cached parts are kept)
        done: list[PrintUpdate] = []
        live.refresh_print(done.append)
        live.wait_print()
        if not done or done[0].error is not None or done[0].superseded:
            raise _Fallback
        report.written += done[0].written
        report.deleted += done[0].deleted
        update.warnings += done[0].warnings
    live.vouched()  # (if nothing was written: output/'s state is recorded all the same)
    live.close()
    report.warnings += [w for w in update.warnings if w not in report.warnings]
    return report
