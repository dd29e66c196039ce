"""`site-builder check`: everything the build checks, plus links and translations, no writing.

Just over 500 lines: the three reports below and their JSON form; the link rules are
site_builder/serving.py's and the file list site_builder/outputs.py's.

1. `load_site` + `plan_site`: every content error, the printed-code registry, QR sizes.
2. Internal links in stories: `/vi/...` and relative links (and links to the site's own
   base_url) must lead to a page or file the build produces (decided with `Urls` and the
   model, the same way the build names its files).
3. The translation report. For every item and page, each language other than the
   source language (the first in site.yaml) is one of:

   - `missing`  — no file (the site falls back or omits, per `missing_translation`);
   - `current`  — its `source_hash` equals the hash of the source file now;
   - `stale`    — its `source_hash` differs: the source changed after translating (warning);
   - `unknown`  — it has no `source_hash`, so its freshness is unknown (warning).

   `source_hash` (front matter of a translation) is the first 12 hex digits of the
   SHA-256 of the source-language file as read (UTF-8, NFC, LF line ends), without any
   `source_hash:` line of its own front matter, without spaces at line ends and blank
   lines at the end. `mark_translated()` writes it (`check --mark-translated FILE`).

Errors fail the check (exit 1); warnings fail it only with `--strict`.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import hashlib
import os
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from site_builder import lastbuild, lifeline, serving
from site_builder.cache import BuildCache, current, using
from site_builder.check_cache import CheckCache
from site_builder.content import kinds
from site_builder.errors import ContentError, ErrorList, SiteError, all_errors, realpath
from site_builder.filestate import FileState
from site_builder.markdown import slugify
from site_builder.messages import Msg, _
from site_builder.outputs import alias_clashes, alias_files, files_of
from site_builder.parallel import gc_frozen, gc_paused
from site_builder.progress import Progress

if TYPE_CHECKING:  # (the writer and its system imports: not for a type)
    from site_builder.writer import FileData

HASH_LEN = 12
COPIES = (".br", ".gz")  # compress.EXTS: the build's precompressed copies
HASH_LINE = re.compile(r"^source_hash[ \t]*:.*$")
STATUSES = ("current", "stale", "unknown", "missing")


def _sections() -> tuple[str, ...]:
    """The content folders whose texts are translations: every kind's, and pages."""
    return (*kinds.names(), "pages")


class CheckError(SiteError):
    pass


@dataclass
class TranslationStatus:
    key: str  # dolls/hmong
    lang: str
    status: str  # one of STATUSES
    file: Path
    source: Path
    recorded: str | None = None  # source_hash in the translation
    expected: str | None = None  # hash of the source file now


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


def changes_ahead(root: Path) -> lifeline.Forked:
    """What `check` needs of the changes since the last good build (not output/'s
    state: see `_measured_on_output`), looked for from now on in a process of its own;
    the command starts it before it imports this module."""
    return lastbuild.changes_ahead(root, root / "output", vouch=False)


def _changes(root: Path, ahead: lifeline.Forked) -> lastbuild.Changes | None:
    """The changes `ahead` finds, the item cache read meanwhile (`check` loads every item)."""
    from site_builder.content.itemcache import read_ahead

    with ahead:
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
    # by the command before it imported this module)
    with gc_frozen():  # what is read and loaded is kept to the end: no collection walks it
        with gc_paused():  # (tens of thousands of file states)
            found = _changes(root, ahead or changes_ahead(root))
            if found is not None:
                memo.folder_states = lastbuild.item_folder_states(root, found.scan[0])
        with using(memo):
            report = _check(root, progress, derived, found)
    with contextlib.suppress(OSError):  # a read-only project is checked all the same
        derived.save()
    with contextlib.suppress(OSError):
        memo.markdown.save(keep_unused=True)
        memo.qr.save(keep_unused=True)
        memo.photos.save(keep_unused=True)
    report.items_kept, report.items_loaded = memo.items_hits, memo.items_misses
    return report


