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
from rich.table import Table
from typer.core import TyperGroup

from .errors import DumpkitError, machine_error
from .limits import MAX_STATEMENT_MB
from .progress import byte_progress, process_started, run_progress
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
                          plain(f"{where}{offset}: {first.example or ''}"[:120]))
        out.print(table)


@app.command()
@one_line_errors
def migrate(
    dump: List[Path] = typer.Argument(..., help="Dump file(s) or folder, or a staged .duckdb file"),
    out: Path = typer.Option(..., "-o", "--out", help="Folder for the load package"),
    platform: str = typer.Option("auto", help="auto, or a platform folder name in mappings/ (woocommerce, prestashop, opencart, magento2, shopware6)"),
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
    keep_stage: Optional[bool] = typer.Option(None, "--keep-stage/--no-keep-stage",
                                              help="Keep the staged copy of the dump as OUT/stage.duckdb, for reruns "
                                                   "(default: kept by a full migration, not by a demo)"),
):
    """Migrate a shop dump into a Mystore load package (Parquet + manifest + issues)."""
    from .map.currency import parse_rates
    from .migrate import migrate as run

    rates = parse_rates(currency_rate, currency_rate_file)
    with run_progress(err) as progress:
        result = run(dump, out, platform=platform, only=only.split(",") if only else None,
                     value_map_file=value_map, shop_country=shop_country, timezone=timezone, demo=demo, seed=seed,
                     size=size, allow_partial=allow_partial, max_statement_mb=max_statement_mb,
                     currency_rates=rates, keep_currency=keep_currency, progress=progress, started=process_started(),
                     keep_stage=keep_stage)
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
              f"{plain(repr(d.prefix))} -> {plain(result.out)}", highlight=False, soft_wrap=True)
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
    print_phases(result)
    levels = result.log.levels()
    print_issue_lines(result.log.groups())
    out.print(f"issues: {', '.join(f'{n} {lvl}' for lvl, n in sorted(levels.items())) or 'none'} "
              f"-> {plain(result.out / 'issues.jsonl')}; done in {result.seconds:.1f} s", highlight=False, soft_wrap=True)
    staged = result.staged
    if staged is not None and staged.left_out.get("tables"):
        out.print(f"not staged: the {staged.left_out['rows']:,} rows of {staged.left_out['tables']} tables no platform's "
                  f"mappings read (logs, carts, search index...), counted only; dumpkit stage stages every row",
                  highlight=False, soft_wrap=True)
    if staged is not None and staged.kept:
        out.print(f"staged copy of the dump: {plain(staged.path)} ({staged.bytes / 1e6:,.1f} MB), kept for reruns: "
                  f"dumpkit migrate {plain(staged.path)} -o ... starts from it without staging again "
                  f"(--no-keep-stage leaves it out)", highlight=False, soft_wrap=True)
    elif staged is not None:
        out.print(f"staged copy of the dump ({staged.bytes / 1e6:,.1f} MB) not kept (--keep-stage keeps it for reruns)",
                  highlight=False)
    out.print(f"review report: {plain((result.out / 'report.html').resolve())}", highlight=False, soft_wrap=True)
    money = result.manifest.get("currency") or {}
    if money.get("amounts", "NOK") != "NOK":
        # prominent: a package whose money is not NOK must not be loaded by mistake
        err.print(f"[bold yellow]WARNING: the amounts in this package are in {plain(money['amounts'])}, not NOK[/bold yellow]"
                  + (" (--keep-currency)" if money.get("kept") else
                     f"; give --currency-rate {plain(money['amounts'])}=<NOK for one {plain(money['amounts'])}> "
                     f"for a package to load"), highlight=False)


def print_issue_lines(groups, limit: int = 40) -> None:
    """One line per cause (IssueLog.groups(): count and example ids), not one per record; staging
    notes on tables no mapping reads are counted in one technical line."""
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
    from .lock import hold_lock
    from .report import write_report

    if not (out_dir / "manifest.json").exists():
        raise DumpkitError(f"{out_dir}: no manifest.json, not a dumpkit load package")
    with hold_lock(out_dir):  # not while a migration replaces the package
        out.print(f"review report: {plain(write_report(out_dir).resolve())}", highlight=False, soft_wrap=True)


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
    print_issue_lines(result.log.groups())
    out.print(f"the newer dump's whole package: {plain(result.out / 'full')}; compared in {result.compare_seconds:.1f} s, "
              f"done in {result.seconds:.1f} s", highlight=False)
    out.print(f"review report: {plain((result.out / 'report.html').resolve())}", highlight=False, soft_wrap=True)


