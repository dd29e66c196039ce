"""`site-builder check`: everything the build checks, plus links and translations, no writing.

Just over 500 lines: the three reports below and their JSON form; the link rules are
site_builder/serving.py's and the file list site_builder/outputs.py's.

1. `load_site` + `plan_site`: every content error, the printed-code registry, QR sizes.
2. Internal links in stories: `/vi/...` and relative links (and links to the site's own
   base_url) must lead to a page or file the build produces (decided with `Urls` and the
   model, the same way the build names its files).
3. The translation report (site_builder/translated.py: missing, current, stale, unknown;
   `mark_translated()` writes a translation's `source_hash`, `check --mark-translated`).

Errors fail the check (exit 1); warnings fail it only with `--strict`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from site_builder import check_ahead, lastbuild, lifeline
from site_builder.cache import CACHE_DIR, STAMP, BuildCache, current, digest, using
from site_builder.check_cache import CheckCache
from site_builder.check_stickers import printed_words, sheet_key, sticker_errors
from site_builder.content import kinds
from site_builder.content.loader import STORY_EMPTY, STORY_REMOVED, STORY_REMOVED_HINT
from site_builder.content.printable import STICKER_LANGUAGES, unprintable
from site_builder.errors import ContentError, ErrorList, SiteError, all_errors
from site_builder.link_check import broken_links, links_anywhere
from site_builder.messages import Msg, _
from site_builder.moved_pages import moved_away, published
from site_builder.outputs import alias_clashes, alias_files, files_of
from site_builder.parallel import gc_frozen, gc_paused
from site_builder.progress import Progress
from site_builder.translated import (
    HASH_LINE,
    WARNED,
    Ahead,
    TranslationStatus,
    folder_key,
    languages_and_folders,
    recorded_hash,
    sections,
    source_hash,
    statuses_in,
)
from site_builder.translated import shown_path as _rel

if TYPE_CHECKING:  # (the writer and its system imports: not for a type)
    from site_builder.writer import FileData

COPIES = (".br", ".gz")  # compress.EXTS: the build's precompressed copies


class CheckError(SiteError):
    pass


@dataclass
class CheckReport:
    root: Path
    source_language: str = "vi"
    errors: list[ContentError] = field(default_factory=list)
    warnings: list[ContentError] = field(default_factory=list)
    translations: list[TranslationStatus] = field(default_factory=list)
    items_kept: int = 0  # items taken from the build cache (content/itemcache.py)
    items_loaded: int = 0  # items whose files changed, loaded again
    # paths resolved so far (errors.realpath): the printed messages reuse them
    resolved: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors or (strict and self.warnings))

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled as columns of strings (`_remember`): at 2,000 items its 2,002 warnings
        and 4,004 translations pickle in ~4 ms and are made again in ~15 ms, against 30
        and 50 ms pickled as objects, each with its paths."""
        t = self.translations
        return (
            _report_from,
            (
                str(self.root),
                self.source_language,
                self.errors,
                [_flat(w) for w in self.warnings],
                [x.key for x in t],
                [x.lang for x in t],
                [x.status for x in t],
                [str(x.file) for x in t],
                [str(x.source) for x in t],
                [x.recorded for x in t],
                [x.expected for x in t],
                self.items_kept,
                self.items_loaded,
                self.resolved,
            ),
        )

    def as_json(self, translate: Any = str, strict: bool = False) -> dict[str, Any]:
        def rel(path: Path | str) -> str:
            try:
                return Path(path).resolve().relative_to(self.root).as_posix()
            except ValueError:
                return Path(path).as_posix()

        def one(e: ContentError) -> dict[str, Any]:
            return {
                "file": rel(e.path),
                "line": e.line,
                "field": e.field,
                "message": translate(e.message),
                "hint": translate(e.hint) if e.hint else "",
            }

        groups: dict[str, dict[str, Any]] = {}
        for t in self.translations:
            g = groups.setdefault(t.key, {"key": t.key, "source": rel(t.source), "languages": {}})
            g["languages"][t.lang] = {
                "status": t.status,
                "file": rel(t.file),
                "source_hash": t.recorded,
                "expected_hash": t.expected,
            }
        return {
            "ok": not self.failed(strict),
            "strict": strict,
            "source_language": self.source_language,
            "errors": [one(e) for e in self.errors],
            "warnings": [one(w) for w in self.warnings],
            "translations": list(groups.values()),
        }