def _check(
    root: Path,
    progress: Progress | None,
    derived: CheckCache | None = None,
    found: lastbuild.Changes | None = None,
) -> CheckReport:
    from site_builder.config import load_config
    from site_builder.content.loader import folders_in, load_site
    from site_builder.plan import plan_site, with_registry_errors

    root = root.resolve()
    progress = progress or Progress.quiet()
    report = CheckReport(root)
    config = None
    try:
        config = load_config(root)
        languages = config.languages
    except (ContentError, ErrorList):
        languages = ("vi", "en")  # the errors come again from load_site below
    report.source_language = languages[0]
    folders = [(kind, f) for kind in _sections() for f in folders_in(root / "content" / kind)]
    progress.start(len(folders) + 2, _("Checking"))
    site = plan = None
    try:
        site = load_site(root, config)
    except ErrorList as exc:
        report.errors.extend(with_registry_errors(exc).errors)
    except ContentError as exc:
        report.errors.extend(all_errors(exc))
    progress.advance()
    if site is not None:
        report.warnings.extend(_load_warnings(site, root))
        try:
            plan = plan_site(site, qr_version=_qr_version(derived))
        except (ErrorList, ContentError) as exc:
            report.errors.extend(all_errors(exc))
    progress.advance()
    with gc_frozen():  # (what planning made, too)
        return _examine(root, report, progress, folders, languages, plan, derived, found)


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
    found: lastbuild.Changes | None,
) -> CheckReport:
    """`_check` once the site is loaded and planned (`plan`: None if it could not be):
    links, translations, print settings, page weights."""
    targets = None
    if plan is not None:
        targets = _Targets(plan)
        if any(item.aliases for item in plan.site.items):  # (the build refuses them too)
            report.errors.extend(alias_clashes(plan, targets.pages))
    things: dict[str, Any] = {}  # `Site.by_key` of every folder, without a walk per folder
    if plan is not None:
        everything: list[Any] = [*plan.site.items, *plan.site.pages]
        things = {t.key: t for t in reversed(everything)}
    memo = current()
    scanned = memo.folder_states if memo is not None else {}
    for kind, folder in folders:
        key = f"{kind}/{slugify(folder.name)}"
        states = scanned.get(str(folder))  # the command's own scan, when it made one
        report.translations.extend(translation_status(folder, key, languages, derived, states))
        if plan is not None and targets is not None:
            thing = things.get(key)
            if thing is not None and thing.folder == folder:
                report.errors.extend(broken_links(plan, thing, targets, derived))
        progress.advance()
    if plan is not None and not report.errors:
        report.errors.extend(_print_settings_errors(plan))
        report.warnings.extend(_budget_warnings(plan, found))
    progress.done()
    real = report.resolved  # folders resolved once, not once per file
    for t in report.translations:
        warning = _warning(t, root, real)
        if warning is not None:
            report.warnings.append(warning)
    report.errors.sort(key=lambda e: (Path(e.path).as_posix(), e.line or 0))
    return report


def _qr_version(derived: CheckCache | None) -> Callable[[str, str], int] | None:
    """The QR versions `plan_site` checks against `qr.max_version`, remembered."""
    if derived is None:
        return None
    from site_builder.render.qr import make_qr

    def encoded(data: str, level: str) -> int:
        return make_qr(data, level).version

    return lambda data, level: derived.qr_version(data, level, encoded)


def _load_warnings(site: Any, root: Path) -> list[ContentError]:
    """The warnings `build` prints while loading (an accented payment note), as check's own."""
    out = []
    for warning in site.warnings:
        params = getattr(warning, "params", {})  # loader.item_warnings: data, not text
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


def _print_settings_errors(plan: Any) -> list[ContentError]:
    """The sticker settings of site.yaml, checked as the build would use them."""
    from site_builder.labelsheets import get_template  # (render.pdf.label_template's)
    from site_builder.print.sticker_layout import check_label_fits

    config = plan.site.config
    site_yaml = config.root / "site.yaml"
    try:
        settings = config.stickers  # (render.pdf.sticker_settings)
        check_label_fits(
            get_template(settings.template, config.label_templates), settings.min_qr_mm
        )
    except (ErrorList, ContentError) as exc:
        return all_errors(exc)
    except SiteError as exc:
        return [ContentError(site_yaml, plan.site.config.line("stickers"), "stickers", str(exc))]
    return []


def _budget_warnings(plan: Any, found: lastbuild.Changes | None) -> list[ContentError]:
    """Page weights, measured on the pages the build would write (nothing is written);
    `found`: the changes since the last good build, if it left its record."""
    from site_builder.budgets import over_budget

    files = None if found is None else _measured_on_output(plan, found)
    if files is None:  # every page made again, but the last build's unchanged ones kept
        from site_builder.build import render_site, static_files

        output = plan.site.config.root / "output"
        memo = current()
        if memo is not None and output.is_dir():
            memo.keep_from(output)  # (reads outputs.json: not for a few edited pages)
        outputs = render_site(plan, [], with_print=False)
        files = {o.path: o.data for o in outputs}
        files.update(static_files(plan.site, plan.urls))
    return over_budget(plan.site, files)


