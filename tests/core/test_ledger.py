"""The ledger: what it records, what it proves, and every way its file can go wrong."""

from __future__ import annotations

import sqlite3
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest

from hearth.core.ledger.entry import LedgerEntry
from hearth.core.ledger.prices import BUILTIN_PRICES, Price, PriceTable
from hearth.core.ledger.store import SCHEMA_VERSION, Ledger, LedgerError, ledger_path
from hearth.core.paths import Paths
from hearth.core.settings import Settings

resource: ModuleType | None
try:
    import resource
except ImportError:  # Windows
    resource = None

PRICES = PriceTable({"big-model": Price(1.0, 4.0), **BUILTIN_PRICES})
NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)

LOCAL = LedgerEntry(
    task="classify",
    route="local",
    policy="auto",
    local_model="Tiny",
    confidence=0.93,
    threshold=0.7,
    escalation_reason="confident",
    local_tokens_in=1_000_000,
    local_tokens_out=250_000,
    latency_ms=120.5,
    request_text="Is this spam?",
)
CLOUD = LedgerEntry(
    task="classify",
    route="cloud",
    policy="auto",
    local_model="Tiny",
    cloud_model="big-model",
    cloud_host="api.example.test",
    confidence=0.41,
    threshold=0.7,
    escalation_reason="low_confidence",
    cloud_status="ok",
    sent_to_cloud=True,
    local_tokens_in=100,
    local_tokens_out=5,
    cloud_tokens_in=2_000_000,
    cloud_tokens_out=500_000,
    latency_ms=900.0,
    redactions=2,
    request_text="Mail [EMAIL_1] about it",
)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "ledger.sqlite3"


@pytest.fixture
def ledger(path: Path) -> Iterator[Ledger]:
    with Ledger(path, keep_history=True, prices=PRICES, now=lambda: NOW) as opened:
        yield opened


def raw_rows(path: Path, sql: str = "SELECT * FROM requests") -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


# --- recording ------------------------------------------------------------------------------


def test_records_round_trip_in_a_wal_database(ledger: Ledger, path: Path) -> None:
    first = ledger.record(LOCAL)
    second = ledger.record(CLOUD)

    entries = ledger.entries()

    assert [e.id for e in entries] == [second, first]
    newest = entries[0]
    assert newest.route == "cloud"
    assert newest.sent_to_cloud is True
    assert newest.time == "2026-03-01T09:30:00.000+00:00"
    assert newest.cloud_cost_usd == pytest.approx(2.0 * 1.0 + 0.5 * 4.0)
    assert entries[1].cloud_cost_usd is None  # nothing was sent
    assert raw_rows(path, "PRAGMA journal_mode") == [("wal",)]
    assert raw_rows(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]


def test_a_version_1_ledger_gains_the_source_column_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    with sqlite3.connect(path) as conn:  # a ledger as the first version wrote it
        conn.execute(
            "CREATE TABLE requests (id INTEGER PRIMARY KEY, time TEXT NOT NULL, task TEXT NOT "
            "NULL, route TEXT NOT NULL, sent_to_cloud INTEGER NOT NULL DEFAULT 0, "
            "local_tokens_in INTEGER NOT NULL DEFAULT 0, local_tokens_out INTEGER NOT NULL "
            "DEFAULT 0, cloud_tokens_in INTEGER NOT NULL DEFAULT 0, cloud_tokens_out INTEGER "
            "NOT NULL DEFAULT 0, cloud_tokens_estimated INTEGER NOT NULL DEFAULT 0, "
            "redactions INTEGER NOT NULL DEFAULT 0, policy TEXT, local_model TEXT, cloud_model "
            "TEXT, cloud_host TEXT, confidence REAL, threshold REAL, escalation_reason TEXT, "
            "cloud_status TEXT, latency_ms REAL, cloud_cost_usd REAL, request_text TEXT)"
        )
        conn.execute(
            "INSERT INTO requests (time, task, route) VALUES ('2026-01-01T00:00:00Z', 'x', 'local')"
        )
        conn.execute("PRAGMA user_version = 1")
    conn.close()
    with Ledger(path, keep_history=True, prices=PriceTable({})) as ledger:
        ledger.record(LedgerEntry(task="summarize", route="local", source="api"))
        entries = ledger.entries()
    assert [(e.task, e.source) for e in entries] == [("summarize", "api"), ("x", None)]
    assert raw_rows(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]


def test_the_default_place_is_the_data_folder(tmp_path: Path) -> None:
    assert ledger_path(Paths.under(tmp_path)) == tmp_path / "data" / "ledger.sqlite3"


