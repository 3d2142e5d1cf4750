"""Load progress with an honest ETA: requests still to send divided by the rate measured over
the last minute. A rich bar on a terminal; a plain line every `every` seconds otherwise."""
from __future__ import annotations

import sys
import time
from datetime import timedelta

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn


class LoadProgress:
    def __init__(self, planned: dict[str, int], rate, console: Console | None = None, every: float = 30.0,
                 enabled: bool = True):
        self.planned = dict(planned)
        self.sent: dict[str, int] = {}
        self.rate = rate  # () -> requests per second, measured
        self.console = console or Console(stderr=True)
        self.every, self.enabled = every, enabled
        self.terminal = enabled and sys.stderr.isatty() and self.console.is_terminal
        self.bar = None
        self.last_line = time.monotonic()
        self.started = time.monotonic()

    def left(self) -> int:
        return sum(max(0, n - self.sent.get(e, 0)) for e, n in self.planned.items())

    def eta(self) -> str:
        rate = self.rate()
        if rate <= 0:
            return "?"
        if self.left() == 0:
            return "finishing"  # the plan was met but requests are still going (lookups, updates)
        return str(timedelta(seconds=round(self.left() / rate)))

    def __enter__(self) -> "LoadProgress":
        if self.terminal:
            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("requests {task.fields[rate]}/min ETA {task.fields[eta]}"),
                                console=self.console, transient=True)
            self.bar.start()
            self.task = self.bar.add_task("load", total=max(1, sum(self.planned.values())), rate="-", eta="?")
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()

    def tick(self, entity: str | None) -> None:
        if entity is not None:
            self.sent[entity] = self.sent.get(entity, 0) + 1
            if self.sent[entity] > self.planned.get(entity, 0):
                self.planned[entity] = self.sent[entity]  # the plan was low (updates, lookups): raise it
        if not self.enabled:
            return
        total = sum(self.planned.values())
        done = total - self.left()
        if self.bar is not None:
            self.bar.update(self.task, completed=done, total=max(1, total), description=f"load {entity or ''}",
                            rate=f"{self.rate() * 60:.0f}", eta=self.eta())
        elif time.monotonic() - self.last_line >= self.every:
            self.last_line = time.monotonic()
            print(f"load: {done:,}/{total:,} requests ({done / max(1, total):.0%}), "
                  f"{self.rate() * 60:.0f}/min, ETA {self.eta()} ({entity or ''})", file=sys.stderr, flush=True)
