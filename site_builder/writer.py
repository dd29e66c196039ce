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
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from site_builder.errors import SiteError
from site_builder.messages import Msg

LOCK_FILE = ".site-builder.lock"
BACKGROUND_REMOVAL_FROM = 5000  # files; smaller old outputs are deleted before returning


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
        self.made: dict[str, tuple[str, int, int, int]] = {}  # path -> key, size, mtime, inode
        self.folders: set[str] = set()  # folders made so far (by this process)

    def claim(self, rel: str, owner: str, copied: bool = False) -> None:
        """Say that `owner` writes `rel`; two owners of one path is a mistake in the content."""
        if rel in self.written and copied:
            raise OutputCollision(
                Msg(
                    "two things want to write {rel}: {first} and {second}.",
                    rel=rel,
                    first=self.written[rel],
                    second=owner,
                )
            )
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

    def record(self, rel: str, key: str, stat: tuple[int, int, int]) -> None:
        """Remember what `rel` was made from (`key`) and its size, mtime and inode."""
        if key:
            self.made[rel] = (key, *stat)

    def put(self, rel: str, data: bytes | Path, link: bool = True) -> tuple[int, int, int]:
        """Write one file without bookkeeping (safe from worker processes); its stat.

        A `data` file is hard-linked (`link`: for files the build made, never members'
        files) or copied."""
        path = os.path.join(self.dir, rel)
        folder = os.path.dirname(path)
        if folder not in self.folders:
            os.makedirs(folder, exist_ok=True)
            self.folders.add(folder)
        if not isinstance(data, bytes):
            return self._put_file(path, data, link)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:  # a second writer of one path: claim() reports it
            return (0, 0, 0)
        with os.fdopen(fd, "wb", buffering=0) as f:
            view = memoryview(data)
            while view:
                view = view[f.write(view) or 0 :]
            st = os.fstat(f.fileno())
        return (st.st_size, st.st_mtime_ns, st.st_ino)

    @staticmethod
    def _put_file(path: str, source: Path, link: bool) -> tuple[int, int, int]:
        try:
            if link:
                try:
                    os.link(source, path)
                except FileExistsError:
                    raise
                except OSError:  # another file system, or links not allowed: copy instead
                    link = False
            if not link:
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
                shutil.copyfile(source, path)
        except FileExistsError:
            return (0, 0, 0)
        st = os.stat(path)
        return (st.st_size, st.st_mtime_ns, st.st_ino)

    def commit(self) -> None:
        """Swap the staging folder in place of output/ (two renames on one file system).

        The old folder is deleted afterwards; for a large site by a background `rm`, so
        that the command does not wait for tens of thousands of unlinks (the new site is
        complete at that point; a removal cut short is finished by the next build)."""
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
        if old is None:
            return
        if len(self.written) < BACKGROUND_REMOVAL_FROM or not _remove_in_background(
            sorted(self.output.parent.glob(f".{self.output.name}.old-*"))
        ):
            shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def _remove_in_background(folders: list[Path]) -> bool:
    """Start `rm -rf` on `folders` in its own session, not waited for; False if it could
    not be started."""
    try:
        subprocess.Popen(
            ["rm", "-rf", "--", *map(str, folders)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=True,  # never inherit the project lock
            start_new_session=True,
        )
    except OSError:
        return False
    return True
