"""The cloud fields of the settings: validated like the others, written only once set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hearth.core.settings import PRIVACY_FIELDS, Settings, SettingsStore

CLOUD = Settings(
    cloud_preset="openrouter",
    cloud_base_url="https://openrouter.ai/api/v1",
    cloud_model="openai/gpt-4o-mini",
    cloud_task_policies={"classify": "auto", "rewrite": "never"},
    cloud_auto_threshold=0.55,
    cloud_connect_timeout_s=5.0,
    cloud_read_timeout_s=120.0,
    cloud_prices={"my-model": {"input": 1.0, "output": 2.5}},
    redaction_names=("Ada Lovelace", "Acme Corp"),
)


@pytest.fixture
def store(tmp_path: Path) -> SettingsStore:
    return SettingsStore(tmp_path / "settings.json")


def test_cloud_settings_round_trip(store: SettingsStore) -> None:
    store.save(CLOUD)
    loaded = store.load()
    assert loaded.settings == CLOUD
    assert loaded.problems == ()
    assert hash(loaded.settings) == hash(CLOUD)


def test_untouched_cloud_fields_are_not_written(store: SettingsStore) -> None:
    store.save(Settings(cloud_model="m"))
    raw = json.loads(store.path.read_bytes())
    assert raw["cloud_model"] == "m"
    for name in ("cloud_preset", "cloud_prices", "cloud_auto_threshold", "redaction_names"):
        assert name not in raw


def test_json_numbers_and_lists_load_as_the_field_types(store: SettingsStore) -> None:
    store.path.write_text(
        json.dumps({"cloud_auto_threshold": 1, "redaction_names": ["Bo"], "cloud_prices":
                    {"m": {"input": 1, "output": 0}}})
    )  # fmt: skip
    settings = store.load().settings
    assert settings.cloud_auto_threshold == 1.0
    assert isinstance(settings.cloud_auto_threshold, float)
    assert settings.redaction_names == ("Bo",)
    assert settings.cloud_prices == {"m": {"input": 1.0, "output": 0.0}}


@pytest.mark.parametrize(
    ("name", "bad"),
    [
        ("cloud_preset", "openia"),
        ("cloud_base_url", "ftp://x.test"),
        ("cloud_base_url", "https://user:pw@x.test/v1"),
        ("cloud_model", ""),
        ("cloud_model", "two\nlines"),
        ("cloud_task_policies", {"classify": "sometimes"}),
        ("cloud_task_policies", ["classify"]),
        ("cloud_auto_threshold", 1.5),
        ("cloud_auto_threshold", True),
        ("cloud_read_timeout_s", 0),
        ("cloud_prices", {"m": {"input": -1, "output": 1}}),
        ("cloud_prices", {"m": {"input": 1}}),
        ("redaction_names", "Ada"),
        ("redaction_names", ["", "Bo"]),
    ],
)
def test_an_invalid_cloud_value_falls_back_alone_or_fails_closed(
    store: SettingsStore, name: str, bad: object
) -> None:
    good = json.loads(CLOUD.to_json())
    store.path.write_text(json.dumps({**good, name: bad}))

    loaded = store.load()

    assert f"'{name}'" in loaded.problems[0]
    if name in PRIVACY_FIELDS:
        # A privacy value Hearth cannot read fails closed: nothing may leave the device.
        assert loaded.settings.air_gapped
        assert loaded.settings.cloud_policy == "never"
        assert any("air-gapped" in problem for problem in loaded.problems)
    else:
        assert getattr(loaded.settings, name) == getattr(Settings(), name)
        assert len(loaded.problems) == 1
        assert loaded.settings.cloud_policy == CLOUD.cloud_policy
    with pytest.raises(ValueError, match=name):
        CLOUD.replace(**{name: bad})


def test_replace_normalises_lists_to_tuples() -> None:
    assert Settings().replace(redaction_names=["A", "B"]).redaction_names == ("A", "B")
