"""Tests for cancellation tokens: callbacks, threads, and the Cancelled signal."""

from __future__ import annotations

import functools
import threading

import pytest

from hearth.core.cancel import CancelToken
from hearth.core.errors import Cancelled, HearthError


def test_a_new_token_is_not_cancelled() -> None:
    token = CancelToken()

    assert not token.cancelled
    token.raise_if_cancelled()


def test_cancel_sets_the_flag() -> None:
    token = CancelToken()

    token.cancel()

    assert token.cancelled


def test_raise_if_cancelled_raises_cancelled() -> None:
    token = CancelToken()
    token.cancel()

    with pytest.raises(Cancelled):
        token.raise_if_cancelled()


def test_cancelled_is_not_a_hearth_error() -> None:
    # The UI ignores Cancelled; it must not be reported like a failure.
    assert not issubclass(Cancelled, HearthError)


def test_callbacks_run_once_on_cancel_in_order() -> None:
    token = CancelToken()
    calls: list[str] = []
    token.on_cancel(lambda: calls.append("first"))
    token.on_cancel(lambda: calls.append("second"))
    assert calls == []

    token.cancel()
    token.cancel()

    assert calls == ["first", "second"]


def test_a_callback_registered_after_cancel_runs_at_once() -> None:
    token = CancelToken()
    token.cancel()
    calls: list[str] = []

    token.on_cancel(lambda: calls.append("late"))

    assert calls == ["late"]
    token.cancel()
    assert calls == ["late"]


def test_unregister_stops_the_callback() -> None:
    token = CancelToken()
    calls: list[str] = []
    unregister = token.on_cancel(lambda: calls.append("gone"))
    token.on_cancel(lambda: calls.append("kept"))

    unregister()
    token.cancel()

    assert calls == ["kept"]


def test_unregister_twice_and_after_cancel_is_harmless() -> None:
    token = CancelToken()
    calls: list[str] = []
    unregister = token.on_cancel(lambda: calls.append("ran"))

    token.cancel()
    unregister()
    unregister()

    assert calls == ["ran"]


def test_unregister_removes_only_its_own_registration() -> None:
    token = CancelToken()
    calls: list[int] = []

    def callback() -> None:
        calls.append(1)

    first = token.on_cancel(callback)
    token.on_cancel(callback)

    first()
    token.cancel()

    assert calls == [1]


def test_a_callback_may_unregister_itself_while_running() -> None:
    token = CancelToken()
    calls: list[str] = []

    def callback() -> None:
        calls.append("self")
        unregister()

    unregister = token.on_cancel(callback)
    token.on_cancel(lambda: calls.append("other"))

    token.cancel()

    assert calls == ["self", "other"]


def test_a_callback_may_register_another_while_cancelling() -> None:
    token = CancelToken()
    calls: list[str] = []

    def register_another() -> None:
        token.on_cancel(lambda: calls.append("nested"))

    token.on_cancel(register_another)

    token.cancel()

    assert calls == ["nested"]


def test_cancel_from_another_thread_is_seen() -> None:
    token = CancelToken()
    ran_in: list[str] = []
    token.on_cancel(lambda: ran_in.append(threading.current_thread().name))

    canceller = threading.Thread(target=token.cancel, name="stop-button")
    canceller.start()
    canceller.join()

    assert token.cancelled
    assert ran_in == ["stop-button"]
    with pytest.raises(Cancelled):
        token.raise_if_cancelled()


def test_a_worker_thread_sees_a_cancel_from_this_thread() -> None:
    token = CancelToken()
    registered = threading.Event()
    outcome: list[str] = []

    def worker() -> None:
        woken = threading.Event()
        token.on_cancel(woken.set)
        registered.set()
        # The timeout only keeps a broken token from hanging the test run.
        woken.wait(timeout=30)
        try:
            token.raise_if_cancelled()
        except Cancelled:
            outcome.append("cancelled")
        else:
            outcome.append("not cancelled")

    thread = threading.Thread(target=worker)
    thread.start()
    registered.wait()
    token.cancel()
    thread.join()

    assert outcome == ["cancelled"]


def test_racing_cancels_and_registrations_run_every_callback_exactly_once() -> None:
    token = CancelToken()
    counts = [0] * 200
    lock = threading.Lock()
    gate = threading.Barrier(3)

    def bump(i: int) -> None:
        with lock:
            counts[i] += 1

    def register(indices: range) -> None:
        gate.wait()
        for i in indices:
            token.on_cancel(functools.partial(bump, i))

    def cancel() -> None:
        gate.wait()
        token.cancel()

    threads = [
        threading.Thread(target=register, args=(range(0, 100),)),
        threading.Thread(target=register, args=(range(100, 200),)),
        threading.Thread(target=cancel),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert counts == [1] * 200
