"""Throwaway MariaDB and PostgreSQL servers, and fingerprints to compare them
with a staged DuckDB file.

The point: restore a dump into the real server, let the server compute per
column aggregates (row count, non-NULL count, a value fingerprint), compute the
same aggregates over what dumpkit staged, and diff. The server is the oracle,
so everything here avoids re-implementing server semantics in Python.

Servers listen on a unix socket in a private temp dir only (CI is loopback-only
and several suites may run at once), are tuned for speed not durability, and are
killed when this Python process dies (PR_SET_PDEATHSIG) even if teardown never
runs.
"""
from __future__ import annotations

import bz2
import codecs
import contextlib
import ctypes
import glob
import gzip
import io
import lzma
import math
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Iterator

# --------------------------------------------------------------------------
# skip-or-fail policy
# --------------------------------------------------------------------------


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing_requirement(what: str) -> None:
    """Skip locally when a server/tool is not installed, but fail in CI: a CI
    run that silently skips the server comparison proves nothing."""
    import pytest

    if in_ci():
        pytest.fail(f"{what} (CI is set, so this is a failure, not a skip; .ci/run installs it)")
    pytest.skip(what)


# --------------------------------------------------------------------------
# process helpers
# --------------------------------------------------------------------------

_libc = ctypes.CDLL(None, use_errno=True)
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    # Runs in the child after setuid (CPython calls preexec_fn last); a uid
    # change would clear the setting otherwise. SIGTERM is a clean shutdown
    # for mariadbd and, with no clients left, for postgres too.
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _stop(proc: subprocess.Popen | None, sig: int, timeout: float = 60) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def _tail(path: Path, n: int = 4000) -> str:
    try:
        return path.read_text(errors="replace")[-n:]
    except OSError:
        return "(no log)"


_SAFE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def _check_db_name(name: str) -> str:
    # Names go into CLI args and psql meta-commands; keep them boring.
    if not _SAFE_NAME.match(name):
        raise ValueError(f"test database names must be simple identifiers: {name!r}")
    return name


# --------------------------------------------------------------------------
# reading dump files
# --------------------------------------------------------------------------


def open_dump(path: str | os.PathLike) -> IO[bytes]:
    """Open a dump for reading as bytes, decompressing gzip/bzip2/xz/zstd by
    magic number (dumps are usually shipped compressed)."""
    path = Path(path)
    with open(path, "rb") as f:
        magic = f.read(6)
    if magic[:2] == b"\x1f\x8b":
        return gzip.open(path, "rb")
    if magic[:3] == b"BZh":
        return bz2.open(path, "rb")
    if magic[:6] == b"\xfd7zXZ\x00":
        return lzma.open(path, "rb")
    if magic[:4] == b"\x28\xb5\x2f\xfd":
        import zstandard

        return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(open(path, "rb"), closefd=True))
    return open(path, "rb")


def _is_utf8(path: Path) -> bool:
    dec = codecs.getincrementaldecoder("utf-8")()
    with open_dump(path) as f:
        try:
            while chunk := f.read(1 << 20):
                dec.decode(chunk)
            dec.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _head(path: Path, n: int = 4 << 20) -> bytes:
    with open_dump(path) as f:
        return f.read(n)


@dataclass
class RestoreResult:
    """What the client said. Restores run with errors ignored (like an
    operator would retry past one bad statement), so the test decides what
    errors are acceptable."""

    command: list[str]
    returncode: int
    stderr: str
    output: str  # stdout (warnings for MariaDB, query output for psql), capped

    @property
    def errors(self) -> list[str]:
        return [ln for ln in self.stderr.splitlines() if "ERROR" in ln]

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.errors


def _run_client(cmd: list[str], lines: Iterator[bytes] | None, workdir: Path, env: dict | None = None) -> RestoreResult:
    # stdout/stderr go to files so a chatty client can never block on a full
    # pipe while we are still writing its stdin.
    out_path, err_path = workdir / "restore.out", workdir / "restore.err"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE if lines is not None else subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=env,
        )
        if lines is not None:
            try:
                for line in lines:
                    proc.stdin.write(line)
            except BrokenPipeError:
                pass  # the client died; its stderr says why
            finally:
                with contextlib.suppress(BrokenPipeError):
                    proc.stdin.close()
        rc = proc.wait()
    stderr = err_path.read_text(errors="replace")
    output = out_path.read_text(errors="replace")
    if len(output) > 1 << 20:
        output = output[: 1 << 20] + "\n... (truncated)"
    return RestoreResult(cmd, rc, stderr, output)


