"""Errors a user sees as one clear line (the CLI prints them without a traceback).

Exit codes, the one place they are defined (the README's "Bad input" lists them):

| code | class              | meaning                                                          |
|------|--------------------|------------------------------------------------------------------|
| 0    |                    | done                                                             |
| 1    | DumpkitError       | bad input or options, a refused package, a failed check          |
| 2    | NotADumpError      | the file is not a SQL dump at all                                |
| 3    | (cli)              | internal error: a bug in dumpkit                                 |
| 4    | PartialDumpError   | the dump is cut short (without --allow-partial)                  |
| 5    | ResourceError      | the disk is full, a folder is not writable, a limit was reached  |
| 6    | BusyError          | another dumpkit run holds this output or staging file (a lock)   |
| 130  | (cli)              | interrupted                                                      |
"""
from __future__ import annotations

import errno


class DumpkitError(Exception):
    """A problem with the user's input or options; `exit_code` is what the CLI returns."""

    exit_code = 1


class NotADumpError(DumpkitError):
    """The file is not a SQL dump at all (binary, an HTML error page, empty)."""

    exit_code = 2


class PartialDumpError(DumpkitError):
    """The dump is cut short; what was complete may be kept with --allow-partial."""

    exit_code = 4


class ResourceError(DumpkitError):
    """The machine cannot hold the work: disk full, a read-only folder, a size limit reached."""

    exit_code = 5


class BusyError(DumpkitError):
    """Another dumpkit run holds the output folder or staging file (its lock names the PID)."""

    exit_code = 6


_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
_NOT_WRITABLE = (errno.EROFS, errno.EACCES, errno.EPERM)
# what DuckDB says (it raises its own exceptions, without an errno)
_DUCKDB_SAYS = {"No space left on device": errno.ENOSPC, "Disk quota exceeded": errno.EDQUOT,
                "Read-only file system": errno.EROFS}


def write_error(e: OSError, path=None) -> DumpkitError:
    """The one-line error for what the machine said about `path`: a full disk or a place
    that cannot be written is a ResourceError (5), a wrong path (missing, a file where a
    folder belongs) bad input (1)."""
    where = f"{path or e.filename}: " if path or e.filename else ""
    reason = e.strerror or str(e)
    if e.errno in _DISK_FULL:
        return ResourceError(f"{where}the disk is full ({reason}); free some space and run again")
    if e.errno == errno.EROFS:
        return ResourceError(f"{where}cannot write here: the file system is read-only")
    if e.errno in _NOT_WRITABLE:
        return ResourceError(f"{where}cannot write here ({reason})")
    return (ResourceError if e.errno in (errno.EIO, errno.ENOMEM, errno.EMFILE) else DumpkitError)(f"{where}{reason}")


def machine_error(e: BaseException) -> DumpkitError | None:
    """A DumpkitError for an error the machine raised wherever it was raised (a full disk, a
    read-only folder, a file another program holds open), None for anything else (a bug)."""
    if isinstance(e, OSError) and e.errno in (*_DISK_FULL, errno.EROFS):
        return write_error(e)
    if isinstance(e, PermissionError):  # what dumpkit writes is checked where it is created: this is a read
        return DumpkitError(f"{e.filename}: {e.strerror}; dumpkit may not read it")
    if type(e).__module__.lstrip("_") == "duckdb":
        text = str(e).splitlines()[0] if str(e) else type(e).__name__
        if "could not allocate" in text or "Out of Memory" in text:
            from .limits import MIGRATE_MEMORY, STAGE_MEMORY

            return ResourceError(f"DuckDB ran out of the memory it is given (DUMPKIT_MEMORY, by default {STAGE_MEMORY} to "
                                 f"stage, {MIGRATE_MEMORY} or 0.6 x the staged file to migrate; a value this large "
                                 f"needs more): {text}")
        if "Could not set lock on file" in text:
            return BusyError(f"{text}; another program holds this DuckDB file open")
        for says, code in _DUCKDB_SAYS.items():
            if says in text:
                return write_error(OSError(code, text))
    return None
