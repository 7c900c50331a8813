"""A proofread that changed most of the words rewrote rather than corrected."""

from __future__ import annotations

from hearth.core.quality.rewriting import REWROTE_SHARE, changed_share, rewrote

EMAIL = "Hi Tom, i recieved you're invoice yesterday but the amount seem wrong. Can you check it?"


def test_a_correction_changes_few_words() -> None:
    fixed = (
        "Hi Tom, I received your invoice yesterday, but the amount seems wrong. Can you check it?"
    )
    assert changed_share(EMAIL, fixed) < REWROTE_SHARE
    assert not rewrote(EMAIL, fixed)


def test_an_answer_to_the_email_is_a_rewrite() -> None:
    reply = (
        "Dear Tom, thank you for your message. I will look into the invoice and get back to you."
    )
    assert rewrote(EMAIL, reply)


def test_an_identical_text_changed_nothing_and_an_empty_one_everything() -> None:
    assert changed_share(EMAIL, EMAIL) == 0.0
    assert changed_share(EMAIL, "") == 1.0
    assert changed_share("", "") == 0.0
