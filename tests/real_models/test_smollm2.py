"""What a real model must get right that structure alone cannot show (SmolLM2-135M-Instruct).

Properties, not wording: a 135M model's sentences change with any prompt edit."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from hearth.core.engine.client import EngineClient
from hearth.core.evaluation.classification import evaluate
from hearth.core.evaluation.mode_choice import noise_of
from hearth.core.quality.assess import assess
from hearth.core.quality.facts import added_facts, normalise_text
from hearth.core.quality.grounding import ungrounded
from hearth.core.quality.language import detect_language
from hearth.core.tasks.catalog import task_catalog
from hearth.core.tasks.classify import DEFAULT_CALIBRATION, Classify
from hearth.core.tasks.labels import parse_labels
from hearth.core.tasks.task import TaskSink
from tests.test_cli import hearth

DATA = Path(__file__).parents[1] / "data"
TICKET = (
    "Hello, my name is Dana Whitfield. The invoice INV-2291 from 4 June charged me $89.90 "
    "twice for the same order. Please refund one payment to my card ending in 4417. You can "
    "reach me at dana.whitfield@example.org. Thanks!"
)


def _rows(name: str, limit: int) -> list[dict[str, str]]:
    lines = (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines[:limit]]


def test_the_chat_template_renders_and_the_summary_is_in_the_texts_language(
    smollm2: EngineClient,
) -> None:
    result = task_catalog()["summarize"].run(TICKET, {"style": "summary"}, smollm2, TaskSink())
    assert isinstance(result.output, str)
    assert len(result.output.split()) >= 3
    assert detect_language(result.output) == "en"
    assert not result.output.lower().startswith("text to summarize")


def test_extraction_is_deterministic_and_flags_exactly_what_the_text_lacks(
    smollm2: EngineClient,
) -> None:
    extract = task_catalog()["extract"]
    first = extract.run(TICKET, {"schema": "contact"}, smollm2, TaskSink())
    second = extract.run(TICKET, {"schema": "contact"}, smollm2, TaskSink())
    assert first.output == second.output  # greedy decoding: the same answer every time
    paths = ungrounded(TICKET, first.output)
    assert assess("extract", TICKET, {}, first.output).ungrounded == tuple(paths)
    plain = normalise_text(TICKET)
    words = set(re.findall(r"\w+", plain))
    for key, value in _strings(first.output):
        if f"$.{key}" in paths:
            assert normalise_text(value) not in plain, (key, value)  # no false alarm
        else:
            assert set(re.findall(r"\w+", normalise_text(value))) <= words, (key, value)


def test_every_new_number_in_a_rewrite_is_reported(smollm2: EngineClient) -> None:
    result = task_catalog()["rewrite"].run(TICKET, {"style": "concise"}, smollm2, TaskSink())
    output = str(result.output)
    added = added_facts(TICKET, output)
    source_digits = set(re.findall(r"\d+", TICKET))
    for run in re.findall(r"\d+", output):
        if run not in source_digits:
            assert any(run in fact for fact in added), (run, added, output)


ROWS = 40  # of an easy two-label set: enough to tell 0.75 from chance, seconds to score


def test_classification_beats_chance_and_calibration_does_not_make_it_worse(
    smollm2: EngineClient,
) -> None:
    """The default classification (docs/quality.md) on Yelp sentiment: above chance by more
    than the noise, its probabilities honest (ECE), and no worse than no calibration."""
    rows = _rows("sentiment_yelp", ROWS)
    names = ["positive", "negative"]
    task = Classify()
    results = [task.run(r["text"], {"labels": names}, smollm2, TaskSink()) for r in rows]
    assert {r.details["form"] for r in results} == {"names"}
    raws = [[r.details["raw_labels"][n] for n in names] for r in results]
    gold = [r["label"] for r in rows]
    bias = task.content_free_bias(parse_labels(names), smollm2, form="names")
    reports = {m.mode: m for m in evaluate(gold, raws, names, bias)}
    default, none = reports[DEFAULT_CALIBRATION], reports["none"]
    noise = noise_of(none.accuracy, len(rows))
    right = sum(r.output == g for r, g in zip(results, gold, strict=True)) / len(rows)
    assert right == pytest.approx(default.accuracy)  # the app's answers are the default mode's
    assert default.accuracy > 0.5 + 2 * noise
    assert default.accuracy >= none.accuracy - noise
    assert default.ece is not None
    assert none.ece is not None
    assert default.ece <= none.ece + noise
    assert default.ece <= 0.15  # docs/quality.md has the figures on 80 rows


def _strings(value: Any) -> list[tuple[str, str]]:
    if not isinstance(value, dict):
        return []
    return [(k, v) for k, v in value.items() if isinstance(v, str) and v.strip()]


def test_a_proofread_speculates_by_default_and_gives_the_plain_text(
    smollm2_path: Path, tmp_path: Path
) -> None:
    # `hearth run rewrite` (proofread: greedy) drafts from the text; --no-speculative is the
    # plain decoding it must match, word for word.
    text = tmp_path / "note.txt"
    text.write_text(
        "Their going to the libary tomorow to returne the books they borrowed last week.",
        encoding="utf-8",
    )
    args = ("run", "rewrite", "--model", str(smollm2_path), "--input", str(text), "--json")
    fast, plain = hearth(*args), hearth(*args, "--no-speculative")
    assert fast.returncode == 0, fast.stderr
    assert plain.returncode == 0, plain.stderr
    fast_json, plain_json = json.loads(fast.stdout), json.loads(plain.stdout)
    assert fast_json["output"] == plain_json["output"]
    assert fast_json["timings"]["accepted_draft_tokens"] > 0
    assert plain_json["timings"]["draft_tokens"] == 0
