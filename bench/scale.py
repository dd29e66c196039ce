"""The national-scale rows: our build at `--scale N` items (e.g. 20,000) next to `--items`.

    .venv/bin/python -m bench.run --items 2000 --scale 20000 [--no-peers]

Our build only (the peers are optional and measured at `--items`). At N items it measures, once
each: cold build, no-change rebuild, one-item edit, `check` twice (the first check of the
corpus, which has no `check.json` yet, then a warm one), and stickers of every item, with wall
time, CPU (user + system, workers included) and the peak memory of the whole process tree
(`bench/treemem.py`). Targets of issue "Step 12": each time at N ≤ 1.1 × (N / items) × the
same row at `--items` (11× for 20,000 against 2,000), and peak memory ≤ 1 GB.

Each row is compared with the same kind of run at `--items`: the first check with the first
of bench/run.py's check runs there, the warm check with the median of them. Memory is judged
twice: the tree's RSS (every process's resident pages, pages shared by the forked workers
counted once per process: an upper bound) and its PSS (each shared page divided among the
processes sharing it: what the tree takes from the machine's memory).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from bench import corpus as corpus_mod
from bench import trash
from bench.run import (
    OURS_BIN,
    Result,
    System,
    measure,
    ours_build_flags,
    ours_check_command,
    sticker_pdf,
    stickers_command,
)
from site_builder.filestate import RACY_NS

WORK_DEFAULT = Path(__file__).resolve().parent / ".work"
SCENARIOS = ("cold", "no-change", "one-edit", "check-first", "check", "stickers-cold")
MEMORY_LIMIT_MB = 1024.0


def run_scale(
    items: int, work: Path, seed: int, log: Path, say: Callable[[str], None]
) -> list[Result]:
    """Generate an `items` corpus (ours only) and measure every row once, in order."""
    out = work / f"corpus-{items}"
    say(f"Scale: generating {items} items (ours only) into {out} …")
    entries = corpus_mod.generate(out, items, seed, peers=False)
    # as bench/run.py: a member saves, then builds seconds later; a file younger than
    # RACY_NS is never vouched for by its `stat`, so an immediate cold build could not
    # record its fingerprint and "no-change" would be a full build
    time.sleep(RACY_NS / 1e9 + 0.1)
    trash.empty(out)  # what an interrupted run set aside
    trash.settle(say)  # no timed run within ext4's window after files were deleted
    root = out / "ours"
    target = next(e for e in entries if e.kind == "dolls")
    flags, note = ours_build_flags()
    system = System(
        "ours",
        root,
        [str(OURS_BIN), "--project", str(root), "build", *flags],
        ["output", ".site-builder-cache"],
        corpus_mod.ours_source(root, target),
        note,
    )
    codes = [e.code for e in entries if e.code]
    sticker_cmd, sticker_note = stickers_command(root, codes, sticker_pdf(out))
    steps: list[tuple[str, Callable[[], None], list[str] | None, str]] = [
        ("cold", system.make_cold, system.command, note),
        ("no-change", lambda: None, system.command, note),
        ("one-edit", lambda: system.edit(0), system.command, note),
        ("check-first", lambda: None, ours_check_command(root), "first site-builder check"),
        ("check", lambda: None, ours_check_command(root), "site-builder check, again"),
        ("stickers-cold", lambda: _drop_cache(root), sticker_cmd, sticker_note),
    ]
    results = []
    for scenario, prepare, cmd, why in steps:
        res = Result("ours", scenario, note=why)
        if cmd is not None:
            prepare()
            sample = measure(cmd, root, log)
            res.samples.append(sample)
            say(
                f"  ours@{items} {scenario:14} {sample.seconds:8.2f} s  cpu {sample.cpu_s:7.1f} s"
                f"  tree {sample.tree_mb:6.0f} MB (pss {sample.tree_pss_mb:.0f})"
            )
        results.append(res)
    trash.empty(out)  # after every timing of this corpus
    return results


def main(argv: list[str] | None = None) -> int:
    """Only the N-item rows (no --items rows to compare with): `python -m bench.scale N`."""
    import argparse
    import tempfile

    ap = argparse.ArgumentParser(description="Our build alone at N items, one run per row.")
    ap.add_argument("items", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", default=str(WORK_DEFAULT))
    args = ap.parse_args(argv)
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    log = Path(tempfile.mkstemp(prefix="bench-scale-", suffix=".log", dir=work)[1])
    print(f"Log: {log}", flush=True)
    run_scale(args.items, work, args.seed, log, lambda m: print(m, flush=True))
    return 0


def _drop_cache(root: Path) -> None:
    trash.set_aside(root / ".site-builder-cache", root.parent)


def _get(results: list[Result], scenario: str) -> Result | None:
    found = next((r for r in results if r.scenario == scenario and r.samples), None)
    if found is None and scenario == "check-first":  # bench/run.py: its first check run
        # (after one edit and its build, as here; before stop 33 the row named "check")
        check = _get(results, "check-edit") or _get(results, "check")
        if check is not None:
            found = Result(check.system, scenario, check.samples[:1], check.note)
    return found


def scale_table(base: list[Result], big: list[Result], n_base: int, n_big: int) -> str:
    """Rows at both sizes with ratios, then PASS/FAIL for time (linear + 10 %) and memory."""
    allowed = 1.1 * n_big / n_base
    lines = [
        f"| scenario | {n_base} items: s / CPU s / tree MB | {n_big} items: s / CPU s / tree MB"
        f" | time ratio | CPU ratio | time ≤ {allowed:.3g}× | {n_big} items: tree PSS MB"
        " | RSS ≤ 1 GB | PSS ≤ 1 GB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for scenario in SCENARIOS:
        a = _get([r for r in base if r.system == "ours"], scenario)
        b = _get(big, scenario)

        def cell(r: Result | None) -> str:
            return "—" if r is None else f"{r.seconds:.2f} / {r.cpu_s:.1f} / {r.tree_mb:.0f}"

        ratio = f"{b.seconds / a.seconds:.1f}×" if a and b and a.seconds else "—"
        cpu = f"{b.cpu_s / a.cpu_s:.1f}×" if a and b and a.cpu_s else "—"
        t_ok = "n/a" if not (a and b) else ("PASS" if b.seconds <= allowed * a.seconds else "FAIL")
        m_ok = "n/a" if b is None else ("PASS" if b.tree_mb <= MEMORY_LIMIT_MB else "FAIL")
        pss = "—" if b is None else f"{b.tree_pss_mb:.0f}"
        p_ok = "n/a" if b is None else ("PASS" if b.tree_pss_mb <= MEMORY_LIMIT_MB else "FAIL")
        lines.append(
            f"| {scenario} | {cell(a)} | {cell(b)} | {ratio} | {cpu} | {t_ok} | {pss}"
            f" | {m_ok} | {p_ok} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
