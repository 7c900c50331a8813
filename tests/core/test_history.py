"""The history store: kept only when history is on, newest first, bounded, locked, clearable."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from hearth.core.history import HistoryEntry, HistoryStore

ANSWER = {
    "task": "classify",
    "output": "billing",
    "route": "local",
    "model": "tiny",
    "confidence": 0.8,
    "label": "billing",
    "labels": {"billing": 0.8, "other": 0.2},
    "timings": {"total_ms": 12.5, "ttft_ms": 3.0, "decode_tokens_per_s": 100.0},
}


def entry(text: str = "an invoice", **changes: object) -> HistoryEntry:
    made = HistoryEntry.from_outcome(ANSWER, text, {"labels": ["billing", "other"]})
    return HistoryEntry(**{**made.__dict__, **changes})


def test_kept_only_when_history_is_on(tmp_path: Path) -> None:
    store = HistoryStore.in_folder(tmp_path)
    assert not store.record(entry(), keep_history=False)
    assert not store.path.exists()
    assert store.record(entry(), keep_history=True)
    [kept] = store.recent()
    assert kept.task == "classify"
    assert kept.text == "an invoice"
    assert kept.options == {"labels": ["billing", "other"]}
    assert kept.details["labels"] == {"billing": 0.8, "other": 0.2}
    assert kept.timings["total_ms"] == 12.5
    assert kept.route == "local"


def test_newest_first_bounded_and_cleared(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.jsonl", limit=3)
    for n in range(5):
        store.record(entry(f"text {n}"), keep_history=True)
    assert [e.text for e in store.recent()] == ["text 4", "text 3", "text 2"]
    assert [e.text for e in store.recent(1)] == ["text 4"]
    store.clear()
    assert store.recent() == []


def test_a_damaged_line_costs_only_itself(tmp_path: Path) -> None:
    store = HistoryStore.in_folder(tmp_path)
    store.record(entry("first"), keep_history=True)
    with store.path.open("a", encoding="utf-8") as f:
        f.write('{"task": "summ\n[1, 2]\n')
    store.record(entry("second"), keep_history=True)
    assert [e.text for e in store.recent()] == ["second", "first"]


def test_values_json_cannot_write_are_stored_as_text(tmp_path: Path) -> None:
    store = HistoryStore.in_folder(tmp_path)
    made = HistoryEntry.from_outcome(ANSWER, "x", {"schema_file": tmp_path / "s.json"})
    store.record(made, keep_history=True)
    assert store.recent()[0].options == {"schema_file": str(tmp_path / "s.json")}


def test_writers_in_parallel_lose_nothing(tmp_path: Path) -> None:
    def write(name: str) -> None:
        store = HistoryStore.in_folder(tmp_path)  # its own lock handle, as another process
        for n in range(15):
            store.record(entry(f"{name} {n}"), keep_history=True)

    threads = [threading.Thread(target=write, args=(name,)) for name in "abc"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(HistoryStore.in_folder(tmp_path).recent()) == 45


def test_a_rewrite_keeps_damaged_lines_and_unknown_fields(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "history.jsonl")
    store.record(entry("first"), keep_history=True)
    newer = json.loads(store.path.read_text())
    newer["pinned"] = True  # a field from a newer Hearth
    damaged = '{"task": "summarize", "text": "cut off'
    not_utf8 = b'{"task": "\xff\xfe"'
    store.path.write_bytes((json.dumps(newer) + "\n" + damaged + "\n").encode() + not_utf8 + b"\n")

    store.record(entry("second"), keep_history=True)

    lines = store.path.read_bytes().split(b"\n")
    assert json.loads(lines[0])["pinned"] is True
    assert lines[1] == damaged.encode()
    assert lines[2] == not_utf8
    assert [e.text for e in store.recent()] == ["second", "first"]
