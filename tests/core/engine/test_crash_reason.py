"""Tests for explaining an engine host's death in words."""

from __future__ import annotations

import signal

import pytest

from hearth.core.engine.crash_reason import describe_exit, last_evidence

needs_posix_signals = pytest.mark.skipif(
    not hasattr(signal, "SIGKILL"), reason="POSIX signals only"
)


@needs_posix_signals
@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("SIGKILL", ["SIGKILL", "memory"]),
        ("SIGSEGV", ["segmentation fault"]),
        ("SIGABRT", ["llama.cpp aborted"]),
        ("SIGILL", ["CPU", "instruction"]),
        ("SIGBUS", ["bus error", "model file"]),
        ("SIGTERM", ["SIGTERM"]),
    ],
)
def test_a_signal_is_named_with_its_hint(name: str, words: list[str]) -> None:
    number = getattr(signal, name)

    reason = describe_exit(-number, [])

    for word in words:
        assert word in reason


@needs_posix_signals
def test_a_signal_without_a_hint_is_named() -> None:
    reason = describe_exit(-signal.SIGUSR1, [])

    assert reason == "it was stopped by SIGUSR1"


def test_an_unknown_signal_number_is_given_as_a_number() -> None:
    assert describe_exit(-200, []) == "it was stopped by signal 200"


@pytest.mark.parametrize(("status", "expected"), [(1, "status 1"), (3, "status 3"), (255, "255")])
def test_a_positive_status_is_quoted(status: int, expected: str) -> None:
    reason = describe_exit(status, [])

    assert reason.startswith("it exited with")
    assert expected in reason


def test_a_clean_exit_is_still_unexpected() -> None:
    assert describe_exit(0, []) == "it exited unexpectedly"


def test_none_means_it_stopped_answering() -> None:
    assert describe_exit(None, []) == "it stopped answering"


ABORT_LOG = [
    "llama_model_loader: loaded meta data with 24 key-value pairs",
    "llm_load_tensors: ggml ctx size = 0.14 MiB",
    "/src/ggml/src/ggml.c:4521: GGML_ASSERT(ggml_nelements(a) == ne0*ne1) failed",
    "ptrace: Operation not permitted.",
    "No stack.",
    "The program is not being run.",
    "   ",
    "",
]


@needs_posix_signals
def test_evidence_from_the_log_is_quoted_after_the_reason() -> None:
    reason = describe_exit(-signal.SIGABRT, ABORT_LOG)

    assert reason == "llama.cpp aborted: GGML_ASSERT(ggml_nelements(a) == ne0*ne1) failed"


def test_irrelevant_last_lines_are_skipped() -> None:
    assert last_evidence(ABORT_LOG) == "GGML_ASSERT(ggml_nelements(a) == ne0*ne1) failed"


def test_an_assert_outranks_later_generic_lines() -> None:
    lines = [*ABORT_LOG, "set_abort_callback: call", "Fatal Python error: Aborted"]
    assert last_evidence(lines) == "GGML_ASSERT(ggml_nelements(a) == ne0*ne1) failed"


def test_faulthandler_banner_is_not_evidence() -> None:
    assert last_evidence(["Fatal Python error: Segmentation fault"]) is None


def test_the_latest_evidence_line_wins() -> None:
    lines = [
        "error: first problem",
        "loading...",
        "llama_init_from_model: failed to allocate buffer: out of memory",
        "bye",
    ]

    assert last_evidence(lines) == (
        "llama_init_from_model: failed to allocate buffer: out of memory"
    )


def test_evidence_is_stripped_and_shortened() -> None:
    long_line = "  error: " + "x" * 1000 + "  \n"

    evidence = last_evidence([long_line])

    assert evidence is not None
    assert evidence.startswith("error: ")
    assert len(evidence) == 300


@pytest.mark.parametrize(
    "lines",
    [[], ["", "   "], ["loading model", "done", "tokens: 42"]],
    ids=["empty", "blank", "nothing-relevant"],
)
def test_no_evidence_gives_the_bare_reason(lines: list[str]) -> None:
    assert last_evidence(lines) is None
    assert describe_exit(7, lines) == "it exited with status 7"


@pytest.mark.parametrize(
    "line",
    [
        "GGML_ASSERT(x) failed",
        "llama_model_load: error: loading model",
        "Error: bad magic",
        "something failed",
        "CUDA error: out of memory",
    ],
)
def test_each_kind_of_evidence_is_recognised(line: str) -> None:
    assert describe_exit(None, ["before", line, "after"]) == f"it stopped answering: {line}"
