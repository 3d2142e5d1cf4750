"""Progress: what a long command is doing, how far it is, how long it will take.

The library reports through a `Progress` (whose methods do nothing); the CLI passes one of:

* `RichProgress` on a terminal: one live display for the whole run, an overall bar with an
  ETA and the step at work (staging in uncompressed megabytes, each mapping, refine step,
  check, the files being written) with its counts;
* `LineProgress` when stderr is not a terminal (a log, CI, a pipe): a plain line when a step
  ends, and every few seconds within a long one.

`PhaseClock` times a run: each phase lasts from the end of the one before, so the phases'
seconds add up to the run's wall time.
"""
from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator, TextIO

from rich.console import Console
from rich.progress import (BarColumn, DownloadColumn, Progress as RichBar, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn, TransferSpeedColumn)

# Shares of a migration's time, from bench/migrate_bench.py (the overall bar and its ETA); a
# step's share is spread over its parts (the mappings, the files)
WEIGHTS = {"start-up": 2, "staging": 22, "prepare": 3, "map": 40, "demo": 5, "refine": 10, "check": 8, "write": 9,
           "report": 1}


@dataclass
class PhaseTime:
    name: str  # "staging", "map products", "refine slugs", "write"...
    seconds: float
    count: int | None = None  # rows, bytes or files, as `unit` says
    unit: str = "rows"
    cpu: float = 0.0  # CPU seconds of this process, its threads and the processes it waited for


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class Progress:
    """Where the library reports a run's steps (this one shows nothing)."""

    def plan(self, groups: list[str]) -> None:
        """The groups of WEIGHTS this run goes through (for the overall bar)."""

    def step(self, name: str, group: str, part: int = 1, parts: int = 1, total: float | None = None, unit: str = "") -> None:
        """A step starts: `part` of `parts` of a group of WEIGHTS ('map': each mapping one part);
        `total` units of work within it when known (staging: bytes)."""

    def advance(self, done: float, total: float | None = None, note: str = "") -> None:
        """Within a step: `done` of `total` units; `note` says it in words."""

    def finished(self, phase: PhaseTime, elapsed: float) -> None:
        """A step ended (`elapsed`: seconds since the run started)."""


class PhaseClock:
    """The run's phases, back to back from `start` (time.perf_counter() at start-up)."""

    def __init__(self, progress: Progress | None = None, start: float | None = None):
        self.progress = progress or Progress()
        self.start = time.perf_counter() if start is None else start
        self.last = self.start
        self.last_cpu = _cpu() if start is None else 0.0  # a command's start-up counts from its first instruction
        self.phases: list[PhaseTime] = []

    def lap(self, name: str, count: int | None = None, unit: str = "rows") -> PhaseTime:
        """The phase that ran since the last lap is over."""
        now, cpu = time.perf_counter(), _cpu()
        phase = PhaseTime(name, now - self.last, count, unit, cpu - self.last_cpu)
        self.last, self.last_cpu = now, cpu
        self.phases.append(phase)
        self.progress.finished(phase, now - self.start)
        return phase

    @property
    def seconds(self) -> float:
        return self.last - self.start


def _count(phase: PhaseTime) -> str:
    if phase.count is None:
        return ""
    if phase.unit == "bytes":
        return f"{phase.count / 1e6:,.1f} MB of SQL"
    return f"{phase.count:,} {phase.unit}"


class RichProgress(Progress):
    """One live display for the whole run: an overall bar (with the ETA) and the step at work."""

    def __init__(self, console: Console):
        self.bar = RichBar(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                           TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), TextColumn("{task.fields[note]}"),
                           console=console, transient=True)
        self.task = None
        self.base = 0.0  # overall units done before the current step
        self.share = 0.0  # units of the current step

    def __enter__(self):
        self.bar.__enter__()
        self.task = self.bar.add_task("starting", total=sum(WEIGHTS.values()), note="")
        return self

    def plan(self, groups):
        self.bar.update(self.task, total=sum(WEIGHTS.get(g, 1) for g in groups))

    def __exit__(self, *exc):
        self.bar.__exit__(*exc)

    def step(self, name, group, part=1, parts=1, total=None, unit=""):
        done = self.bar.tasks[0].completed
        self.base, self.share = done, WEIGHTS.get(group, 1) / max(parts, 1)
        self.bar.update(self.task, description=name, note="")

    def advance(self, done, total=None, note=""):
        fraction = min(1.0, done / total) if total else 0.0
        self.bar.update(self.task, completed=self.base + self.share * fraction, note=note)

    def finished(self, phase, elapsed):
        self.bar.update(self.task, completed=self.base + self.share, note=_count(phase))


class LineProgress(Progress):
    """Plain lines for a log: one per finished step, and within a long step every `every` seconds.
    The first `quiet` seconds' lines wait: a run that fails at once (bad input) ends with its one
    error line, and one that ends quickly prints them at the end (close())."""

    def __init__(self, stream: TextIO, every: float = 5.0, quiet: float = 2.0):
        self.stream, self.every = stream, every
        self.name, self.last = "", time.perf_counter()
        self.held: list[str] | None = []
        self.until = time.perf_counter() + quiet

    def _line(self, text: str) -> None:
        self.last = time.perf_counter()
        if self.held is not None and self.last < self.until:
            self.held.append(text)
            return
        self.close()
        print(text, file=self.stream, flush=True)

    def close(self) -> None:
        """Print what waited."""
        if self.held:
            print("\n".join(self.held), file=self.stream, flush=True)
        self.held = None

    def step(self, name, group, part=1, parts=1, total=None, unit=""):
        self.name = name

    def advance(self, done, total=None, note=""):
        if time.perf_counter() - self.last >= self.every:
            share = f" ({done / total:.0%})" if total else ""
            self._line(f"  {self.name}: {note}{share}")

    def finished(self, phase, elapsed):
        count = _count(phase)
        self._line(f"[{elapsed:6.1f} s] {phase.name} ({phase.seconds:.2f} s, cpu {phase.cpu:.2f} s){': ' + count if count else ''}")


@contextmanager
def run_progress(console: Console | None = None) -> Iterator[Progress]:
    """The progress of a whole command for stderr: rich on a terminal, plain lines otherwise."""
    console = console or Console(stderr=True)
    if sys.stderr.isatty() and console.is_terminal:
        with RichProgress(console) as progress:
            yield progress
    else:
        lines = LineProgress(sys.stderr)
        yield lines  # an error goes without the lines that waited
        lines.close()


@contextmanager
def byte_progress(label: str, console: Console | None = None) -> Iterator[Callable[[int, int], None]]:
    """Yields on_progress(done, total) for the library functions: a byte bar (bytes/s and ETA) on a
    terminal; silent otherwise."""
    console = console or Console(stderr=True)
    if not (sys.stderr.isatty() and console.is_terminal):
        yield lambda done, total: None
        return
    with RichBar(
        TextColumn(label), BarColumn(), DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn(),
        console=console, transient=True,
    ) as progress:
        task = progress.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update


def process_started() -> float:
    """When this process started, on the time.perf_counter() clock (Linux: from /proc; elsewhere:
    now). A command's phases then count its start-up too: the interpreter and the imports."""
    try:
        with open("/proc/self/stat", "rb") as f:
            ticks = int(f.read().rsplit(b")", 1)[1].split()[19])  # field 22, starttime, counted from the ')'
        age = time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")
        return time.perf_counter() - max(0.0, age)
    except (OSError, ValueError, IndexError, AttributeError):
        return time.perf_counter()
