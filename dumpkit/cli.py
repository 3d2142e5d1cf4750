"""The `dumpkit` command: a thin layer over the library functions."""
from __future__ import annotations

import json
import os
import sys
from functools import wraps
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup

from .errors import DumpkitError, machine_error
from .limits import MAX_STATEMENT_MB
from .progress import byte_progress
from .terminal import plain

try:
    from typer._click import exceptions as click_errors
except ImportError:  # an older typer uses click itself
    from click import exceptions as click_errors

# what comes from a dump is printed through plain(): as text, never as markup, emoji codes or escapes
out = Console(emoji=False)
err = Console(stderr=True, emoji=False)


class _Commands(TyperGroup):
    """A wrong option or argument ends like all bad input: one line on stderr and exit 1
    (click's own exit code 2 means "not a dump" here, and its error box takes a dozen lines)."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except getattr(click_errors, "NoArgsIsHelpError", ()) as e:  # plain `dumpkit`: the help
            print(e.format_message())
            code = 0
        except click_errors.ClickException as e:
            command = getattr(getattr(e, "ctx", None), "command_path", None) or "dumpkit"
            err.print(f"[red]error:[/red] {plain(e.format_message())} (see {command} --help)",
                      highlight=False, soft_wrap=True)
            code = 1
        except typer.Abort:
            code = 1
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(cls=_Commands, add_completion=False, no_args_is_help=True,
                  help="Migrate a webshop to Mystore from its database dump.")


def one_line_errors(fn):
    """Bad input ends with one line on stderr and a non-zero exit code, never a traceback."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except DumpkitError as e:
            # plain: a file name like dump[1].sql is text, not markup
            err.print(f"[red]error:[/red] {plain(e)}", highlight=False, soft_wrap=True)
            raise typer.Exit(e.exit_code)
        except KeyboardInterrupt:
            err.print("interrupted")
            raise typer.Exit(130)
        except (typer.Exit, typer.Abort):
            raise
        except Exception as e:  # a bug: still one line, the details on request
            known = machine_error(e)  # ... unless the machine said it: a full disk, a read-only folder, a lock
            if known is not None:
                err.print(f"[red]error:[/red] {plain(known)}", highlight=False, soft_wrap=True)
                raise typer.Exit(known.exit_code)
            if "--debug" in sys.argv or os.environ.get("DUMPKIT_DEBUG"):
                raise
            err.print(f"[red]internal error:[/red] {type(e).__name__}: {plain(e)} (set DUMPKIT_DEBUG=1 for the traceback)",
                      highlight=False, soft_wrap=True)
            raise typer.Exit(3)

    return wrapper


MAX_STATEMENT = typer.Option(MAX_STATEMENT_MB, "--max-statement-mb", min=1,
                             help="A longer statement (a MySQL INSERT: a longer row) is reported and skipped")


def _mb(n: int | None) -> str:
    return "" if n is None else f"{n / 1e6:,.2f} MB" if n >= 100_000 else f"{n:,} B"


