"""The `dumpkit` command: a thin layer over the library functions."""
from __future__ import annotations

import json
import os
import sys
from collections import defaultdict
from functools import wraps
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .errors import DumpkitError
from .progress import byte_progress, process_started, run_progress

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Migrate a webshop to Mystore from its database dump.")
out = Console()
err = Console(stderr=True)


def one_line_errors(fn):
    """Bad input ends with one line on stderr and a non-zero exit code, never a traceback."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except DumpkitError as e:
            # escaped: a file name like dump[1].sql is text, not markup
            err.print(f"[red]error:[/red] {escape(str(e))}", highlight=False, soft_wrap=True)
            raise typer.Exit(e.exit_code)
        except KeyboardInterrupt:
            err.print("interrupted")
            raise typer.Exit(130)
        except (typer.Exit, typer.Abort):
            raise
        except Exception as e:  # a bug: still one line, the details on request
            if "--debug" in sys.argv or os.environ.get("DUMPKIT_DEBUG"):
                raise
            err.print(f"[red]internal error:[/red] {type(e).__name__}: {escape(str(e))} (set DUMPKIT_DEBUG=1 for the traceback)",
                      highlight=False, soft_wrap=True)
            raise typer.Exit(3)

    return wrapper


def _mb(n: int | None) -> str:
    return "" if n is None else f"{n / 1e6:,.2f} MB" if n >= 100_000 else f"{n:,} B"


@app.command()
@one_line_errors
def inspect(
    dump: List[Path] = typer.Argument(..., help="Dump file(s) or folder: .sql, .gz, .bz2, .xz, .zst, .zip"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
):
    """What a dump holds: producer, versions, charset, every table with rows and bytes (a fast scan)."""
    from .read.inspect import inspect_dump

    with byte_progress("scanning") as progress:
        result = inspect_dump(dump, on_progress=progress)
    if as_json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    head = Table.grid(padding=(0, 2))
    for k, v in [
        ("files", ", ".join(f"{f['name']} ({_mb(f['bytes'])}, {f['compression']})" for f in result.files)),
        ("dialect", result.dialect),
        ("producer", f"{result.producer} {result.producer_version or ''}".strip()),
        ("server", result.server_version or "unknown"),
        ("charset", result.charset or "not declared"),
        ("tables", f"{len(result.tables)} ({sum(t.rows for t in result.tables):,} rows) in {result.seconds:.2f} s"),
    ]:
        head.add_row(f"[bold]{k}[/bold]", escape(v))  # names come from the dump: text, not markup
    out.print(head)
    table = Table("table", "rows", "bytes", "columns", title="Tables")
    for t in result.tables:
        table.add_row(escape(t.table), f"{t.rows:,}", _mb(t.bytes), "" if t.columns is None else str(t.columns))
    out.print(table)
    if result.skipped:
        out.print("skipped statements: " + ", ".join(f"{k} {v}" for k, v in sorted(result.skipped.items())))
    for p in result.problems:
        where = f" {escape(p['table'])}" if p["table"] else ""
        err.print(f"[yellow]{p['kind']}[/yellow]{where} at byte {p['offset']}: {escape(p['example'])}", highlight=False)


@app.command()
@one_line_errors
def stage(
    dump: List[Path] = typer.Argument(..., help="Dump file(s) or folder"),
    db: Path = typer.Option(..., "--db", help="DuckDB file to create (replaced if it exists)"),
    allow_partial: bool = typer.Option(False, "--allow-partial", help="Exit 0 even when the dump is cut short"),
    workers: Optional[int] = typer.Option(None, help="Parser threads (default: one per core but the one that stores)"),
):
    """Read a dump into DuckDB staging tables, exactly as the database server would hold them."""
    from .stage import stage_dump

    with byte_progress("staging") as progress:
        result = stage_dump(dump, db, workers=workers, on_progress=progress)
    print_stage_summary(result)
    if result.partial and not allow_partial:
        err.print("[red]error:[/red] the dump is incomplete (see 'truncated' above); "
                  "complete rows were staged, use --allow-partial to accept", highlight=False)
        raise typer.Exit(4)


def print_stage_summary(result) -> None:
    info = result.info
    out.print(
        f"staged [bold]{len(result.tables)}[/bold] tables, {sum(result.tables.values()):,} rows from "
        f"{escape(info.producer)}{' ' + info.producer_version if info.producer_version else ''} ({info.dialect}) "
        f"into {escape(str(result.db_path))} "
        f"in {result.seconds:.2f} s ({result.mb_per_s:.1f} MB/s of SQL text, uncompressed)",
        highlight=False,
    )
    if result.skipped:
        out.print("skipped statements: " + ", ".join(f"{k} {v}" for k, v in sorted(result.skipped.items())),
                  highlight=False)
    if result.issues:
        # one row per kind of issue; every single one is in the dumpkit.issues table
        groups: dict[str, list] = {}
        for i in result.issues:
            g = groups.setdefault(i.kind, [0, 0, set(), i])
            g[0] += 1
            g[1] += i.count
            g[2].add(i.table)
        table = Table("issue", "tables", "count", "first example", title="Issues (details: table dumpkit.issues)")
        for kind, (n, count, tables, first) in sorted(groups.items()):
            where = f"{first.table or ''}{'.' + first.column if first.column else ''}"
            offset = "" if first.offset is None else f" @{first.offset}"
            table.add_row(("[red]" if first.fatal else "") + kind, str(len(tables - {None}) or ""), f"{count:,}",
                          escape(f"{where}{offset}: {first.example or ''}"[:120]))
        out.print(table)


@app.command()
@one_line_errors
def migrate(
    dump: List[Path] = typer.Argument(..., help="Dump file(s) or folder, or a staged .duckdb file"),
    out: Path = typer.Option(..., "-o", "--out", help="Folder for the load package"),
    platform: str = typer.Option("auto", help="auto, or a platform folder name in mappings/ (woocommerce, prestashop, opencart...)"),
    only: Optional[str] = typer.Option(None, help="Comma-separated: tax_classes,manufacturers,categories,products,customers,orders"),
    value_map: Optional[Path] = typer.Option(None, "--value-map", help="TOML/JSON {map: {source value: Mystore value}} overriding the defaults"),
    shop_country: str = typer.Option("NO", help="ISO country for customers and orders without one"),
    timezone: Optional[str] = typer.Option(None, help="Time zone of the shop's timestamps (default: the shop's setting, else Europe/Oslo)"),
    demo: bool = typer.Option(False, "--demo", help="Demo migration: a random sample of products, customers and orders"),
    seed: Optional[int] = typer.Option(None, help="Seed of the demo sample (printed; the same seed gives the same sample)"),
    size: int = typer.Option(10, help="Products, customers and orders in the demo sample"),
    keep_stage: Optional[bool] = typer.Option(None, "--keep-stage/--no-keep-stage",
                                              help="Keep the staged copy of the dump as OUT/stage.duckdb, for reruns "
                                                   "(default: kept by a full migration, not by a demo)"),
):
    """Migrate a shop dump into a Mystore load package (Parquet + manifest + issues)."""
    from .migrate import migrate as run

    with run_progress(err) as progress:
        result = run(dump, out, platform=platform, only=only.split(",") if only else None,
                     value_map_file=value_map, shop_country=shop_country, timezone=timezone, demo=demo, seed=seed,
                     size=size, progress=progress, started=process_started(), keep_stage=keep_stage)
    print_migrate_summary(result)
    errors = [r for r in result.reconciliation if not r.ok]
    if errors:
        raise DumpkitError("some source records are neither migrated nor explained: " +
                           ", ".join(f"{r.entity} {len(r.unaccounted)}" for r in errors))


def print_migrate_summary(result) -> None:
    d = result.detection
    options = result.manifest.get("options", {})
    if options.get("demo"):
        out.print(f"[bold]demo migration[/bold]: seed {options['seed']} (rerun with --seed {options['seed']} "
                  f"for the same sample), {options['size']} products, customers and orders", highlight=False)
        for note in options.get("notes", []):
            out.print(f"  {note}", highlight=False)
    out.print(f"[bold]{d.platform.title}[/bold] {d.version or '(version unknown)'}, table prefix "
              f"{d.prefix!r} -> {result.out}", highlight=False)
    demo = bool(options.get("demo"))
    table = Table("entity", "mapped in the shop" if demo else "source", "in the demo" if demo else "written",
                  "skipped (reason)", "warnings", "seconds", title="Demo migration" if demo else "Migration")
    for s in result.summary:
        skipped = ", ".join(f"{n} {code}" for code, n in sorted(s.skipped.items()))
        table.add_row(s.entity, "" if s.source is None else f"{s.source:,}", f"{result.counts.get(s.entity, 0):,}",
                      skipped, str(s.warnings), f"{s.seconds:.2f}")
    out.print(table)
    recon = Table("entity", "in source", "in package", "explained in issues", "unaccounted", title="Every record accounted for")
    for r in result.reconciliation:
        recon.add_row(r.entity, f"{r.source:,}", f"{r.written:,}", f"{r.source - r.written - len(r.unaccounted):,}",
                      ("[red]" if r.unaccounted else "[green]") + f"{len(r.unaccounted)}")
    out.print(recon)
    print_phases(result)
    levels = result.log.levels()
    out.print(f"issues: {', '.join(f'{n} {lvl}' for lvl, n in sorted(levels.items())) or 'none'} "
              f"-> {result.out / 'issues.jsonl'}; done in {result.seconds:.1f} s", highlight=False)
    staged = result.staged
    if staged is not None and staged.kept:
        out.print(f"staged copy of the dump: {escape(str(staged.path))} ({staged.bytes / 1e6:,.1f} MB), kept for reruns: "
                  f"dumpkit migrate {escape(str(staged.path))} -o ... starts from it without staging again "
                  f"(--no-keep-stage leaves it out)", highlight=False)
    elif staged is not None:
        out.print(f"staged copy of the dump ({staged.bytes / 1e6:,.1f} MB) not kept (--keep-stage keeps it for reruns)",
                  highlight=False)
    out.print(f"review report: {(result.out / 'report.html').resolve()}", highlight=False)


def print_phases(result) -> None:
    """Where the time went: every phase from start-up to the report, so the seconds add up to the
    wall time (a phase's parts, mappings or refine steps, are in `details`)."""
    groups: dict[str, list] = defaultdict(list)
    for p in result.phases:
        groups[p.name.split(" ")[0].rstrip(":")].append(p)
    table = Table("phase", "work", "seconds", "details", title="Time")
    for name, phases in groups.items():
        seconds = sum(p.seconds for p in phases)
        if name == "staging" or (name == "staged" and phases[0].count):
            mb = phases[0].count / 1e6
            work = f"{mb:,.1f} MB of SQL" + (f", {mb / seconds:,.1f} MB/s" if name == "staging" and seconds else "")
        elif len(phases) > 1:
            work = f"{len(phases)} steps, {sum(p.count or 0 for p in phases):,} {phases[0].unit}"
        else:
            work = "" if phases[0].count is None else f"{phases[0].count:,} {phases[0].unit}"
        slowest = sorted(phases, key=lambda p: -p.seconds)[:3] if len(phases) > 1 else []
        details = ", ".join(f"{p.name.split(' ', 1)[-1]} {p.seconds:.2f}" for p in slowest)
        table.add_row(name, work, f"{seconds:.2f}", details)
    table.add_row("[bold]total[/bold]", "", f"[bold]{result.seconds:.2f}[/bold]", "wall time of the run")
    out.print(table)


@app.command()
@one_line_errors
def report(out_dir: Path = typer.Argument(..., help="A load package folder written by dumpkit migrate")):
    """Render OUT/report.html again from the load package."""
    from .report import write_report

    if not (out_dir / "manifest.json").exists():
        raise DumpkitError(f"{out_dir}: no manifest.json, not a dumpkit load package")
    out.print(f"review report: {write_report(out_dir).resolve()}", highlight=False)


def main() -> None:
    """The `dumpkit` command. It ends with os._exit once everything is written, closed and
    flushed: Python's own teardown of pyarrow, DuckDB and sqlglot adds 0.1-0.15 s to every
    command and does nothing for the files (every command closes its DuckDB connections
    and the reader process itself)."""
    try:
        app()
        code = 0
    except SystemExit as e:  # typer's way to return the exit code
        code = e.code
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


if __name__ == "__main__":
    main()