# --------------------------------------------------------------------------
# MariaDB
# --------------------------------------------------------------------------

_SBIN = ["/usr/sbin", "/usr/libexec", "/usr/local/sbin", "/usr/local/mysql/bin", "/usr/local/bin"]


def _which(*names: str, extra: list[str] = _SBIN) -> str | None:
    for name in names:
        found = shutil.which(name) or shutil.which(name, path=os.pathsep.join(extra))
        if found:
            return found
    return None


def find_mariadb() -> dict[str, str] | None:
    """Paths of mariadbd, mariadb-install-db, the mariadb client (and
    mariadb-dump when present), or None."""
    bins = {
        "server": _which("mariadbd", "mysqld"),
        "install_db": _which("mariadb-install-db", "mysql_install_db"),
        "client": _which("mariadb", "mysql"),
    }
    if not all(bins.values()):
        return None
    dump = _which("mariadb-dump", "mysqldump")  # optional: only for round trips
    if dump:
        bins["dump"] = dump
    return bins


_DASH_LINE = re.compile(rb"^-{3,}\s*$")
_SET_NAMES = re.compile(rb"(?i)\bSET\s+NAMES\s+'?([A-Za-z0-9_]+)")


def detect_mysql_charset(path: str | os.PathLike) -> str:
    """The client charset a real restore would need: what the dump declares
    with SET NAMES, else utf8mb4 if the bytes are UTF-8, else latin1 (old
    installer files such as osCommerce 2.2 are latin1 without saying so)."""
    path = Path(path)
    m = _SET_NAMES.search(_head(path))
    if m:
        return m.group(1).decode().lower()
    return "utf8mb4" if _is_utf8(path) else "latin1"


