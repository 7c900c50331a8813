"""Calibration maths on synthetic scores, and the store of calibrated thresholds."""

from __future__ import annotations

import json
import math
import random
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hearth.core.evaluation.calibration import (
    Scored,
    accuracy,
    expected_calibration_error,
    recommend_threshold,
    reliability_table,
)
from hearth.core.routing.policy import Action, CloudPolicy, RoutingPolicy, decide
from hearth.core.routing.threshold_store import (
    StoredThreshold,
    ThresholdStore,
    threshold_key,
)
from hearth.core.tasks.labels import Label


def synthetic(n: int, seed: int, hit_rate: float = 1.0) -> list[Scored]:
    """Confidences uniform in 0..1; each answer right with probability confidence*hit_rate:
    hit_rate 1 is a calibrated model, below 1 an overconfident one."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        confidence = rng.random()
        out.append(Scored(confidence, rng.random() < confidence * hit_rate))
    return out


# -- reliability table and ECE --------------------------------------------------------------


def test_the_table_bins_every_example_once() -> None:
    scored = [Scored(0.0, True), Scored(0.05, False), Scored(0.5, True), Scored(1.0, True)]
    table = reliability_table(scored, bins=10)
    assert len(table) == 10
    assert sum(b.count for b in table) == 4
    assert (table[0].lower, table[0].upper) == (0.0, 0.1)
    assert (table[-1].lower, table[-1].upper) == (0.9, 1.0)
    assert table[0].count == 2
    assert table[0].accuracy == 0.5
    assert table[0].mean_confidence == pytest.approx(0.025)
    assert table[5].count == 1
    assert table[-1].count == 1  # 1.0 belongs to the last bin, not one past it
    assert table[3].accuracy is None  # empty: no accuracy to speak of
    assert table[3].mean_confidence is None


def test_a_calibrated_model_has_a_small_ece() -> None:
    ece = expected_calibration_error(reliability_table(synthetic(20_000, seed=1)))
    assert ece is not None
    assert ece < 0.02


def test_an_overconfident_model_has_the_gap_it_was_built_with() -> None:
    # Right half as often as it claims: the gap is confidence/2, on average 1/4.
    ece = expected_calibration_error(reliability_table(synthetic(20_000, seed=2, hit_rate=0.5)))
    assert ece == pytest.approx(0.25, abs=0.02)


def test_ece_by_hand() -> None:
    scored = [Scored(0.15, True), Scored(0.15, False), Scored(0.95, True), Scored(0.95, True)]
    # Bin 0.1-0.2: accuracy 0.5 at 0.15 -> gap 0.35; bin 0.9-1.0: accuracy 1 at 0.95 -> 0.05.
    ece = expected_calibration_error(reliability_table(scored))
    assert ece == pytest.approx(0.5 * 0.35 + 0.5 * 0.05)


def test_no_examples_no_ece() -> None:
    assert expected_calibration_error(reliability_table([])) is None
    assert accuracy([]) is None


def test_non_finite_confidence_counts_as_none() -> None:
    table = reliability_table([Scored(math.nan, True), Scored(math.inf, False)])
    assert table[0].count == 2


# -- the recommended threshold -------------------------------------------------------------


def test_the_lowest_threshold_that_reaches_the_target() -> None:
    right = [(0.9, True), (0.8, True), (0.7, False), (0.6, True), (0.5, True), (0.4, False)]
    scored = [Scored(c, ok) for c, ok in [*right, (0.3, False)]]
    choice = recommend_threshold(scored, target=0.8)
    # Kept from the top: 1/1, 2/2, 2/3, 3/4, 4/5 (reaches 0.8), 4/6, 4/7.
    assert choice.reached
    assert choice.threshold == 0.5
    assert choice.kept == 5
    assert choice.accuracy_on_device == pytest.approx(0.8)
    assert choice.share_on_device == pytest.approx(5 / 7)


def test_ties_stay_together() -> None:
    # Both answers at 0.6 stay or go together: the policy keeps every confidence >= threshold.
    scored = [Scored(0.9, True), Scored(0.6, True), Scored(0.6, False), Scored(0.2, False)]
    choice = recommend_threshold(scored, target=0.75)
    assert choice.threshold == 0.9
    assert choice.kept == 1
    choice = recommend_threshold(scored, target=2 / 3)
    assert (choice.threshold, choice.kept) == (0.6, 3)


def test_a_target_out_of_reach_sends_everything_to_the_cloud() -> None:
    choice = recommend_threshold([Scored(0.9, False), Scored(0.4, False)], target=0.5)
    assert not choice.reached
    assert choice.threshold == 1.0
    assert choice.share_on_device == 0.0
    assert choice.accuracy_on_device is None


def test_an_always_right_model_keeps_everything() -> None:
    choice = recommend_threshold([Scored(c / 10, True) for c in range(10)], target=1.0)
    assert (choice.threshold, choice.share_on_device, choice.reached) == (0.0, 1.0, True)


@pytest.mark.parametrize("target", [0.0, -0.1, 1.01, math.nan])
def test_a_target_must_be_an_accuracy(target: float) -> None:
    with pytest.raises(ValueError, match="target"):
        recommend_threshold([Scored(0.5, True)], target)


def test_no_examples_no_threshold() -> None:
    with pytest.raises(ValueError, match="no examples"):
        recommend_threshold([], 0.9)


@given(
    st.lists(
        st.tuples(st.integers(0, 20).map(lambda i: i / 20), st.booleans()),
        min_size=1,
        max_size=40,
    ),
    st.sampled_from([0.5, 0.75, 0.9, 1.0]),
)
def test_no_lower_threshold_would_reach_the_target(
    pairs: list[tuple[float, bool]], target: float
) -> None:
    """Against brute force: every candidate threshold, with the policy's own decision."""
    scored = [Scored(c, ok) for c, ok in pairs]
    choice = recommend_threshold(scored, target)
    policy = RoutingPolicy(CloudPolicy.AUTO)

    def kept_at(threshold: float) -> list[Scored]:
        return [
            s
            for s in scored
            if decide(
                policy,
                "classify",
                s.confidence,
                threshold,
                air_gapped=False,
                provider_configured=True,
                headless=True,
            ).action
            is Action.LOCAL
        ]

    kept = kept_at(choice.threshold)
    assert len(kept) == choice.kept
    assert choice.share_on_device == pytest.approx(len(kept) / len(scored))
    reaching = [
        t
        for t in sorted({s.confidence for s in scored})
        if (a := accuracy(kept_at(t))) is not None and a >= target - 1e-12
    ]
    if reaching:
        assert choice.reached
        assert choice.threshold == min(reaching)
        assert choice.accuracy_on_device is not None
        assert choice.accuracy_on_device >= target - 1e-12
    else:
        assert not choice.reached