@app.command()
@one_line_errors
def inspect(
    dump: List[Path] = typer.Argument(..., help="Dump file(s) or folder: .sql, .gz, .bz2, .xz, .zst, .zip"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
    max_statement_mb: int = MAX_STATEMENT,
):
    """What a dump holds: producer, versions, charset, every table with rows and bytes (a fast scan)."""
    from .read.inspect import inspect_dump

    with byte_progress("scanning") as progress:
        result = inspect_dump(dump, on_progress=progress, max_statement_mb=max_statement_mb)
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
        head.add_row(f"[bold]{k}[/bold]", plain(v))  # names come from the dump: text, not markup
    out.print(head)
    table = Table("table", "rows", "bytes", "columns", title="Tables")
    for t in result.tables:
        table.add_row(plain(t.table), f"{t.rows:,}", _mb(t.bytes), "" if t.columns is None else str(t.columns))
    out.print(table)
    if result.skipped:
        out.print("skipped statements: " + ", ".join(f"{k} {v}" for k, v in sorted(result.skipped.items())))
    for p in result.problems:
        where = f" {plain(p['table'])}" if p["table"] else ""
        err.print(f"[yellow]{p['kind']}[/yellow]{where} at byte {p['offset']}: {plain(p['example'])}", highlight=False)


@app.command()
@one_line_errors
def stage(
    dump: List[Path] = typer.Argument(..., help="Dump file(s) or folder"),
    db: Path = typer.Option(..., "--db", help="DuckDB file to create (replaced if it exists)"),
    allow_partial: bool = typer.Option(False, "--allow-partial", help="Exit 0 even when the dump is cut short"),
    workers: Optional[int] = typer.Option(None, help="Parser threads (default: one per core but the one that stores)"),
    max_statement_mb: int = MAX_STATEMENT,
):
    """Read a dump into DuckDB staging tables, exactly as the database server would hold them."""
    from .stage import stage_dump

    with byte_progress("staging") as progress:
        result = stage_dump(dump, db, workers=workers, on_progress=progress, max_statement_mb=max_statement_mb)
    print_stage_summary(result)
    if result.partial and not allow_partial:
        err.print("[red]error:[/red] the dump is incomplete (see 'truncated' above); "
                  "complete rows were staged, use --allow-partial to accept", highlight=False)
        raise typer.Exit(4)


def print_stage_summary(result) -> None:
    info = result.info
    out.print(
        f"staged [bold]{len(result.tables)}[/bold] tables, {sum(result.tables.values()):,} rows from "
        f"{plain(info.producer)}{' ' + plain(info.producer_version) if info.producer_version else ''} ({info.dialect}) "
        f"into {plain(result.db_path)} "
        f"in {result.seconds:.2f} s ({result.mb_per_s:.1f} MB/s)",
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
                          plain(f"{where}{offset}: {first.example or ''}"[:120]))
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
    allow_partial: bool = typer.Option(False, "--allow-partial", help="Migrate what a cut dump holds (else exit 4)"),
    max_statement_mb: int = MAX_STATEMENT,
    currency_rate: Optional[List[str]] = typer.Option(
        None, "--currency-rate", help="CODE=RATE: NOK for one unit of the shop's currency, e.g. EUR=11.70 (repeatable)"),
    currency_rate_file: Optional[Path] = typer.Option(
        None, "--currency-rate-file", help="Rates as CODE=RATE lines (or a .json/.toml table), NOK for one unit"),
    keep_currency: bool = typer.Option(
        False, "--keep-currency", help="Load the amounts of a shop not in NOK unconverted, on purpose"),
):
    """Migrate a shop dump into a Mystore load package (Parquet + manifest + issues)."""
    from .map.currency import parse_rates
    from .migrate import migrate as run

    rates = parse_rates(currency_rate, currency_rate_file)
    with byte_progress("staging") as progress:
        result = run(dump, out, platform=platform, only=only.split(",") if only else None,
                     value_map_file=value_map, shop_country=shop_country, timezone=timezone, on_progress=progress,
                     demo=demo, seed=seed, size=size, allow_partial=allow_partial, max_statement_mb=max_statement_mb,
                     currency_rates=rates, keep_currency=keep_currency)
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
            out.print(f"  {plain(note)}", highlight=False)
    out.print(f"[bold]{plain(d.platform.title)}[/bold] {plain(d.version or '(version unknown)')}, table prefix "
              f"{plain(repr(d.prefix))} -> {plain(result.out)}", highlight=False)
    demo = bool(options.get("demo"))
    table = Table("entity", "mapped in the shop" if demo else "source", "in the demo" if demo else "written",
                  "skipped (reason)", "warnings", "seconds", title="Demo migration" if demo else "Migration")
    for s in result.summary:
        skipped = ", ".join(f"{n} {code}" for code, n in sorted(s.skipped.items()))
        table.add_row(s.entity, "" if s.source is None else f"{s.source:,}", f"{result.counts.get(s.entity, 0):,}",
                      plain(skipped), str(s.warnings), f"{s.seconds:.2f}")
    out.print(table)
    recon = Table("entity", "in source", "in package", "explained in issues", "unaccounted", title="Every record accounted for")
    for r in result.reconciliation:
        recon.add_row(r.entity, f"{r.source:,}", f"{r.written:,}", f"{r.source - r.written - len(r.unaccounted):,}",
                      ("[red]" if r.unaccounted else "[green]") + f"{len(r.unaccounted)}")
    out.print(recon)
    levels = {}
    for i in result.log.items:
        levels[i.level] = levels.get(i.level, 0) + 1
    print_issue_lines(result.log.items)
    out.print(f"issues: {', '.join(f'{n} {lvl}' for lvl, n in sorted(levels.items())) or 'none'} "
              f"-> {plain(result.out / 'issues.jsonl')}; done in {result.seconds:.1f} s", highlight=False)
    out.print(f"review report: {plain((result.out / 'report.html').resolve())}", highlight=False)
    money = result.manifest.get("currency") or {}
    if money.get("amounts", "NOK") != "NOK":
        # prominent: a package whose money is not NOK must not be loaded by mistake
        err.print(f"[bold yellow]WARNING: the amounts in this package are in {plain(money['amounts'])}, not NOK[/bold yellow]"
                  + (" (--keep-currency)" if money.get("kept") else
                     f"; give --currency-rate {plain(money['amounts'])}=<NOK for one {plain(money['amounts'])}> "
                     f"for a package to load"), highlight=False)