class MariaDB:
    """A running throwaway MariaDB. Use `start_mariadb()` to get one."""

    dialect = "mysql"

    def __init__(self, root: Path, bins: dict[str, str]):
        self.root = root
        self.bins = bins
        self.datadir = root / "data"
        self.socket = root / "mysql.sock"
        self.log = root / "error.log"
        self.proc: subprocess.Popen | None = None

    def _server_opts(self) -> list[str]:
        # Durability off and small buffers: restores of test dumps, not data
        # we care about. No native AIO: io_uring/libaio is often blocked in
        # containers. UTC so TIMESTAMP values read back as written.
        opts = [
            "--no-defaults",  # never pick up /etc/mysql/my.cnf
            f"--datadir={self.datadir}",
            f"--tmpdir={self.root / 'tmp'}",
            "--innodb-buffer-pool-size=64M",
            "--innodb-log-file-size=16M",
            "--innodb-data-file-path=ibdata1:10M:autoextend",
            "--innodb-use-native-aio=0",
            "--skip-log-bin",
            "--skip-name-resolve",
        ]
        if os.geteuid() == 0:
            opts.append("--user=root")  # mariadbd refuses to run as root otherwise
        return opts

    def start(self, timeout: float = 60) -> None:
        (self.root / "tmp").mkdir(parents=True, exist_ok=True)
        # Normal (password) auth with an empty root password, so a non-root
        # developer can connect too (unix_socket auth would map them to their
        # own OS user). Grant tables stay on so CREATE USER/GRANT in dumps work.
        install = subprocess.run(
            [self.bins["install_db"], *self._server_opts(), "--auth-root-authentication-method=normal", "--skip-test-db"],
            capture_output=True,
            text=True,
        )
        if install.returncode != 0:
            raise RuntimeError(f"mariadb-install-db failed:\n{install.stdout[-2000:]}\n{install.stderr[-2000:]}")
        cmd = [
            self.bins["server"],
            *self._server_opts(),
            f"--socket={self.socket}",
            f"--pid-file={self.root / 'mysqld.pid'}",
            f"--log-error={self.log}",
            "--skip-networking",
            "--innodb-flush-log-at-trx-commit=0",
            "--innodb-doublewrite=0",
            "--performance-schema=OFF",
            "--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_general_ci",
            "--default-time-zone=+00:00",
            "--max-allowed-packet=1G",
        ]
        self.proc = subprocess.Popen(
            cmd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=self.root,
            start_new_session=True,  # Ctrl-C in pytest must not kill it mid-teardown
            preexec_fn=_die_with_parent,
        )
        self._wait_ready(timeout)

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"mariadbd exited with {self.proc.returncode}:\n{_tail(self.log)}")
            if self.socket.exists():
                try:
                    self.connect().close()
                    return
                except Exception as e:  # still starting
                    last = e
            time.sleep(0.05)
        raise RuntimeError(f"mariadbd not ready after {timeout}s ({last}):\n{_tail(self.log)}")

    def stop(self) -> None:
        _stop(self.proc, signal.SIGTERM)  # SIGTERM = clean shutdown

    def connect(self, database: str | None = None, **kwargs):
        import pymysql

        kwargs.setdefault("charset", "utf8mb4")
        kwargs.setdefault("autocommit", True)
        return pymysql.connect(unix_socket=str(self.socket), user="root", password="", database=database, **kwargs)

    def create_database(self, database: str, charset: str = "utf8mb4", *, fresh: bool = True) -> None:
        _check_db_name(database)
        if charset in ("binary", "utf8", "utf8mb3"):
            charset = "utf8mb4"  # the server's own table charsets still win
        conn = self.connect()
        try:
            with conn.cursor() as cur:
                if fresh:
                    cur.execute(f"DROP DATABASE IF EXISTS `{database}`")
                cur.execute(f"CREATE DATABASE IF NOT EXISTS `{database}` CHARACTER SET {charset}")
        finally:
            conn.close()

    def restore(
        self,
        dump_path: str | os.PathLike,
        database: str,
        *,
        charset: str | None = None,
        sql_mode: str | None = None,
        strip_dash_lines: bool = True,
        fresh: bool = True,
    ) -> RestoreResult:
        """Restore a dump (plain SQL, possibly compressed) into a fresh
        `database` through the real `mariadb` client, so DELIMITER, `#`
        comments and /*!...*/ behave exactly as for a user.

        charset: client charset; default detected (see detect_mysql_charset).
        sql_mode: session sql_mode; default the server default (strict).
        mysqldump files set their own sql_mode at the top anyway.
        strip_dash_lines: drop lines that are only dashes (OpenCart 3's
        installer SQL has them and its installer strips them before running).
        fresh: drop and recreate `database` first; False loads on top of what
        is there (a data-only file after its schema file).
        """
        dump_path = Path(dump_path)
        charset = charset or detect_mysql_charset(dump_path)
        self.create_database(database, charset, fresh=fresh)
        cmd = [
            self.bins["client"],
            "--no-defaults",
            f"--socket={self.socket}",
            "--user=root",
            "--force",  # go on past a bad statement, like the errors we record
            # Send bytes as written: without it the client turns \r\n inside
            # string literals into \n, changing values.
            "--binary-mode",
            "--show-warnings",
            f"--default-character-set={charset}",
            "--max-allowed-packet=1G",
        ]
        if sql_mode is not None:
            cmd.append(f"--init-command=SET SESSION sql_mode='{sql_mode}'")
        cmd.append(database)

        def lines() -> Iterator[bytes]:
            with open_dump(dump_path) as f:
                for line in f:
                    if strip_dash_lines and _DASH_LINE.match(line):
                        yield b"\n"  # keep line numbers in error messages right
                    else:
                        yield line

        return _run_client(cmd, lines(), self.root)

    def dump(self, database: str, out_path: str | os.PathLike, *args: str) -> Path:
        """mariadb-dump `database` to a file (extra args passed on), for round trips."""
        if "dump" not in self.bins:
            raise RuntimeError("mariadb-dump not found")
        out_path = Path(out_path)
        with open(out_path, "wb") as out:
            subprocess.run(
                [self.bins["dump"], "--no-defaults", f"--socket={self.socket}", "--user=root", *args, database],
                stdout=out,
                stderr=subprocess.PIPE,
                check=True,
            )
        return out_path


@contextlib.contextmanager
def start_mariadb(bins: dict[str, str] | None = None) -> Iterator[MariaDB]:
    """Start a MariaDB in a new temp dir; stop it and delete the dir on exit."""
    bins = bins or find_mariadb()
    if bins is None:
        raise RuntimeError("MariaDB binaries not found")
    root = Path(tempfile.mkdtemp(prefix="dumpkit-mariadb-"))
    server = MariaDB(root, bins)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


