"""Tests for where Hearth keeps its files: HEARTH_HOME, else the platform's conventions."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
import pytest

from hearth.core.paths import APP_NAME, HOME_ENV, Paths


def test_app_name_and_variable() -> None:
    assert APP_NAME == "Hearth"
    assert HOME_ENV == "HEARTH_HOME"


def test_hearth_home_holds_every_folder(tmp_path: Path) -> None:
    home = tmp_path / "portable"

    paths = Paths.from_environment({"HEARTH_HOME": str(home)})

    assert paths.config_dir == home / "config"
    assert paths.data_dir == home / "data"
    assert paths.cache_dir == home / "cache"
    assert paths.log_dir == home / "logs"
    assert paths.settings_file == home / "config" / "settings.json"
    assert paths.models_dir == home / "data" / "models"
    for value in paths.as_dict().values():
        assert Path(value).is_relative_to(home)


def test_hearth_home_creates_nothing(tmp_path: Path) -> None:
    home = tmp_path / "portable"

    Paths.from_environment({"HEARTH_HOME": str(home)})

    assert not home.exists()


def test_the_process_environment_is_used_by_default(hearth_home: Path) -> None:
    paths = Paths.from_environment()

    assert paths == Paths.under(hearth_home.resolve())
    assert os.environ["HEARTH_HOME"] == str(hearth_home)


def test_a_relative_hearth_home_is_made_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    paths = Paths.from_environment({"HEARTH_HOME": "rel/home"})

    assert paths.config_dir == tmp_path.resolve() / "rel" / "home" / "config"
    assert paths.config_dir.is_absolute()


def test_a_tilde_in_hearth_home_is_expanded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))

    paths = Paths.from_environment({"HEARTH_HOME": "~/hh"})

    assert paths.data_dir == tmp_path.resolve() / "hh" / "data"


def platform_paths() -> Paths:
    return Paths(
        config_dir=Path(platformdirs.user_config_dir("Hearth", appauthor=False)),
        data_dir=Path(platformdirs.user_data_dir("Hearth", appauthor=False)),
        cache_dir=Path(platformdirs.user_cache_dir("Hearth", appauthor=False)),
        log_dir=Path(platformdirs.user_log_dir("Hearth", appauthor=False)),
    )


@pytest.mark.parametrize("environ", [{}, {"HEARTH_HOME": ""}, {"HEARTH_HOME": "   "}])
def test_without_hearth_home_platformdirs_decides(
    environ: dict[str, str], hearth_home: Path
) -> None:
    paths = Paths.from_environment(environ)

    assert paths == platform_paths()
    for folder in (paths.config_dir, paths.data_dir, paths.cache_dir):
        assert folder.name == "Hearth"
    # Some platforms put logs in a "log"/"Logs" folder inside the app's own.
    assert "Hearth" in paths.log_dir.parts
    for value in paths.as_dict().values():
        assert not Path(value).is_relative_to(hearth_home)


def test_without_hearth_home_nothing_is_created(tmp_path: Path) -> None:
    before = set(tmp_path.iterdir())

    Paths.from_environment({})

    assert set(tmp_path.iterdir()) == before


def test_as_dict_names_every_place(tmp_path: Path) -> None:
    paths = Paths.under(tmp_path)

    assert paths.as_dict() == {
        "config": str(tmp_path / "config"),
        "data": str(tmp_path / "data"),
        "cache": str(tmp_path / "cache"),
        "logs": str(tmp_path / "logs"),
        "settings_file": str(tmp_path / "config" / "settings.json"),
        "models": str(tmp_path / "data" / "models"),
    }