def test_request_text_is_dropped_unless_history_is_kept(path: Path) -> None:
    with Ledger(path, keep_history=False, prices=PRICES) as ledger:
        ledger.record(LOCAL)
        ledger.record(CLOUD)
    assert raw_rows(path, "SELECT request_text FROM requests") == [(None,), (None,)]
    assert b"Is this spam" not in path.read_bytes()


def test_an_unpriced_model_has_no_cost_estimate(ledger: Ledger) -> None:
    ledger.record(CLOUD.__class__(**{**CLOUD.to_json(), "cloud_model": "mystery", "id": None}))
    assert ledger.entries()[0].cloud_cost_usd is None
    assert ledger.summary().unpriced_cloud_requests == 1


def test_settings_prices_add_to_and_override_the_built_in_ones() -> None:
    settings = Settings(
        cloud_prices={"gpt-4o-mini": {"input": 9.0, "output": 9.0}, "x": {"input": 1, "output": 0}}
    )
    table = PriceTable.from_settings(settings)
    assert table.price_for("gpt-4o-mini") == Price(9.0, 9.0)
    assert table.price_for("X") == Price(1.0, 0.0)
    assert table.price_for("openai/gpt-4.1-mini") == BUILTIN_PRICES["gpt-4.1-mini"]
    assert table.price_for("unknown") is None
    assert table.cost("x", 2_000_000, 5) == 2.0


# --- the summary ------------------------------------------------------------------------------


def test_an_empty_ledger_summarises_to_nothing(ledger: Ledger) -> None:
    summary = ledger.summary("big-model")
    assert summary.requests == 0
    assert summary.share_local is None
    assert summary.spend_avoided_usd == 0.0


def test_the_summary_proves_what_stayed_on_the_device(ledger: Ledger) -> None:
    ledger.record(LOCAL)
    ledger.record(LOCAL)
    ledger.record(LOCAL.__class__(**{**LOCAL.to_json(), "task": "summarize", "id": None}))
    ledger.record(CLOUD)
    declined = {**CLOUD.to_json(), "route": "local", "cloud_status": "declined"}
    ledger.record(LedgerEntry(**{**declined, "sent_to_cloud": False, "cloud_tokens_in": 0,
                                 "cloud_tokens_out": 0, "id": None}))  # fmt: skip

    summary = ledger.summary("big-model")

    assert summary.requests == 5
    assert summary.answered_local == 4
    assert summary.answered_cloud == 1
    assert summary.share_local == pytest.approx(0.8)
    assert summary.kept_local == 4
    assert summary.tokens_kept_local == 3 * 1_250_000 + 105
    assert summary.cloud_tokens_in == 2_000_000
    assert summary.cloud_spend_usd == pytest.approx(4.0)
    # The local requests priced at big-model: 3 x (1M in x $1 + 0.25M out x $4) + the declined.
    assert summary.spend_avoided_usd == pytest.approx(3 * 2.0 + (100 + 5 * 4) / 1e6)
    assert summary.routing_reasons == {"confident": 3, "low_confidence": 2}
    assert summary.cloud_failures == {"declined": 1}
    assert summary.by_task == {
        "classify": {"local": 3, "cloud": 1},
        "summarize": {"local": 1, "cloud": 0},
    }
    data = summary.to_json()
    assert data["share_local"] == pytest.approx(0.8)
    assert summary.first == summary.last == "2026-03-01T09:30:00.000+00:00"


def test_spend_avoided_needs_a_priced_reference_model(ledger: Ledger) -> None:
    ledger.record(LOCAL)
    assert ledger.summary(None).spend_avoided_usd is None
    assert ledger.summary("no-such-model").spend_avoided_usd is None