# --------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------

_PG_TOOLS = ("initdb", "postgres", "psql", "pg_restore", "pg_dump")


def _pg_version_key(path: str) -> tuple:
    m = re.search(r"/(\d+)(?:\.(\d+))?/bin$", path)
    return (int(m.group(1)), int(m.group(2) or 0)) if m else (0, 0)


def find_postgres() -> dict[str, str] | None:
    """Paths of initdb, postgres, psql, pg_restore, pg_dump from one install
    (the newest Debian-style /usr/lib/postgresql/N/bin, or PG_BIN_DIR, or
    PATH), or None. Tools of one version only: a newer pg_dump's output may
    not load through an older psql/pg_restore."""
    candidates: list[str] = []
    if os.environ.get("PG_BIN_DIR"):
        candidates.append(os.environ["PG_BIN_DIR"])
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_pg_version_key, reverse=True)
    candidates += sorted(glob.glob("/usr/pgsql-*/bin"), key=_pg_version_key, reverse=True)
    for d in candidates:
        if all(os.access(os.path.join(d, t), os.X_OK) for t in _PG_TOOLS):
            return {t: os.path.join(d, t) for t in _PG_TOOLS}
    found = {t: shutil.which(t) for t in _PG_TOOLS}
    return found if all(found.values()) else None


def _pg_run_as() -> pwd.struct_passwd | None:
    """PostgreSQL refuses to run as root: use the `postgres` account if there
    is one, else `nobody`. None when we are not root (run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise RuntimeError("running as root and neither a `postgres` nor a `nobody` account exists")


_COPY_START = re.compile(rb"(?i)^\s*COPY\s.*\bFROM\s+stdin\b")
_DB_STMT = re.compile(rb"(?i)^\s*(CREATE|DROP)\s+DATABASE\b")
_ALTER_DB = re.compile(rb'(?i)^(\s*ALTER\s+DATABASE\s+)("(?:[^"]|"")+"|[^\s;]+)')
_CONNECT = re.compile(rb"^\s*\\(connect|c)(\s|$)")
_CLIENT_ENCODING = re.compile(rb"(?i)\bSET\s+client_encoding\s*=\s*'([^']+)'")


def pg_dump_format(path: str | os.PathLike) -> str:
    """'directory', 'custom', 'tar' (all for pg_restore) or 'plain' (psql)."""
    path = Path(path)
    if path.is_dir():
        return "directory"
    with open(path, "rb") as f:
        head = f.read(512)
    if head.startswith(b"PGDMP"):
        return "custom"
    if head[257:262] == b"ustar":
        return "tar"
    return "plain"


def _pg_plain_lines(path: Path, database: str) -> Iterator[bytes]:
    """Make a plain dump load into `database` whatever database it was made
    from: drop CREATE/DROP DATABASE, point ALTER DATABASE and every \\connect
    at `database`. COPY data is passed through untouched. Every input line
    yields exactly one output line, so psql's error line numbers stay valid."""
    target = database.encode()
    in_copy = in_db_stmt = False
    with open_dump(path) as f:
        for line in f:
            if in_copy:
                if line.rstrip(b"\r\n") == b"\\.":
                    in_copy = False
                yield line
            elif in_db_stmt:
                in_db_stmt = not line.rstrip().endswith(b";")
                yield b"-- (dropped by tests/servers.py)\n"
            elif _DB_STMT.match(line):
                in_db_stmt = not line.rstrip().endswith(b";")
                yield b"-- (dropped by tests/servers.py)\n"
            elif _CONNECT.match(line):
                # also turns pg_dump 7.x `\connect - user` into a no-op reconnect
                yield b"\\connect " + target + b"\n"
            elif m := _ALTER_DB.match(line):
                yield m.group(1) + target + line[m.end():]
            else:
                if _COPY_START.match(line):
                    in_copy = True
                yield line


