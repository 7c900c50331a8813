"""Tests for chat template rendering: real formats, sandboxing, runaway output, fallbacks."""

from __future__ import annotations

import datetime
import re

import pytest

from hearth.core.engine.chat_template import (
    FALLBACKS,
    MAX_RENDERED_CHARS,
    ChatTemplate,
    Message,
    choose_template,
    fold_system_into_user,
)
from hearth.core.errors import ChatTemplateError, ModelFileError
from tests.gguf_factory import CHATML_TEMPLATE

GEMMA_TEMPLATE = (
    "{{ bos_token }}"
    "{% for message in messages %}"
    "{% if message['role'] == 'system' %}{{ raise_exception('System role not supported') }}"
    "{% endif %}"
    "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}"
    "{% endif %}"
    "{% set role = 'model' if message['role'] == 'assistant' else message['role'] %}"
    "{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<start_of_turn>model\n' }}{% endif %}"
)

SYSTEM = Message("system", "You are terse.")
USER = Message("user", "Summarize: cats sleep a lot.")


def template(source: str, *, bos: str = "<s>", eos: str = "</s>") -> ChatTemplate:
    return ChatTemplate(source, bos_token=bos, eos_token=eos, origin="model")


def render(source: str, messages: list[Message] | None = None) -> str:
    return template(source).render(messages or [USER])


# --- real formats -----------------------------------------------------------------------------


def test_chatml_renders_system_user_and_the_generation_prompt() -> None:
    prompt = template(CHATML_TEMPLATE).render([SYSTEM, USER])

    assert prompt == (
        "<|im_start|>system\nYou are terse.<|im_end|>\n"
        "<|im_start|>user\nSummarize: cats sleep a lot.<|im_end|>\n"
        "<|im_start|>assistant\n"
    )


def test_without_the_generation_prompt_the_assistant_turn_is_not_opened() -> None:
    prompt = template(CHATML_TEMPLATE).render([SYSTEM, USER], add_generation_prompt=False)

    assert prompt.endswith("cats sleep a lot.<|im_end|>\n")
    assert "assistant" not in prompt


def test_a_multi_turn_conversation_keeps_its_order() -> None:
    messages = [
        SYSTEM,
        Message("user", "one"),
        Message("assistant", "two"),
        Message("user", "three"),
    ]

    prompt = template(CHATML_TEMPLATE).render(messages)

    roles = re.findall(r"<\|im_start\|>(\w+)\n", prompt)
    assert roles == ["system", "user", "assistant", "user", "assistant"]
    assert prompt.index("one") < prompt.index("two") < prompt.index("three")


def test_bos_and_eos_tokens_reach_the_template() -> None:
    prompt = template("{{ bos_token }}{{ messages[0].content }}{{ eos_token }}").render([USER])

    assert prompt == "<s>Summarize: cats sleep a lot.</s>"


def test_the_origin_is_kept_for_reports() -> None:
    chosen = ChatTemplate("x", bos_token="", eos_token="", origin="gemma")

    assert chosen.origin == "gemma"


def test_message_content_is_not_html_escaped() -> None:
    prompt = template(CHATML_TEMPLATE).render([Message("user", "<b>a & b</b> \"q\" 'x'")])

    assert "<b>a & b</b> \"q\" 'x'" in prompt


def test_message_as_dict() -> None:
    assert USER.as_dict() == {"role": "user", "content": "Summarize: cats sleep a lot."}


# --- a template that rejects the system role --------------------------------------------------


def test_gemma_style_template_gets_system_text_folded_into_the_first_user_turn() -> None:
    prompt = template(GEMMA_TEMPLATE).render([SYSTEM, USER])

    assert prompt == (
        "<s><start_of_turn>user\nYou are terse.\n\nSummarize: cats sleep a lot.<end_of_turn>\n"
        "<start_of_turn>model\n"
    )
    assert "system" not in prompt


