"""`hearth calibrate` chooses the calibration mode by measurement and says why; the threshold is
stored for that mode, and `hearth run` finds it when it runs in that mode."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hearth.core.paths import Paths
from hearth.core.routing.threshold_store import threshold_path
from tests.test_cli_cloud import hearth_in_process as in_process

LABELS = "invoice,personal,spam"
TEXTS = {
    "invoice": ["Please pay invoice 12 by Friday.", "Your bill of 40 EUR is attached."],
    "personal": ["Dinner at mum's on Sunday?", "Happy birthday, Bo!"],
    "spam": ["You won a free cruise!!!", "Cheap pills, click here."],
}


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    path = tmp_path / "examples.jsonl"
    path.write_text(
        "".join(
            json.dumps({"text": text, "label": label}) + "\n"
            for label, some in TEXTS.items()
            for text in some
        )
    )
    return path


def test_the_mode_is_measured_chosen_and_explained(
    tiny_model: Path, examples: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = in_process(
        capsys, "calibrate", "--labels", LABELS, "--examples", str(examples),
        "--model", str(tiny_model), "--json",
    )  # fmt: skip
    assert code == 0, err
    report = json.loads(out)
    assert [m["mode"] for m in report["modes"]] == ["none", "batch", "contextual"]
    assert report["mode"] in ("none", "batch", "contextual")
    assert report["mode_reason"]
    # Six examples: the noise (one text in six) is larger than any gain, so none is kept.
    assert report["mode"] == "none"
    assert "noise" in report["mode_reason"]
    assert report["form"] == "names"  # within the noise of the letters: the default form
    assert set(report["forms"]) == {"names", "letters"}
    assert "noise" in report["form_reason"]
    assert report["stored_for"] == [{"form": "names", "mode": "none"}]
    assert report["run_flags"] == ""


def test_an_asked_mode_is_stored_as_that_mode_and_run_finds_it(
    tiny_model: Path,
    examples: Path,
    tmp_path: Path,
    hearth_home: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = in_process(
        capsys, "calibrate", "--labels", LABELS, "--examples", str(examples),
        "--model", str(tiny_model), "--calibrate", "batch", "--target", "0.5",
    )  # fmt: skip
    assert code == 0, err
    assert "--calibrate batch --cloud auto" in out
    stored = json.loads(threshold_path(Paths.under(hearth_home)).read_text())["thresholds"]
    ((key, entry),) = stored.items()
    assert "|batch|" in key
    assert entry["mode"] == "batch"
    assert entry["form"] == "names"
    text = tmp_path / "one.txt"
    text.write_text("Pay the invoice, please.")
    for calibrate, source in (("batch", "calibrated"), ("none", "settings")):
        code, out, err = in_process(
            capsys, "run", "classify", "--labels", LABELS, "--model", str(tiny_model),
            "--input", str(text), "--cloud", "auto", "--calibrate", calibrate, "--json",
        )  # fmt: skip
        assert code == 0, err
        assert json.loads(out)["threshold_source"] == source
