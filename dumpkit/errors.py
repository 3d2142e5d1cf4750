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