class Postgres:
    """A running throwaway PostgreSQL. Use `start_postgres()` to get one."""

    dialect = "postgres"
    user = "postgres"  # superuser name given to initdb, whatever the OS user
    port = 5432  # only names the socket file; there is no TCP listener

    def __init__(self, root: Path, bins: dict[str, str]):
        self.root = root
        self.bins = bins
        self.datadir = root / "data"
        self.socket_dir = root
        self.log = root / "postgres.log"
        self.proc: subprocess.Popen | None = None
        self._as = _pg_run_as()

    def _as_kwargs(self) -> dict:
        if self._as is None:
            return {}
        return {"user": self._as.pw_uid, "group": self._as.pw_gid, "extra_groups": []}

    def start(self, timeout: float = 60) -> None:
        if self._as is not None:
            os.chown(self.root, self._as.pw_uid, self._as.pw_gid)
        init = subprocess.run(
            [
                self.bins["initdb"],
                "-D", str(self.datadir),
                "-U", self.user,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",  # no dependency on installed locales
                "--no-sync",
            ],
            capture_output=True,
            text=True,
            cwd=self.root,  # the run-as user may not be able to read our cwd
            **self._as_kwargs(),
        )
        if init.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{init.stdout[-2000:]}\n{init.stderr[-2000:]}")
        cmd = [
            self.bins["postgres"],
            "-D", str(self.datadir),
            "-k", str(self.socket_dir),
            "-p", str(self.port),
            "-c", "listen_addresses=",
            "-c", "fsync=off",
            "-c", "full_page_writes=off",
            "-c", "synchronous_commit=off",
            "-c", "shared_buffers=32MB",
            "-c", "max_wal_size=1GB",
            "-c", "TimeZone=UTC",
        ]
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                cmd,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.root,
                start_new_session=True,
                preexec_fn=_die_with_parent,
                **self._as_kwargs(),
            )
        self._wait_ready(timeout)

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"postgres exited with {self.proc.returncode}:\n{_tail(self.log)}")
            try:
                self.connect("postgres").close()
                return
            except Exception as e:  # socket not there yet, or "starting up"
                last = e
            time.sleep(0.05)
        raise RuntimeError(f"postgres not ready after {timeout}s ({last}):\n{_tail(self.log)}")

    def stop(self) -> None:
        _stop(self.proc, signal.SIGINT)  # SIGINT = fast shutdown

    def connect(self, database: str = "postgres", **kwargs):
        import psycopg

        kwargs.setdefault("autocommit", True)
        return psycopg.connect(host=str(self.socket_dir), port=self.port, user=self.user, dbname=database, **kwargs)

    def create_database(self, database: str, *, fresh: bool = True) -> None:
        _check_db_name(database)
        with self.connect("postgres") as conn:
            if fresh:
                conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            elif conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone():
                return
            conn.execute(f"CREATE DATABASE \"{database}\" TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'")

    def _client_args(self) -> list[str]:
        return ["-h", str(self.socket_dir), "-p", str(self.port), "-U", self.user]

    def restore(
        self, dump_path: str | os.PathLike, database: str, *, encoding: str | None = None, fresh: bool = True
    ) -> RestoreResult:
        """Restore a dump into a fresh `database`: plain SQL (possibly
        compressed) through psql with ON_ERROR_STOP off; custom/tar/directory
        format through pg_restore (--no-owner: the dump's roles don't exist).

        A plain dump's CREATE DATABASE / \\connect are redirected to
        `database`. encoding: client encoding when the dump does not SET
        client_encoding itself; default UTF8 if the bytes are UTF-8, else
        LATIN1. fresh: as for MariaDB.restore.
        """
        dump_path = Path(dump_path)
        self.create_database(database, fresh=fresh)
        fmt = pg_dump_format(dump_path)
        if fmt != "plain":
            cmd = [self.bins["pg_restore"], *self._client_args(), "--no-owner", "--no-privileges", "-d", database, str(dump_path)]
            return _run_client(cmd, None, self.root)
        env = dict(os.environ)
        if encoding:
            env["PGCLIENTENCODING"] = encoding
        elif not _CLIENT_ENCODING.search(_head(dump_path)):
            env["PGCLIENTENCODING"] = "UTF8" if _is_utf8(dump_path) else "LATIN1"
        cmd = [self.bins["psql"], *self._client_args(), "-X", "-q", "-v", "ON_ERROR_STOP=0", "-d", database, "-f", "-"]
        return _run_client(cmd, _pg_plain_lines(dump_path, database), self.root, env)

    def dump(self, database: str, out_path: str | os.PathLike, fmt: str = "plain") -> Path:
        """pg_dump `database` (fmt: plain/custom/directory/tar), for round trips."""
        out_path = Path(out_path)
        subprocess.run(
            [self.bins["pg_dump"], *self._client_args(), f"--format={fmt}", "-f", str(out_path), database],
            check=True,
            capture_output=True,
        )
        return out_path


