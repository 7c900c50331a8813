"""What an answer cannot vouch for is said where the answer is shown."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from hearth.core.answer import Answer, Flags, Timings
from hearth.gui.result_view import ResultView


def test_flags_are_shown_beside_the_answer_in_plain_words(qtbot: QtBot) -> None:
    view = ResultView()
    qtbot.addWidget(view)
    view.show()
    extracted = Answer(
        task="extract",
        output={"name": "Ana Lopez", "address": "Navel of the World"},
        route="local",
        model="m",
        confidence=0.01,
        timings=Timings(),
        flags=Flags(ungrounded=("$.address", "$.items[0].task")),
        data={"output": {"name": "Ana Lopez", "address": "Navel of the World"}},
    )
    view.show_answer(extracted, "Hi Sam, ... Ana Lopez")
    assert view.warnings.isVisible()
    assert "Not found in your text: address, items[0].task" in view.warnings.text()

    rewritten = Answer(
        task="rewrite",
        output="Call 415-555-0134.",
        route="local",
        model="m",
        confidence=0.2,
        timings=Timings(),
        flags=Flags(added_facts=("415-555-0134",), rewrote=True),
        data={"output": "Call 415-555-0134."},
    )
    view.show_answer(rewritten, "Please call me.")
    text = view.warnings.text()
    assert "415-555-0134" in text
    assert "rewrote rather than corrected" in text

    clean = Answer("rewrite", "Fine.", "local", "m", 0.9, Timings(), data={"output": "Fine."})
    view.show_answer(clean, "Fine.")
    assert not view.warnings.isVisible()