def _flat(e: ContentError) -> tuple[Any, ...]:
    """A warning as strings (a `Msg` as its template and values), for `_report_from`."""
    path = (1, str(e.path)) if isinstance(e.path, Path) else (0, e.path)
    return (*path, e.line, e.field, *_message(e.message), *_message(e.hint))


def _message(text: str) -> tuple[Any, Any]:
    return (text.template, text.params) if isinstance(text, Msg) else (str(text), None)


def _report_from(
    root: str,
    source_language: str,
    errors: list[ContentError],
    warnings: list[tuple[Any, ...]],
    *columns: Any,
) -> CheckReport:
    """`CheckReport.__reduce__`'s columns, made into a report again."""
    keys, langs, statuses, files, sources, recorded, expected, kept, loaded, resolved = columns
    paths = _Paths()
    report = CheckReport(Path(root), source_language, errors)
    report.warnings = [
        ContentError(
            paths(path) if is_path else path,
            line,
            name,
            Msg(text, **params) if params is not None else text,
            Msg(hint, **hint_params) if hint_params is not None else hint,
        )
        for is_path, path, line, name, text, params, hint, hint_params in warnings
    ]
    report.translations = [
        TranslationStatus(key, lang, status, paths(file), paths(source), was, now)
        for key, lang, status, file, source, was, now in zip(
            keys, langs, statuses, files, sources, recorded, expected, strict=True
        )
    ]
    report.items_kept, report.items_loaded, report.resolved = kept, loaded, resolved
    return report


class _Paths:
    """Paths made from their text, each folder once and from its parent folder (a name
    joined to a path: `itemcache.child_path`), not parsed again for every path."""

    def __init__(self) -> None:
        from site_builder.content.itemcache import child_path

        self.join = child_path
        self.known: dict[str, Path] = {}

    def __call__(self, text: str) -> Path:
        path = self.known.get(text)
        if path is None:
            folder, _, name = text.rpartition(os.sep)  # (`text`: a path's own, normal)
            if not folder or name in ("", ".", ".."):
                path = Path(text)
            else:
                path = self.join(self(folder), name)
            self.known[text] = path
        return path


def _answer(ahead: lifeline.Forked | None) -> Any:
    """The look-ahead process's next answer; None if it could not give it (killed, or its
    own error: this process does the work)."""
    if ahead is None:
        return None
    try:
        return ahead.next()
    except Exception:
        return None


def _taken(ahead: lifeline.Forked | None) -> Ahead | None:
    """`translations_ahead`'s answer (None if the process could not give it)."""
    answer = _answer(ahead)
    return answer if isinstance(answer, Ahead) else None


def _changes(root: Path, ahead: lifeline.Forked) -> lastbuild.Changes | None:
    """The changes `ahead` finds, the item cache read meanwhile (`check` loads every item),
    unless the last check's report is there: nothing may have changed since."""
    from site_builder.content.itemcache import read_ahead

    if not _may_be_remembered(root):
        read_ahead(root)
    try:
        inputs = ahead.next()
    except ChildProcessError:  # (killed: out of memory?) the check reads everything
        return None
    return None if inputs is None else lastbuild.from_inputs(inputs)


