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


def resource_error(e: BaseException) -> ResourceError | None:
    """A full disk or a folder that cannot be written, raised by Python (OSError) or DuckDB,
    as the one-line ResourceError it is; None for any other error."""
    import errno
    import re

    reasons = {errno.ENOSPC: "no space left on the disk", errno.EDQUOT: "the disk quota is used up",
               errno.EROFS: "the file system is read-only", errno.EACCES: "permission denied",
               errno.EPERM: "permission denied"}
    texts = {"No space left on device": errno.ENOSPC, "Disk quota exceeded": errno.EDQUOT,
             "Read-only file system": errno.EROFS, "Permission denied": errno.EACCES}
    code = getattr(e, "errno", None) if isinstance(e, OSError) else None
    first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    if type(e).__module__.endswith("duckdb") and ("could not allocate" in first or "Out of Memory" in first):
        return ResourceError(f"DuckDB ran out of the memory it is given (DUMPKIT_MEMORY, default 100MB; a value "
                             f"this large needs more): {first}")
    if code not in reasons and (isinstance(e, OSError) or type(e).__module__.endswith("duckdb")):
        code = next((c for text, c in texts.items() if text in first), None)
    if code not in reasons:
        return None
    quoted = re.search(r'"([^"]+)"', first)  # DuckDB names the file in quotes
    where = getattr(e, "filename", None) or (quoted.group(1) if quoted else first)
    return ResourceError(f"{reasons[code]}: {where}")