def test_two_ledgers_on_one_file_both_write(path: Path) -> None:
    """The app and a terminal command at once: WAL lets both in."""
    first = Ledger(path, keep_history=True, prices=PRICES)
    second = Ledger(path, keep_history=True, prices=PRICES)

    def write(ledger: Ledger) -> None:
        for _ in range(25):
            ledger.record(LOCAL)

    threads = [threading.Thread(target=write, args=(ledger,)) for ledger in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert first.summary().requests == 50
    first.close()
    second.close()


# --- a damaged, locked or full file ----------------------------------------------------------


def damaged_copies(path: Path) -> list[Path]:
    """The damaged files kept aside (without their write-ahead logs, kept beside them)."""
    return sorted(p for p in path.parent.glob(f"{path.name}.damaged-*") if p.name[-4:] != "-wal")


@pytest.mark.parametrize(
    "content",
    [b"this is not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 4000],
    ids=["text", "bad-header"],
)
def test_a_damaged_file_is_kept_aside_and_a_new_ledger_started(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(content)

    with Ledger(path, keep_history=True, prices=PRICES, now=lambda: NOW) as ledger:
        ledger.record(LOCAL)
        assert ledger.summary().requests == 1
        problems = list(ledger.problems)

    kept = damaged_copies(path)
    assert [k.name for k in kept] == ["ledger.sqlite3.damaged-20260301-093000"]
    assert kept[0].read_bytes() == content
    assert len(problems) == 1
    assert "damaged" in problems[0]
    assert str(kept[0]) in problems[0]


def test_corruption_inside_a_valid_file_is_found_and_set_aside(path: Path) -> None:
    with Ledger(path, keep_history=True, prices=PRICES) as ledger:
        for _ in range(300):
            ledger.record(LOCAL)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    page = 4096
    data[page + 8 : page * 3] = b"\xa5" * (page * 2 - 8)  # scribble over the table's pages
    path.write_bytes(bytes(data))

    with Ledger(path, keep_history=True, prices=PRICES, now=lambda: NOW) as ledger:
        ledger.record(CLOUD)
        assert ledger.summary().requests == 1
        assert ledger.problems

    assert len(damaged_copies(path)) == 1


def test_a_locked_file_is_explained_and_left_alone(path: Path) -> None:
    with Ledger(path, keep_history=True, prices=PRICES) as ledger:
        ledger.record(LOCAL)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with Ledger(path, keep_history=True, prices=PRICES, busy_timeout_s=0.2) as ledger:
            with pytest.raises(LedgerError) as caught:
                ledger.record(CLOUD)
            assert "in use by another program" in caught.value.message
            assert str(path) in caught.value.message
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()

    assert damaged_copies(path) == []
    with Ledger(path, keep_history=True, prices=PRICES) as ledger:
        ledger.record(CLOUD)  # usable again once the other program is done
        assert ledger.summary().requests == 2


def test_a_full_disk_is_explained_and_the_ledger_stays_usable(path: Path) -> None:
    def small_disk(file: Path, busy_timeout_s: float) -> sqlite3.Connection:
        # SQLite's own size cap gives exactly the error a full disk gives: SQLITE_FULL.
        conn = sqlite3.connect(file, timeout=busy_timeout_s, isolation_level=None)
        conn.execute("PRAGMA max_page_count = 8")
        return conn

    big = LedgerEntry(**{**LOCAL.to_json(), "request_text": "x" * 3000, "id": None})
    with Ledger(path, keep_history=True, prices=PRICES, connect=small_disk) as ledger:
        recorded = 0
        with pytest.raises(LedgerError) as caught:
            for _ in range(100):
                ledger.record(big)
                recorded += 1
        assert "disk is full" in caught.value.message
        assert "unchanged" in caught.value.message
        assert 0 < recorded < 100
        assert ledger.summary().requests == recorded  # what was recorded is intact
    assert damaged_copies(path) == []


@pytest.mark.skipif(resource is None, reason="needs RLIMIT_FSIZE (POSIX)")
def test_a_file_size_limit_mid_write_is_explained(path: Path) -> None:
    with Ledger(path, keep_history=True, prices=PRICES) as ledger:
        ledger.record(LOCAL)
        assert resource is not None
        soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        resource.setrlimit(resource.RLIMIT_FSIZE, (path.stat().st_size + 8192, hard))
        try:
            with pytest.raises(LedgerError) as caught:
                for _ in range(200):
                    ledger.record(LedgerEntry(**{**LOCAL.to_json(), "request_text": "y" * 4000,
                                                 "id": None}))  # fmt: skip
        finally:
            resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        assert "disk" in caught.value.message
        assert ledger.summary().requests >= 1


def test_a_folder_that_cannot_exist_is_explained(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be")
    with (
        Ledger(blocker / "ledger.sqlite3", keep_history=True, prices=PRICES) as ledger,
        pytest.raises(LedgerError) as caught,
    ):
        ledger.record(LOCAL)
    assert str(blocker) in caught.value.message


@pytest.mark.skipif(
    sys.platform == "win32" or __import__("os").geteuid() == 0,
    reason="needs POSIX permissions that apply (root writes through them)",
)
def test_a_read_only_ledger_is_explained(path: Path) -> None:
    with Ledger(path, keep_history=True, prices=PRICES) as ledger:
        ledger.record(LOCAL)
    path.parent.chmod(0o555)
    path.chmod(0o444)
    try:
        with (
            Ledger(path, keep_history=True, prices=PRICES) as ledger,
            pytest.raises(LedgerError),
        ):
            ledger.record(LOCAL)
    finally:
        path.parent.chmod(0o755)
        path.chmod(0o644)
