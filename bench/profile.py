"""Where a cold build's CPU goes, by part: one process under cProfile (SITE_BUILDER_JOBS=1).

    .venv/bin/python -m bench.profile PROJECT            # cold build of PROJECT, then the table
    .venv/bin/python -m bench.profile --stats FILE       # the table of a saved profile
    .venv/bin/python -m bench.profile --stickers PROJECT # `stickers --all` (L7160), cold; output/ kept

The build runs with one worker (everything in this process, so cProfile sees it all) after
moving PROJECT/output and PROJECT/.site-builder-cache aside (renamed, deleted only after the
build: bench/trash.py). The profiler's clock is this
process's CPU time (time.process_time), so other programs on a shared machine do not inflate
the figures; time spent waiting for the disk is not counted. cProfile slows Python code down
(roughly 1.5-2×) but not C code (brotli, zlib, Pillow, system calls), so the shares of the
Python parts are overstated; the table is for "which part is big", not for absolute times.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import time
from pathlib import Path

from bench import trash

# (label, file ending, function): the cumulative time of that function; indented = inside the
# part above it.
PARTS = [
    ("whole build", "site_builder/build.py", "build"),
    ("load (YAML, Markdown, image headers)", "site_builder/content/loader.py", "load_site"),
    ("  Markdown", "site_builder/markdown.py", "render_markdown"),
    ("  photos read", "site_builder/content/images.py", "load_image"),
    ("plan (printed codes, QR)", "site_builder/plan.py", "plan_site"),
    ("render and write pages, QR files, photos", "site_builder/build.py", "write_site"),
    ("  Jinja2 templates", "jinja2/environment.py", "render"),
    ("  markup escaping", "markupsafe/__init__.py", "escape"),
    ("precompressed copies (.br, .gz)", "site_builder/compress.py", "precompress"),
    ("  brotli (quality 5)", "brotli.py", "compress"),
    ("  gzip level 9", "gzip.py", "compress"),
    ("all file writes (staging.put)", "site_builder/writer.py", "put"),
    ("  open() system calls", "~", "<built-in method posix.open>"),
    ("  mkdir() system calls", "~", "<built-in method posix.mkdir>"),
]

# the same for `stickers --all`: the sticker sheets are WeasyPrint documents of positioned text
STICKER_PARTS = [
    ("whole command", "site_builder/commands/stickers.py", "run"),
    (
        "load (YAML, photos checked; stories not converted)",
        "site_builder/content/loader.py",
        "load_site",
    ),
    ("  photos checked (decoded once)", "site_builder/content/images.py", "load_image"),
    (
        "  Markdown (should be 0: a sticker shows no story)",
        "site_builder/markdown.py",
        "render_markdown",
    ),
    ("plan (printed codes, QR encoding)", "site_builder/plan.py", "plan_site"),
    ("sticker sheets", "site_builder/render/pdf.py", "sticker_sheet"),
    (
        "  layout in Python (text wrapped, sizes)",
        "site_builder/print/sticker_sheets.py",
        "plan_sheets",
    ),
    ("  QR codes as PDF operators", "site_builder/print/stickers.py", "sheet_qr_ops"),
    ("  WeasyPrint: HTML parsed", "tinyhtml5/parser.py", "parse"),
    ("  WeasyPrint: styles computed", "weasyprint/css/__init__.py", "get_all_computed_styles"),
    ("  WeasyPrint: layout", "weasyprint/layout/__init__.py", "layout_document"),
    ("  WeasyPrint: drawn and written (write_pdf)", "weasyprint/document.py", "write_pdf"),
    ("  PDF chunks joined (pypdf)", "site_builder/render/pdf.py", "_join"),
]


def breakdown(
    stats: pstats.Stats, parts: list[tuple[str, str, str]] = PARTS
) -> list[tuple[str, float, int]]:
    """(label, cumulative seconds, calls) for every part found in the profile."""
    table = stats.stats  # type: ignore[attr-defined]
    rows = []
    for label, file_end, func in parts:
        best: tuple[float, int] | None = None
        for (file, _line, name), (_cc, calls, _tt, cum, _callers) in table.items():
            if name == func and file.endswith(file_end) and (best is None or cum > best[0]):
                best = (cum, calls)
        if best is not None:
            rows.append((label, best[0], best[1]))
    return rows


def report(stats: pstats.Stats, parts: list[tuple[str, str, str]] = PARTS) -> str:
    rows = breakdown(stats, parts)
    total = rows[0][1] if rows else 0.0
    lines = ["| part | CPU seconds (profiled) | share | calls |", "|---|---|---|---|"]
    for label, cum, calls in rows:
        share = f"{100 * cum / total:.0f} %" if total else "—"
        lines.append(f"| {label} | {cum:.2f} | {share} | {calls} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("project", nargs="?", help="the project to build cold (its output is deleted)")
    ap.add_argument("--stats", help="read this saved profile instead of building")
    ap.add_argument("--save", default="cold-build.prof", help="where to save the profile")
    ap.add_argument(
        "--stickers", action="store_true", help="profile `stickers --all` (L7160) instead"
    )
    args = ap.parse_args(argv)
    parts = STICKER_PARTS if args.stickers else PARTS
    if args.stats:
        print(report(pstats.Stats(args.stats), parts))
        return 0
    if not args.project:
        ap.error("give a PROJECT to build, or --stats FILE")
    root = Path(args.project).resolve()
    for name in (".site-builder-cache",) if args.stickers else ("output", ".site-builder-cache"):
        trash.set_aside(root / name, root)  # moved, not deleted: see bench/trash.py
    os.environ["SITE_BUILDER_JOBS"] = "1"
    from site_builder.build import build

    t0 = time.perf_counter()
    profiler = cProfile.Profile(time.process_time)
    if args.stickers:
        from site_builder.cli import main as cli

        pdf = root / "stickers" / "bench-profile-all.pdf"
        argv = ["--project", str(root), "stickers", "--template", "L7160", "-o", str(pdf), "--all"]
        profiler.runcall(cli, argv)
        what = "cold `stickers --all` of"  # its PDF under PROJECT/stickers/
    else:
        profiler.runcall(build, root, with_print=False)
        what = "cold build (no PDFs) of"
    wall = time.perf_counter() - t0
    trash.empty(root)  # after the timing, as the bench does
    profiler.dump_stats(args.save)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        f"{what} {root} (1 process, profiled): {wall:.1f} s wall, "
        f"{usage.ru_utime:.1f} s user + {usage.ru_stime:.1f} s system CPU, "
        f"peak {usage.ru_maxrss / 1024:.0f} MB; profile in {args.save}"
    )
    print(report(pstats.Stats(args.save), parts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
