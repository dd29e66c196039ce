"""Write the site atomically: everything goes into a staging folder next to
`output/`, which replaces `output/` only once every file was written. A failed
build leaves the previous `output/` exactly as it was. A lock file keeps two
builds of one project from running at once.

Interruption-proof: the swap is one `renameat2(RENAME_EXCHANGE)` (Linux), so `output/`
is never absent or half-swapped; where the kernel or the file system cannot exchange, two
renames, and a build killed between them has its previous output put back by the next
build (`tidy`). The lock is an `flock`, which the kernel releases when its holder dies
(workers close their copy: site_builder/lifeline.py). Staging and old folders left by a
killed build are removed by the next one. Every file is published 0644 and every folder
0755, whatever the umask: a web server running as another user must read them.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, cast

from site_builder import stopping
from site_builder.errors import SiteError
from site_builder.messages import Msg
from site_builder.outdir import MARKER, MARKER_TEXT

LOCK_FILE = ".site-builder.lock"
BACKGROUND_REMOVAL_FROM = 5000  # files; smaller old outputs are deleted before returning
FILE_MODE, FOLDER_MODE = 0o644, 0o755  # published files: readable by a web server
TAKEOVER_SECONDS = 3.0  # a lock whose recorded process has ended: wait this long for the kernel
_held_locks: list[int] = []  # lock file descriptors of this process (workers close theirs)


def write_atomic(path: Path, data: bytes, *more: bytes) -> None:
    """Write one file so that readers see the old bytes or the new ones, never half.

    `more`: parts written after `data`, as if joined to it (a seal's line and the large body
    it seals, without a joined copy of the body in memory: ~100 MB at 20,000 items).
    A new file is 0644 whatever the umask (a web server reads it); a file replaced keeps
    its mode (a member's item.yaml stays as they set it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = os.stat(path).st_mode & 0o7777
    except OSError:
        mode = FILE_MODE
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            for part in more:
                f.write(part)
            os.fchmod(f.fileno(), mode)  # mkstemp makes it private
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class StagedFile:
    """A file written into the staging folder, as a path (`os.fspath`, `read_bytes`):
    the folder's name and the path below it, and nothing else. A `Path` keeps a list of
    its parts and its string (~540 bytes, against ~60 here plus the path's string), and
    a build keeps one for each file it wrote: 440,000 of them at 20,000 items."""

    __slots__ = ("folder", "rel")

    def __init__(self, folder: str, rel: str) -> None:
        self.folder, self.rel = folder, rel

    def __fspath__(self) -> str:
        return os.path.join(self.folder, self.rel)

    def read_bytes(self) -> bytes:
        with open(self.__fspath__(), "rb") as f:
            return f.read()

    def __repr__(self) -> str:
        return f"StagedFile({self.__fspath__()!r})"


FileData = bytes | Path | StagedFile  # a file's bytes, or a file that holds them


class BuildLocked(SiteError):
    pass


class OutputCollision(SiteError):
    """Two outputs of one path: `rel`, and what wrote it first and second."""

    def __init__(self, message: object, rel: str = "", owners: tuple[str, str] = ("", "")):
        super().__init__(message)
        self.rel, self.owners = rel, owners


def _lock_error(root: Path, path: Path, exc: OSError) -> SiteError:
    """Why a build cannot start, said of the project rather than of its lock file."""
    if not root.is_dir():
        return SiteError(
            Msg(
                "there is no project folder {folder}. Run the command in the project folder "
                "(the one holding site.yaml), or pass --project.",
                folder=str(root),
            )
        )
    if exc.errno in (errno.EACCES, errno.EPERM) and path.exists() and os.access(root, os.W_OK):
        return SiteError(  # (the folder is writable: the lock file is not ours)
            Msg(
                "cannot open the lock file {file}: {reason}. It was probably left by a build "
                "run as another user (e.g. with sudo): delete it, or give it back to your user.",
                file=str(path),
                reason=exc.strerror,
            )
        )
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return SiteError(
            Msg(
                "the project folder {folder} cannot be written ({reason}): a build records "
                "its work there. Copy the project to a folder you can write to (`check` works "
                "as it is).",
                folder=str(root),
                reason=exc.strerror,
            )
        )
    return SiteError(
        Msg("cannot open the lock file {file}: {reason}.", file=str(path), reason=exc.strerror)
    )


@contextmanager
def project_lock(root: Path) -> Iterator[None]:
    """Hold an exclusive lock on the project for one build.

    The kernel releases the lock when the process holding it dies, however it dies; a lock
    still held for a process that has ended (its workers not gone yet) is waited for a
    few seconds, then taken over. The file names the holder (pid and computer)."""
    path = root / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise _lock_error(root, path, exc) from exc
    try:
        _take(fd, path)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {_host()}\n".encode(), 0)
        _held_locks.append(fd)
        yield
    finally:
        if fd in _held_locks:
            _held_locks.remove(fd)
        os.close(fd)


def _take(fd: int, path: Path) -> None:
    deadline = time.monotonic() + TAKEOVER_SECONDS
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as exc:
            if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS):
                raise SiteError(
                    Msg(
                        "cannot lock {file}: this file system does not support locks "
                        "({reason}). Keep the project on this computer's own disk.",
                        file=str(path),
                        reason=exc.strerror,
                    )
                ) from None
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
        pid, host = _holder(fd)
        if host not in ("", _host()):
            raise BuildLocked(
                Msg(
                    "another build of this project is running on the computer {host} "
                    "(process {other}). Wait for it to finish; if that computer is off or "
                    "the build was stopped, the lock is released within a few minutes.",
                    host=host,
                    other=pid,
                )
            )
        if _alive(pid) or time.monotonic() > deadline:
            raise BuildLocked(
                Msg(
                    "another build of this project is running (process {other}). "
                    "Wait for it to finish, then try again.",
                    other=pid,
                )
            )
        time.sleep(0.05)  # its holder has ended: the kernel frees the lock with its last process