def print_issue_lines(items, limit: int = 40) -> None:
    """One line per cause (count and example ids), not one per record; staging notes on tables
    no mapping reads are counted in one technical line."""
    from .issues import group_issues

    groups = group_issues(items)
    shop = [g for g in groups if not g.technical]
    table = Table("level", "code", "entity", "records", "what (e.g. source ids)", title="Issues, one line per cause")
    for g in shop[:limit]:
        colour = {"error": "red", "warning": "yellow"}.get(g.level, "")
        examples = f" (e.g. {', '.join(g.examples)}{', ...' if g.more else ''})" if g.count > 1 and g.examples else ""
        text = g.text + examples
        table.add_row(f"[{colour}]{g.level}[/{colour}]" if colour else g.level, g.code, g.entity or "", f"{g.count:,}",
                      plain(text[:300]))
    if shop:
        out.print(table)
    if len(shop) > limit:
        out.print(f"... and {len(shop) - limit} more causes in issues.jsonl", highlight=False)
    technical = [g for g in groups if g.technical]
    if technical:
        out.print(f"technical: {sum(g.count for g in technical)} staging notes on tables no mapping reads "
                  f"({', '.join(sorted({g.code for g in technical}))}); they change nothing in the package", highlight=False)


@app.command()
@one_line_errors
def report(out_dir: Path = typer.Argument(..., help="A load package folder written by dumpkit migrate")):
    """Render OUT/report.html again from the load package."""
    from .lock import hold_lock
    from .report import write_report

    if not (out_dir / "manifest.json").exists():
        raise DumpkitError(f"{out_dir}: no manifest.json, not a dumpkit load package")
    with hold_lock(out_dir):  # not while a migration replaces the package
        out.print(f"review report: {plain(write_report(out_dir).resolve())}", highlight=False)


@app.command()
@one_line_errors
def delta(
    base: Path = typer.Argument(..., help="The load package of the first migration (or the delta before this one)"),
    dump: List[Path] = typer.Argument(..., help="The newer dump of the same shop: file(s), folder or a staged .duckdb"),
    delta_out: Path = typer.Option(..., "-o", "--out", help="Folder for the delta package"),
    allow_partial: bool = typer.Option(False, "--allow-partial", help="Compare what a cut dump holds (else exit 4)"),
    max_statement_mb: int = MAX_STATEMENT,
):
    """What changed in the shop since BASE: the newer dump migrated with BASE's options and compared record by record."""
    from .delta import make_delta

    with byte_progress("staging") as progress:
        result = make_delta(base, dump, delta_out, allow_partial=allow_partial, max_statement_mb=max_statement_mb,
                            on_progress=progress)
    table = Table("entity", "new", "changed", "deleted", "fields that changed (rows)", title="Changes since the base package")
    for e in result.entities:
        if e.total:
            table.add_row(e.entity, f"{e.new:,}", f"{e.changed:,}", f"{e.deleted:,}",
                          ", ".join(f"{f} {n:,}" for f, n in list(e.fields.items())[:6]))
    out.print(table if any(e.total for e in result.entities) else "no changes since the base package", highlight=False)
    print_issue_lines(result.log.items)
    out.print(f"the newer dump's whole package: {plain(result.out / 'full')}; compared in {result.compare_seconds:.1f} s, "
              f"done in {result.seconds:.1f} s", highlight=False)
    out.print(f"review report: {plain((result.out / 'report.html').resolve())}", highlight=False)


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
