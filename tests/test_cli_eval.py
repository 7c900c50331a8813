"""`hearth eval classify` end to end on the generated model: the JSON report has accuracy, ECE
and AUROC for every calibration mode, the files of --out are written, and bad data is one clear
error line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli_cloud import error_line
from tests.test_cli_cloud import hearth_in_process as in_process

TEXTS = {
    "spam": ["WIN a free cruise now!!!", "Cheap pills, click here", "You are our lucky winner"],
    "ham": ["Dinner at 7?", "The meeting moved to Monday.", "Can you send the report?"],
}


def _data(path: Path, rows: int = 12) -> Path:
    lines = []
    for i in range(rows):
        label = "spam" if i % 2 == 0 else "ham"
        lines.append(json.dumps({"text": TEXTS[label][i % 3], "label": label}))
    path.write_text("\n".join([*lines, "not json"]) + "\n")
    return path


def test_eval_classify_reports_accuracy_ece_and_auroc_for_every_mode(
    tiny_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _data(tmp_path / "spam.jsonl")
    out = tmp_path / "report"
    code, stdout, err = in_process(
        capsys, "eval", "classify", "--data", str(data), "--model", str(tiny_model),
        "--json", "--out", str(out),
    )  # fmt: skip
    assert code == 0, err
    report = json.loads(stdout)
    assert report["task"] == "classify"
    assert report["rows"] == 12
    assert report["labels"] == ["spam", "ham"]
    assert report["form"] == "names"  # spam and ham: distinct first words
    modes = {m["mode"]: m for m in report["modes"]}
    assert set(modes) == {"none", "batch", "contextual"}
    for m in modes.values():
        assert 0.0 <= m["accuracy"] <= 1.0
        assert 0.0 <= m["ece"] <= 1.0
        assert m["auroc"] is None or 0.0 <= m["auroc"] <= 1.0
        assert sum(map(sum, m["confusion"])) == 12
        assert sum(m["predicted"].values()) == 12
    assert any("line 13" in w for w in report["warnings"])  # the bad line, named
    assert "line 13" in err
    assert json.loads((out / "report.json").read_text())["rows"] == 12
    assert (out / "report.md").read_text().startswith("# hearth eval classify")
    assert (out / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("lines", "words"),
    [
        ([json.dumps({"text": "a", "label": "spam"})] * 12, "every usable row has the label"),
        ([json.dumps({"text": "a", "label": "spam"})] * 5, "has 5 usable row(s)"),
    ],
)
def test_eval_refuses_data_that_cannot_give_a_figure(
    lines: list[str], words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "bad.jsonl"
    data.write_text("\n".join(lines) + "\n")
    code, _, err = in_process(
        capsys, "eval", "classify", "--data", str(data), "--model", "/nowhere/none.gguf"
    )
    assert code == 2
    assert words in error_line(err)