def _measured_on_output(plan: Any, found: lastbuild.Changes) -> dict[str, FileData | int] | None:
    """After edits of stories only (`*.md` in item folders) since the last good build into
    output/ (`found`, from its record): the files page weights are measured on are the
    ones that build wrote (their sizes, as recorded: a page changed by hand in output/
    since is not what a build writes), with the edited items' pages and QR landing pages
    rendered now; the other pages did not change. None when the record cannot tell:
    render them all."""
    site, urls = plan.site, plan.urls
    root = site.config.root
    if not all(path.endswith(".md") for path in found.changed):
        return None  # (item.yaml names the photos, the code, the aliases)
    folders = lastbuild.item_folders(root, found.changed, kinds.names())
    index = {item.folder: i for i, item in enumerate(site.items)}
    if folders is None or not folders <= index.keys():
        return None
    files: dict[str, FileData | int] = {  # sizes, as recorded (not the compressed
        rel: size  # copies: check renders none)
        for rel, size in found.files.items()
        if not rel.endswith(COPIES)
    }
    if not folders:
        return files  # (nothing edited since: no renderer imported)
    from site_builder.build import run_task
    from site_builder.render.html import HtmlRenderer
    from site_builder.tasks import CodePages, ItemPages

    r = HtmlRenderer(site, urls)
    for folder in sorted(folders):
        i = index[folder]
        item = site.items[i]
        for lang in site.config.languages:  # a page may be gone (a translation removed)
            files.pop(urls.page_file(lang, item.kind, item.slug), None)
        outputs = run_task(r, plan, ItemPages(i))
        for code in sorted(c for c, target in plan.codes.items() if target is item):
            outputs += run_task(r, plan, CodePages(code))
        files.update((o.path, o.bytes()) for o in outputs)
    return files


# --- translations --------------------------------------------------------------------


def source_hash(path: Path) -> str:
    """The hash a translation records of its source file (see the module docstring)."""
    from site_builder.content.yamlsource import read_text

    lines = read_text(path).split("\n")
    if lines and lines[0] == "---":
        end = next((i for i in range(1, len(lines)) if lines[i] == "---"), 0)
        lines = [ln for i, ln in enumerate(lines) if not (0 < i < end and HASH_LINE.match(ln))]
    lines = [ln.rstrip() for ln in lines]
    while lines and not lines[-1]:
        lines.pop()
    digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    return digest[:HASH_LEN]


def recorded_hash(path: Path) -> tuple[str | None, int | None]:
    """The `source_hash` written in a translation's front matter, and its line."""
    from site_builder.content.yamlsource import read_text

    try:
        lines = read_text(path).split("\n")
    except ContentError:
        return None, None
    if not lines or lines[0] != "---":
        return None, None
    for i, line in enumerate(lines[1:], start=2):
        if line == "---":
            break
        if HASH_LINE.match(line):
            value = line.split(":", 1)[1].split("#", 1)[0].strip().strip("\"'")
            return (value or None), i
    return None, None


def translation_status(
    folder: Path,
    key: str,
    languages: tuple[str, ...],
    derived: CheckCache | None = None,
    states: tuple[FileState, ...] | None = None,
) -> list[TranslationStatus]:
    """The freshness of each translation in `folder` (the hashes remembered in `derived`
    for files whose state did not change). `states`: the folder's files as the command's
    scan found them (`lastbuild.item_folder_states`), instead of a `stat` of each."""
    found = None if states is None else {s.path: s for s in states}

    def state(path: Path) -> FileState | None:
        return found.get(str(path)) if found is not None else None

    def there(path: Path) -> bool:
        return str(path) in found if found is not None else path.is_file()

    source = folder / f"{languages[0]}.md"
    if not there(source):
        return []  # reported as an error by the loader
    try:
        expected = (
            source_hash(source)
            if derived is None
            else derived.source_hash(source, source_hash, state(source))
        )
    except ContentError:
        return []  # not UTF-8: an error of its own
    out = []
    for lang in languages[1:]:
        path = folder / f"{lang}.md"
        if not there(path):
            out.append(TranslationStatus(key, lang, "missing", path, source, None, expected))
            continue
        recorded, _line = (
            recorded_hash(path)
            if derived is None
            else derived.recorded(path, recorded_hash, state(path))
        )
        fresh = "current" if recorded == expected else "stale"
        status = "unknown" if recorded is None else fresh
        out.append(TranslationStatus(key, lang, status, path, source, recorded, expected))
    return out


def _warning(
    t: TranslationStatus, root: Path, real: dict[str, str] | None = None
) -> ContentError | None:
    if t.status not in ("unknown", "stale"):
        return None  # (no path resolved: thousands of current translations)
    rel = _rel(t.file, root, real)
    if t.status == "unknown":
        return ContentError(
            t.file,
            None,
            None,
            Msg(
                "unknown freshness: this translation does not say which version of "
                "{source} it was made from.",
                source=t.source.name,
            ),
            Msg(
                "If it matches {source} now, run `site-builder check --mark-translated {file}`.",
                source=t.source.name,
                file=rel,
            ),
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
        )
    return None


