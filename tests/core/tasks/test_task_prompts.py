"""Prompt construction of summarize, rewrite and extract, and the shared input check."""

from __future__ import annotations

import json

import pytest

from hearth.core.errors import UsageError
from hearth.core.tasks import extract, rewrite, summarize
from hearth.core.tasks.extract import Extract
from hearth.core.tasks.rewrite import Rewrite
from hearth.core.tasks.schemas import BUILT_IN
from hearth.core.tasks.summarize import Summarize
from hearth.core.tasks.task import clean_input

TEXT = "The quarterly meeting moved from Tuesday to Thursday at 3 pm in room B12."

# -- summarize ---------------------------------------------------------------------------------


@pytest.mark.parametrize("style", list(summarize.STYLES))
def test_summarize_puts_instructions_first_and_the_text_last(style: str) -> None:
    request = Summarize().build_request(TEXT, style)
    assert [m.role for m in request.messages] == ["system", "user"]
    system, user = (m.content for m in request.messages)
    assert system.startswith(summarize.SYSTEM)
    assert summarize.STYLES[style] in system
    assert TEXT in user
    assert TEXT not in system
    assert request.logprobs is True


@pytest.mark.parametrize("style", ["key-points", "list", "table"])
def test_summarize_shapes_are_enforced_by_a_grammar(style: str) -> None:
    grammar = Summarize().build_request(TEXT, style).grammar
    assert grammar is not None
    assert grammar.startswith("root ::= ")
    assert grammar == summarize.GRAMMARS[style]


def test_a_prose_summary_has_no_grammar() -> None:
    assert Summarize().build_request(TEXT, "summary").grammar is None


def test_each_summarize_grammar_promises_its_shape() -> None:
    assert '"- "' in summarize.GRAMMARS["key-points"]
    assert '". "' in summarize.GRAMMARS["list"]
    table = summarize.GRAMMARS["table"]
    assert "sep" in table
    assert '"|"' in table


def test_every_summarize_style_has_different_instructions() -> None:
    systems = {Summarize().build_request(TEXT, s).messages[0].content for s in summarize.STYLES}
    assert len(systems) == len(summarize.STYLES)


def test_summarize_instructions_do_not_depend_on_the_text() -> None:
    first = Summarize().build_request("One text.", "key-points")
    second = Summarize().build_request("Another, longer text.", "key-points")
    assert first.messages[0] == second.messages[0]


def test_summarize_styles_are_the_documented_ones() -> None:
    assert list(summarize.STYLES) == ["summary", "key-points", "list", "table"]
    (option,) = Summarize.options
    assert option.choices == tuple(summarize.STYLES)
    assert option.default == "summary"


# -- rewrite -----------------------------------------------------------------------------------


@pytest.mark.parametrize("style", list(rewrite.STYLES))
def test_rewrite_puts_the_instruction_first_and_the_text_last(style: str) -> None:
    request = Rewrite().build_request(TEXT, rewrite.STYLES[style])
    assert [m.role for m in request.messages] == ["system", "user"]
    system, user = (m.content for m in request.messages)
    assert system.startswith(rewrite.SYSTEM)
    assert system.endswith(rewrite.STYLES[style])
    assert TEXT in user
    assert TEXT not in system
    assert request.logprobs is True


def test_rewrite_asks_to_keep_protected_spans_and_the_language() -> None:
    system = Rewrite().build_request(TEXT, "Be brief.").messages[0].content
    for phrase in ("code", "quoted text", "URLs", "numbers", "language of the text"):
        assert phrase in system


def test_rewrite_passes_max_tokens_through() -> None:
    assert Rewrite().build_request(TEXT, "Be brief.", max_tokens=77).max_tokens == 77


def test_a_refinement_continues_the_conversation() -> None:
    previous = "The meeting is now on Thursday at 3 pm in room B12."
    request = Rewrite().build_request(
        TEXT, rewrite.STYLES["friendly"], previous=previous, follow_up="  warmer  "
    )
    roles = [m.role for m in request.messages]
    assert roles == ["system", "user", "assistant", "user"]
    system, user, assistant, follow_up = (m.content for m in request.messages)
    assert rewrite.STYLES["friendly"] in system
    assert TEXT in user
    assert assistant == previous
    assert follow_up.startswith("warmer")
    assert TEXT not in follow_up