# ---------------------------------------------------------------- load into Mystore

def _token(token_file: Optional[Path]) -> Optional[str]:
    """MYSTORE_TOKEN or --token-file; never echoed anywhere."""
    if token_file is not None:
        try:
            return token_file.read_text(encoding="utf-8").strip() or None
        except OSError as e:
            raise DumpkitError(f"--token-file {token_file}: cannot be read ({e.strerror})") from None
    return (os.environ.get("MYSTORE_TOKEN") or "").strip() or None


@app.command()
@one_line_errors
def load(
    out_dir: Path = typer.Argument(..., help="A load package folder written by dumpkit migrate"),
    shop: str = typer.Option(..., "--shop", help="The shop's internal name (<name>.mystore4.no)"),
    api_url: str = typer.Option("https://api.mystore.no", "--api-url", help="API root (a simulator: http://127.0.0.1:PORT)"),
    only: Optional[str] = typer.Option(None, help="Comma-separated: tax_classes,manufacturers,categories,products,customers,orders,redirects"),
    images_from: Optional[str] = typer.Option(None, "--images-from", help="Folder copied from the old shop, or its base URL"),
    dry_run: bool = typer.Option(False, "--dry-run", help="Send nothing: write OUT/load/requests.jsonl and count"),
    batch: bool = typer.Option(False, "--batch", help="Use atomic-batch / non-atomic-batch (payload shape unverified)"),
    state: Optional[Path] = typer.Option(None, "--state", help="State folder holding each shop's ledger (default $DUMPKIT_STATE or ~/.local/state/dumpkit)"),
    token_file: Optional[Path] = typer.Option(None, "--token-file", help="File holding the API token (else MYSTORE_TOKEN)"),
    rate: float = typer.Option(120, "--rate", help="Requests per minute the token may send"),
    concurrency: int = typer.Option(8, "--concurrency", help="Requests in flight at most"),
    retry_failed: bool = typer.Option(False, "--retry-failed", help="Send records the API refused before again, unchanged"),
    into_sim: bool = typer.Option(False, "--into-sim", help="Demo: load into a local Mystore simulator started for it (OUT/load/sim.sqlite), then verify"),
    delete: bool = typer.Option(False, "--delete", help="A delta: delete products, categories, manufacturers deleted in the source (else set inactive)"),
    prefer: Optional[str] = typer.Option(None, "--prefer", help="A delta: 'dump' or 'dump:products,customers': the newer dump's value wins over an edit made in Mystore"),
):
    """Load a package into a Mystore shop through its REST API: resumable, exactly once."""
    from .delta.apply import prefer_dump
    from .load.loader import load as run

    if into_sim and (delete or prefer):
        raise DumpkitError("--into-sim loads a package into a new simulator: --delete and --prefer apply a delta onto a loaded shop")
    if into_sim:
        return _load_into_sim(out_dir, shop, only, images_from, batch, state, concurrency)
    result = run(out_dir, shop, token=_token(token_file), api_url=api_url, state_dir=state,
                 only=only.split(",") if only else None, images_from=images_from, dry_run=dry_run, batch=batch,
                 rate_per_minute=rate, concurrency=concurrency, retry_failed=retry_failed,
                 delete=delete, prefer_dump=prefer_dump(prefer))
    print_load_summary(result)