def _rel(path: Path, root: Path, real: dict[str, str] | None = None) -> str:
    """`path` from `root` as `Path.resolve` sees it; `real`: the folders resolved so far
    (then on strings: thousands of warnings)."""
    if real is None:
        try:
            return path.resolve().relative_to(root).as_posix()
        except ValueError:
            return path.as_posix()
    full = realpath(str(path.absolute()), real)
    base = realpath(str(root.absolute()), real)
    if full == base:
        return "."
    inside = base if base.endswith(os.sep) else base + os.sep
    return full[len(inside) :].replace(os.sep, "/") if full.startswith(inside) else path.as_posix()


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
    if not path.is_file():
        raise CheckError(Msg("{file} does not exist.", file=rel))
    if (
        path.suffix != ".md"
        or path.stem not in languages
        or path.parent.parent.name not in _sections()
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


# --- links ---------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and ((tag == "a" and name == "href") or (tag == "img" and name == "src")):
                self.links.append(value)


def resolves(rel: str, files: Collection[str]) -> bool:
    """Would a request for `rel` (no leading /) find a file, as the host serves it?
    (serving.py's rules; a redirect to the folder's index page counts.)"""
    if rel.startswith("print/"):
        return True  # PDFs: named by the print module
    return serving.resolve_in(rel, files).kind != "missing"


# a tag that may be an `a` or an `img` (HTMLParser's tag names end at a space, '/' or
# '>'; case does not matter): a story without one has no link, and is not parsed
_MAY_LINK = re.compile(r"<(?:a|img)\b", re.IGNORECASE)


def may_link(html: str) -> bool:
    """False when `html` certainly has no `a` or `img` tag (most stories: a regular
    expression scans 3 kB in ~1 µs, the parser takes ~50 µs)."""
    return _MAY_LINK.search(html) is not None


def links_in(html: str) -> list[str]:
    """The `href` of every `a` and the `src` of every `img` in `html`, once each, in order."""
    parser = _Links()
    parser.feed(html)
    return list(dict.fromkeys(parser.links))


def broken_links(
    plan: Any, thing: Any, files: Collection[str], derived: CheckCache | None = None
) -> list[ContentError]:
    config, urls = plan.site.config, plan.urls
    base = config.base_path
    kind = getattr(thing, "kind", "pages")
    pages: list[str] = []  # for a hint, made once a link is broken (not once per item)
    media: list[str] = []  # photos' published names, the same
    out = []
    for lang, tr in sorted(thing.translations.items()):
        here = urls.page(lang, kind, thing.slug)
        html = tr.body_html
        if not may_link(html):
            continue  # (nothing to parse, nor to remember in check.json)
        found = links_in(html) if derived is None else derived.links(html, links_in)
        for link in found:
            target = _internal(link, here, config.base_url)
            if target is None:
                continue
            rel = target[len(base) :] if target.startswith(base) else None
            if rel is not None and resolves(rel, files):
                continue
            if target.startswith(f"{base}media/"):
                media = media or sorted(urls.url(f) for f in files if f.startswith("media/"))
                among = media
            else:
                pages = pages or sorted(
                    urls.url(f) for f in files if f.endswith("index.html") or f.startswith("Q/")
                )
                among = pages
            near = difflib.get_close_matches(target, among, n=1, cutoff=0.6)
            first = kinds.all_kinds()[0]
            hint = (
                Msg("Did you mean {url}?", url=near[0])
                if near
                else Msg(
                    "Pages of this site look like {example}; check the folder name.",
                    example=urls.page(lang, first.name, first.example_slug),
                )
            )
            out.append(
                ContentError(
                    tr.source,
                    _line_of(tr.source, link),
                    None,
                    Msg("the link '{link}' leads to no page of this site.", link=link),
                    hint,
                )
            )
    return out


def _internal(link: str, here: str, base_url: str) -> str | None:
    """The site path a link leads to, or None for another site, an anchor or mail."""
    link = link.strip()
    if not link or link.startswith("#"):
        return None
    if link.startswith(base_url):
        link = "/" + link[len(base_url) :]
        link = urlsplit(base_url).path.rstrip("/") + link
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        return None
    return urlsplit(urljoin(here, parts.path)).path


def _line_of(path: Path, link: str) -> int | None:
    from site_builder.content.yamlsource import read_text

    try:
        lines = read_text(path).split("\n")
    except ContentError:
        return None
    for i, line in enumerate(lines, start=1):
        if link in line:
            return i
    return None
