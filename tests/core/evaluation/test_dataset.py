"""Reading labelled data for `hearth eval`: bad lines, unknown labels, a single class and too few
rows are named, never a crash or a silent figure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hearth.core.errors import UsageError
from hearth.core.evaluation.dataset import MIN_ROWS, read_labelled, read_unlabelled


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _rows(n: int, labels: tuple[str, ...] = ("spam", "ham")) -> list[str]:
    return [json.dumps({"text": f"text {i}", "label": labels[i % len(labels)]}) for i in range(n)]


def test_bad_lines_are_skipped_and_named(tmp_path: Path) -> None:
    lines = _rows(12)
    lines[1] = "not json"
    lines[4] = json.dumps({"label": "spam"})  # no text
    lines[6] = json.dumps({"text": "   ", "label": "ham"})  # empty text
    lines[8] = json.dumps(["a", "list"])
    data = read_labelled(_write(tmp_path / "d.jsonl", [*lines, *_rows(4)]))
    assert len(data.rows) == 12
    assert data.labels == ("spam", "ham")
    (warning,) = data.warnings
    assert "skipped 4 line(s)" in warning
    assert "lines 2, 5, 7, 9" in warning


def test_labels_not_in_the_given_set_are_named(tmp_path: Path) -> None:
    lines = [*_rows(12), json.dumps({"text": "x", "label": "eggs"})]
    data = read_labelled(_write(tmp_path / "d.jsonl", lines), ["Spam", "ham"])
    assert len(data.rows) == 12
    assert {row.label for row in data.rows} == {"Spam", "ham"}  # as the label set spells them
    assert any("line 13" in w and "not one of Spam, ham" in w for w in data.warnings)


def test_a_label_of_the_set_no_row_has_is_a_warning(tmp_path: Path) -> None:
    data = read_labelled(_write(tmp_path / "d.jsonl", _rows(12)), ["spam", "ham", "phishing"])
    assert any("no row has the label(s) phishing" in w for w in data.warnings)


def test_a_single_class_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="every usable row has the label 'spam'"):
        read_labelled(_write(tmp_path / "d.jsonl", _rows(12, ("spam",))))


def test_fewer_than_ten_rows_is_an_error_naming_the_count(tmp_path: Path) -> None:
    lines = [*_rows(MIN_ROWS - 1), "{broken"]
    with pytest.raises(UsageError, match=f"has {MIN_ROWS - 1} usable row"):
        read_labelled(_write(tmp_path / "d.jsonl", lines))
    with pytest.raises(UsageError, match="has 3 usable row"):
        read_unlabelled(_write(tmp_path / "u.jsonl", ['{"text": "a"}'] * 3))


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        read_labelled(tmp_path / "nowhere.jsonl")


def test_extraction_rows_need_their_expected_object(tmp_path: Path) -> None:
    lines = [json.dumps({"text": f"t{i}", "expected": {"name": "A"}}) for i in range(10)]
    lines.append(json.dumps({"text": "no expected"}))
    rows, warnings = read_unlabelled(_write(tmp_path / "e.jsonl", lines), need="expected")
    assert len(rows) == 10
    assert rows[0].expected == {"name": "A"}
    assert "line 11" in warnings[0]
