"""Throwaway MariaDB / PostgreSQL servers for the benchmark.

Reuses tests/servers.py (unix socket only, temp dir, killed with this
process) and only gives the servers more memory than the test defaults, so
that the restore times we compare against are those of a reasonably tuned
server, not of a 64 MB test instance.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.servers import MariaDB, Postgres, find_mariadb, find_postgres  # noqa: E402

# What the benchmark's MariaDB gets on top of tests/servers.py's options
# (those already switch durability off: no binlog, no doublewrite,
# innodb_flush_log_at_trx_commit=0). Later options win over earlier ones.
MARIADB_TUNING = [
    "--innodb-buffer-pool-size=1G",
    "--innodb-log-file-size=512M",
    "--innodb-log-buffer-size=64M",
]
POSTGRES_TUNING = {"maintenance_work_mem": "256MB", "work_mem": "64MB"}


class BenchMariaDB(MariaDB):
    def _server_opts(self) -> list[str]:
        return [*super()._server_opts(), *MARIADB_TUNING]


class BenchPostgres(Postgres):
    def start(self, timeout: float = 60) -> None:
        super().start(timeout)
        with self.connect("postgres") as conn:
            for k, v in POSTGRES_TUNING.items():
                conn.execute(f"ALTER SYSTEM SET {k} = '{v}'")
            conn.execute("SELECT pg_reload_conf()")


@contextlib.contextmanager
def mariadb() -> Iterator[BenchMariaDB]:
    bins = find_mariadb()
    if bins is None:
        raise RuntimeError("MariaDB binaries not found (apt-get install mariadb-server mariadb-client)")
    root = Path(tempfile.mkdtemp(prefix="dumpkit-bench-mariadb-"))
    server = BenchMariaDB(root, bins)
    try:
        server.start(timeout=120)
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def postgres() -> Iterator[BenchPostgres]:
    bins = find_postgres()
    if bins is None:
        raise RuntimeError("PostgreSQL binaries not found (apt-get install postgresql)")
    # as root the server runs as `postgres`/`nobody`, who must reach the dir
    base = "/tmp" if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="dumpkit-bench-pg-", dir=base))
    server = BenchPostgres(root, bins)
    try:
        server.start(timeout=120)
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def mariadb_client(server: MariaDB, database: str) -> list[str]:
    """The plain client command a user would run: `mariadb db < dump.sql`."""
    return [server.bins["client"], "--no-defaults", f"--socket={server.socket}", "--user=root", database]


def psql_client(server: Postgres, database: str, *args: str) -> list[str]:
    return [server.bins["psql"], "-X", "-q", "-h", str(server.socket_dir), "-p", str(server.port), "-U", server.user,
            "-d", database, *args]
