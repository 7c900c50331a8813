"""`Ledger`: one SQLite row per request, in WAL mode.

WAL lets the desktop app and a `hearth` command in a terminal read and write the same file at
once. The text of a request is stored only when the user keeps history (`keep_history`); the
ledger enforces that itself, whatever a caller passes. Nothing here ever holds a key.

Failing to record must not cost the user an answer: every failure is a `LedgerError` with a
message saying what happened and what to do, and the caller shows it and goes on. A damaged file
is kept aside (renamed, never deleted) and a new ledger started; a file locked by another
program, a full disk or a read-only folder leave the file alone.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from hearth.core.errors import HearthError
from hearth.core.ledger.entry import LedgerEntry
from hearth.core.ledger.prices import PriceTable
from hearth.core.ledger.summary import LedgerSummary, summarize
from hearth.core.paths import Paths

SCHEMA_VERSION = 2  # 2: the source column
FILE_NAME = "ledger.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    task TEXT NOT NULL,
    route TEXT NOT NULL CHECK (route IN ('local', 'cloud')),
    policy TEXT,
    local_model TEXT,
    cloud_model TEXT,
    cloud_host TEXT,
    confidence REAL,
    threshold REAL,
    escalation_reason TEXT,
    cloud_status TEXT,
    sent_to_cloud INTEGER NOT NULL DEFAULT 0,
    local_tokens_in INTEGER NOT NULL DEFAULT 0,
    local_tokens_out INTEGER NOT NULL DEFAULT 0,
    cloud_tokens_in INTEGER NOT NULL DEFAULT 0,
    cloud_tokens_out INTEGER NOT NULL DEFAULT 0,
    cloud_tokens_estimated INTEGER NOT NULL DEFAULT 0,
    latency_ms REAL,
    cloud_cost_usd REAL,
    redactions INTEGER NOT NULL DEFAULT 0,
    request_text TEXT,
    source TEXT
);
CREATE INDEX IF NOT EXISTS requests_time ON requests (time);
"""

# SQLite's primary result codes (the low byte of an extended code).
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26
_DAMAGED = frozenset({_CORRUPT, _NOTADB})

Connect = Callable[[Path, float], sqlite3.Connection]
T = TypeVar("T")


class LedgerError(HearthError):
    """The ledger could not record or read; the request itself is unaffected."""


def _connect(path: Path, busy_timeout_s: float) -> sqlite3.Connection:
    # check_same_thread off: the GUI's worker threads record; the Ledger's lock serialises.
    return sqlite3.connect(
        path, timeout=busy_timeout_s, check_same_thread=False, isolation_level=None
    )


def ledger_path(paths: Paths) -> Path:
    return paths.data_dir / FILE_NAME