def test_gemma_style_template_renders_plain_user_turns_unchanged() -> None:
    prompt = template(GEMMA_TEMPLATE).render([USER, Message("assistant", "ok"), USER])

    assert prompt.count("<start_of_turn>user\n") == 2
    assert "<start_of_turn>model\nok<end_of_turn>" in prompt


def test_a_template_error_without_a_system_turn_to_fold_is_reported() -> None:
    # Two user turns in a row: folding cannot help, so the template's own complaint surfaces.
    with pytest.raises(ChatTemplateError, match="roles must alternate"):
        template(GEMMA_TEMPLATE).render([USER, USER])


def test_a_template_that_always_raises_is_reported_after_folding() -> None:
    with pytest.raises(ChatTemplateError, match="no thanks"):
        template("{{ raise_exception('no thanks') }}").render([SYSTEM, USER])


# --- unsafe templates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{{ joiner.__init__.__globals__ }}",
        "{{ namespace.__init__.__globals__ }}",
        "{{ messages.__class__.__base__ }}",
        "{{ '{0.__class__.__base__}'.format(messages) }}",
        "{{ raise_exception.__globals__['os'] }}",
    ],
)
def test_unsafe_templates_are_blocked(source: str) -> None:
    with pytest.raises(ChatTemplateError, match="unsafe"):
        render(source)


@pytest.mark.parametrize(
    "source",
    [
        "{{ messages.__class__ }}",
        "{{ '{0.__class__}'.format(messages) }}",
        "{{ raise_exception.__globals__ }}",
        "{{ strftime_now.__code__ }}",
    ],
)
def test_a_single_unsafe_lookup_reveals_nothing(source: str) -> None:
    # The sandbox answers a lone unsafe attribute with an undefined value that prints as "".
    assert render("[" + source + "]") == "[]"


@pytest.mark.parametrize(
    "source",
    [
        "{% do messages.append({'role': 'user', 'content': 'x'}) %}",
        "{{ messages.append(1) }}",
        "{{ messages[0].update({'content': 'x'}) }}",
        "{{ messages.clear() }}",
    ],
)
def test_templates_cannot_change_the_messages(source: str) -> None:
    messages = [USER]

    with pytest.raises(ChatTemplateError):
        template(source).render(messages)

    assert messages == [USER]


def test_a_blocked_template_is_a_model_file_error() -> None:
    with pytest.raises(ModelFileError) as caught:
        render("{{ cycler.__init__.__globals__ }}")

    assert caught.value.exit_code == 3


# --- runaway output ---------------------------------------------------------------------------


def test_enormous_output_is_stopped_early() -> None:
    # 10^10 characters if left alone; the renderer gives up a little past its cap.
    source = "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}"

    with pytest.raises(ChatTemplateError, match="absurdly long"):
        render(source)


def test_output_just_under_the_cap_is_fine() -> None:
    source = "{% for i in range(100) %}{{ 'y' * 1000 }}{% endfor %}"

    assert len(render(source)) == 100_000 < MAX_RENDERED_CHARS


@pytest.mark.parametrize(
    "source",
    [
        "{{ 'x' * 10**10 }}",
        "{{ 10**10 * 'x' }}",
        "{% set n = 100000 * 100000 %}{{ 'x' * n }}",
        "{{ 'x' * (messages|length * 10000000000) }}",
        "{{ [1] * 10**9 }}",
        "{{ 9 ** (9 ** 9) }}",
        "{% set ns = namespace(v=3) %}{% for i in range(64) %}{% set ns.v = ns.v * ns.v %}"
        "{% endfor %}{{ ns.v }}",
    ],
)
def test_one_step_blowups_are_stopped_before_they_are_built(source: str) -> None:
    # Without a check on the operators these allocate gigabytes, or compute for hours,
    # before the output cap ever sees a character.
    with pytest.raises(ChatTemplateError, match="absurdly long"):
        render(source)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ 'ab' * 3 }}", "ababab"),
        ("{{ 3 * 'ab' }}", "ababab"),
        ("{{ 2 ** 10 }}", "1024"),
        ("{{ 6 * 7 }}", "42"),
        ("{{ 1.5 * 2 }}", "3.0"),
        ("{{ (-2) ** 3 }}", "-8"),
        ("{{ 2 ** -1 }}", "0.5"),
        ("{{ [0] * 3 }}", "[0, 0, 0]"),
        ("{{ '-' * -4 }}", ""),
        ("{{ '=' * (messages|length * 40) }}", "=" * 40),
    ],
)
def test_ordinary_arithmetic_still_works(source: str, expected: str) -> None:
    assert render(source) == expected