def _load_into_sim(out_dir: Path, shop: str, only, images_from, batch: bool, state: Optional[Path], concurrency: int) -> None:
    """The whole way into a shop without one: a simulator on a free local port with its state in
    OUT/load/, configured with the order statuses the package uses, its limit raised so a demo
    takes seconds; then the load and the read-back."""
    import secrets

    from .load.loader import load as run
    from .load.package import _check_package
    from .load.verify import verify as check
    from .mystore.simulator import SimServer, package_statuses
    from .report import write_report

    _check_package(out_dir)
    (out_dir / "load").mkdir(exist_ok=True)
    token, rate = secrets.token_urlsafe(24), 6000
    state = state or out_dir / "load" / "sim-state"
    with SimServer(out_dir / "load" / "sim.sqlite", rate=rate, tokens={token},
                   order_statuses=package_statuses(out_dir)) as sim:
        out.print(f"Mystore simulator on {sim.url} (limit raised to {rate:,}/min; a real shop allows 120/min)", highlight=False)
        result = run(out_dir, shop, token=token, api_url=sim.url, state_dir=state, only=only.split(",") if only else None,
                     images_from=images_from, batch=batch, rate_per_minute=rate, concurrency=concurrency)
        print_load_summary(result)
        out.print(f"at 120 requests a minute this load takes {result.requests / 120:,.1f} min", highlight=False)
        checked = check(out_dir, shop, token=token, api_url=sim.url, state_dir=state, only=only.split(",") if only else None,
                        rate_per_minute=rate)
    print_verify_table(checked)
    write_report(out_dir)
    out.print(f"review report: {(out_dir / 'report.html').resolve()}", highlight=False, soft_wrap=True)
    if not checked.ok:
        raise DumpkitError("the shop differs from the package (see the table above and OUT/load/verify.json)")


def print_load_summary(result) -> None:
    title = "Dry run (nothing sent)" if result.dry_run else f"Load into {result.shop}"
    table = Table("entity", "created", "updated", "unchanged", "failed", "skipped", "requests", "seconds", title=title)
    for s in result.stats.values():
        table.add_row(s.entity, f"{s.created:,}", f"{s.updated:,}", f"{s.unchanged:,}",
                      ("[red]" if s.failed else "") + f"{s.failed:,}", f"{s.skipped:,}", f"{s.requests:,}", f"{s.seconds:.1f}")
    tot = list(result.stats.values())
    table.add_row("[bold]total", *(f"{sum(getattr(s, k) for s in tot):,}" for k in ("created", "updated", "unchanged", "failed", "skipped", "requests")),
                  f"{result.seconds:.1f}")
    out.print(table)
    if result.dry_run:
        minutes = result.requests / result.rate_per_minute
        out.print(f"{result.requests:,} requests would be sent: {minutes:,.1f} min at {result.rate_per_minute:g}/min "
                  f"({minutes / 60:,.1f} h) -> {result.requests_file}", highlight=False)
        return
    rate = result.requests / result.seconds * 60 if result.seconds else 0
    out.print(f"{result.requests:,} requests in {result.seconds:,.1f} s ({rate:,.0f}/min of {result.rate_per_minute:g}), "
              f"{len(result.throttled)} throttled (429), {result.retries} retried; ledger {result.ledger} "
              f"(backup {result.backup.name if result.backup else '-'}); issues -> {result.issues_file}", highlight=False)


@app.command()
@one_line_errors
def verify(
    out_dir: Path = typer.Argument(..., help="The load package folder that was loaded"),
    shop: str = typer.Option(..., "--shop", help="The shop's internal name"),
    api_url: str = typer.Option("https://api.mystore.no", "--api-url", help="API root"),
    only: Optional[str] = typer.Option(None, help="Comma-separated groups, as for load"),
    state: Optional[Path] = typer.Option(None, "--state", help="State folder holding the shop's ledger"),
    token_file: Optional[Path] = typer.Option(None, "--token-file", help="File holding the API token (else MYSTORE_TOKEN)"),
    rate: float = typer.Option(120, "--rate", help="Requests per minute the token may send"),
):
    """Read the shop back and compare it with the package field by field (adds it to report.html)."""
    from .load.verify import verify as run
    from .report import write_report

    result = run(out_dir, shop, token=_token(token_file), api_url=api_url, state_dir=state,
                 only=only.split(",") if only else None, rate_per_minute=rate)
    print_verify_table(result)
    write_report(out_dir)
    out.print(f"{result.requests:,} requests in {result.seconds:,.1f} s; review report: {(out_dir / 'report.html').resolve()}",
              highlight=False, soft_wrap=True)
    if not result.ok:
        raise DumpkitError("the shop differs from the package (see the table above and OUT/load/verify.json)")


