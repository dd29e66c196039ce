"""Peak memory of a whole process tree (the build and its worker processes), sampled from /proc.

`ru_maxrss` from `os.wait4` is the peak of the single largest process; a build with two
forked workers can hold more than that in total. `TreeSampler` adds up the resident memory
(RSS, and PSS: shared pages divided among the processes sharing them) of a process and all
its descendants and keeps the highest sums. Linux only; elsewhere it reports 0.

The RSS comes from `/proc/<pid>/statm` (counters: cheap) every `interval` seconds. The PSS
needs `/proc/<pid>/smaps_rollup`, which walks every page table of the process: ~21 ms for
a 1.7 GB process here, and while it walks, the process cannot map or unmap memory. Read
every 0.25 s from three ~1 GB processes, it took a fifth of a core from a 20,000-item build
and stalled its allocator (stop 27: the same cold build took 126.6 s measured, 108.6 s
alone). So the PSS is read at most every `PSS_COST_SHARE` times its own cost (the walk
costs at most ~2.5 % of the time), and at least every `interval` seconds for small trees.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

PROC = Path("/proc")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024 if hasattr(os, "sysconf") else 4
PSS_COST_SHARE = 40  # wait this many times the last PSS reading's own duration


def descendants(root: int) -> list[int]:
    """`root` and every process below it, from the parent ids in /proc/<pid>/stat."""
    parents: dict[int, list[int]] = {}
    try:
        entries = os.listdir(PROC)
    except OSError:
        return [root]
    for name in entries:
        if not name.isdigit():
            continue
        try:
            stat = (PROC / name / "stat").read_text()
        except OSError:
            continue  # the process ended meanwhile
        # "pid (comm) state ppid ...": comm may hold spaces and ')' — split after the last ')'
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 1:
            parents.setdefault(int(fields[1]), []).append(int(name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(parents.get(pid, []))
    return tree


def rss_kib(pid: int) -> int:
    """RSS of one process in KiB from its counters (no page walk); 0 when it is gone."""
    try:
        fields = (PROC / str(pid) / "statm").read_text().split()
    except OSError:
        return 0
    return int(fields[1]) * PAGE_KIB if len(fields) > 1 else 0


def memory_kib(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in KiB; (0, 0) when it is gone."""
    rss = pss = 0
    try:
        text = (PROC / str(pid) / "smaps_rollup").read_text()
    except OSError:
        return 0, 0
    for line in text.splitlines():
        if line.startswith("Rss:"):
            rss = int(line.split()[1])
        elif line.startswith("Pss:"):
            pss = int(line.split()[1])
    return rss, pss


class TreeSampler:
    """Sample the tree's total RSS/PSS in a thread until `stop()`; peaks in MiB."""

    def __init__(self, pid: int, interval: float = 0.25) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_rss_mb = 0.0
        self.peak_pss_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> TreeSampler:
        self._thread.start()
        return self

    def sample(self, pss: bool = True) -> float:
        """One reading of the tree (`pss`: also its PSS); the seconds the PSS took."""
        pids = descendants(self.pid)
        rss = sum(rss_kib(pid) for pid in pids)
        self.peak_rss_mb = max(self.peak_rss_mb, rss / 1024)
        if not pss:
            return 0.0
        t = time.perf_counter()
        total = 0
        for pid in pids:
            total += memory_kib(pid)[1]
        self.peak_pss_mb = max(self.peak_pss_mb, total / 1024)
        return time.perf_counter() - t

    def _run(self) -> None:
        next_pss = 0.0
        while not self._stop.is_set():
            now = time.perf_counter()
            took = self.sample(pss=now >= next_pss)
            if took:
                next_pss = now + max(self.interval, PSS_COST_SHARE * took)
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