# --- broken templates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "{% for m in messages %}{{ m.content }}",
        "{% if %}",
        "{{ messages[0].content ",
        "{% endfor %}",
    ],
)
def test_a_syntax_error_is_reported_as_broken(source: str) -> None:
    with pytest.raises(ChatTemplateError, match="broken"):
        template(source)


def test_the_syntax_error_names_its_line() -> None:
    with pytest.raises(ChatTemplateError, match="line 3"):
        template("ok\nstill ok\n{% if %}")


@pytest.mark.parametrize(
    "source",
    [
        "{{ messages[0].content + 1 }}",
        "{{ 1 / 0 }}",
        "{% for i in range(1000000) %}{% endfor %}",
        "{{ missing.attribute }}",
        "{{ 2.0 ** 10000 }}",
    ],
)
def test_a_failing_template_is_a_chat_template_error(source: str) -> None:
    with pytest.raises(ChatTemplateError, match="template failed"):
        render(source)


# --- helpers a template may call --------------------------------------------------------------


def test_strftime_now_works_inside_a_template() -> None:
    before = datetime.datetime.now().date()

    prompt = render("Today is {{ strftime_now('%Y-%m-%d') }}.")

    after = datetime.datetime.now().date()
    match = re.fullmatch(r"Today is (\d{4}-\d{2}-\d{2})\.", prompt)
    assert match is not None
    assert before <= datetime.date.fromisoformat(match.group(1)) <= after


def test_strftime_now_takes_any_format() -> None:
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", render("{{ strftime_now('%d %B %Y') }}"))


# --- fold_system_into_user --------------------------------------------------------------------


def test_fold_puts_system_text_before_the_first_user_text() -> None:
    folded = fold_system_into_user([SYSTEM, USER, Message("user", "again")])

    assert folded == [
        Message("user", "You are terse.\n\nSummarize: cats sleep a lot."),
        Message("user", "again"),
    ]


def test_fold_joins_several_system_messages_in_order() -> None:
    messages = [
        Message("system", "First rule."),
        USER,
        Message("system", "Second rule."),
        Message("assistant", "ok"),
    ]

    folded = fold_system_into_user(messages)

    assert folded == [
        Message("user", "First rule.\n\nSecond rule.\n\nSummarize: cats sleep a lot."),
        Message("assistant", "ok"),
    ]


def test_fold_without_a_user_message_makes_the_system_text_one() -> None:
    folded = fold_system_into_user([SYSTEM, Message("assistant", "hello")])

    assert folded == [Message("user", "You are terse."), Message("assistant", "hello")]


def test_fold_of_only_a_system_message() -> None:
    assert fold_system_into_user([SYSTEM]) == [Message("user", "You are terse.")]


def test_fold_without_system_messages_changes_nothing() -> None:
    messages = [USER, Message("assistant", "ok")]

    folded = fold_system_into_user(messages)

    assert folded == messages
    assert folded is not messages


def test_fold_of_nothing_is_nothing() -> None:
    assert fold_system_into_user([]) == []


def test_fold_drops_empty_system_messages() -> None:
    assert fold_system_into_user([Message("system", ""), USER]) == [USER]


