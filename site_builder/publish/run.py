"""One publish of output/ to one target, in the order that keeps the live site whole.

    check (credentials, bucket) -> list + read manifest -> plan -> refuse foreign files
    -> pending.json -> upload (phases, parallel) -> manifest.json (the switch)
    -> delete pending.json -> delete retired files -> manifest.json without `retired`

Nothing is written before every check has passed. Killed at any moment, the bucket holds
the old site plus new files, or the new site plus files still to delete; the next run
finishes from there (plan.py).
"""

from __future__ import annotations

import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from site_builder.errors import SiteError
from site_builder.messages import Msg, _
from site_builder.publish.files import LocalFile, scan
from site_builder.publish.plan import Plan, State, make_plan
from site_builder.publish.s3 import Bucket, workers
from site_builder.publish.targets import Target

MANIFEST = "manifest.json"
PENDING = "pending.json"
FORMAT = 1
SHOWN_FOREIGN = 5


@dataclass
class Result:
    target: str
    new: int
    changed: int
    unchanged: int
    deleted: int
    uploaded_bytes: int
    seconds: float


def size_text(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} kB"
    return f"{n / 1024 / 1024:.1f} MB"


class Meter:
    """`Uploading: 120/400 files, 3.1/9.8 MB`: redrawn on a terminal, a line per 10 % else."""

    def __init__(self, total: int, total_bytes: int, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.total, self.total_bytes = total, total_bytes
        self.count = self.bytes = 0
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.lock = threading.Lock()
        self.next_line = 0

    def line(self) -> str:
        return _("Uploading: {n}/{total} files, {done}/{all}").format(
            n=self.count,
            total=self.total,
            done=size_text(self.bytes),
            all=size_text(self.total_bytes),
        )

    def advance(self, size: int) -> None:
        with self.lock:
            self.count += 1
            self.bytes += size
            if self.tty:
                self.stream.write("\r\x1b[K" + self.line())
            elif self.count >= self.next_line or self.count == self.total:
                self.stream.write(self.line() + "\n")
                self.next_line = self.count + max(1, self.total // 10)
            self.stream.flush()

    def done(self) -> None:
        if self.tty and self.total:
            self.stream.write("\n")


def describe(plan: Plan) -> list[str]:
    """The dry-run listing: one line per object that would change (+ new, ~ changed, - gone)."""
    lines = [f"+ {f.key}" for f in plan.new]
    lines += [f"~ {f.key}" for f in plan.changed]
    lines += [f"- {key}" for key in sorted(set(plan.delete) | set(plan.foreign_gone))]
    return lines


def publish(
    output: Path,
    target: Target,
    *,
    dry_run: bool = False,
    prune_foreign: bool = False,
    out: TextIO | None = None,
) -> tuple[Plan, Result]:
    out = out or sys.stdout
    t0 = time.perf_counter()
    if not (output / "index.html").is_file():
        raise SiteError(
            Msg(
                "there is no built site in {folder}. Run `site-builder build` first.",
                folder=str(output),
            )
        )
    n_workers = workers()
    bucket = Bucket(target, n_workers)
    bucket.check()
    listing = bucket.listing()
    state = State.from_json(bucket.read_json(MANIFEST), bucket.read_json(PENDING))
    local = scan(output, target.prefix, target.compressed)
    plan = make_plan(local, listing, state)
    if plan.foreign and not prune_foreign:
        shown = ", ".join(plan.foreign[:SHOWN_FOREIGN])
        more = len(plan.foreign) - SHOWN_FOREIGN
        raise SiteError(
            Msg(
                "target '{name}': {where} holds {n} file(s) this tool did not write ({shown}{more}). Nothing was changed. Publish to an empty bucket or another prefix, or run again with --prune-foreign to replace and delete them.",
                name=target.name,
                where=target.where,
                n=len(plan.foreign),
                shown=shown,
                more=f", +{more}" if more > 0 else "",
            )
        )
    if dry_run:
        for line in describe(plan):
            print(line, file=out)
        return plan, _result(target, plan, 0, t0)
    retired = sorted(set(plan.delete) | set(plan.foreign_gone))
    if plan.uploads:
        # an earlier interrupted run's keys stay listed: they are ours until the switch
        pending = {k: r.to_json() for k, r in state.pending.items()}
        pending.update({f.key: plan.manifest[f.key].to_json() for f in plan.uploads})
        bucket.write_json(PENDING, {"format": FORMAT, "files": pending})
        meter = Meter(len(plan.uploads), plan.upload_bytes)
        for phase in plan.phases():
            _upload(bucket, phase, meter, n_workers)
        meter.done()
    files = {k: r.to_json() for k, r in plan.manifest.items()}
    if plan.uploads or retired or state.files != plan.manifest or state.retired:
        bucket.write_json(MANIFEST, {"format": FORMAT, "files": files, "retired": retired})
    if state.pending or plan.uploads:
        bucket.delete_own(PENDING)
    if retired:
        bucket.delete(retired)
        bucket.write_json(MANIFEST, {"format": FORMAT, "files": files, "retired": []})
    return plan, _result(target, plan, len(retired), t0)


def _upload(bucket: Bucket, files: list[LocalFile], meter: Meter, n_workers: int) -> None:
    """Send `files` in parallel; the first failure cancels the rest and is raised."""
    with ThreadPoolExecutor(max_workers=n_workers) as pool:
        futures = {pool.submit(bucket.put, f): f for f in files}
        try:
            for fut in as_completed(futures):
                fut.result()
                meter.advance(futures[fut].size)
        except BaseException:
            for other in futures:
                other.cancel()
            raise


def _result(target: Target, plan: Plan, deleted: int, t0: float) -> Result:
    return Result(
        target=target.name,
        new=len(plan.new),
        changed=len(plan.changed),
        unchanged=plan.unchanged,
        deleted=deleted,
        uploaded_bytes=plan.upload_bytes,
        seconds=time.perf_counter() - t0,
    )
