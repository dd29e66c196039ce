"""Write the site atomically: everything goes into a staging folder next to
`output/`, which replaces `output/` only once every file was written. A failed
build leaves the previous `output/` exactly as it was. A lock file keeps two
builds of one project from running at once.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from site_builder.errors import SiteError
from site_builder.messages import Msg

LOCK_FILE = ".site-builder.lock"


def write_atomic(path: Path, data: bytes) -> None:
    """Write one file so that readers see the old bytes or the new ones, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class BuildLocked(SiteError):
    pass


class OutputCollision(SiteError):
    pass


@contextmanager
def project_lock(root: Path) -> Iterator[None]:
    """Hold an exclusive lock on the project for one build."""
    path = root / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            other = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            raise BuildLocked(
                Msg(
                    "another build of this project is running (process {other}). "
                    "Wait for it to finish, then try again.",
                    other=other,
                )
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)


class Staging:
    """A folder that becomes `output/` on `commit()`, or vanishes on `discard()`."""

    def __init__(self, output: Path) -> None:
        self.output = output.resolve()
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self.dir = Path(
            tempfile.mkdtemp(prefix=f".{self.output.name}.staging-", dir=self.output.parent)
        )
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.dir, 0o777 & ~umask)  # mkdtemp makes it private; a web server must read it
        self.written: dict[str, str] = {}  # path -> what wrote it

    def write(self, rel: str, data: bytes, owner: str = "") -> None:
        if rel in self.written:
            raise OutputCollision(
                Msg(
                    "two things want to write {rel}: {first} and {second}. "
                    "Rename one of them (folder name or alias).",
                    rel=rel,
                    first=self.written[rel],
                    second=owner,
                )
            )
        self.written[rel] = owner
        path = self.dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def copy(self, rel: str, source: Path, owner: str = "", link: bool = False) -> None:
        """Copy `source` to `rel`; with `link`, a hard link where the file system allows
        (for files the build itself made, such as cached photos: never members' files)."""
        if rel in self.written:
            raise OutputCollision(
                Msg(
                    "two things want to write {rel}: {first} and {second}.",
                    rel=rel,
                    first=self.written[rel],
                    second=owner,
                )
            )
        self.written[rel] = owner
        path = self.dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if link:
            try:
                os.link(source, path)
                return
            except OSError:
                pass  # another file system, or links not allowed: copy instead
        shutil.copyfile(source, path)

    def commit(self) -> None:
        """Swap the staging folder in place of output/ (two renames on one file system)."""
        old = None
        if self.output.exists():
            old = self.output.with_name(f".{self.output.name}.old-{os.getpid()}")
            os.rename(self.output, old)
        try:
            os.rename(self.dir, self.output)
        except BaseException:
            if old is not None:
                os.rename(old, self.output)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
