"""One dumpkit run per output: a lock file next to the package folder or staging file.

`hold_lock(target)` takes an exclusive flock on `.<name>.dumpkit-lock` beside `target`
and writes this process's PID into it, so a second run can say who holds it. The kernel
drops a flock when its holder dies, however it dies: a lock left by a killed run
(kill -9) is taken over without asking, and a PID in the file is never trusted alone.
"""
from __future__ import annotations

import errno
import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import BusyError, DumpkitError, write_error

_held: set[int] = set()  # descriptors of the locks this process holds


def _forget_in_child() -> None:
    """A forked child (the dump reader) shares our locks' open files: it closes its copies, so
    a lock ends with this process and not with a child that dies a moment later (closing a
    copy never unlocks: the lock lives while any copy is open)."""
    for fd in _held:
        os.close(fd)
    _held.clear()


os.register_at_fork(after_in_child=_forget_in_child)


def lock_path(target: Path) -> Path:
    return target.parent / f".{target.name}.dumpkit-lock"


@contextmanager
def hold_lock(target: Path) -> Iterator[Path]:
    """Hold the lock of `target` (a folder or file, which need not exist yet) for the block;
    BusyError (exit 6) when another live process holds it."""
    target = Path(os.path.realpath(target))  # `report .`: the lock of the folder's real name
    path = lock_path(target)
    blocking = next((p for p in target.parents if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise DumpkitError(f"{target}: {blocking} is a file, not a folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = _acquire(path, target)
    except OSError as e:
        raise write_error(e, path.parent) from None
    _held.add(fd)
    try:
        yield path
    finally:
        _held.discard(fd)
        # removed while still held: a run that opened the old file finds it gone and
        # opens a new one (the inode check in _acquire), so no two runs ever hold "the" lock
        try:
            path.unlink(missing_ok=True)
        finally:
            os.close(fd)


def _acquire(path: Path, target: Path) -> int:
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            if e.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise BusyError(f"{target} is in use by another dumpkit run (PID {holder}, lock file {path}); "
                                "wait for it to finish or choose another path") from None
            raise
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
            return fd
        os.close(fd)  # its holder removed it as we opened it: lock the new one