@contextlib.contextmanager
def start_postgres(bins: dict[str, str] | None = None) -> Iterator[Postgres]:
    """Start a PostgreSQL in a new temp dir; stop it and delete the dir on exit."""
    bins = bins or find_postgres()
    if bins is None:
        raise RuntimeError("PostgreSQL binaries not found")
    # As root the server runs as another user, who must be able to reach the
    # dir: use /tmp, not a TMPDIR that may sit under /root.
    base = "/tmp" if os.geteuid() == 0 and os.path.isdir("/tmp") else None
    root = Path(tempfile.mkdtemp(prefix="dumpkit-pg-", dir=base))
    server = Postgres(root, bins)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


# --------------------------------------------------------------------------
# fingerprints
# --------------------------------------------------------------------------
#
# Shape: {table: {column: {"rows": int, "nonnull": int, "fp": number, "kind": str}}}
#
# kind decides the fingerprint and is reported when the two sides disagree:
#   number  SUM(value)                      (bool counts as number)
#   bool    SUM(value as 0/1)
#   text    SUM(characters)
#   binary  SUM(bytes)
#   date    count of real dates; MySQL zero/partial-zero dates excluded from
#           nonnull too, because staging stores them as NULL
#   time    count (TIME, INTERVAL)
#   other   SUM(characters of the text form)  (uuid, inet, arrays...)

_COMPATIBLE = {"number": "n", "bool": "n", "text": "t", "other": "t", "binary": "b", "date": "d", "time": "h"}

_MYSQL_KIND = {
    **dict.fromkeys(
        ["tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal", "numeric",
         "float", "double", "real", "double precision", "bit", "year"],
        "number",
    ),
    **dict.fromkeys(
        ["char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set", "json"], "text"
    ),
    **dict.fromkeys(
        ["binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "geometry", "point",
         "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
         "geometrycollection"],
        "binary",
    ),
    **dict.fromkeys(["date", "datetime", "timestamp"], "date"),
    "time": "time",
}

_PG_KIND = {
    **dict.fromkeys(["smallint", "integer", "bigint", "numeric", "real", "double precision"], "number"),
    "boolean": "bool",
    **dict.fromkeys(["character varying", "character", "text", "json", "jsonb", "xml", "name", '"char"'], "text"),
    "bytea": "binary",
    **dict.fromkeys(["date", "timestamp without time zone", "timestamp with time zone"], "date"),
    **dict.fromkeys(["time without time zone", "time with time zone", "interval"], "time"),
}

_DUCK_NUMBER = {
    "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
    "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE",
}


def mysql_kind(data_type: str) -> str:
    return _MYSQL_KIND.get(data_type.lower(), "other")


def postgres_kind(data_type: str) -> str:
    return _PG_KIND.get(data_type.lower(), "other")


def duckdb_kind(data_type: str) -> str:
    t = data_type.upper()
    if t in _DUCK_NUMBER or t.startswith("DECIMAL"):
        return "number"
    if t == "BOOLEAN":
        return "bool"
    if t == "VARCHAR":
        return "text"
    if t == "BLOB":
        return "binary"
    if t == "DATE" or t.startswith("TIMESTAMP"):
        return "date"
    if t.startswith("TIME") or t == "INTERVAL":
        return "time"
    return "other"


def _mysql_exprs(q: str, kind: str, data_type: str) -> tuple[str, str]:
    if kind == "number":
        return f"COUNT({q})", f"SUM({q} + 0)" if data_type == "bit" else f"SUM({q})"
    if kind == "text":
        return f"COUNT({q})", f"SUM(CHAR_LENGTH({q}))"
    if kind == "binary":
        return f"COUNT({q})", f"SUM(LENGTH({q}))"
    if kind == "date":
        real = f"SUM(CASE WHEN {q} IS NULL OR MONTH({q}) = 0 OR DAYOFMONTH({q}) = 0 THEN 0 ELSE 1 END)"
        return real, real
    if kind == "time":
        return f"COUNT({q})", f"COUNT({q})"
    return f"COUNT({q})", f"SUM(CHAR_LENGTH(CAST({q} AS CHAR)))"