def print_verify_table(result) -> None:
    table = Table("entity", "in package", "in shop as sent", "differing", "explained in issues", "missing",
                  "extra in shop", title=f"Shop {result.shop} against the package")
    for c in result.checks:
        table.add_row(c.entity, f"{c.in_package:,}", f"{c.as_sent:,}", ("[red]" if c.differing else "") + f"{c.differing:,}",
                      f"{c.explained:,}", ("[red]" if c.missing else "[green]") + f"{c.missing:,}",
                      ("[red]" if c.extra_in_shop else "") + f"{c.extra_in_shop:,}")
    out.print(table)
    for c in result.checks:
        for ex in c.examples[:3]:
            out.print(f"  {c.entity} {plain(str(ex['source_id'] or ''))}: {plain(ex['problem'])}", highlight=False)


@app.command("mystore-check")
@one_line_errors
def mystore_check(
    shop: str = typer.Option(..., "--shop", help="The shop's internal name"),
    api_url: str = typer.Option("https://api.mystore.no", "--api-url", help="API root"),
    token_file: Optional[Path] = typer.Option(None, "--token-file", help="File holding a read-scoped token (else MYSTORE_TOKEN)"),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the findings to this JSON file"),
):
    """Read one record of each resource the loader writes (nothing is written) and compare the
    attributes and relationships dumpkit assumes with what the shop returns."""
    from .mystore.mystore_check import as_dicts, mystore_check as run

    token = _token(token_file)
    if not token:
        raise DumpkitError("no API token: set MYSTORE_TOKEN or give --token-file (read scopes suffice)")
    checks = run(shop, token, api_url)
    for c in checks:
        state = "[green]ok" if c.status == 200 and not c.not_returned else f"[yellow]{c.status}"
        out.print(f"[bold]{plain(c.resource)}[/bold] {state}[/] records={c.records if c.records is not None else '?'} "
                  f"links={','.join(c.links) or '-'} {plain(c.note)}", highlight=False)
        if c.confirmed:
            out.print(f"  confirmed: {plain(', '.join(c.confirmed))}", highlight=False)
        if c.not_returned:
            out.print(f"  [red]assumed, not returned:[/red] {plain(', '.join(c.not_returned))}", highlight=False)
        if c.unexpected:
            out.print(f"  [yellow]returned, not assumed:[/yellow] {plain(', '.join(c.unexpected))}", highlight=False)
        if c.headers:
            out.print("  headers: " + plain(", ".join(f"{k}: {v}" for k, v in sorted(c.headers.items()))), highlight=False)
    if json_out is not None:
        json_out.write_text(json.dumps(as_dicts(checks), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


@app.command("mystore-sim")
@one_line_errors
def mystore_sim(
    port: int = typer.Option(8765, "--port", help="Port on 127.0.0.1"),
    rate: int = typer.Option(120, "--rate", help="Requests per minute per token before 429"),
    faults: Optional[str] = typer.Option(None, "--faults", help="e.g. error=0.05,slow=0.02,slow_seconds=2,drop=0.03"),
    seed: int = typer.Option(0, "--seed", help="Seed of the fault injection"),
    state: Path = typer.Option(Path("mystore-sim.sqlite"), "--state", help="SQLite file holding the simulated shops"),
    latency: float = typer.Option(0.0, "--latency", help="Seconds added to every answer (a real network's round trip)"),
    order_status: Optional[List[str]] = typer.Option(None, "--order-status", help="Order statuses the shop has (repeat; default Mystore's five)"),
    statuses_from: Optional[Path] = typer.Option(None, "--statuses-from", help="Also the order statuses this load package uses"),
    token_file: Optional[Path] = typer.Option(None, "--token-file", help="Accept only this token (else MYSTORE_TOKEN, else any)"),
):
    """A local Mystore API simulator (same assumptions as the loader) on 127.0.0.1:PORT."""
    from .mystore.api import DEFAULT_ORDER_STATUSES
    from .mystore.simulator import Faults, package_statuses, serve

    token = _token(token_file)
    try:
        fault_config = Faults.parse(faults, seed)
    except ValueError as e:
        raise DumpkitError(f"--faults: {e}") from None
    statuses = tuple(order_status) if order_status else DEFAULT_ORDER_STATUSES
    if statuses_from is not None:
        statuses += tuple(n for n in package_statuses(statuses_from) if n not in statuses)
    err.print(f"Mystore simulator on http://127.0.0.1:{port} (shops under /shops/<name>/), {rate}/min per token, "
              f"state {state}; {'one token' if token else 'any Bearer token'} accepted; Ctrl-C stops it", highlight=False)
    serve(state, port, rate=rate, faults=fault_config, latency=latency, tokens={token} if token else None,
          order_statuses=statuses)


# ---------------------------------------------------------------- jobs: uploads in a queue (dumpkit/jobs/)

WORK = typer.Option(None, "--work", envvar="DUMPKIT_WORK",
                    help="Work folder of the jobs and the queue (default ~/.local/state/dumpkit/work)")
QUEUE = typer.Option(None, "--queue", envvar="DUMPKIT_QUEUE",
                     help="sqlite (WORK/queue.sqlite, the default) or a Redis URL for many machines (fixed on first use)")


def _desk(work: Optional[Path], queue: Optional[str] = None, with_queue: bool = True):
    from .jobs.queue import Queue
    from .jobs.store import JobStore

    store = JobStore(work)
    return (store, Queue(store, queue)) if with_queue else store


@app.command()
@one_line_errors
def submit(
    dump: List[Path] = typer.Argument(..., help="Dump file(s) or folder"),
    shop: str = typer.Option(..., "--shop", help="The shop's name (what `dumpkit jobs` shows)"),
    full: bool = typer.Option(False, "--full/--demo", help="The full migration at once, or a demo to approve first (default)"),
    delta: bool = typer.Option(False, "--delta", help="A post-migration: the newer dump compared with the shop's last package (its options are repeated), reviewed, applied on approval"),
    base: Optional[str] = typer.Option(None, "--base", help="With --delta: the job whose package to compare with (default: the shop's newest finished full migration or delta)"),
    platform: str = typer.Option("auto", help="As for migrate"),
    only: Optional[str] = typer.Option(None, help="As for migrate"),
    value_map: Optional[Path] = typer.Option(None, "--value-map", help="As for migrate"),
    shop_country: str = typer.Option("NO", help="As for migrate"),
    timezone: Optional[str] = typer.Option(None, help="As for migrate"),
    seed: Optional[int] = typer.Option(None, help="Seed of the demo sample (default: drawn now, kept with the job)"),
    size: int = typer.Option(10, help="Products, customers and orders in the demo sample"),
    allow_partial: bool = typer.Option(False, "--allow-partial", help="As for migrate"),
    max_statement_mb: int = MAX_STATEMENT,
    currency_rate: Optional[List[str]] = typer.Option(None, "--currency-rate", help="CODE=RATE, as for migrate"),
    currency_rate_file: Optional[Path] = typer.Option(None, "--currency-rate-file", help="As for migrate"),
    keep_currency: bool = typer.Option(False, "--keep-currency", help="As for migrate"),
    work: Optional[Path] = WORK,
    queue: Optional[str] = QUEUE,
):
    """Queue a migration job for `dumpkit worker` and print its id."""
    from .jobs import submit as run
    from .map.currency import parse_rates

    rates = parse_rates(currency_rate, currency_rate_file)  # a wrong rate is refused now, not hours later
    options = {"platform": platform, "only": only.split(",") if only else None,
               "value_map_file": str(value_map.absolute()) if value_map else None, "shop_country": shop_country,
               "timezone": timezone, "size": size, "allow_partial": allow_partial, "max_statement_mb": max_statement_mb,
               "currency_rates": {k: str(v) for k, v in rates.items()} or None, "keep_currency": keep_currency}
    if delta and (full or rates or value_map or keep_currency or only or platform != "auto" or timezone or seed):
        raise DumpkitError("--delta repeats the options of the package it compares with; give none but "
                           "--allow-partial and --max-statement-mb")
    if base and not delta:
        raise DumpkitError("--base names the package a --delta job compares with")
    if not full:
        options["seed"] = seed
    store, q = _desk(work, queue)
    job = run(store, q, dump, shop, "delta" if delta else "full" if full else "demo", options, base=base)
    print(job.id)


def _age(seconds: Optional[float]) -> str:
    if seconds is None:
        return ""
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 else f"{seconds // 60}:{seconds % 60:02d}"


def _job_cells(job) -> tuple[str, str, str, str]:
    """(phase, progress, ETA, result) of a job as `dumpkit jobs` shows them."""
    import time

    phase = "queued" if job.status == "queued" else job.running or job.phase.replace("_", " ")
    if job.status in ("failed", "cancelled") and job.runs:
        phase = job.runs[-1].name  # where it stopped
    progress = ""
    if job.status == "running":
        progress = job.step or ""
        if job.progress is not None:
            progress += f" {job.progress:.0%}"
        progress += f" ({_age(time.time() - job.runs[-1].started)})" if job.runs else ""
    eta = _age(job.eta) if job.status == "running" and job.eta is not None else ""
    result = {"failed": f"[red]failed: {plain(job.error or '')}[/red]", "cancelled": "[yellow]cancelled[/yellow]",
              "waiting": f"[cyan]{'delta' if job.base else 'demo'} ready: approve[/cyan]",
              "done": "[green]done[/green]"}.get(job.status, "")
    if job.status == "running":
        result = f"on {plain(job.worker or '?')}"
    return phase, progress.strip(), eta, result


@app.command()
@one_line_errors
def jobs(
    job_id: Optional[str] = typer.Argument(None, help="One job: its phases, timings, log and report"),
    shop: Optional[str] = typer.Option(None, "--shop", help="Only the jobs of shops whose name contains this"),
    work: Optional[Path] = WORK,
):
    """Where every job is: shop, platform, dump size, phase, progress, ETA, result."""
    store = _desk(work, with_queue=False)
    if job_id:
        return _show_job(store, store.get(job_id))
    table = Table("id", "shop", "platform", "dump", "phase", "progress", "ETA", "result", title=f"Jobs in {store.root}")
    for job in store.all():
        if shop and shop.lower() not in job.shop.lower():
            continue
        table.add_row(job.id, plain(job.shop), plain(job.platform or ""), _mb(job.dump_bytes), *_job_cells(job))
    out.print(table)


def _show_job(store, job) -> None:
    import time

    head = Table.grid(padding=(0, 2))
    phase, progress, eta, result = _job_cells(job)
    for k, v in [("job", job.id), ("shop", plain(job.shop)), ("platform", plain(job.platform or "")),
                 ("producer", plain(job.producer or "")), ("dumps", plain(", ".join(job.dumps))),
                 ("dump size", _mb(job.dump_bytes)), ("goal", job.goal),
                 ("base", f"job {job.base}'s package" if job.base else ""), ("status", job.status), ("phase", phase),
                 ("progress", progress), ("ETA", eta), ("result", result),
                 ("error", f"{plain(job.error)} (exit code {job.exit_code})" if job.error else ""),
                 ("report", plain(job.report or "")), ("attempts", str(job.attempts)),
                 ("submitted", time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(job.submitted)))]:
        if v:
            head.add_row(f"[bold]{k}[/bold]", v)
    out.print(head)
    runs = Table("phase", "started (UTC)", "seconds", "worker", "error", title="Phase runs")
    for r in job.runs:
        runs.add_row(r.name, time.strftime("%H:%M:%S", time.gmtime(r.started)),
                     f"{r.finished - r.started:.1f}" if r.finished else "running", plain(r.worker or ""), plain(r.error or ""))
    out.print(runs)
    out.print("[bold]log[/bold] " + plain(str(store.folder(job.id) / "log.txt")), highlight=False)
    out.print(plain("\n".join(store.read_log(job.id).splitlines()[-30:])), highlight=False)


@app.command()
@one_line_errors
def approve(
    job_id: str = typer.Argument(..., help="A demo or a delta job waiting for approval"),
    load_it: bool = typer.Option(False, "--load", help="Also load the package into the shop and read it back (a delta goes where its shop was loaded)"),
    mystore_shop: Optional[str] = typer.Option(None, "--mystore-shop", help="The Mystore shop to load into (default: the job's shop)"),
    api_url: str = typer.Option("https://api.mystore.no", "--api-url", help="API root (the worker's MYSTORE_TOKEN is used)"),
    into_sim: bool = typer.Option(False, "--into-sim", help="Load into a local Mystore simulator kept in the job's folder"),
    delete: bool = typer.Option(False, "--delete", help="A delta: delete products, categories, manufacturers deleted in the source (else set inactive)"),
    prefer: Optional[str] = typer.Option(None, "--prefer", help="A delta: 'dump' or 'dump:products,customers': the newer dump's value wins over an edit made in Mystore"),
    work: Optional[Path] = WORK,
    queue: Optional[str] = QUEUE,
):
    """Move an owner-approved demo on to the full migration (and the load, with --load); apply a reviewed delta."""
    from .delta.apply import prefer_dump
    from .jobs import approve as run

    prefer_dump(prefer)  # a wrong --prefer is refused now, not in the worker
    store, q = _desk(work, queue)
    target = None
    if load_it or into_sim:
        target = {"into_sim": into_sim, "api_url": api_url, "shop": mystore_shop or store.get(job_id).shop}
    job = run(store, q, job_id, target, {"delete": delete, "prefer": prefer})
    what = (f"the delta applied to shop {plain(job.load['shop'])}" if job.base else
            f"the full migration{' and the load' if target else ''}")
    out.print(f"job {job.id} ({plain(job.shop)}): queued for {what}", highlight=False)


@app.command()
@one_line_errors
def cancel(job_id: str = typer.Argument(..., help="The job to cancel"), work: Optional[Path] = WORK):
    """Cancel a job: queued or waiting at once, running within seconds."""
    from .jobs import cancel as run

    out.print(f"job {job_id}: {run(_desk(work, with_queue=False), job_id)}", highlight=False)


@app.command()
@one_line_errors
def watch(
    inbox: Path = typer.Argument(..., help="The upload folder to watch"),
    full: bool = typer.Option(False, "--full/--demo", help="Full migrations, or demos to approve (default)"),
    settle: float = typer.Option(10.0, "--settle", help="Seconds a file must stay unchanged to count as uploaded (or a NAME.done marker)"),
    once: bool = typer.Option(False, "--once", help="Stop when the inbox holds nothing complete or being written"),
    currency_rate: Optional[List[str]] = typer.Option(None, "--currency-rate", help="CODE=RATE, as for migrate"),
    currency_rate_file: Optional[Path] = typer.Option(None, "--currency-rate-file", help="As for migrate"),
    keep_currency: bool = typer.Option(False, "--keep-currency", help="As for migrate"),
    work: Optional[Path] = WORK,
    queue: Optional[str] = QUEUE,
):
    """Turn every complete file dropped into INBOX/ into a job (the file moves into the job's folder)."""
    from .jobs.inbox import watch as run
    from .map.currency import parse_rates

    rates = parse_rates(currency_rate, currency_rate_file)
    options = {"currency_rates": {k: str(v) for k, v in rates.items()} or None, "keep_currency": keep_currency}
    store, q = _desk(work, queue)
    run(store, q, inbox, "full" if full else "demo", options, settle=settle, once=once,
        on_job=lambda job: out.print(f"{job.id} {plain(job.shop)} {plain(job.dumps[0])}", highlight=False))


@app.command()
@one_line_errors
def worker(
    concurrency: Optional[int] = typer.Option(None, "--concurrency", min=1, help="Jobs at once (default: one per 2 cores)"),
    recover_every: float = typer.Option(5.0, "--recover-every", help="Seconds between looks for jobs whose worker died"),
    work: Optional[Path] = WORK,
    queue: Optional[str] = QUEUE,
):
    """Run queued jobs until interrupted (Ctrl-C lets the running jobs finish)."""
    from .jobs.queue import default_concurrency

    store, q = _desk(work, queue)
    n = concurrency or default_concurrency()
    err.print(f"dumpkit worker: {n} job(s) at once from {plain(q.url)}, jobs in {plain(store.root)}", highlight=False)
    q.run_worker(n, recover_every)


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
