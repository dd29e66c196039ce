"""Compiled page templates kept between commands (`.site-builder-cache/templates/`).

Jinja2 turns each template into Python code on first use: ~11 templates in two languages
cost a one-edit build or a `check` after an edit more than rendering the edited page. This
cache keeps that code (Jinja2's own bytecode format) per template file:

- a file's entry is used only if the template's source is unchanged (Jinja2 stores the
  source's checksum in it) and was compiled by this Python (Jinja2's magic header);
- the file name also carries the Jinja2 version and the environment's settings, since
  Jinja2's key does not: a compiled template depends on both;
- a damaged or unreadable entry is compiled again, and a cache that cannot be written
  (a read-only project) only costs the compile.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket, BytecodeCache

FOLDER = "templates"


def use_cache(env: jinja2.Environment, cache_dir: Path) -> None:
    """Give `env` the template cache in `cache_dir` (the build cache's folder); call it
    once `env` is set up (the i18n extension's `newstyle` is part of what is compiled)."""
    settings = (
        env.block_start_string, env.block_end_string, env.variable_start_string,
        env.variable_end_string, env.comment_start_string, env.comment_end_string,
        env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks,
        env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
        env.optimized, env.is_async, sorted(env.extensions),
        env.autoescape if isinstance(env.autoescape, bool) else "by name",
        getattr(env, "newstyle_gettext", None),
    )  # fmt: skip
    env.bytecode_cache = TemplateCache(cache_dir / FOLDER, repr(settings))


class TemplateCache(BytecodeCache):
    """Jinja2 bytecode in `folder`, one file per template and environment setting
    (`flavour`: whatever changes the compiled code)."""

    def __init__(self, folder: Path, flavour: str) -> None:
        self.dir = folder
        self.prefix = hashlib.sha256(f"{jinja2.__version__}\0{flavour}".encode()).hexdigest()[:16]

    def _file(self, bucket: Bucket) -> Path:
        return self.dir / f"{self.prefix}-{bucket.key}.bin"

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            data = self._file(bucket).read_bytes()
        except OSError:
            return
        try:
            bucket.load_bytecode(io.BytesIO(data))  # (resets on a changed source itself)
        except Exception:  # noqa: BLE001 - any damage: compile it again
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        path = self._file(bucket)
        buffer = io.BytesIO()
        bucket.write_bytecode(buffer)
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with contextlib.suppress(OSError):  # read-only or full: only the compile is lost
            path.parent.mkdir(parents=True, exist_ok=True)
            temp.write_bytes(buffer.getvalue())
            os.replace(temp, path)
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)

    def clear(self) -> None:
        for path in self.dir.glob(f"{self.prefix}-*.bin"):
            with contextlib.suppress(OSError):
                path.unlink()