def check(
    root: Path, progress: Progress | None = None, ahead: lifeline.Forked | None = None
) -> CheckReport:
    """Every problem of the project at `root`, nothing written but the build cache: the
    items, stories, QR codes and pages the last build or check made are taken from it
    where their sources did not change, so a check after one edit does the edit's work."""
    root = root.resolve()
    memo = BuildCache(root)
    derived = CheckCache(root)
    # what changed since the last good build (its record, not output/: see
    # `_measured_on_output`): the item folders' files as just scanned, for the item cache;
    # found by a process of its own while this one reads the item cache (`ahead`: started
    # by the command before it imported this module), which then works out the
    # translations' freshness while this one loads the site (`translations_ahead`)
    # what is read and loaded is kept to the end: no collection walks it (at 20,000 items
    # one full collection walks millions of objects: the report pickled after the block
    # took 1.2 s, 5 ms at 2,000)
    with gc_frozen():
        with ahead or check_ahead.start(root) as ahead:
            with gc_paused():  # (tens of thousands of file states)
                found = _changes(root, ahead)
                key = None if found is None else _report_key(found)
                known = None if key is None else _remembered(root, key)
                if known is not None:  # nothing changed since that check: its report
                    return known
                if found is not None:
                    memo.folder_states = lastbuild.item_folder_states(root, found.scan[0])
            with using(memo):
                report = _check(root, progress, derived, found, ahead)
        with gc_paused():  # (the report pickled: tuples and lists by the ten thousand)
            with contextlib.suppress(OSError):  # a read-only project is checked all the same
                derived.save()
            with contextlib.suppress(OSError):
                memo.markdown.save(keep_unused=True)
                memo.qr.save(keep_unused=True)
                memo.photos.save(keep_unused=True)
            report.items_kept, report.items_loaded = memo.items_hits, memo.items_misses
            if key is not None:
                _remember(root, key, report)
    return report


LAST_CHECK = "last-check.pickle"  # in the build cache: the last check's report, sealed


def _may_be_remembered(root: Path) -> bool:
    """Whether the last check's report may be the answer (then the item cache is not
    read ahead): there is one, and no build recorded since (a build writes output/ anew,
    and the report's key holds the last build's fingerprint: an edit, a build, then
    `check` never finds its report)."""
    try:
        report = (root / CACHE_DIR / LAST_CHECK).stat().st_mtime_ns
    except OSError:
        return False
    try:
        return (root / CACHE_DIR / lastbuild.RECORD).stat().st_mtime_ns <= report
    except OSError:
        return True


def _report_key(found: lastbuild.Changes) -> str | None:
    """What a check's report is made from, as found before the check read anything: every
    input file's state (the tool's own code too: `lastbuild.input_entries`) and what the
    last good build wrote (the page weights are measured on it). None when a file changed
    within two seconds of the scan (its next change could keep the same state)."""
    entries, racy = found.scan[0], found.scan[1]
    if racy or not entries:
        return None
    try:
        paths, states = found.packed or lastbuild.packed_scan(entries)
    except OverflowError:  # (no record is kept for such a file system either)
        return None
    last_build = str(found.record.get("output_fingerprint"))
    return digest(STAMP, f"check report {REPORT_FORMAT}", paths, states, last_build)


REPORT_FORMAT = 1


def _remembered(root: Path, key: str) -> CheckReport | None:
    """The last check's report if it was made from exactly the same files (`key`): a
    check run again with nothing changed prints it at once, without loading the site.
    A damaged, foreign or other report: None (the check is made)."""
    from site_builder.content.itemcache import _Unpickler

    try:
        seal, _, body = (root / CACHE_DIR / LAST_CHECK).read_bytes().partition(b"\n")
        if seal.decode() != digest(STAMP, key, body):
            return None
        report = _Unpickler(io.BytesIO(body)).load()
    except Exception:  # (missing, damaged, written by another version)
        return None
    if not isinstance(report, CheckReport) or report.root != root:
        return None
    report.items_kept = report.items_loaded = 0  # (no item loaded at all)
    return report


