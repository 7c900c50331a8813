"""assess() flags what an answer cannot vouch for; penalised() makes auto mode escalate it."""

from __future__ import annotations

import pytest

from hearth.core.answer import Flags
from hearth.core.quality.assess import assess, penalised

TICKET = "My printer HP-2000 stopped printing on 3 May. Please call me back. Anna"


def test_a_rewrite_that_invents_a_phone_number_is_flagged() -> None:
    flags = assess(
        "rewrite",
        TICKET,
        {"style": "concise"},
        "Printer HP-2000 broken since 3 May; call Anna at 415-555-0134.",
    )
    assert flags.added_facts == ("415-555-0134",)
    assert not flags.rewrote


def test_a_fact_the_user_gave_in_the_instruction_is_not_added() -> None:
    options = {"style": "custom", "instruction": "Add my number 415-555-0134."}
    flags = assess("rewrite", TICKET, options, f"{TICKET} My number: +1 415 555 0134.")
    assert flags.added_facts == ()


def test_a_summary_that_echoes_its_label_is_flagged() -> None:
    flags = assess("summarize", TICKET, {}, "Text to summarize: Anna's printer is broken.")
    assert flags.echo_removed == "Text to summarize:"
    assert flags.added_facts == ()


def test_the_tasks_own_cleaning_is_reported() -> None:
    flags = assess("summarize", TICKET, {}, "A broken printer.", echo_removed="Summary:")
    assert flags.echo_removed == "Summary:"


def test_a_proofread_that_answers_the_mail_rewrote_it() -> None:
    reply = "Dear Anna, we are sorry about your printer and will call you back tomorrow."
    assert assess("rewrite", TICKET, {"style": "proofread"}, reply).rewrote
    fixed = TICKET.replace("stopped printing", "has stopped printing")
    assert not assess("rewrite", TICKET, {"style": "proofread"}, fixed).rewrote
    assert not assess("rewrite", TICKET, {"style": "friendly"}, reply).rewrote


def test_extraction_lists_ungrounded_paths() -> None:
    flags = assess("extract", TICKET, {}, {"name": "Anna", "address": "1 Main St"})
    assert flags.ungrounded == ("$.address",)


def test_classification_has_no_flags() -> None:
    assert not assess("classify", TICKET, {"labels": "a,b"}, "a").any


@pytest.mark.parametrize(
    "flags",
    [
        Flags(added_facts=("415-555-0134",)),
        Flags(ungrounded=("$.address",)),
        Flags(rewrote=True),
    ],
)
def test_each_serious_flag_takes_a_sure_answer_below_the_default_threshold(flags: Flags) -> None:
    lowered = penalised(0.99, flags)
    assert lowered is not None
    assert lowered < 0.7


def test_flags_lower_confidence_cumulatively_and_none_changes_nothing() -> None:
    one = penalised(0.9, Flags(echo_removed="Summary:"))
    two = penalised(0.9, Flags(echo_removed="Summary:", added_facts=("5",)))
    assert one is not None
    assert two is not None
    assert two < one < 0.9
    assert penalised(0.9, Flags()) == 0.9
    assert penalised(None, Flags()) is None
    assert penalised(None, Flags(rewrote=True)) == 0.5
