"""The package folder is replaced whole, never written in place.

`package_folder(out)` holds the lock of `out` (dumpkit/lock.py), hands out an empty
folder `.<name>.dumpkit-new-<pid>` next to `out` (same file system, so nothing is
copied) for the whole package (Parquet files, issues.jsonl, review.json, manifest.json,
report.html, and the staging file stage.duckdb while migrate works), then swaps it in.

What a crash (kill -9, power cut) leaves, step by step:
1. while the package is written: `out` is the old package, untouched (or absent); the
   new folder is partial and hidden. The next run for `out` removes it (under the lock,
   so it belongs to a dead run).
2. the files and the folder are fsynced, then `out` and the new folder are exchanged in
   one renameat2(RENAME_EXCHANGE) call: `out` is the old package or the new one, whole.
3. after the exchange the hidden folder holds the old package until it is removed, or
   until the next run removes it.
Where the file system cannot exchange (not Linux, some network file systems), the old
package is renamed aside (`.<name>.dumpkit-old-<pid>`) and the new one into place:
between those two renames `out` is missing (never mixed), and both are hidden leftovers
the next run removes. A reader that still finds a mix (an older dumpkit's half-written
package, a hand-edited one) is stopped by `check_package`.

Only a folder that is new, empty, or holds nothing but a package's own files is
replaced: `-o ~/Documents` is refused rather than removed. The old package's staging file
(as big as the dump) is removed at the start, so two of them never need room at once; it
is not part of the package, which stays whole without it.
"""
from __future__ import annotations

import ctypes
import errno
import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..errors import DumpkitError, write_error
from ..lock import hold_lock
from .verify import MANIFEST, REVIEW, package_files

STAGE_FILE = "stage.duckdb"
# files of a package folder that are not the package: the report rendered from it, and the
# staging file migrate leaves (with DuckDB's write-ahead log); `.<name>.dumpkit-*` is what
# dumpkit keeps beside them while it writes them (a lock, a part written)
WORKING_FILES = {"report.html", STAGE_FILE, STAGE_FILE + ".wal"}
# what `dumpkit load` / `verify` write about this package (its requests, issues, read-back; the
# shop's ledger itself lives outside the package, in the state folder), and a delta package's
# `full/`: the newer dump's whole package (dumpkit/delta)
WORKING_DIRS = {"load", "full"}


@contextmanager
def package_folder(out: Path, inputs: list[Path] = (), carry: Path | None = None) -> Iterator[Path]:
    """The empty folder to write the package for `out` into; on leaving the block without
    an error it becomes `out` (the old package goes), on an error it is removed and `out`
    stays as it was. `carry`: the staging file `out/stage.duckdb` when it is migrate's
    input, moved into the new package (renamed, not copied) unless that brings its own."""
    out = Path(os.path.realpath(out))  # a link to the folder: its target is replaced, the link stays
    carry = Path(os.path.realpath(carry)) if carry else None
    _check_target(out, [Path(p) for p in inputs], carry)
    with hold_lock(out):
        _remove_leftovers(out)
        if carry is None:  # the old package's staging file goes now, not after the new one is staged
            for name in (STAGE_FILE, STAGE_FILE + ".wal"):
                (out / name).unlink(missing_ok=True)
        work = out.parent / f".{out.name}.dumpkit-new-{os.getpid()}"
        try:
            work.mkdir()
        except OSError as e:
            raise write_error(e, out.parent) from None
        try:
            yield work
            try:
                _sync(work)
                carried = carry is not None and not (work / STAGE_FILE).exists()
                if carried:
                    os.rename(carry, work / STAGE_FILE)
                try:
                    _swap(work, out)
                except BaseException:
                    if carried:
                        os.rename(work / STAGE_FILE, carry)
                    raise
                _fsync_dir(out.parent)
            except OSError as e:
                raise write_error(e, out) from None
        finally:
            shutil.rmtree(work, ignore_errors=True)  # the old package after the exchange, or the new one on an error


def _check_target(out: Path, inputs: list[Path], carry: Path | None) -> None:
    if out.exists() and not out.is_dir():
        raise DumpkitError(f"-o {out} is a file, not a folder")
    for p in inputs:
        p = Path(os.path.realpath(p))
        if p.is_dir() and (p == out or p in out.parents):
            raise DumpkitError(f"-o {out} is inside the dump folder {p}; choose a folder outside it")
        if out in p.parents and p != carry:
            raise DumpkitError(f"{p} is inside -o {out}, which is replaced by the new package; "
                               "move it or choose another folder")
    if out.is_dir():
        known = package_files() | WORKING_FILES | WORKING_DIRS | {MANIFEST, REVIEW}
        foreign = sorted(p.name + ("/" if p.is_dir() else "") for p in out.iterdir()
                         if (p.name not in WORKING_DIRS if p.is_dir() else
                             p.name.removeprefix(".").split(".dumpkit-")[0] not in known))
        if foreign:
            raise DumpkitError(f"-o {out} holds files that are not part of a load package ({', '.join(foreign[:3])}"
                               f"{', ...' if len(foreign) > 3 else ''}); choose a new or empty folder")


def _remove_leftovers(out: Path) -> None:
    """What runs killed before their end left next to `out` (we hold its lock: they are dead)."""
    prefix = f".{out.name}.dumpkit-"
    for entry in os.scandir(out.parent):
        if entry.name.startswith((prefix + "new-", prefix + "old-")) and entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)


def _sync(work: Path) -> None:
    """The package's files on disk before its name is: a power cut after the rename never
    shows empty files (the staging file is not part of the package and is left to the OS)."""
    for entry in os.scandir(work):
        if entry.is_file() and not entry.name.startswith(STAGE_FILE):
            fd = os.open(entry.path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    _fsync_dir(work)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _swap(work: Path, out: Path) -> None:
    """`work` becomes `out`; the old package (if any) ends in `work`, or aside, to be removed."""
    if not out.exists():
        os.rename(work, out)
        return
    if _exchange(work, out):
        return
    aside = out.parent / f".{out.name}.dumpkit-old-{os.getpid()}"
    os.rename(out, aside)
    os.rename(work, out)
    shutil.rmtree(aside, ignore_errors=True)


_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2); False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))