def _pg_exprs(q: str, kind: str, data_type: str) -> tuple[str, str]:
    if kind == "number":
        # SUM(real) accumulates in float4 in PostgreSQL; use float8 like DuckDB.
        return f"COUNT({q})", f"SUM({q}::float8)" if data_type == "real" else f"SUM({q})"
    if kind == "bool":
        return f"COUNT({q})", f"SUM({q}::int)"
    if kind in ("text", "other"):
        # concat() renders with the type's output function, i.e. the text
        # pg_dump writes: char(n) keeps its padding and inet has no /32,
        # where ::text would drop / add them.
        return f"COUNT({q})", f"SUM(char_length(concat({q})))"
    if kind == "binary":
        return f"COUNT({q})", f"SUM(octet_length({q}))"
    return f"COUNT({q})", f"COUNT({q})"


def _duck_exprs(q: str, kind: str) -> tuple[str, str]:
    fp = {
        "number": f"SUM({q})",
        "bool": f"SUM({q}::INTEGER)",
        "text": f"SUM(LENGTH({q}))",
        "binary": f"SUM(OCTET_LENGTH({q}))",
        "date": f"COUNT({q})",
        "time": f"COUNT({q})",
    }.get(kind, f"SUM(LENGTH({q}::VARCHAR))")
    return f"COUNT({q})", fp


def _norm(v):
    """NULL sums (no non-NULL values) equal 0; ints stay exact."""
    if v is None:
        return 0
    if isinstance(v, Decimal) and v == v.to_integral_value():
        return int(v)
    return v


def _aggregate(cur, table_sql: str, columns: list[tuple[str, str, tuple[str, str]]]) -> dict:
    """One scan per table: COUNT(*) plus (nonnull, fp) for every column."""
    exprs = ["COUNT(*)"]
    for _, _, (nonnull, fp) in columns:
        exprs += [nonnull, fp]
    cur.execute(f"SELECT {', '.join(exprs)} FROM {table_sql}")
    row = cur.fetchone()
    rows = int(row[0])
    out = {}
    for i, (name, kind, _) in enumerate(columns):
        out[name] = {"rows": rows, "nonnull": int(_norm(row[1 + 2 * i])), "fp": _norm(row[2 + 2 * i]), "kind": kind}
    return out