class Ledger:
    def __init__(
        self,
        path: Path,
        *,
        keep_history: bool,
        prices: PriceTable,
        connect: Connect = _connect,
        busy_timeout_s: float = 5.0,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        read_only: bool = False,
    ) -> None:
        self.path = path
        # For readers (`hearth ledger`): never creates, migrates, or sets aside the file, and
        # works where the file or its folder cannot be written.
        self._read_only = read_only
        self._keep_history = keep_history
        self._prices = prices
        self._connect = connect
        self._busy_timeout_s = busy_timeout_s
        self._now = now
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        # Messages for the user about what happened to the file (a damaged one set aside).
        self.problems: list[str] = []

    # -- public ------------------------------------------------------------------------------

    def record(self, entry: LedgerEntry) -> int:
        """Append one request; returns its row id. Raises LedgerError when it cannot."""
        if not self._keep_history and entry.request_text is not None:
            entry = dataclasses.replace(entry, request_text=None)
        if entry.cloud_cost_usd is None and entry.sent_to_cloud:
            cost = self._prices.cost(
                entry.cloud_model, entry.cloud_tokens_in, entry.cloud_tokens_out
            )
            entry = dataclasses.replace(entry, cloud_cost_usd=cost)
        row = entry.to_row()
        row["time"] = row["time"] or self._now().isoformat(timespec="milliseconds")
        names = ", ".join(row)
        marks = ", ".join(f":{name}" for name in row)

        def insert(conn: sqlite3.Connection) -> int:
            with _transaction(conn):
                cursor = conn.execute(f"INSERT INTO requests ({names}) VALUES ({marks})", row)
            return int(cursor.lastrowid or 0)

        return self._run(insert, "record this request")

    def entries(self, limit: int = 50) -> list[LedgerEntry]:
        """The latest `limit` requests, newest first."""

        def select(conn: sqlite3.Connection) -> list[LedgerEntry]:
            conn.row_factory = sqlite3.Row
            try:
                rows = conn.execute(
                    "SELECT * FROM requests ORDER BY id DESC LIMIT ?", (limit,)
                ).fetchall()
            finally:
                conn.row_factory = None
            return [LedgerEntry.from_row(dict(r)) for r in rows]

        return self._run(select, "read the ledger")

    def summary(self, reference_model: str | None = None) -> LedgerSummary:
        """Totals over every request. Spend avoided prices the local answers at
        `reference_model` (the configured cloud model), when its price is known."""

        def aggregate(conn: sqlite3.Connection) -> LedgerSummary:
            return summarize(conn, self._prices, reference_model)

        return self._run(aggregate, "read the ledger")

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.close()
                self._conn = None

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the file ----------------------------------------------------------------------------

    def _run(self, operation: Callable[[sqlite3.Connection], T], doing: str) -> T:
        with self._lock:
            for attempt in (1, 2):
                try:
                    return operation(self._open())
                except sqlite3.DatabaseError as exc:
                    code = _code(exc)
                    if code in _DAMAGED and attempt == 1 and not self._read_only:
                        self._set_aside(exc)  # then once more, on a new file
                        continue
                    if code in _DAMAGED and attempt == 1:
                        # Reading changes nothing: the damage is reported, the ledger read as
                        # empty; the next request recorded sets the file aside.
                        self.problems.append(
                            f"The ledger {self.path} is damaged ({exc}), so it is shown empty. "
                            "The next request Hearth records sets it aside and starts a new one."
                        )
                        self._conn = _empty_ledger()
                        continue
                    raise self._error(exc, doing) from None
            raise AssertionError("unreachable: the second attempt returns or raises")

    def _open(self) -> sqlite3.Connection:
        if self._conn is not None:
            return self._conn
        if self._read_only:
            self._conn = _open_read_only(self.path, self._busy_timeout_s)
            return self._conn
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LedgerError(
                f"Could not create the folder for the ledger {self.path.parent}: "
                f"{exc.strerror or exc}. Requests are not being recorded."
            ) from None
        conn = self._connect(self.path, self._busy_timeout_s)
        try:
            _prepare(conn)
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        return conn

    def _set_aside(self, exc: sqlite3.DatabaseError) -> None:
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None
        stamp = self._now().strftime("%Y%m%d-%H%M%S")
        kept = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        try:
            os.replace(self.path, kept)
            # The write-ahead log belongs to the damaged file: it goes along, never replayed
            # into the new one. The shared-memory index is rebuilt from nothing.
            for suffix in ("-wal", "-shm"):
                side = self.path.with_name(self.path.name + suffix)
                if side.exists():
                    if suffix == "-wal":
                        os.replace(side, kept.with_name(kept.name + suffix))
                    else:
                        side.unlink()
        except OSError as move:
            raise LedgerError(
                f"The ledger {self.path} is damaged ({exc}) and could not be moved aside "
                f"({move.strerror or move}). Move or delete it yourself; requests are not "
                "being recorded until then."
            ) from None
        self.problems.append(
            f"The ledger {self.path} was damaged ({exc}); it was kept as {kept} and a new "
            "ledger was started. Earlier records are in the kept file."
        )

    def _error(self, exc: sqlite3.DatabaseError, doing: str) -> LedgerError:
        code = _code(exc)
        where = f"the ledger {self.path}"
        if code in (_BUSY, _LOCKED):
            return LedgerError(
                f"Could not {doing}: {where} is in use by another program ({exc}). Close other "
                "Hearth windows or programs using it and try again."
            )
        if code == _FULL:
            return LedgerError(
                f"Could not {doing}: the disk is full ({where}). Free some disk space; the "
                "ledger is unchanged."
            )
        if code == _READONLY:
            return LedgerError(
                f"Could not {doing}: {where} cannot be written (read-only). Check the "
                "permissions of the file and its folder."
            )
        if code == _IOERR:
            return LedgerError(
                f"Could not {doing}: writing {where} failed ({exc}); the disk may be full or "
                "failing. Free some space and try again; the ledger is unchanged."
            )
        if code == _CANTOPEN:
            return LedgerError(
                f"Could not {doing}: {where} cannot be opened ({exc}). Check that its folder "
                "exists and can be written."
            )
        if code in _DAMAGED:
            return LedgerError(
                f"Could not {doing}: {where} is damaged ({exc}) even after starting a new one."
            )
        return LedgerError(f"Could not {doing}: {where} failed ({exc}).")


def _empty_ledger() -> sqlite3.Connection:
    """An empty ledger in memory, for reading where there is no readable file."""
    conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
    return conn


def _open_read_only(path: Path, busy_timeout_s: float) -> sqlite3.Connection:
    """The ledger for reading only. No file yet: an empty ledger in memory. A WAL file needs
    its shared-memory index, which a read-only folder cannot hold; then the file is read as
    immutable (a row being written by another process at that moment is not seen)."""
    if not path.exists():
        return _empty_ledger()
    uri = Path(os.path.abspath(path)).as_uri()
    conn = sqlite3.connect(
        f"{uri}?mode=ro", uri=True, timeout=busy_timeout_s, check_same_thread=False,
        isolation_level=None,
    )  # fmt: skip
    try:
        conn.execute("SELECT count(*) FROM requests").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()
    return sqlite3.connect(
        f"{uri}?immutable=1", uri=True, check_same_thread=False, isolation_level=None
    )


def _code(exc: sqlite3.Error) -> int:
    return int(getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF


def _prepare(conn: sqlite3.Connection) -> None:
    """Check the file, switch to WAL and create the table. A damaged file raises here."""
    result = conn.execute("PRAGMA quick_check").fetchone()
    if result is None or result[0] != "ok":
        raise _corrupt(f"integrity check failed: {result[0] if result else 'no result'}")
    # Where WAL is impossible (some network file systems) SQLite keeps its default journal,
    # which works too, only without concurrent readers during a write.
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")  # in WAL mode a crash loses no committed row
    with _transaction(conn):
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        columns = {row[1] for row in conn.execute("PRAGMA table_info(requests)")}
        if "source" not in columns:  # a version 1 file: rows from before sources were kept
            conn.execute("ALTER TABLE requests ADD COLUMN source TEXT")
        if version < SCHEMA_VERSION:
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    # A newer Hearth's file (user_version > ours) only ever adds columns: rows are still
    # written by column name, and read by the names this version knows.


def _corrupt(why: str) -> sqlite3.DatabaseError:
    error = sqlite3.DatabaseError(why)
    error.sqlite_errorcode = _CORRUPT
    return error


@contextlib.contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any failure (a full disk mid-insert)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")  # in WAL mode the writing happens here: it can fail too
    except BaseException:
        if conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise
