"""Tests for the settings file: round trips, and every way the file on disk can be wrong."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hearth.core.errors import HearthError
from hearth.core.settings import (
    MIN_CONTEXT,
    PRIVACY_FIELDS,
    SCHEMA_VERSION,
    Settings,
    SettingsStore,
)

resource: ModuleType | None
try:
    import resource
except ImportError:  # Windows
    resource = None


@pytest.fixture
def store(tmp_path: Path) -> SettingsStore:
    return SettingsStore(tmp_path / "config" / "settings.json")


def write_json(store: SettingsStore, value: object) -> bytes:
    data = json.dumps(value).encode()
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_bytes(data)
    return data


# What a settings file Hearth cannot read locks down to: nothing leaves, nothing is kept.
LOCKED = Settings(air_gapped=True, cloud_policy="never", keep_history=False)


def assert_locked_down(settings: Settings) -> None:
    assert settings.air_gapped is True
    assert settings.cloud_policy == "never"
    assert settings.cloud_task_policies == {}


CUSTOM = Settings(
    model="/models/qwen.gguf",
    context_size=8192,
    threads=6,
    gpu_layers=0,
    air_gapped=True,
    cloud_policy="ask",
    keep_history=False,
)


# --- round trip and defaults ------------------------------------------------------------------


def test_save_then_load_round_trips_every_field(store: SettingsStore) -> None:
    store.save(CUSTOM)

    loaded = store.load()

    assert loaded.settings == CUSTOM
    assert loaded.problems == ()


def test_save_creates_missing_config_folders(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "a" / "b" / "c" / "settings.json")

    store.save(CUSTOM)

    assert store.path.is_file()
    assert store.load().settings == CUSTOM


def test_saved_file_is_readable_json_with_every_field(store: SettingsStore) -> None:
    store.save(CUSTOM)

    raw = json.loads(store.path.read_bytes())

    assert raw == {
        "schema_version": SCHEMA_VERSION,
        "model": "/models/qwen.gguf",
        "context_size": 8192,
        "threads": 6,
        "gpu_layers": 0,
        "air_gapped": True,
        "cloud_policy": "ask",
        "keep_history": False,
    }


def test_save_overwrites_the_previous_settings(store: SettingsStore) -> None:
    store.save(CUSTOM)
    store.save(CUSTOM.replace(context_size=2048, model=None))

    loaded = store.load().settings

    assert loaded.context_size == 2048
    assert loaded.model is None
    assert loaded.threads == 6


def test_no_file_gives_defaults_and_no_problems(store: SettingsStore) -> None:
    loaded = store.load()

    assert loaded.settings == Settings()
    assert loaded.problems == ()
    assert not store.path.exists()
    assert not store.backup_path.exists()


def test_defaults_are_the_documented_ones() -> None:
    settings = Settings()

    assert settings.schema_version == SCHEMA_VERSION
    assert settings.model is None
    assert settings.context_size == 4096
    assert settings.threads is None
    assert settings.gpu_layers == -1
    assert settings.air_gapped is False
    assert settings.cloud_policy == "never"
    assert settings.keep_history is True


def test_missing_fields_take_their_defaults(store: SettingsStore) -> None:
    write_json(store, {"schema_version": 1, "context_size": 1024})

    loaded = store.load()

    assert loaded.settings == Settings(context_size=1024)
    assert loaded.problems == ()


def test_unknown_fields_are_ignored(store: SettingsStore) -> None:
    write_json(store, {"schema_version": 1, "air_gapped": True, "colour": "teal"})

    loaded = store.load()

    assert loaded.settings == Settings(air_gapped=True)
    assert loaded.problems == ()


# --- a damaged file ---------------------------------------------------------------------------


def assert_set_aside(store: SettingsStore, problems: tuple[str, ...], old: bytes) -> None:
    assert len(problems) == 2
    assert "air-gapped" in problems[1]  # what the file said about privacy is unknown
    assert str(store.path) in problems[0]
    assert str(store.backup_path) in problems[0]
    assert store.backup_path.name == "settings.json.bak"
    assert store.backup_path.read_bytes() == old
    assert not store.path.exists()


@pytest.mark.parametrize(
    "content",
    [
        b'{"context_size": 2048,',  # cut off mid-write by an older, non-atomic writer
        b"not json at all",
        b"",
        b"\xff\xfe\x00garbage",  # not even UTF-8
        b"[" * 100_000,  # nested past the parser's recursion limit
    ],
    ids=["truncated", "text", "empty", "binary", "deep-nesting"],
)
def test_corrupt_json_is_kept_as_bak_and_defaults_are_used(
    store: SettingsStore, content: bytes
) -> None:
    store.path.parent.mkdir(parents=True)
    store.path.write_bytes(content)

    loaded = store.load()

    assert loaded.settings == LOCKED
    assert_set_aside(store, loaded.problems, content)
    assert "damaged" in loaded.problems[0]


def test_a_json_list_is_not_settings(store: SettingsStore) -> None:
    old = write_json(store, [{"context_size": 2048}])

    loaded = store.load()

    assert loaded.settings == LOCKED
    assert_set_aside(store, loaded.problems, old)
    assert "not a JSON object" in loaded.problems[0]


@pytest.mark.parametrize("version", ["1", 0, -3, 1.5, True, None])
def test_an_invalid_schema_version_sets_the_file_aside(
    store: SettingsStore, version: object
) -> None:
    old = write_json(store, {"schema_version": version, "context_size": 2048})

    loaded = store.load()

    assert loaded.settings == LOCKED
    assert_set_aside(store, loaded.problems, old)
    assert "schema version" in loaded.problems[0]


def test_an_older_backup_is_replaced_by_the_newly_damaged_file(store: SettingsStore) -> None:
    store.path.parent.mkdir(parents=True)
    store.backup_path.write_bytes(b"an older damaged file")
    store.path.write_bytes(b"{{{")

    loaded = store.load()

    assert_set_aside(store, loaded.problems, b"{{{")


def test_after_setting_aside_the_next_load_is_clean(store: SettingsStore) -> None:
    store.path.parent.mkdir(parents=True)
    store.path.write_bytes(b"{oops")
    store.load()

    again = store.load()

    assert again.settings == Settings()
    assert again.problems == ()
    assert store.backup_path.read_bytes() == b"{oops"


def test_an_unreadable_settings_path_gives_defaults_and_a_problem(store: SettingsStore) -> None:
    store.path.mkdir(parents=True)  # a folder where the file should be

    loaded = store.load()

    assert loaded.settings == LOCKED
    assert len(loaded.problems) == 2
    assert str(store.path) in loaded.problems[0]
    assert "air-gapped" in loaded.problems[1]
    assert store.path.is_dir()


# --- invalid single values --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "bad"),
    [
        ("context_size", "big"),
        ("context_size", 64),
        ("context_size", 128),  # too small for any task's instructions
        ("context_size", 4096.0),
        ("context_size", True),
        ("threads", 0),
        ("threads", -2),
        ("threads", "4"),
        ("gpu_layers", -2),
        ("model", ""),
        ("model", 42),
    ],
)
def test_one_invalid_value_falls_back_alone(store: SettingsStore, name: str, bad: object) -> None:
    good = json.loads(CUSTOM.to_json())
    old = write_json(store, {**good, name: bad})

    loaded = store.load()

    expected = CUSTOM.replace(**{name: getattr(Settings(), name)})
    assert loaded.settings == expected
    assert len(loaded.problems) == 1
    problem = loaded.problems[0]
    assert f"'{name}'" in problem
    assert repr(bad) in problem
    assert str(store.path) in problem
    # A file with one bad value is not damaged: it stays where it is, untouched.
    assert store.path.read_bytes() == old
    assert not store.backup_path.exists()


def test_several_invalid_values_are_all_reported(store: SettingsStore) -> None:
    write_json(
        store,
        {"context_size": "big", "gpu_layers": -7, "threads": 0, "air_gapped": True},
    )

    loaded = store.load()

    assert loaded.settings == Settings(air_gapped=True)
    assert len(loaded.problems) == 1
    for name in ("context_size", "gpu_layers", "threads"):
        assert f"'{name}'" in loaded.problems[0]
    assert "air_gapped" not in loaded.problems[0]


def test_null_threads_and_model_are_valid(store: SettingsStore) -> None:
    write_json(store, {"threads": None, "model": None, "context_size": 512})

    loaded = store.load()

    assert loaded.settings == Settings(context_size=512)
    assert loaded.problems == ()


@pytest.mark.parametrize("policy", ["never", "ask", "auto", "always"])
def test_every_cloud_policy_loads(store: SettingsStore, policy: str) -> None:
    write_json(store, {"cloud_policy": policy})

    assert store.load().settings.cloud_policy == policy


# --- privacy fails closed ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "bad"),
    [
        ("air_gapped", "true"),
        ("air_gapped", "yes"),
        ("air_gapped", 1),
        ("air_gapped", None),
        ("cloud_policy", "sometimes"),
        ("cloud_policy", None),
        ("cloud_policy", ["always"]),
        ("cloud_task_policies", {"summarize": "sometimes"}),
        ("cloud_task_policies", "always"),
        ("cloud_auto_threshold", "0.9"),
        ("cloud_base_url", "ftp://x"),
        ("cloud_preset", 3),
        ("cloud_model", ""),
        ("redaction_names", "Alice"),
        ("keep_history", "false"),
    ],
)
def test_an_unreadable_privacy_value_locks_privacy_down_and_says_so(
    store: SettingsStore, name: str, bad: object
) -> None:
    # The user's cloud policy was "always": a privacy value Hearth cannot read must not let a
    # request leave as if nothing was wrong.
    write_json(store, {"cloud_policy": "always", "cloud_preset": "openai", name: bad})

    loaded = store.load()

    assert_locked_down(loaded.settings)
    assert any(f"'{name}'" in p for p in loaded.problems)
    assert any("air-gapped" in p and "sends nothing" in p for p in loaded.problems)
    if name == "keep_history":
        assert loaded.settings.keep_history is False


def test_a_readable_file_is_not_locked_down(store: SettingsStore) -> None:
    write_json(store, {"cloud_policy": "always", "threads": 0})

    loaded = store.load()

    assert loaded.settings.cloud_policy == "always"
    assert loaded.settings.air_gapped is False
    assert not any("air-gapped" in p for p in loaded.problems)


def _privacy_protections(loaded: Settings) -> tuple[bool, bool, bool]:
    """(nothing can leave, history is off, names are redacted) — what a protection turns on."""
    local_only = loaded.air_gapped or (
        loaded.cloud_policy == "never"
        and all(p == "never" for p in loaded.cloud_task_policies.values())
    )
    return local_only, not loaded.keep_history, bool(loaded.redaction_names)


_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.sampled_from(["true", "false", "never", "always", "auto", "ask", "1", "0", ""]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
_PROTECTIVE_FILE = {
    "air_gapped": True,
    "cloud_policy": "never",
    "cloud_task_policies": {"summarize": "never"},
    "keep_history": False,
    "redaction_names": ["Alice Liddell"],
}
_FIELDS = sorted(f.name for f in dataclasses.fields(Settings))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base_protective=st.booleans(),
    changes=st.dictionaries(st.sampled_from(_FIELDS), _JSON_VALUES, min_size=1, max_size=5),
)
def test_no_invalid_value_turns_a_privacy_protection_off(
    tmp_path_factory: pytest.TempPathFactory, base_protective: bool, changes: dict[str, Any]
) -> None:
    """Any settings file, every field given any JSON value: a protection the file asked for
    (or one whose value is unreadable) is never off after loading."""
    store = SettingsStore(tmp_path_factory.mktemp("settings") / "settings.json")
    written = {**(_PROTECTIVE_FILE if base_protective else {}), **changes}
    write_json(store, written)

    loaded = store.load().settings

    unreadable = {
        name for name in PRIVACY_FIELDS if name in written and name not in _read_back(written)
    }
    local_only, no_history, redacts = _privacy_protections(loaded)
    asked_local = written.get("air_gapped") is True or (
        written.get("cloud_policy") == "never" and "cloud_task_policies" not in written
    )
    if unreadable or asked_local:
        assert local_only, (written, loaded)
    if "keep_history" in unreadable or written.get("keep_history") is False:
        assert no_history, (written, loaded)
    if written.get("redaction_names") == ["Alice Liddell"]:
        assert redacts or local_only, (written, loaded)


def _read_back(written: dict[str, Any]) -> set[str]:
    """The fields of `written` whose values are valid on their own."""
    valid = set()
    for name, value in written.items():
        try:
            Settings().replace(**{name: value})
        except (ValueError, TypeError):
            continue
        valid.add(name)
    return valid


# --- a newer schema ---------------------------------------------------------------------------


def test_a_newer_schema_loads_known_fields_and_says_so(store: SettingsStore) -> None:
    newer = SCHEMA_VERSION + 1
    old = write_json(
        store,
        {
            "schema_version": newer,
            "context_size": 16384,
            "cloud_policy": "auto",
            "routing": {"threshold": 0.7},
        },
    )

    loaded = store.load()

    assert loaded.settings.context_size == 16384
    assert loaded.settings.cloud_policy == "auto"
    assert loaded.settings.threads is None
    assert len(loaded.problems) == 1
    assert "newer" in loaded.problems[0]
    assert str(newer) in loaded.problems[0]
    assert str(store.path) in loaded.problems[0]
    assert store.path.read_bytes() == old


def test_a_newer_schema_with_a_bad_value_reports_both(store: SettingsStore) -> None:
    write_json(store, {"schema_version": SCHEMA_VERSION + 5, "threads": 0})

    loaded = store.load()

    assert loaded.settings.threads is None
    assert len(loaded.problems) == 2
    assert any("newer" in p for p in loaded.problems)
    assert any("'threads'" in p for p in loaded.problems)


# --- Settings.replace -------------------------------------------------------------------------


def test_replace_returns_a_changed_copy() -> None:
    original = Settings()

    changed = original.replace(context_size=2048, cloud_policy="always")

    assert changed.context_size == 2048
    assert changed.cloud_policy == "always"
    assert original == Settings()


@pytest.mark.parametrize(
    "changes",
    [
        {"context_size": "big"},
        {"context_size": 127},
        {"context_size": (1 << 20) + 1},
        {"cloud_policy": "sometimes"},
        {"threads": 0},
        {"threads": 1025},
        {"gpu_layers": -5},
        {"air_gapped": "true"},
        {"model": ""},
    ],
)
def test_replace_rejects_invalid_values(changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=f"'{next(iter(changes))}'"):
        Settings().replace(**changes)


def test_replace_rejects_unknown_fields() -> None:
    with pytest.raises(TypeError):
        Settings().replace(colour="teal")


def test_replace_accepts_the_bounds() -> None:
    low = Settings().replace(context_size=MIN_CONTEXT, threads=1, gpu_layers=-1)
    high = Settings().replace(context_size=1 << 20, threads=1024, gpu_layers=999)

    assert (low.context_size, low.threads) == (MIN_CONTEXT, 1)
    assert (high.context_size, high.threads) == (1 << 20, 1024)


# --- saving where it cannot be saved ----------------------------------------------------------


def test_save_into_an_impossible_folder_raises_and_says_nothing_changed(tmp_path: Path) -> None:
    blocker = tmp_path / "config"
    blocker.write_bytes(b"a file where the config folder should be")
    store = SettingsStore(blocker / "settings.json")

    with pytest.raises(HearthError) as caught:
        store.save(CUSTOM)

    message = str(caught.value)
    assert "previous settings are unchanged" in message
    assert str(store.path) in message
    assert blocker.read_bytes() == b"a file where the config folder should be"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config"]


def test_a_failed_save_keeps_the_old_file_intact(store: SettingsStore) -> None:
    store.save(CUSTOM)
    old = store.path.read_bytes()
    # A folder at the temporary file's destination cannot be replaced by a file: the rename,
    # the very last step, fails after the new bytes were written.
    store.path.unlink()
    store.path.mkdir()
    (store.path / "keep").write_bytes(old)

    with pytest.raises(HearthError, match="previous settings are unchanged"):
        store.save(Settings())

    assert (store.path / "keep").read_bytes() == old
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["settings.json"]


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0,
    reason="needs POSIX permissions that apply (root writes through them)",
)
def test_save_into_a_read_only_folder_keeps_the_old_file(store: SettingsStore) -> None:
    store.save(CUSTOM)
    old = store.path.read_bytes()
    store.path.parent.chmod(0o555)
    try:
        with pytest.raises(HearthError, match="previous settings are unchanged"):
            store.save(Settings())
    finally:
        store.path.parent.chmod(0o755)

    assert store.path.read_bytes() == old
    assert store.load().settings == CUSTOM


@pytest.mark.skipif(resource is None, reason="needs RLIMIT_FSIZE (POSIX)")
def test_disk_full_mid_save_keeps_the_old_file(store: SettingsStore) -> None:
    store.save(CUSTOM)
    old = store.path.read_bytes()
    assert resource is not None
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    # Files may not grow past 16 bytes: the write stops part-way, as on a full disk.
    resource.setrlimit(resource.RLIMIT_FSIZE, (16, hard))
    try:
        with pytest.raises(HearthError, match="previous settings are unchanged"):
            store.save(Settings())
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))

    assert store.path.read_bytes() == old
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["settings.json"]