def _remember(root: Path, key: str, report: CheckReport) -> None:
    """Keep `report` for the next check of the same files (`_remembered`)."""
    from site_builder.content.itemcache import _dumps
    from site_builder.writer import write_atomic

    path = root / CACHE_DIR / LAST_CHECK
    try:
        body = _dumps(report)
        write_atomic(path, digest(STAMP, key, body).encode() + b"\n", body)
    except Exception:  # (not picklable, a read-only cache: the next check is made anew)
        with contextlib.suppress(OSError):
            path.unlink()


def _check(
    root: Path,
    progress: Progress | None,
    derived: CheckCache | None = None,
    found: lastbuild.Changes | None = None,
    ahead: lifeline.Forked | None = None,
) -> CheckReport:
    from site_builder.config import load_config
    from site_builder.content.loader import load_site
    from site_builder.plan import plan_site, with_registry_errors

    root = root.resolve()
    progress = progress or Progress.quiet()
    report = CheckReport(root)
    config = None
    with contextlib.suppress(ContentError, ErrorList):  # (they come again from load_site)
        config = load_config(root)
    languages, folders = languages_and_folders(root, config)
    report.source_language = languages[0]
    progress.start(len(folders) + 2, _("Checking"))
    site = plan = None
    try:
        site = load_site(root, config)
    except ErrorList as exc:
        report.errors.extend(with_registry_errors(exc).errors)
    except ContentError as exc:
        report.errors.extend(all_errors(exc))
    progress.advance()
    edited = None
    if site is not None:
        report.warnings.extend(_load_warnings(site, root))
        # after story edits only since the last good build, the codes and the QR settings
        # are those it checked: their QR sizes are not looked up again (as an update's)
        edited = None if found is None else _stories_edited(site, found)
        if edited is not None and derived is not None:
            derived.keep_unused = True  # (the QR sizes' entries were not used: kept)
        try:
            plan = plan_site(site, qr_sizes=edited is None, qr_version=_qr_version(derived))
        except (ErrorList, ContentError) as exc:
            report.errors.extend(all_errors(exc))
    progress.advance()
    with gc_frozen():  # (what planning made, too)
        return _examine(
            root, report, progress, folders, languages, plan, derived, (found, edited), ahead
        )


class _Targets:
    """Every file the build writes below output/ (`files_of`, aliases too), listed the
    first time a link or an alias needs it: at 2,000 items ~25 ms that a check of stories
    that link nowhere (or whose links were checked before) does not spend."""

    def __init__(self, plan: Any) -> None:
        self.plan = plan

    @functools.cached_property
    def pages(self) -> set[str]:
        """The files without the aliases' (`alias_clashes` compares those with these)."""
        found: set[str] = files_of(self.plan, aliases=False)
        return found

    @functools.cached_property
    def files(self) -> set[str]:
        return self.pages | alias_files(self.plan)

    def __contains__(self, rel: object) -> bool:
        return rel in self.files

    def __iter__(self) -> Iterator[str]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)


