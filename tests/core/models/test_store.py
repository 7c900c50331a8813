"""The store's index: atomic, shared between processes, and readable whatever happened to it."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from hearth.core.errors import UsageError
from hearth.core.models.entry import ModelEntry, Source
from hearth.core.models.gguf_header import read_gguf_header
from hearth.core.models.store import Attachment, ModelStore, StoreError, StoreState

SHA = "ab" * 32


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> ModelEntry:
    from tests.gguf_factory import write_model

    path = write_model(tmp_path_factory.mktemp("store") / "m.gguf")
    return ModelEntry.from_header(
        "m", read_gguf_header(path), sha256=SHA, status=path.stat(), source=Source.LINK, path=path
    )


def entry(template: ModelEntry, entry_id: str, sha256: str = SHA) -> ModelEntry:
    return dataclasses.replace(template, id=entry_id, sha256=sha256)


def test_an_entry_survives_a_round_trip(store: ModelStore, template: ModelEntry) -> None:
    store.update(lambda state: state.with_entry(template))

    assert store.load().get("m") == template
    assert store.load().problems == ()


def test_no_index_yet_is_an_empty_store(store: ModelStore) -> None:
    assert store.load() == StoreState()


def test_a_failed_change_leaves_the_index_as_it_was(
    store: ModelStore, template: ModelEntry
) -> None:
    store.update(lambda state: state.with_entry(template))
    before = store.index_path.read_bytes()

    def change(state: StoreState) -> StoreState:
        raise RuntimeError("the disk caught fire")

    with pytest.raises(RuntimeError):
        store.update(change)

    assert store.index_path.read_bytes() == before


def test_a_write_that_fails_leaves_the_old_index_and_says_so(
    store: ModelStore, template: ModelEntry, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.update(lambda state: state.with_entry(template))
    before = store.index_path.read_bytes()

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)

    with pytest.raises(StoreError, match="No space left on device") as caught:
        store.update(lambda state: state.with_entry(entry(template, "n")))

    assert "It is unchanged" in caught.value.message
    monkeypatch.undo()
    assert store.index_path.read_bytes() == before
    assert [p.name for p in store.index_path.parent.iterdir() if p.suffix == ".tmp"] == []


def test_a_damaged_index_is_set_aside_and_a_new_one_started(
    store: ModelStore, template: ModelEntry
) -> None:
    store.index_path.parent.mkdir(parents=True)
    store.index_path.write_text("{ this is not json")

    state = store.load()

    assert len(state) == 0
    assert "was damaged" in state.problems[0]
    store.update(lambda s: s.with_entry(template))
    assert store.load().get("m") == template
    assert store.index_path.with_name("model-index.json.damaged").read_text() == (
        "{ this is not json"
    )


def test_a_bad_entry_is_skipped_and_the_rest_kept(store: ModelStore, template: ModelEntry) -> None:
    store.update(lambda state: state.with_entry(template))
    data = json.loads(store.index_path.read_text())
    data["models"].append({"id": "broken", "sha256": "not a hash"})
    store.index_path.write_text(json.dumps(data))

    state = store.load()

    assert [e.id for e in state] == ["m"]
    assert "Entry 2" in state.problems[0]


def test_an_index_from_a_newer_hearth_is_not_overwritten(
    store: ModelStore, template: ModelEntry
) -> None:
    store.index_path.parent.mkdir(parents=True)
    store.index_path.write_text(json.dumps({"schema": 99, "models": []}))

    with pytest.raises(StoreError, match="newer Hearth"):
        store.update(lambda state: state.with_entry(template))

    assert json.loads(store.index_path.read_text())["schema"] == 99


def test_ids_are_made_unique(template: ModelEntry) -> None:
    state = StoreState((entry(template, "m"), entry(template, "m-2")))

    assert state.unique_id("m") == "m-3"
    assert state.unique_id("other") == "other"


def test_a_sha256_prefix_must_be_unambiguous(template: ModelEntry) -> None:
    state = StoreState((entry(template, "a", "ab" * 32), entry(template, "b", "ab" * 31 + "cd")))

    with pytest.raises(UsageError, match="matches several models"):
        state.find("abababab")
    assert state.get("a") is not None
    assert state.find("a") == state.get("a")  # an id wins over a prefix
    assert state.find("ab" * 30 + "abcd") == state.get("b")
    assert state.find("0123456789") is None


def test_attachments_go_with_the_entries_they_name(template: ModelEntry) -> None:
    state = StoreState((entry(template, "base"), entry(template, "lora")))
    state = state.with_attachment(Attachment("summarize", "base", "lora", 0.5))
    state = state.with_attachment(Attachment("summarize", "base", "lora", 0.7))

    assert state.attachments == (Attachment("summarize", "base", "lora", 0.7),)
    assert state.without("lora").attachments == ()


def test_concurrent_updates_from_two_stores_lose_nothing(
    store: ModelStore, template: ModelEntry
) -> None:
    other = ModelStore(store.index_path, lock_timeout=5)

    def add(s: ModelStore, prefix: str) -> None:
        for i in range(15):
            s.update(lambda state, i=i: state.with_entry(entry(template, f"{prefix}{i}")))

    threads = [threading.Thread(target=add, args=(s, p)) for s, p in ((store, "a"), (other, "b"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(store.load()) == 30


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_process_killed_mid_update_never_leaves_a_broken_index(
    store: ModelStore, template: ModelEntry, tmp_path: Path
) -> None:
    """Kill a writer at arbitrary points many times: every index left behind is whole."""
    seed = tmp_path / "template.json"
    seed.write_text(json.dumps(template.to_json()))
    writer = f"""
import dataclasses, json, sys
from pathlib import Path
from hearth.core.models.entry import ModelEntry
from hearth.core.models.store import ModelStore
template = ModelEntry.from_json(json.loads(Path({str(seed)!r}).read_text()))
store = ModelStore(Path({str(store.index_path)!r}))
i = 0
while True:
    i += 1
    store.update(lambda s: s.with_entry(dataclasses.replace(template, id=f"e{{i}}")))
    if i == 3:
        print("writing", flush=True)
"""
    for _ in range(5):
        with subprocess.Popen(
            [sys.executable, "-c", writer], stdout=subprocess.PIPE, text=True, env=dict(os.environ)
        ) as proc:
            assert proc.stdout is not None
            assert proc.stdout.readline() == "writing\n"  # it is in its update loop now
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

        state = store.load()
        assert state.problems == ()
        assert len(state) >= 3


def test_unreadable_entries_unknown_fields_and_keys_survive_a_change_with_a_backup(
    store: ModelStore, template: ModelEntry
) -> None:
    """A newer Hearth's entry, a damaged one, a field and a key this version does not know:
    a change here writes them all back as they were, and keeps the file as it was first."""
    store.update(lambda state: state.with_entry(template))
    data = json.loads(store.index_path.read_text())
    data["models"][0]["colour"] = "teal"  # a field from a newer Hearth
    broken = {"id": "broken", "sha256": "not a hash", "future": [1, 2]}
    data["models"].append(broken)
    data["attachments"].append({"task": "summarize", "base_id": "broken", "adapter_id": "x"})
    data["library_notes"] = {"kept": True}
    before = json.dumps(data)
    store.index_path.write_text(before)

    store.update(lambda state: state.with_entry(entry(template, "second", "b" * 64)))

    after = json.loads(store.index_path.read_text())
    assert broken in after["models"]
    assert after["models"][0]["colour"] == "teal"
    assert after["library_notes"] == {"kept": True}
    assert {"task": "summarize", "base_id": "broken", "adapter_id": "x"} in after["attachments"]
    assert [m["id"] for m in after["models"] if m["id"] != "broken"] == ["m", "second"]
    backup = store.index_path.with_name(store.index_path.name + ".bak")
    assert backup.read_text() == before