def _mq(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _pq(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def server_fingerprint(conn, dialect: str, database: str, *, table_prefix: str = "") -> dict:
    """Fingerprint every base table of `database`, computed by the server.

    dialect "mysql": `database` is the schema; tables keep their name (pass
    table_prefix=f"{db}_" for a dump's second and later databases).
    dialect "postgres": `conn` must be connected to `database`; `public.x`
    -> `x`, `s.x` -> `s_x`, as the stager names them.
    """
    cur = conn.cursor()
    result: dict = {}
    if dialect == "mysql":
        cur.execute(
            "SELECT c.TABLE_NAME, c.COLUMN_NAME, c.DATA_TYPE FROM information_schema.COLUMNS c"
            " JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME"
            " WHERE c.TABLE_SCHEMA = %s AND t.TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')"
            " ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION",
            (database,),
        )
        tables: dict[tuple, list] = {}
        for table, column, data_type in cur.fetchall():
            kind = mysql_kind(data_type)
            tables.setdefault((table,), []).append((column, kind, _mysql_exprs(_mq(column), kind, data_type.lower())))
        for (table,), cols in tables.items():
            result[table_prefix + table] = _aggregate(cur, f"{_mq(database)}.{_mq(table)}", cols)
    elif dialect == "postgres":
        cur.execute("SELECT current_database()")
        current = cur.fetchone()[0]
        if current != database:
            raise ValueError(f"connection is to database {current!r}, not {database!r}")
        cur.execute(
            "SELECT c.table_schema, c.table_name, c.column_name, c.data_type FROM information_schema.columns c"
            " JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
            " WHERE t.table_type = 'BASE TABLE' AND left(c.table_schema, 3) <> 'pg_'"
            " AND c.table_schema <> 'information_schema'"
            " ORDER BY c.table_schema, c.table_name, c.ordinal_position"
        )
        tables = {}
        for schema, table, column, data_type in cur.fetchall():
            kind = postgres_kind(data_type)
            tables.setdefault((schema, table), []).append((column, kind, _pg_exprs(_pq(column), kind, data_type)))
        for (schema, table), cols in tables.items():
            name = table if schema == "public" else f"{schema}_{table}"
            result[table_prefix + name] = _aggregate(cur, f"{_pq(schema)}.{_pq(table)}", cols)
    else:
        raise ValueError(f"unknown dialect {dialect!r}")
    cur.close()
    return result


def duckdb_fingerprint(duckdb_path) -> dict:
    """Fingerprint every base table in the `main` schema of a staged DuckDB
    file (a path, or an open duckdb connection). The `dumpkit` metadata
    schema is not `main`, so it is ignored."""
    import duckdb

    own = not isinstance(duckdb_path, duckdb.DuckDBPyConnection)
    con = duckdb.connect(str(duckdb_path), read_only=True) if own else duckdb_path
    try:
        cols = con.execute(
            "SELECT c.table_name, c.column_name, c.data_type FROM duckdb_columns() c"
            " JOIN duckdb_tables() t ON t.database_name = c.database_name"
            "  AND t.schema_name = c.schema_name AND t.table_name = c.table_name"
            " WHERE c.database_name = current_database() AND c.schema_name = 'main'"
            " ORDER BY c.table_name, c.column_index"
        ).fetchall()
        tables: dict[str, list] = {}
        for table, column, data_type in cols:
            kind = duckdb_kind(data_type)
            tables.setdefault(table, []).append((column, kind, _duck_exprs(_pq(column), kind)))
        cur = con.cursor()
        result = {t: _aggregate(cur, f"main.{_pq(t)}", c) for t, c in tables.items()}
        cur.close()
        return result
    finally:
        if own:
            con.close()


def _same_number(a, b, rel_tol: float = 1e-7) -> bool:
    # floats: MySQL FLOAT is single precision (~7 digits) and the server rounds the SUM of a
    # FLOAT(M,D) column to D decimals, so compare to single precision; decimals stay exact
    if isinstance(a, float) or isinstance(b, float):
        a, b = float(a), float(b)
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        # abs_tol: sums that cancel to ~0 differ only by rounding noise
        return math.isclose(a, b, rel_tol=rel_tol, abs_tol=1e-9)
    return a == b  # int/Decimal: exact (Decimal('1.50') == Decimal('1.5'))


def compare_fingerprints(server: dict, staged: dict) -> list[str]:
    """Human-readable differences between a server and a staged fingerprint;
    [] when they agree. Names match case-insensitively (DuckDB identifiers are)."""
    diffs: list[str] = []
    s_names = {t.lower(): t for t in server}
    d_names = {t.lower(): t for t in staged}

    def rows(cols: dict) -> int:
        return next(iter(cols.values()))["rows"] if cols else 0

    for key in sorted(s_names.keys() | d_names.keys()):
        if key not in d_names:
            diffs.append(f"missing table {s_names[key]} ({rows(server[s_names[key]])} rows on the server)")
            continue
        if key not in s_names:
            diffs.append(f"extra table {d_names[key]} ({rows(staged[d_names[key]])} rows staged)")
            continue
        table = s_names[key]
        scols, dcols = server[table], staged[d_names[key]]
        if rows(scols) != rows(dcols):
            diffs.append(f"{table}: rows server={rows(scols)} staged={rows(dcols)}")
        sc = {c.lower(): c for c in scols}
        dc = {c.lower(): c for c in dcols}
        for ckey in sc.keys() - dc.keys():
            diffs.append(f"{table}.{sc[ckey]}: missing column")
        for ckey in dc.keys() - sc.keys():
            diffs.append(f"{table}.{dc[ckey]}: extra column")
        for ckey in [c.lower() for c in scols if c.lower() in dc]:  # server column order
            s, d = scols[sc[ckey]], dcols[dc[ckey]]
            where = f"{table}.{sc[ckey]}"
            if s["nonnull"] != d["nonnull"]:
                diffs.append(f"{where}: nonnull server={s['nonnull']} staged={d['nonnull']}")
            sk, dk = s.get("kind"), d.get("kind")
            if sk and dk and _COMPATIBLE.get(sk, sk) != _COMPATIBLE.get(dk, dk):
                diffs.append(f"{where}: kind server={sk} staged={dk} (fingerprints not comparable)")
            elif not _same_number(s["fp"], d["fp"]):
                diffs.append(f"{where}: fp ({sk}) server={s['fp']} staged={d['fp']}")
    return diffs