def _examine(
    root: Path,
    report: CheckReport,
    progress: Progress,
    folders: list[tuple[str, Path]],
    languages: tuple[str, ...],
    plan: Any,
    derived: CheckCache | None,
    changes: tuple[lastbuild.Changes | None, set[Path] | None],
    ahead: lifeline.Forked | None = None,
) -> CheckReport:
    """`_check` once the site is loaded and planned (`plan`: None if it could not be):
    links, translations (from `ahead`'s process when it worked them out for the same
    languages and folders), print settings, page weights (`changes`: the changes since
    the last good build, and the items whose stories alone changed, `_stories_edited`)."""
    known = _taken(ahead)
    if known is not None and (known.languages, known.folders) == (
        languages,
        [str(f) for _kind, f in folders],
    ):
        if derived is not None:
            derived.table.merge(known.derived)
        report.resolved.update(known.resolved)
    else:
        known = None
    targets = None
    if plan is not None:
        targets = _Targets(plan)
        if any(item.aliases for item in plan.site.items):  # (the build refuses them too)
            report.errors.extend(alias_clashes(plan, targets.pages))
    things: dict[str, Any] = {}  # `Site.by_key` of every folder, without a walk per folder
    if plan is not None:
        everything: list[Any] = [*plan.site.items, *plan.site.pages]
        things = {t.key: t for t in reversed(everything)}
    keys = [folder_key(kind, folder) for kind, folder in folders]
    if known is not None:
        each = [known.statuses_of(i, keys[i], kf[1]) for i, kf in enumerate(folders)]
    else:
        memo = current()  # (the command's own scan, when it made one)
        scanned = memo.folder_states if memo is not None else {}
        each = statuses_in(folders, languages, derived, scanned)
    real = report.resolved  # folders resolved once, not once per file
    stale: list[ContentError] = []  # the translations' warnings, after the others
    for i, ((_kind, folder), key, statuses) in enumerate(zip(folders, keys, each, strict=True)):
        report.translations.extend(statuses)
        for t in statuses:
            if t.status in WARNED:
                shown = None if known is None else known.shown_of(i, t.lang)
                warning = _warning(t, root, real, shown)
                stale += [] if warning is None else [warning]
        thing = things.get(key)
        if (
            targets is not None
            and thing is not None
            and links_anywhere((thing,))
            and thing.folder == folder
        ):
            report.errors.extend(broken_links(plan, thing, targets))
        progress.advance()
    if plan is not None:  # (as `build` refuses them before drawing its PDFs)
        refused = unprintable(plan.site, _sticker_languages(plan.site))
        report.errors.extend(refused)
        # with the other errors (a member fixes them all in one round); an item whose
        # names cannot be printed at all is refused once, not again by its sticker
        skip = {Path(e.path).parent for e in refused}
        report.errors.extend(_print_settings_errors(plan, ahead, derived, skip))
    elif derived is not None:  # (no sticker laid out: those remembered to fit are kept)
        derived.keep_unused = True
    if plan is not None and not report.errors:
        report.warnings.extend(_budget_warnings(plan, *changes))
    if plan is not None:
        report.warnings.extend(_moved_away(plan, changes[0], targets))
    progress.done()
    report.warnings += stale
    report.errors.sort(key=lambda e: (Path(e.path).as_posix(), e.line or 0))
    return report


def _moved_away(
    plan: Any, found: lastbuild.Changes | None, files: _Targets | None
) -> list[ContentError]:
    """The pages the last good build published that the next one will leave out because
    their item's folder was renamed (moved_pages.py, as `build` warns). The build cache's
    record of what that build wrote (4 MB at 2,000 items) is read only when an item
    folder the changes since it name is gone (or the changes are unknown)."""
    root = plan.site.config.root
    if found is not None and not _folders_gone(plan.site.config.content_dir, found.changed):
        return []
    memo = current() or BuildCache(root)
    output = str((root / "output").resolve())
    files_before, before = published(memo.manifest.data, output)
    return moved_away(plan, before, files_before, () if files is None else files)


def _folders_gone(content_dir: Path, changed: set[str]) -> bool:
    """Whether a file of `changed` (absolute paths) lay in an item folder of `content_dir`
    that holds no item.yaml now (renamed, moved, deleted)."""
    content = f"{content_dir}{os.sep}"
    names = kinds.names()
    seen: set[str] = set()
    for path in changed:
        if not path.startswith(content):
            continue
        parts = path[len(content) :].split(os.sep, 2)
        if len(parts) == 3 and parts[0] in names:
            folder = content + parts[0] + os.sep + parts[1]
            if folder not in seen:
                seen.add(folder)
                if not os.path.isfile(os.path.join(folder, "item.yaml")):
                    return True
    return False


def _sticker_languages(site: Any) -> Callable[[], tuple[str, ...]]:
    """The languages a sticker prints titles in, as `build` finds them (read only when a
    title holds a letter the print font lacks); the site's first two when the sticker
    design cannot be read (its own error is reported by the settings' check)."""

    def languages() -> tuple[str, ...]:
        from site_builder.render.pdf import sticker_name_languages

        try:
            return sticker_name_languages(site)
        except SiteError:
            return tuple(site.config.languages[:STICKER_LANGUAGES])

    return languages


