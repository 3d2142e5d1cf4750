"""A byte progress bar (bytes/s and ETA) on a terminal; silent otherwise."""
from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Callable, Iterator

from rich.console import Console
from rich.progress import (BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn,
                           TransferSpeedColumn)


@contextmanager
def byte_progress(label: str, console: Console | None = None) -> Iterator[Callable[[int, int], None]]:
    """Yields on_progress(done, total) for the library functions."""
    console = console or Console(stderr=True)
    if not (sys.stderr.isatty() and console.is_terminal):
        yield lambda done, total: None
        return
    with Progress(
        TextColumn(label), BarColumn(), DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn(),
        console=console, transient=True,
    ) as progress:
        task = progress.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update