def test_a_refinement_keeps_the_first_turn_identical() -> None:
    plain = Rewrite().build_request(TEXT, rewrite.STYLES["concise"])
    refined = Rewrite().build_request(
        TEXT, rewrite.STYLES["concise"], previous="Meeting: Thu 3 pm, B12.", follow_up="shorter"
    )
    assert refined.messages[:2] == plain.messages


@pytest.mark.parametrize(
    ("previous", "follow_up"), [("Earlier result.", None), (None, "warmer"), (None, None)]
)
def test_without_both_halves_there_is_no_refinement(
    previous: str | None, follow_up: str | None
) -> None:
    request = Rewrite().build_request(TEXT, "Fix it.", previous=previous, follow_up=follow_up)
    assert [m.role for m in request.messages] == ["system", "user"]


def test_rewrite_styles_are_the_documented_ones() -> None:
    assert list(rewrite.STYLES) == ["proofread", "friendly", "professional", "concise"]


# -- extract -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(BUILT_IN))
def test_extract_constrains_decoding_to_the_schema(name: str) -> None:
    schema = BUILT_IN[name]
    request = Extract().build_request(TEXT, schema)
    assert request.json_schema == schema
    assert request.temperature == 0.0
    assert request.grammar is None
    assert request.logprobs is True


def test_extract_shows_the_schema_in_the_instructions_before_the_text() -> None:
    schema = {
        "type": "object",
        "properties": {"lieu": {"type": "string", "description": "où a lieu la réunion"}},
    }
    request = Extract().build_request(TEXT, schema)
    assert [m.role for m in request.messages] == ["system", "user"]
    system, user = (m.content for m in request.messages)
    assert system.startswith(extract.SYSTEM)
    assert json.dumps(schema, ensure_ascii=False) in system
    assert "où a lieu la réunion" in system
    assert TEXT in user
    assert TEXT not in system


def test_the_request_does_not_share_the_callers_schema_object() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    request = Extract().build_request(TEXT, schema)
    assert request.json_schema is not schema


# -- the input check ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", " ", "\n\n\t  \r\n", "\u3000\u00a0 "])
def test_empty_input_is_refused(text: str) -> None:
    with pytest.raises(UsageError, match="empty") as caught:
        clean_input(text)
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    "text",
    [
        "PK\x03\x04\x14\x00\x00\x00\x08\x00",
        "hello\x00world, an otherwise normal sentence",
        "\x00",
        "".join(chr(i) for i in range(1, 32) if chr(i) not in "\t\n\r\f") * 4,
        "\ufffd" * 40 + "abc",
        "ELF" + "\x01\x02\x03\x04\x05\x06\x07\x08" * 20 + "some readable text",
        "text \ufffd\ufffd \x07\x08 \ufffd\x1b\x0e junk",
    ],
)
def test_binary_input_is_refused(text: str) -> None:
    with pytest.raises(UsageError, match="binary") as caught:
        clean_input(text)
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("Hello.", "Hello."),
        ("  \n\tHello,\tworld.\n\nSecond paragraph.\r\n  ", "Hello,\tworld.\n\nSecond paragraph."),
        ("Name\tAge\nAna\t31\n", "Name\tAge\nAna\t31"),
        ("Page one.\fPage two.", "Page one.\fPage two."),
        ("日本語のテキスト。", "日本語のテキスト。"),
        ("Colour: \x1b[1mbold\x1b[0m in a log line that is mostly text.", None),
        ("One odd character \ufffd in a long enough line of ordinary words.", None),
    ],
)
def test_normal_text_passes_stripped(text: str, clean: str | None) -> None:
    assert clean_input(text) == (text.strip() if clean is None else clean)


def test_rewrite_keeps_a_first_line_that_is_the_users_own() -> None:
    from hearth.core.tasks.rewrite import _without_chatter

    source = "Here is my plan:\nwake up early\n"
    assert _without_chatter("Here is my plan:\nWake up early.", source).startswith("Here is")
    assert _without_chatter("Here is the text:\nWake up early.", "wake up early") == (
        "Wake up early."
    )