def _qr_version(derived: CheckCache | None) -> Callable[[str, str], int] | None:
    """The QR versions `plan_site` checks against `qr.max_version`, remembered."""
    if derived is None:
        return None
    from site_builder.render.qr import make_qr

    def encoded(data: str, level: str) -> int:
        return make_qr(data, level).version

    return lambda data, level: derived.qr_version(data, level, encoded)


def _load_warnings(site: Any, root: Path) -> list[ContentError]:
    """The warnings `build` prints while loading (an accented payment note, an empty story,
    what the sanitiser took out of one), as check's own."""
    out = []
    for warning in site.warnings:
        params = getattr(warning, "params", {})  # loader.item_warnings: data, not text
        story = params.get("story")
        if story is not None:  # an empty story, or what the sanitiser took out of one
            where = (root / params["file"], params["line"], None)
            if story == "removed":
                message = Msg(STORY_REMOVED, tag=params["tag"])
                out.append(ContentError(*where, message, Msg(STORY_REMOVED_HINT)))
            else:
                out.append(ContentError(*where, Msg(STORY_EMPTY)))
        if params.get("field") == "payment.note":
            out.append(
                ContentError(
                    root / params["file"],
                    params["line"],
                    params["field"],
                    Msg(
                        "banks do not accept Vietnamese accents, so the payment QR carries "
                        "'{note}'.",
                        note=params["note"],
                    ),
                    Msg("Write the note without accents to silence this warning."),
                )
            )
    return out


def _print_settings_errors(
    plan: Any,
    ahead: lifeline.Forked | None,
    derived: CheckCache | None = None,
    skip: set[Path] | None = None,
) -> list[ContentError]:
    """The sticker settings of site.yaml, checked as the build would use them: by `ahead`'s
    process when it read the same settings (`check_ahead.settings_ahead`); then on the
    build's preview sheet (`check_ahead.sheet_errors`): the design, the calibration offset,
    and, when the labels themselves fit, a payment code beside the product's; then, with
    none of these, every item's sticker on its label (`check_stickers.sticker_errors`),
    but those of the item folders of `skip` (refused already)."""
    config = plan.site.config
    known = _answer(ahead)
    if known is not None and known[0] == check_ahead.settings_of(config):
        errors: list[ContentError] = list(known[1])
    else:
        errors = check_ahead.settings_errors(config)
    if plan.site.items:  # (as `build` draws its preview sheet: a sticker of every item)
        # (the items' printed words: made once, for the sheet's key and the stickers')
        words = printed_words(plan) if derived is not None and not errors else None
        sheet = sheet_key(plan, words) if words is not None else None
        if sheet is not None and derived is not None and derived.sheet_fits(sheet):
            return errors  # (this very sheet passed before)
        modules = functools.partial(_fewest_modules, plan, derived)
        errors += check_ahead.sheet_errors(config, plan.site.items, modules, payment=not errors)
        if not errors:  # (then each item's sticker, laid out as the build lays it out)
            errors += sticker_errors(plan, derived, skip, words)
            if not errors and not skip and sheet is not None and derived is not None:
                derived.sheet_fitted(sheet)
        elif derived is not None:  # (none laid out: those remembered to fit are kept)
            derived.keep_unused = True
    return errors


def _fewest_modules(plan: Any, derived: CheckCache | None) -> int:
    """The fewest modules across (quiet zone included) of the items' QR codes, which the
    build's preview sheet fits its labels to (`plan_sheets`); their versions remembered."""
    from site_builder.render.qr import make_qr

    level = plan.site.config.qr_error_correction
    version = _qr_version(derived) or (lambda data, level: make_qr(data, level).version)
    urls = (plan.urls.short_url(item.code) for item in plan.site.items)
    smallest = min(urls, key=lambda url: version(url, level))
    return make_qr(smallest, level).size_with_quiet_zone