def test_fold_targets_the_first_user_even_after_an_assistant_turn() -> None:
    messages = [SYSTEM, Message("assistant", "hi"), USER]

    folded = fold_system_into_user(messages)

    assert folded == [
        Message("assistant", "hi"),
        Message("user", "You are terse.\n\nSummarize: cats sleep a lot."),
    ]


def test_fold_leaves_the_input_alone() -> None:
    messages = [SYSTEM, USER]

    fold_system_into_user(messages)

    assert messages == [SYSTEM, USER]


# --- choose_template --------------------------------------------------------------------------


def choose(source: str | None, tokens: set[str]) -> ChatTemplate:
    return choose_template(
        source,
        bos_token="<BOS>",
        eos_token="<EOS>",
        has_control_token=tokens.__contains__,
        model_name="Mystery 1B",
    )


def test_the_models_own_template_wins() -> None:
    chosen = choose("own:{{ messages[0].content }}", {"<|im_start|>", "<start_of_turn>"})

    assert chosen.origin == "model"
    assert chosen.render([USER]) == "own:Summarize: cats sleep a lot."


@pytest.mark.parametrize(
    ("marker", "name", "expected"),
    [
        (
            "<|im_start|>",
            "chatml",
            "<|im_start|>system\nYou are terse.<|im_end|>\n"
            "<|im_start|>user\nSummarize: cats sleep a lot.<|im_end|>\n<|im_start|>assistant\n",
        ),
        (
            "<|start_header_id|>",
            "llama-3",
            "<BOS><|start_header_id|>system<|end_header_id|>\n\nYou are terse.<|eot_id|>"
            "<|start_header_id|>user<|end_header_id|>\n\nSummarize: cats sleep a lot.<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\n",
        ),
        (
            "<start_of_turn>",
            "gemma",
            "<BOS><start_of_turn>system\nYou are terse.<end_of_turn>\n"
            "<start_of_turn>user\nSummarize: cats sleep a lot.<end_of_turn>\n"
            "<start_of_turn>model\n",
        ),
    ],
)
@pytest.mark.parametrize("source", [None, "", "  \n "])
def test_no_template_falls_back_to_the_format_the_vocabulary_proves(
    source: str | None, marker: str, name: str, expected: str
) -> None:
    chosen = choose(source, {marker})

    assert chosen.origin == name
    assert chosen.render([SYSTEM, USER]) == expected


def test_fallbacks_are_tried_in_order() -> None:
    assert [f.name for f in FALLBACKS] == ["chatml", "llama-3", "gemma"]
    assert choose(None, {"<start_of_turn>", "<|im_start|>"}).origin == "chatml"


def test_the_fallback_asks_for_exactly_the_markers() -> None:
    asked: list[str] = []

    def has_control_token(token: str) -> bool:
        asked.append(token)
        return False

    with pytest.raises(ChatTemplateError):
        choose_template(
            None, bos_token="", eos_token="", has_control_token=has_control_token, model_name="m"
        )

    assert asked == ["<|im_start|>", "<|start_header_id|>", "<start_of_turn>"]


@pytest.mark.parametrize("source", [None, "", "   "])
def test_no_template_and_no_known_marker_is_a_clear_error(source: str | None) -> None:
    with pytest.raises(ChatTemplateError, match="has no chat template") as caught:
        choose(source, {"<unrelated>"})

    assert "Mystery 1B" in str(caught.value)
    assert caught.value.exit_code == 3


def test_a_broken_own_template_is_not_replaced_by_a_fallback() -> None:
    with pytest.raises(ChatTemplateError, match="broken"):
        choose("{% if %}", {"<|im_start|>"})


def test_a_long_text_is_not_blamed_on_the_template() -> None:
    """Over 4 million characters of the user's own text: the template only copied it, so the
    size is the text's to report (the engine counts it in tokens), not a faulty template."""
    text = "word " * 1_000_000  # 5,000,000 characters

    rendered = template(CHATML_TEMPLATE).render([SYSTEM, Message("user", text)])

    assert len(rendered) > MAX_RENDERED_CHARS
    assert text in rendered
