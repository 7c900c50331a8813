"""Saved label sets: the Qt-free store, and the editor in the window."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hearth.core.errors import UsageError
from hearth.core.tasks.label_sets import (
    STARTER_SETS,
    LabelSetStore,
    label_lines,
    make_label_set,
    parse_label_lines,
)
from hearth.core.tasks.labels import Label
from hearth.gui.app import HearthApp


def test_lines_round_trip_names_descriptions_and_examples() -> None:
    labels = [
        Label("urgent", "needs action today", ("The server is down!", "Call me now")),
        Label("FYI"),
    ]
    text = label_lines(labels)
    assert text == "urgent: needs action today\n  e.g. The server is down!\n  e.g. Call me now\nFYI"
    assert parse_label_lines(text) == labels


def test_an_example_before_any_label_is_refused() -> None:
    with pytest.raises(UsageError, match="before any label"):
        parse_label_lines("  e.g. lonely\nspam\nham")


def test_store_starts_with_starter_sets_and_keeps_what_is_saved(tmp_path: Path) -> None:
    store = LabelSetStore(tmp_path / "sets.json")
    assert store.load().sets == STARTER_SETS
    mood = make_label_set("Mood", ["happy", "sad"])
    store.put(mood)
    assert [s.name for s in LabelSetStore(store.path).load().sets] == [
        *(s.name for s in STARTER_SETS),
        "Mood",
    ]
    renamed = make_label_set("Feelings", ["happy", "sad", "meh"])
    sets = store.put(renamed, replacing="Mood")
    assert [s.name for s in sets][-1] == "Feelings"
    assert "Mood" not in [s.name for s in store.delete("Sentiment")]
    assert json.loads(store.path.read_text())["version"] == 1


def test_a_damaged_file_is_set_aside_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "sets.json"
    path.write_text("{not json")
    loaded = LabelSetStore(path).load()
    assert loaded.sets == STARTER_SETS
    assert "damaged" in loaded.problems[0]
    assert (tmp_path / "sets.json.bak").read_text() == "{not json"


def test_an_invalid_set_is_skipped_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "sets.json"
    good = make_label_set("Good", ["a", "b"]).to_json()
    path.write_text(json.dumps({"version": 1, "sets": [good, {"name": "Bad", "labels": ["x"]}]}))
    loaded = LabelSetStore(path).load()
    assert [s.name for s in loaded.sets] == ["Good"]
    assert "at least 2 labels" in loaded.problems[0]


def test_editor_saves_a_new_set_that_the_next_session_sees(
    app: HearthApp, hearth_home: Path
) -> None:
    editor = app.window.options_panel.label_sets
    editor.labels_edit.setPlainText(
        "bug: something is broken\n  e.g. It crashes\nfeature\nquestion"
    )
    editor.save_as("Support")
    assert editor.set_box.currentText() == "Support"
    saved = LabelSetStore.in_folder(hearth_home / "data").load().sets
    support = next(s for s in saved if s.name == "Support")
    assert support.labels[0] == Label("bug", "something is broken", ("It crashes",))
    assert app.window.options_panel.options("classify")["labels"][2]["name"] == "question"


def test_editor_reports_bad_labels_in_the_banner(app: HearthApp) -> None:
    editor = app.window.options_panel.label_sets
    editor.labels_edit.setPlainText("only-one")
    editor.save_as("Tiny")
    assert app.window.banner.isVisible()
    assert "at least 2 labels" in app.window.banner.text()
    app.window.set_task("classify")
    app.window.run_task()
    assert app.window.run_button.isEnabled()


def test_deleting_a_set_shows_the_next(app: HearthApp) -> None:
    editor = app.window.options_panel.label_sets
    editor.delete_chosen()
    assert editor.set_box.currentText() == "Email triage"
    assert "urgent" in editor.labels_edit.toPlainText()