def _budget_warnings(
    plan: Any, found: lastbuild.Changes | None, edited: set[Path] | None
) -> list[ContentError]:
    """Page weights, measured on the pages the build would write (nothing is written);
    `found`: the changes since the last good build, if it left its record. After edits of
    stories only (`edited`: the items, `_stories_edited`), the pages the last build weighed
    are taken from its record: the items edited since are weighed again
    (`_measured_on_output`)."""
    from site_builder import budgets

    site = plan.site
    if edited is None:  # every page made again, but the last build's unchanged ones kept
        from site_builder.build import render_site, static_files

        output = site.config.root / "output"
        memo = current()
        if memo is not None and output.is_dir():
            memo.keep_from(output)  # (reads outputs.json: not for a few edited pages)
        outputs = render_site(plan, [], with_print=False)
        files = {o.path: o.data for o in outputs}
        files.update(static_files(site, plan.urls))
        return budgets.over_budget(site, files)
    assert found is not None
    last = budgets.from_record(site, found.record.get("budgets"))
    # the items the record does not answer for are weighed (every item, without it)
    if last is None:
        weighed, heavy = list(site.items), {}
    else:
        weighed = [item for item in site.items if item.folder in edited] if edited else []
        heavy = {folder: pages for folder, pages in last.items() if folder not in edited}
    if weighed:
        sizes = _measured_on_output(plan, found, edited)
        heavy.update(budgets.heavy_pages(dataclasses.replace(site, items=tuple(weighed)), sizes))
    return budgets.warnings_of(site, heavy)


def _stories_edited(site: Any, found: lastbuild.Changes) -> set[Path] | None:
    """The folders of the items whose stories (`*.md` in item folders) are all that
    changed since the last good build into output/ (`found`, from its record): the other
    pages are as that build wrote them. None when the record cannot tell, or something
    else changed (item.yaml names the photos, the code, the aliases)."""
    if not all(path.endswith(".md") for path in found.changed):
        return None
    folders = lastbuild.item_folders(site.config.root, found.changed, kinds.names())
    if folders is None or (folders and not folders <= {item.folder for item in site.items}):
        return None
    return folders


def _measured_on_output(
    plan: Any, found: lastbuild.Changes, edited: set[Path]
) -> dict[str, FileData | int]:
    """The files page weights are measured on after edits of the stories of the items in
    `edited` (`_stories_edited`): the ones the last good build wrote (their sizes, as
    recorded: a page changed by hand in output/ since is not what a build writes), with
    the edited items' pages and QR landing pages rendered now."""
    site, urls = plan.site, plan.urls
    files: dict[str, FileData | int] = {  # sizes, as recorded (not the compressed
        rel: size  # copies: check renders none)
        for rel, size in found.files.items()
        if not rel.endswith(COPIES)
    }
    if not edited:
        return files  # (nothing edited since: no renderer imported)
    from site_builder.build import run_task
    from site_builder.render.html import HtmlRenderer
    from site_builder.tasks import CodePages, ItemPages

    index = {item.folder: i for i, item in enumerate(site.items)}
    r = HtmlRenderer(site, urls)
    for folder in sorted(edited):
        i = index[folder]
        item = site.items[i]
        for lang in site.config.languages:  # a page may be gone (a translation removed)
            files.pop(urls.page_file(lang, item.kind, item.slug), None)
        outputs = run_task(r, plan, ItemPages(i))
        for code in sorted(c for c, target in plan.codes.items() if target is item):
            outputs += run_task(r, plan, CodePages(code))
        files.update((o.path, o.bytes()) for o in outputs)
    return files


