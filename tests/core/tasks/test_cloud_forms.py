"""Each task's cloud request, how its answer is read back, and the router around both: the
response format is redacted like the messages, and an answer that is no answer keeps the
local one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hearth.core.cloud.client import CloudClient
from hearth.core.cloud.endpoint import CloudEndpoint
from hearth.core.cloud.failure import CloudFailure, FailureKind
from hearth.core.cloud.presets import find_preset
from hearth.core.errors import UsageError
from hearth.core.ledger.prices import PriceTable
from hearth.core.ledger.store import Ledger
from hearth.core.privacy.redaction import Redaction, Redactor
from hearth.core.routing.policy import CloudPolicy, RoutingPolicy
from hearth.core.routing.router import LocalAnswer, Router
from hearth.core.tasks.catalog import task_catalog
from hearth.core.tasks.classify import read_label
from hearth.core.tasks.cloud_form import JSON_OBJECT_SCHEMA, JSON_SCHEMA, CloudReading, CloudTask
from tests.core.cloud.fake_provider import FakeProvider, completion

NAMES = ["spam", "ham", "Ada Lovelace"]


def cloud_task(
    task: str, text: str, options: dict[str, Any], *, structured_output: str | None
) -> CloudTask:
    return task_catalog()[task].cloud_request(text, options, structured_output=structured_output)


NONE = Redaction(texts=())


@pytest.mark.parametrize(
    ("raw", "label"),
    [
        ('{"label": "spam"}', "spam"),
        ('```json\n{"label": "HAM"}\n```', "ham"),
        ('Sure! {"label": "spam"} is my answer.', "spam"),
        ("ham", "ham"),
        ('"Spam".', "spam"),
        ("The text is clearly ham, I would say.", "ham"),
    ],
)
def test_a_label_is_read_from_what_models_say(raw: str, label: str) -> None:
    assert read_label(raw, NONE, NAMES) == label


@pytest.mark.parametrize("raw", ["", "eggs", '{"label": "eggs"}', "spam or ham", "[1, 2]"])
def test_an_answer_naming_no_single_label_is_a_bad_response(raw: str) -> None:
    with pytest.raises(CloudFailure) as caught:
        read_label(raw, NONE, NAMES)
    assert caught.value.kind is FailureKind.BAD_RESPONSE
    assert caught.value.partial_text == raw


def test_a_redacted_label_is_restored_before_it_is_matched() -> None:
    redaction = Redactor(["Ada Lovelace"]).redact(["Categories: spam, ham, Ada Lovelace"])
    assert "[NAME_1]" in redaction.texts[0]
    assert read_label('{"label": "[NAME_1]"}', redaction, NAMES) == "Ada Lovelace"


def test_response_formats_per_server_dialect() -> None:
    plain = cloud_task("classify", "x", {"labels": "a,b"}, structured_output=None)
    assert plain.request.response_format is None
    openai = cloud_task("classify", "x", {"labels": "a,b"}, structured_output=JSON_SCHEMA)
    assert openai.request.response_format is not None
    assert openai.request.response_format["type"] == "json_schema"
    schema = openai.request.response_format["json_schema"]["schema"]
    assert schema["properties"]["label"]["enum"] == ["a", "b"]
    llama = cloud_task("extract", "x", {"schema": "contact"}, structured_output=JSON_OBJECT_SCHEMA)
    assert llama.request.response_format is not None
    assert llama.request.response_format["type"] == "json_object"
    assert "name" in llama.request.response_format["schema"]["properties"]
    preset = find_preset("llamacpp")
    assert preset is not None
    assert CloudEndpoint("http://127.0.0.1:9/v1", "m", preset).structured_output == (
        JSON_OBJECT_SCHEMA
    )
    assert CloudEndpoint("http://127.0.0.1:9/v1", "m").structured_output is None


@pytest.mark.parametrize(
    ("task", "options", "words"),
    [
        ("summarize", {"style": "haiku"}, "haiku"),
        ("rewrite", {"style": "custom"}, "instruction"),
        ("classify", {}, "needs labels"),
        ("classify", {"labels": "one"}, "at least 2"),
        ("extract", {"schema": "no-such-schema"}, "neither a built-in"),
    ],
)
def test_bad_options_are_refused_as_the_local_task_refuses_them(
    task: str, options: dict[str, str], words: str
) -> None:
    with pytest.raises(UsageError, match=words):
        cloud_task(task, "some text", options, structured_output=None)


def test_summarize_and_rewrite_send_the_tasks_own_prompts() -> None:
    summary = cloud_task("summarize", "  A text.  ", {"style": "list"}, structured_output=None)
    assert [m.role for m in summary.request.messages] == ["system", "user"]
    assert "numbered list" in summary.request.messages[0].content
    assert summary.request.messages[1].content.endswith("A text.")
    rewrite = cloud_task("rewrite", "A text.", {"instruction": "Shout."}, structured_output=None)
    assert "Shout." in rewrite.request.messages[0].content
    assert rewrite.read(" [EMAIL_1] ", Redaction((), {"[EMAIL_1]": "a@b.example"})).output == (
        "a@b.example"
    )
    with pytest.raises(CloudFailure, match="empty"):
        rewrite.read("   ", NONE)


def test_extract_parses_first_then_restores_values_json_would_choke_on() -> None:
    task = cloud_task("extract", "x", {"schema": "contact"}, structured_output=None)
    # A value with a quote and a line break: restoring it into the JSON text would break it.
    redaction = Redaction((), {"[NAME_1]": 'Ada "The Countess"\nLovelace'})
    reading = task.read('```json\n{"name": "[NAME_1]", "phone": 5}\n```', redaction)
    assert isinstance(reading, CloudReading)
    assert reading.output == {"name": 'Ada "The Countess"\nLovelace', "phone": 5}
    assert reading.details["valid"] is False  # phone must be a string
    assert reading.details["violations"]
    assert json.loads(reading.details["json"]) == reading.output
    with pytest.raises(CloudFailure) as caught:
        task.read("I could not find anything.", NONE)
    assert caught.value.kind is FailureKind.BAD_RESPONSE


# -- through the router ----------------------------------------------------------------------


def make_router(provider: FakeProvider, ledger: Ledger | None) -> Router:
    return Router(
        policy=RoutingPolicy(CloudPolicy.ALWAYS),
        air_gapped=False,
        headless=True,
        endpoint=CloudEndpoint(provider.base_url, "fake-model"),
        connect=lambda e: CloudClient(e, None),
        redactor=Redactor(["Ada Lovelace"]),
        ledger=ledger,
    )


def local() -> LocalAnswer:
    return LocalAnswer("ham", "Tiny", 0.2, 40, 0)


@pytest.mark.usefixtures("tripwire")
def test_the_response_format_is_redacted_with_the_messages(provider: FakeProvider) -> None:
    provider.reply(completion('{"label": "[NAME_1]"}'))
    task = cloud_task(
        "classify",
        "A letter from Ada Lovelace.",
        {"labels": "spam,Ada Lovelace"},
        structured_output=JSON_SCHEMA,
    )
    answer = make_router(provider, None).run("classify", task.request, local, read_cloud=task.read)

    sent = provider.seen[0].body.decode()
    assert "Ada Lovelace" not in sent
    body = json.loads(sent)
    enum = body["response_format"]["json_schema"]["schema"]["properties"]["label"]["enum"]
    assert enum == ["spam", "[NAME_1]"]  # the same placeholder as in the messages
    assert "[NAME_1]" in body["messages"][-1]["content"]
    assert answer.route == "cloud"
    assert answer.cloud_value == CloudReading(
        "Ada Lovelace",
        {"label": "Ada Lovelace", "labels": {"spam": 0.0, "Ada Lovelace": 1.0}},
    )


@pytest.mark.usefixtures("tripwire")
def test_an_answer_that_is_no_answer_keeps_the_local_one(
    provider: FakeProvider, tmp_path: Path
) -> None:
    provider.reply(completion("I am not sure, sorry."))
    task = cloud_task("classify", "Buy now!", {"labels": "spam,ham"}, structured_output=None)
    with Ledger(tmp_path / "ledger.sqlite3", keep_history=False, prices=PriceTable({})) as ledger:
        answer = make_router(provider, ledger).run(
            "classify", task.request, local, read_cloud=task.read
        )
        row = ledger.entries()[0]

    assert answer.route == "local"
    assert answer.text == "ham"
    assert answer.cloud_value is None
    assert isinstance(answer.cloud_error, CloudFailure)
    assert answer.cloud_error.kind is FailureKind.BAD_RESPONSE
    assert answer.cloud_partial_text == "I am not sure, sorry."
    assert answer.to_json()["escalation"]["error_kind"] == "bad_response"
    # It did leave the machine and was answered: the ledger counts it as sent, and local.
    assert (row.route, row.cloud_status, row.sent_to_cloud) == ("local", "bad_response", True)
    assert row.cloud_tokens_in > 0