# -- the store -----------------------------------------------------------------------------


def stored(threshold: float = 0.42) -> StoredThreshold:
    return StoredThreshold(
        threshold=threshold,
        target=0.9,
        reached=True,
        share_on_device=0.6,
        examples=50,
        accuracy=0.8,
        labels=("spam", "ham"),
        model="/models/tiny.gguf",
        contextual=True,
        time="2026-01-01T00:00:00+00:00",
    )


LABELS = [Label("spam"), Label("ham")]


def test_a_threshold_round_trips(tmp_path: Path) -> None:
    store = ThresholdStore(tmp_path / "data" / "thresholds.json")
    key = threshold_key(LABELS, Path("/models/tiny.gguf"), contextual=True)
    assert store.get(key) is None
    store.put(key, stored())
    again = ThresholdStore(store.path)
    assert again.get(key) == stored()
    assert again.problems == []
    store.put(key, stored(0.1))  # calibrating again replaces it
    assert ThresholdStore(store.path).get(key) == stored(0.1)


def test_the_key_follows_labels_model_and_contextual_calibration() -> None:
    model = Path("/models/tiny.gguf")
    base = threshold_key(LABELS, model, contextual=True)
    assert threshold_key([Label("spam"), Label("ham")], model, contextual=True) == base
    others = {
        threshold_key([Label("ham"), Label("spam")], model, contextual=True),  # other letters
        threshold_key([Label("spam", "junk mail"), Label("ham")], model, contextual=True),
        threshold_key(LABELS, Path("/models/other.gguf"), contextual=True),
        threshold_key(LABELS, model, contextual=False),
    }
    assert base not in others
    assert len(others) == 4


def test_a_damaged_file_is_kept_aside_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "thresholds.json"
    path.write_text("{not json")
    store = ThresholdStore(path)
    assert store.get("any") is None
    assert "damaged" in store.problems[0]
    assert path.with_name("thresholds.json.bak").read_text() == "{not json"
    store.put("k", stored())
    assert ThresholdStore(path).get("k") == stored()


def test_an_entry_this_version_cannot_read_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "thresholds.json"
    entry = stored().to_json()
    bad = {**entry, "threshold": 7}
    partial = {k: v for k, v in entry.items() if k != "labels"}
    path.write_text(json.dumps({"version": 1, "thresholds": {"a": bad, "b": partial, "c": entry}}))
    store = ThresholdStore(path)
    assert store.get("a") is None
    assert store.get("b") is None
    assert store.get("c") == stored()


def test_the_key_names_the_calibration_mode_and_old_keys_still_match() -> None:
    model = Path("/models/tiny.gguf")
    assert threshold_key(LABELS, model, mode="contextual") == threshold_key(
        LABELS, model, contextual=True
    )
    assert threshold_key(LABELS, model, mode="none") == threshold_key(
        LABELS, model, contextual=False
    )
    keys = {threshold_key(LABELS, model, mode=m) for m in ("none", "batch", "contextual")}
    assert len(keys) == 3
    with pytest.raises(ValueError, match="mode"):
        threshold_key(LABELS, model)


def test_the_stored_mode_and_its_reason_round_trip_and_old_entries_read(tmp_path: Path) -> None:
    store = ThresholdStore(tmp_path / "thresholds.json")
    key = threshold_key(LABELS, Path("/models/tiny.gguf"), mode="batch")
    chosen = replace(stored(), contextual=False, mode="batch", reason="batch: more accurate")
    store.put(key, chosen)
    again = ThresholdStore(store.path).get(key)
    assert again == chosen
    assert again is not None
    assert again.calibration == "batch"
    old = {k: v for k, v in stored().to_json().items() if k not in ("mode", "reason")}
    read = StoredThreshold.from_json(old)
    assert read is not None
    assert read.calibration == "contextual"


def test_names_get_their_own_key_and_letters_keep_the_old_one() -> None:
    model = Path("/models/tiny.gguf")
    letters = threshold_key(LABELS, model, mode="none", form="letters")
    assert letters == threshold_key(LABELS, model, contextual=False)
    assert threshold_key(LABELS, model, mode="none", form="names") == f"{letters}|names"