def _warning(
    t: TranslationStatus, root: Path, real: dict[str, str] | None = None, rel: str | None = None
) -> ContentError | None:
    """The warning for a translation (None if it is current or missing: missing ones are
    the loader's errors); `rel`: its path as shown (`_rel`), if known."""
    if t.status not in WARNED:
        return None  # (no path resolved: thousands of current translations)
    rel = rel if rel is not None else _rel(t.file, root, real)
    if t.status == "unknown":
        return ContentError(
            t.file,
            None,
            None,
            _unknown_freshness(t.source.name),
            Msg(
                "If it matches {source} now, run `site-builder check --mark-translated {file}`.",
                source=t.source.name,
                file=rel,
            ),
            shown=(root, rel),
        )
    if t.status == "stale":
        return ContentError(
            t.file,
            recorded_hash(t.file)[1],
            "source_hash",
            Msg(
                "stale: {source} changed after this translation was made.",
                source=t.source.name,
            ),
            Msg(
                "Update the translation, then run `site-builder check --mark-translated {file}`.",
                file=rel,
            ),
            shown=(root, rel),
        )
    return None


@functools.lru_cache(maxsize=16)
def _unknown_freshness(source: str) -> Msg:
    """The message of a translation of unknown freshness: the same for every translation
    of a `source` of that name (one `Msg` for the thousands of them)."""
    return Msg(
        "unknown freshness: this translation does not say which version of "
        "{source} it was made from.",
        source=source,
    )


def mark_translated(root: Path, path: Path) -> tuple[Path, str, bool]:
    """Write the source file's current hash into the translation `path`.

    Returns (source file, hash, whether the file changed).
    """
    from site_builder.config import load_config
    from site_builder.writer import write_atomic

    root = root.resolve()
    path = path if path.is_absolute() else Path.cwd() / path
    path = path.resolve()
    languages = load_config(root).languages
    source_lang = languages[0]
    rel = _rel(path, root)
    if path.is_dir():
        inside = [path / f"{lang}.md" for lang in languages[1:]]
        found = [f for f in inside if f.is_file()] or inside
        raise CheckError(
            Msg(
                "{file} is a folder: give the translation file in it, e.g. {example}.",
                file=rel,
                example=" ".join(_rel(f, root) for f in found),
            )
        )
    if not path.is_file():
        raise CheckError(Msg("{file} does not exist.", file=rel))
    if (
        path.suffix != ".md"
        or path.stem not in languages
        or path.parent.parent.name not in sections()
    ):
        raise CheckError(
            Msg(
                "{file} is not a translation. Give the text file of one language, "
                "e.g. content/dolls/hmong/en.md.",
                file=rel,
            )
        )
    if path.stem == source_lang:
        raise CheckError(
            Msg(
                "{file} is the source text ({lang}); other languages are translated from it. "
                "Give a translation, e.g. {example}.",
                file=rel,
                lang=source_lang,
                example=_rel(path.with_name(f"{languages[-1]}.md"), root),
            )
        )
    source = path.with_name(f"{source_lang}.md")
    if not source.is_file():
        raise CheckError(Msg("{file} does not exist.", file=_rel(source, root)))
    digest = source_hash(source)
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    try:
        text = raw[3 if bom else 0 :].decode("utf-8")
    except UnicodeDecodeError:
        raise CheckError(
            Msg(
                "{file} is not saved as UTF-8. Save it again with the encoding 'UTF-8'.",
                file=rel,
            )
        ) from None
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.replace("\r\n", "\n").split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i] == "---"), 0)
    if not lines or lines[0] != "---" or end == 0:
        raise CheckError(
            Msg(
                "{file} does not start with fields between two '---' lines.",
                file=rel,
            )
        )
    new_line = f"source_hash: {digest}"
    for i in range(1, end):
        if HASH_LINE.match(lines[i]):
            changed = lines[i] != new_line
            lines[i] = new_line
            break
    else:
        lines.insert(end, new_line)
        changed = True
    if changed:
        data = newline.join(lines).encode("utf-8")
        write_atomic(path, (b"\xef\xbb\xbf" if bom else b"") + data)
    return source, digest, changed
