"""Errors a user sees as one clear line (the CLI prints them without a traceback)."""


class DumpkitError(Exception):
    """A problem with the user's input or options; `exit_code` is what the CLI returns."""

    exit_code = 1


class NotADumpError(DumpkitError):
    """The file is not a SQL dump at all (binary, an HTML error page, empty)."""

    exit_code = 2