def _holder(fd: int) -> tuple[str, str]:
    """(pid, computer) written by the holder of the lock; '?' when unreadable."""
    words = os.pread(fd, 300, 0).decode("utf-8", "replace").split()
    return (words[0] if words else "?"), (words[1] if len(words) > 1 else "")


def _alive(pid: str) -> bool:
    if not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def close_inherited_locks() -> None:
    """In a forked worker: close its copies of the lock (the parent keeps holding it)."""
    for fd in _held_locks:
        with suppress(OSError):
            os.close(fd)
    _held_locks.clear()


class Staging:
    """A folder that becomes `output/` on `commit()`, or vanishes on `discard()`."""

    def __init__(self, output: Path) -> None:
        self.output = output.resolve()
        made = [p for p in (self.output.parent, *self.output.parent.parents) if not p.exists()]
        self.output.parent.mkdir(parents=True, exist_ok=True)
        for folder in made:  # a new --output a/b/c: folders the tool made, readable too
            os.chmod(folder, FOLDER_MODE)
        self.dir = Path(
            tempfile.mkdtemp(prefix=f".{self.output.name}.staging-", dir=self.output.parent)
        )
        os.chmod(self.dir, FOLDER_MODE)  # mkdtemp makes it private; a web server must read it
        self._name = str(self.dir)  # (shared by every `staged` file)
        self.written: dict[str, str] = {}  # path -> what wrote it
        self.keys: dict[str, str] = {}  # path -> what it was made from (`made`)
        # every file recorded -> its (size, mtime, inode) once written: output/'s record
        # after the build without listing it again (lastbuild.OutputRecord.written)
        self.states: dict[str, tuple[int, int, int]] = {}
        self.folders: set[str] = {str(self.dir)}  # folders made so far (by this process)
        # the folder is the tool's: the next build may replace it
        self.record(MARKER, "", self.put(MARKER, MARKER_TEXT))

    def __getstate__(self) -> dict[str, Any]:
        """What a worker process receives with a task (it only `put`s files): the folder,
        without the bookkeeping of every file written so far, which the main process keeps
        (at 20,000 items, ~60 MB pickled for each of eight compression tasks). A folder
        the worker does not know is made again, or found made (`_make_folder`)."""
        state = dict(self.__dict__)
        state.update(written={}, keys={}, states={}, folders={str(self.dir)})
        return state

    def claim(self, rel: str, owner: str, copied: bool = False) -> None:
        """Say that `owner` writes `rel`; two owners of one path is a mistake in the content."""
        if rel in self.written and copied:
            raise OutputCollision(
                Msg(
                    "two things want to write {rel}: {first} and {second}.",
                    rel=rel,
                    first=self.written[rel],
                    second=owner,
                ),
                rel,
                (self.written[rel], owner),
            )
        if rel in self.written:
            raise OutputCollision(
                Msg(
                    "two things want to write {rel}: {first} and {second}. "
                    "Rename one of them (folder name or alias).",
                    rel=rel,
                    first=self.written[rel],
                    second=owner,
                ),
                rel,
                (self.written[rel], owner),
            )
        self.written[rel] = owner

    def record(self, rel: str, key: str, stat: tuple[int, int, int]) -> None:
        """Remember what `rel` was made from (`key`) and its size, mtime and inode (every
        file `put` is recorded, by this process: `states`)."""
        self.states[rel] = stat
        if key:
            self.keys[rel] = key

    @property
    def made(self) -> dict[str, tuple[str, int, int, int]]:
        """Path -> key, size, mtime, inode of every file recorded with a key."""
        return {rel: (key, *self.states[rel]) for rel, key in self.keys.items()}

    def staged(self, rel: str) -> StagedFile:
        """The file `rel` written into this folder."""
        return StagedFile(self._name, rel)

    def put(self, rel: str, data: FileData, link: bool = True) -> tuple[int, int, int]:
        """Write one file without bookkeeping (safe from worker processes); its stat.

        A `data` file is hard-linked (`link`: for files the build made, never members'
        files) or copied."""
        path = os.path.join(self.dir, rel)
        folder = os.path.dirname(path)
        if folder not in self.folders:
            self._make_folder(folder)
        if not isinstance(data, bytes):
            return self._put_file(path, data, link)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        except FileExistsError:  # a second writer of one path: claim() reports it
            return (0, 0, 0)
        with os.fdopen(fd, "wb", buffering=0) as f:
            view = memoryview(data)
            while view:
                view = view[f.write(view) or 0 :]
            st = os.fstat(f.fileno())
            if st.st_mode & 0o7777 != FILE_MODE:  # a umask such as 077
                os.fchmod(f.fileno(), FILE_MODE)
        return (st.st_size, st.st_mtime_ns, st.st_ino)

    def _make_folder(self, folder: str) -> None:
        """Make `folder` and the folders above it inside staging, each 0755."""
        parent = os.path.dirname(folder)
        if parent not in self.folders:
            self._make_folder(parent)
        try:
            os.mkdir(folder, FOLDER_MODE)
        except FileExistsError:  # made by another worker (which sets its mode)
            pass
        else:
            if os.stat(folder).st_mode & 0o7777 != FOLDER_MODE:
                os.chmod(folder, FOLDER_MODE)
        self.folders.add(folder)

    @staticmethod
    def _put_file(path: str, source: Path | StagedFile, link: bool) -> tuple[int, int, int]:
        try:
            if link:
                try:
                    os.link(source, path)
                except FileExistsError:
                    raise
                except OSError:  # another file system, or links not allowed: copy instead
                    link = False
            if not link:
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
                shutil.copyfile(source, path)
        except FileExistsError:
            return (0, 0, 0)
        st = os.stat(path)
        if st.st_mode & 0o7777 != FILE_MODE:  # a private cache file, or a umask such as 077
            os.chmod(path, FILE_MODE)  # (the mode is the inode's: a linked file changes too)
        return (st.st_size, st.st_mtime_ns, st.st_ino)

    def commit(self) -> None:
        """Put the staging folder in place of output/ in one step, then delete the old one.

        An existing output/ is exchanged with the staging folder by one
        `renameat2(RENAME_EXCHANGE)`; where that is not available, two renames (a build
        killed between them has output/ put back by the next build: `tidy`). Ctrl-C and
        SIGTERM wait until the swap is done. A large old folder is deleted by a background
        `rm` so that the command does not wait for tens of thousands of unlinks."""
        with stopping.held():
            stopping.check()  # (a SIGTERM whose exception a callback dropped: stop here)
            old = _swap(self.dir, self.output)
        if old is None:
            return
        if len(self.written) < BACKGROUND_REMOVAL_FROM:
            shutil.rmtree(old, ignore_errors=True)
        else:
            _remove_later([old], self.output)

    def discard(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def _swap(new: Path, output: Path) -> Path | None:
    """Make `new` be `output`; the folder now holding the previous output, if any."""
    if not output.exists() and not output.is_symlink():
        os.rename(new, output)
        return None
    if exchange(new, output):
        return new  # the staging name now holds the previous output
    aside = output.with_name(f".{output.name}.swap-{os.getpid()}-{os.urandom(4).hex()}")
    os.rename(output, aside)
    try:
        os.rename(new, output)
    except BaseException:
        os.rename(aside, output)
        raise
    return aside


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_SYSCALL_RENAMEAT2 = {"x86_64": 316, "aarch64": 276, "riscv64": 276, "i686": 353, "armv7l": 382}
_exchange_works: bool | None = None  # None: not tried yet


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False where the
    kernel, the C library or the file system cannot, so the caller falls back."""
    global _exchange_works
    if _exchange_works is False or os.environ.get("SITE_BUILDER_NO_EXCHANGE"):
        return False
    call = _renameat2()
    if call is None:
        _exchange_works = False
        return False
    if call(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        _exchange_works = True
        return True
    import ctypes  # (here: 5 ms of imports a command that swaps nothing need not pay)

    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False  # this file system cannot (another may)
    raise OSError(err, os.strerror(err), str(b))


def _renameat2(symbol: bool = True) -> Callable[..., int] | None:
    """The C library's renameat2, else the raw system call (glibc before 2.28)."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    except OSError:
        return None
    call = getattr(libc, "renameat2", None) if symbol else None  # glibc 2.28+
    if call is not None:
        call.argtypes = [
            ctypes.c_int,
            ctypes.c_char_p,
            ctypes.c_int,
            ctypes.c_char_p,
            ctypes.c_uint,
        ]
        call.restype = ctypes.c_int
        return cast("Callable[..., int]", call)
    number = _SYSCALL_RENAMEAT2.get(os.uname().machine)
    if number is None:
        return None
    syscall = libc.syscall
    syscall.restype = ctypes.c_long

    def by_number(*args: object) -> int:
        return int(syscall(ctypes.c_long(number), *map(_c_arg, args)))

    return by_number


def _c_arg(value: object) -> object:
    import ctypes

    if isinstance(value, bytes):
        return ctypes.c_char_p(value)
    return ctypes.c_long(int(value))  # type: ignore[call-overload]


def _host() -> str:
    """This machine's name, as `socket.gethostname()` gives it (without importing socket)."""
    return os.uname().nodename


def tidy(output: Path) -> None:
    """Before a build (under the lock): put back an output/ a killed swap left aside,
    and remove staging and old folders that killed or failed builds left next to it."""
    output = output.resolve()
    parent = output.parent
    if not parent.is_dir():
        return
    prefix = f".{output.name}."
    found = [p for p in parent.iterdir() if p.name.startswith(prefix)]
    asides = sorted(
        (p for p in found if p.name.startswith(prefix + "swap-")), key=lambda p: p.stat().st_mtime
    )
    if asides and not output.exists() and not output.is_symlink():
        os.rename(asides.pop(), output)  # the complete previous output
    leftovers = asides + [
        p for p in found if p.name.startswith((prefix + "staging-", prefix + "old-"))
    ]
    if leftovers:
        _remove_later(leftovers, output)


def _remove_later(folders: list[Path], output: Path) -> None:
    """Rename `folders` out of the way and delete them in the background (or now)."""
    doomed = []
    for folder in folders:
        if folder.name.startswith(f".{output.name}.old-"):
            doomed.append(folder)
            continue
        target = output.with_name(f".{output.name}.old-{os.getpid()}-{os.urandom(4).hex()}")
        try:
            os.rename(folder, target)
        except OSError:
            continue
        doomed.append(target)
    if doomed and not _remove_in_background(doomed):
        for folder in doomed:
            shutil.rmtree(folder, ignore_errors=True)


def _remove_in_background(folders: list[Path]) -> bool:
    """Start `rm -rf` on `folders` in its own session, not waited for; False if it could
    not be started."""
    import subprocess

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
