"""The id map and load ledger of one Mystore shop: an SQLite file in WAL mode.

(entity, source_id) -> Mystore id, with what was sent (values and hash), the state, attempts
and the last error. It belongs to the shop, not to a package: it lives in a state folder
(default ~/.local/state/dumpkit, or $DUMPKIT_STATE, or --state), so migrating again into the
same output folder can never lose it. Every confirmation is committed as it happens (with
synchronous=FULL), so a load killed at any moment continues where it stopped; before every
load the file is copied next to itself.

States: 'sending' (a create went out and is not confirmed: look it up before creating again),
'done' (confirmed; ms_id known), 'failed' (the API refused it; last_error says why).
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import BusyError, DumpkitError

LEDGER_VERSION = "1"


def default_state_dir() -> Path:
    if os.environ.get("DUMPKIT_STATE"):
        return Path(os.environ["DUMPKIT_STATE"])
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "dumpkit"


def ledger_path(state_dir: Path | None, shop: str) -> Path:
    if not shop or any(c in shop for c in "/\\\0") or shop in (".", ".."):
        raise DumpkitError(f"{shop!r} is not a shop name (the shop's internal name, as in <name>.mystore4.no)")
    return Path(state_dir or default_state_dir()) / shop / "ledger.sqlite"


def digest(doc) -> str:
    return hashlib.sha256(json.dumps(doc, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


@dataclass
class Record:
    entity: str
    source_id: str
    ms_id: str | None
    state: str
    sent_hash: str | None
    sent: dict | None
    attempts: int
    last_error: str | None


class Ledger:
    """Open with Ledger.open(path, shop); `memory=True` works on a copy (dry runs write nothing)."""

    def __init__(self, db: sqlite3.Connection, shop: str, path: Path | None, lock_fd: int | None = None):
        self.db, self.shop, self.path, self._lock_fd = db, shop, path, lock_fd
        self._depth = 0

    @staticmethod
    def open(path: Path, shop: str, memory: bool = False, lock: bool = True) -> "Ledger":
        path = Path(path)
        if memory:
            db = sqlite3.connect(":memory:", isolation_level=None)
            if path.exists():
                src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
                src.backup(db)
                src.close()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(str(path), isolation_level=None, timeout=5)
            try:
                db.execute("PRAGMA journal_mode=WAL")
            except sqlite3.OperationalError as e:
                raise BusyError(f"{path}: the ledger is in use by another load ({e})") from None
            db.execute("PRAGMA synchronous=FULL")
        db.executescript("""
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE IF NOT EXISTS records (entity TEXT NOT NULL, source_id TEXT NOT NULL, ms_id TEXT,
                state TEXT NOT NULL, sent_hash TEXT, sent TEXT, attempts INTEGER NOT NULL DEFAULT 0,
                last_error TEXT, updated_at REAL, PRIMARY KEY (entity, source_id));
            CREATE INDEX IF NOT EXISTS records_ms ON records (entity, ms_id);
            CREATE TABLE IF NOT EXISTS issues (entity TEXT NOT NULL, source_id TEXT NOT NULL, level TEXT,
                code TEXT, field TEXT, message TEXT);
            CREATE INDEX IF NOT EXISTS issues_record ON issues (entity, source_id);
        """)
        owner = db.execute("SELECT value FROM meta WHERE key='shop'").fetchone()
        if owner is None:
            db.execute("INSERT INTO meta VALUES ('shop', ?), ('version', ?), ('created_at', ?)",
                       [json.dumps(shop), json.dumps(LEDGER_VERSION),
                        json.dumps(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))])
        elif json.loads(owner[0]) != shop:
            raise DumpkitError(f"{path} is the ledger of shop {json.loads(owner[0])!r}, not {shop!r}: refusing to load "
                               f"(a wrong ledger would create duplicates in a live shop)")
        fd = _lock(db, path) if lock and not memory else None
        return Ledger(db, shop, None if memory else path, fd)

    def backup(self) -> Path | None:
        """A consistent copy next to the ledger (ledger.sqlite.bak), made before every load."""
        if self.path is None:
            return None
        target = self.path.with_name(self.path.name + ".bak")
        tmp = target.with_name(target.name + ".tmp")
        dst = sqlite3.connect(str(tmp))
        self.db.backup(dst)
        dst.close()
        os.replace(tmp, target)
        return target

    def close(self) -> None:
        self.db.close()
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the lock

    # ------------------------------------------------------------ reads
    def get(self, entity: str, source_id: str) -> Record | None:
        row = self.db.execute("SELECT ms_id, state, sent_hash, sent, attempts, last_error FROM records "
                              "WHERE entity=? AND source_id=?", [entity, source_id]).fetchone()
        if row is None:
            return None
        return Record(entity, source_id, row[0], row[1], row[2], json.loads(row[3]) if row[3] else None, row[4], row[5])

    def ms_id(self, entity: str, source_id: str) -> str | None:
        row = self.db.execute("SELECT ms_id FROM records WHERE entity=? AND source_id=? AND state='done'",
                              [entity, source_id]).fetchone()
        return row[0] if row else None

    def state(self, entity: str, source_id: str) -> str | None:
        row = self.db.execute("SELECT state FROM records WHERE entity=? AND source_id=?", [entity, source_id]).fetchone()
        return row[0] if row else None

    def is_mapped(self, entity: str, ms_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM records WHERE entity=? AND ms_id=? AND state='done'",
                               [entity, str(ms_id)]).fetchone() is not None

    def done(self, entity: str) -> dict[str, tuple[str, dict | None]]:
        """source_id -> (ms_id, what was sent) of every confirmed record of the entity."""
        return {r[0]: (r[1], json.loads(r[2]) if r[2] else None) for r in self.db.execute(
            "SELECT source_id, ms_id, sent FROM records WHERE entity=? AND state='done'", [entity])}

    def count_done(self, entity: str) -> int:
        return self.db.execute("SELECT count(*) FROM records WHERE entity=? AND state='done'", [entity]).fetchone()[0]

    def issues(self, entity: str) -> dict[str, list[tuple]]:
        out: dict[str, list[tuple]] = {}
        for sid, level, code, field, message in self.db.execute(
                "SELECT source_id, level, code, field, message FROM issues WHERE entity=? ORDER BY rowid", [entity]):
            out.setdefault(sid, []).append((level, code, field, message))
        return out

    def get_meta(self, key: str):
        row = self.db.execute("SELECT value FROM meta WHERE key=?", [key]).fetchone()
        return json.loads(row[0]) if row else None

    # ------------------------------------------------------------ writes (each one committed)
    @contextmanager
    def transaction(self):
        """Several writes in one commit (one fsync). Never hold it across an await: another
        record's confirmation would wait in it, and a kill would lose it."""
        if self._depth == 0:
            self.db.execute("BEGIN")
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                self.db.execute("ROLLBACK")
            raise
        self._depth -= 1
        if self._depth == 0:
            self.db.execute("COMMIT")

    def set_meta(self, key: str, value) -> None:
        self.db.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value=excluded.value",
                        [key, json.dumps(value, ensure_ascii=False)])

    def _upsert(self, entity: str, source_id: str, **values) -> None:
        values["updated_at"] = time.time()
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        updates = ", ".join(f"{c}=excluded.{c}" for c in values)
        self.db.execute(f"INSERT INTO records (entity, source_id, {cols}) VALUES (?, ?, {marks}) "
                        f"ON CONFLICT (entity, source_id) DO UPDATE SET {updates}",
                        [entity, source_id, *values.values()])

    def sending(self, items: list[tuple[str, str, dict, str]]) -> None:
        """Before a create goes out: (entity, source_id, document, hash) of each record in it."""
        now = time.time()
        with self.transaction():
            self.db.executemany(
                "INSERT INTO records (entity, source_id, state, sent, sent_hash, attempts, ms_id, updated_at) "
                "VALUES (?, ?, 'sending', ?, ?, 1, NULL, ?) ON CONFLICT (entity, source_id) DO UPDATE SET "
                "state='sending', sent=excluded.sent, sent_hash=excluded.sent_hash, attempts=records.attempts + 1, "
                "ms_id=NULL, updated_at=excluded.updated_at",
                [(entity, sid, json.dumps(doc, ensure_ascii=False, default=str), h, now) for entity, sid, doc, h in items])

    def confirm(self, entity: str, source_id: str, ms_id: str, doc: dict, h: str) -> None:
        self._upsert(entity, source_id, state="done", ms_id=str(ms_id),
                     sent=json.dumps(doc, ensure_ascii=False, default=str), sent_hash=h, last_error=None)

    def fail(self, entity: str, source_id: str, error: str, doc: dict | None, h: str | None,
             keep_done: bool = False) -> None:
        if keep_done:  # an update was refused: the shop still holds what was sent before
            self.db.execute("UPDATE records SET last_error=?, updated_at=? WHERE entity=? AND source_id=?",
                            [error, time.time(), entity, source_id])
            return
        self._upsert(entity, source_id, state="failed", last_error=error, sent_hash=h, ms_id=None,
                     sent=None if doc is None else json.dumps(doc, ensure_ascii=False, default=str))

    def set_issues(self, entity: str, source_id: str, issues: list[tuple]) -> None:
        """Replace the record's load issues: (level, code, field, message)."""
        with self.transaction():
            self.db.execute("DELETE FROM issues WHERE entity=? AND source_id=?", [entity, source_id])
            self.db.executemany("INSERT INTO issues VALUES (?,?,?,?,?,?)",
                                [(entity, source_id, *i) for i in issues])


def _lock(db: sqlite3.Connection, path: Path) -> int:
    """One load per shop at a time: a second one would send the same creates."""
    lock = path.with_name("load.lock")
    fd = os.open(lock, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        db.close()
        raise BusyError(f"another load into this shop is running (lock {lock})") from None
    os.ftruncate(fd, 0)
    os.write(fd, str(os.getpid()).encode())
    return fd  # kept open (and locked) as long as the ledger is
