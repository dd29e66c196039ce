"""Precompressed copies of the site's text files (`x.html.gz`, `x.html.br`), written with
the site, so a web server sends them as they are (nginx gzip_static / brotli_static, Caddy
`precompressed`, Apache rewrites: site_builder/hosting.py) instead of compressing every
request or sending them uncompressed.

Compressing is the slow part: a file kept from the last build keeps its compressed copies too
(same key), so an edit recompresses only what it changed, and a page written at two addresses
(a code's landing page, Q/<CODE>.html and Q/<CODE>/index.html: one hard-linked file) is
compressed once, its copies linked too.

Brotli runs at quality 5. Measured on the 2,000-item bench corpus's own output (10,020 files,
57.5 MB; docs/performance.md, "Cold build, 2026-12-05"): quality 10 cost ~2.1 ms per page and
~420 ms per big list page, about 21 of a cold build's ~47 CPU-s; quality 5 costs ~0.1 ms a
page, 0.9 CPU-s for the whole site. Its copies are ~9 % larger for small pages (an item page:
~2,400 bytes instead of ~2,200, still far inside the first TCP round trip of ~14 kB) and not
larger for the big list pages (the home page: 46 kB instead of 49 kB; quality 10 and 11 pay
off on small files), all copies 14.8 MB instead of 13.5 MB; still ~11 % smaller than gzip -9.
Qualities 6-8 made the same bytes for more CPU; 9 cost 3 ms a page for nothing more; 11 is
another ~2 % smaller for ~45x the CPU.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Sequence
from typing import cast

import brotli

from site_builder.cache import current, digest
from site_builder.parallel import jobs_count, parallel_map
from site_builder.render.html import Output
from site_builder.writer import Staging

COMPRESSIBLE = (".html", ".css", ".js", ".svg", ".xml", ".txt", ".json", ".webmanifest")
SMALLEST = 256  # bytes; below this, a compressed copy saves less than its headers cost


BROTLI_QUALITY = 5  # 10-11 cost 20-45× the CPU for 2-10 % smaller small pages (see above)


def compressed(data: bytes) -> dict[str, bytes]:
    """{'.br': ..., '.gz': ...} of `data` (made once, served often).
    The gzip copy has no name and a zero time in its header: the same bytes every build."""
    return {
        ".br": brotli.compress(data, quality=BROTLI_QUALITY),
        ".gz": gzip.compress(data, compresslevel=9, mtime=0),
    }


PARALLEL_FROM = 200  # files to compress; below this one process is quicker


def precompress(staging: Staging, outputs: Sequence[Output]) -> int:
    """Write the compressed copies of every text file in `outputs` into `staging`
    (on every core for a large site), recorded and claimed there; how many were written.
    (No `Output` for each: nothing after the build reads them, and at 20,000 items the
    200,000 copies' objects took ~50 MB.)"""
    memo = current()
    todo: list[tuple[str, str]] = []  # (path, key) to compress now
    twins: list[tuple[str, str, str]] = []  # (path, key, path of the same file in todo)
    first: dict[tuple[int, int], str] = {}  # (device, inode) of a linked file -> path in todo
    made: list[str] = []
    for o in outputs:
        if not o.path.endswith(COMPRESSIBLE):
            continue
        st = None if isinstance(o.data, bytes) else os.stat(os.path.join(staging.dir, o.path))
        if (st.st_size if st is not None else len(cast(bytes, o.data))) < SMALLEST:
            continue
        key = _key(o)
        found = [memo.kept(key + ext) for ext in EXTS] if memo and key else []
        kept = [p for p in found if p is not None]
        if kept and len(kept) == len(EXTS):
            for ext, body in zip(EXTS, kept, strict=True):
                made.append(rel := o.path + ext)
                staging.record(rel, key + ext, staging.put(rel, body))
        elif st is not None and st.st_nlink > 1 and (st.st_dev, st.st_ino) in first:
            twins.append((o.path, key, first[st.st_dev, st.st_ino]))  # one page, two addresses
        else:
            if st is not None and st.st_nlink > 1:
                first[st.st_dev, st.st_ino] = o.path
            todo.append((o.path, key))
    paths = [p for p, _ in todo]
    if len(todo) < PARALLEL_FROM:
        stats = _compress_files(staging, paths)
    else:
        n = jobs_count() * 4
        parts = parallel_map(_compress_files, [(staging, paths[k::n]) for k in range(n)])
        by_path = {st[0]: st for part in parts for st in part}
        stats = [by_path[p] for p in paths]
    for (path, key), (_p, br_stat, gz_stat) in zip(todo, stats, strict=True):
        for ext, stat in zip(EXTS, (br_stat, gz_stat), strict=True):
            made.append(rel := path + ext)  # (one string for the record and the claim)
            staging.record(rel, key + ext if key else "", stat)
    for path, key, same in twins:  # its copies are the other address's copies, linked
        for ext in EXTS:
            made.append(rel := path + ext)
            staging.record(
                rel, key + ext if key else "", staging.put(rel, staging.staged(same + ext))
            )
    for path in made:
        staging.claim(path, "compressed")
    return len(made)


EXTS = (".br", ".gz")


def _key(o: Output) -> str:
    """What the compressed copies of `o` are made from: its own key, or for a file made
    without one (sitemap.xml, the servers' files) its bytes, so an unchanged sitemap of a
    large site is not compressed again."""
    if o.key:
        return digest("compressed", str(BROTLI_QUALITY), o.key)
    if isinstance(o.data, bytes):
        return digest("compressed bytes", str(BROTLI_QUALITY), o.data)
    return ""


def _compress_files(
    staging: Staging, paths: list[str]
) -> list[tuple[str, tuple[int, int, int], tuple[int, int, int]]]:
    """Compress files already in `staging` (safe in a worker process); their stats."""
    out = []
    for path in paths:
        copies = compressed(staging.staged(path).read_bytes())
        stats = [staging.put(path + ext, copies[ext]) for ext in EXTS]
        out.append((path, stats[0], stats[1]))
    return out


def copies_for(path: str, data: bytes) -> dict[str, bytes]:
    """The compressed copies a build writes beside the file `path` holding `data`
    ({'x.html.br': ..., 'x.html.gz': ...}; none for other files or small ones). For the
    live preview, which writes single pages."""
    if not path.endswith(COMPRESSIBLE) or len(data) < SMALLEST:
        return {}
    return {path + ext: body for ext, body in compressed(data).items()}
