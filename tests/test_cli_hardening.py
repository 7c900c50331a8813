"""Hardening of the CLI against what users actually do (issue 18): unreadable privacy
settings, endless inputs, broken pipes, odd terminals, the library's edges. Each test runs the
real command (in process where capsys is enough, as a subprocess where the process matters)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hearth.core.paths import Paths
from tests.core.cloud.fake_provider import FakeProvider, completion
from tests.test_cli_cloud import hearth_in_process as in_process

pytestmark = pytest.mark.usefixtures("keychain")


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    with FakeProvider() as fake:
        yield fake


def write_settings(home: Path, data: dict[str, Any]) -> Path:
    path = Paths.under(home).settings_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# -- 1. privacy fails closed -------------------------------------------------------------------


@pytest.mark.parametrize(
    "unreadable",
    [
        {"air_gapped": "true"},
        {"air_gapped": 1},
        {"cloud_policy": ["always"]},
        {"cloud_task_policies": {"classify": "sometimes"}},
        {"redaction_names": "Ana"},
    ],
    ids=["air-gapped-string", "air-gapped-int", "policy-list", "task-policy", "names-string"],
)
def test_an_unreadable_privacy_setting_keeps_the_request_here_and_says_so(
    tiny_model: Path,
    provider: FakeProvider,
    hearth_home: Path,
    capsys: pytest.CaptureFixture[str],
    unreadable: dict[str, Any],
) -> None:
    write_settings(
        hearth_home,
        {
            "threads": 1,
            "context_size": 1024,
            "cloud_policy": "always",
            "cloud_base_url": provider.base_url,
            "cloud_model": "fake-model",
            **unreadable,
        },
    )
    provider.reply(completion('{"label": "spam"}'))
    code, out, err = in_process(
        capsys, "run", "classify", "--model", str(tiny_model), "--labels", "invoice,spam",
        "--json", stdin="Pay invoice 4471 by Friday.",
    )  # fmt: skip
    assert code == 0, err
    assert provider.seen == []  # nothing reached the (loopback) cloud
    assert json.loads(out)["route"] == "local"
    assert "air-gapped" in err
    assert err.count("sends nothing to the cloud") == 1  # said once, not once per reader
