"""Tests for the token-bytes-to-text stream: no half characters, no leaked stop sequences."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pytest

from hearth.core.engine.text_stream import TextStream

MIXED = "Café naïve — 日本語のテキスト 👋🏽 résumé 🇫🇷 Ω≈ç√ 한국어 👨‍👩‍👧 end"


def run(stream: TextStream, pieces: Iterable[bytes]) -> list[str]:
    """Feed every piece, then finish; the list of what each call released."""
    released = [stream.feed(piece) for piece in pieces]
    released.append(stream.finish())
    return released


def one_byte_at_a_time(text: str) -> list[bytes]:
    data = text.encode()
    return [data[i : i + 1] for i in range(len(data))]


def split_at(text: str, cut: int) -> list[bytes]:
    data = text.encode()
    return [data[:cut], data[cut:]]


# --- multi-byte characters --------------------------------------------------------------------


def test_one_byte_at_a_time_gives_back_the_exact_text() -> None:
    stream = TextStream()

    released = run(stream, one_byte_at_a_time(MIXED))

    assert "".join(released) == MIXED
    assert stream.text == MIXED
    assert all("\ufffd" not in piece for piece in released)


def test_no_feed_ever_releases_half_a_character() -> None:
    stream = TextStream()

    for piece in one_byte_at_a_time(MIXED):
        out = stream.feed(piece)
        # Whatever comes out must itself be whole, valid text.
        assert out.encode().decode() == out
        assert "\ufffd" not in out
    assert stream.finish() == ""


@pytest.mark.parametrize("cut", range(len(MIXED.encode()) + 1))
def test_every_split_point_gives_back_the_exact_text(cut: int) -> None:
    stream = TextStream(stop=["<|im_end|>"])

    released = run(stream, split_at(MIXED, cut))

    assert "".join(released) == MIXED
    assert "\ufffd" not in "".join(released)


def test_a_four_byte_emoji_is_held_until_complete() -> None:
    stream = TextStream()
    emoji = "👋".encode()
    assert len(emoji) == 4

    assert [stream.feed(emoji[i : i + 1]) for i in range(3)] == ["", "", ""]
    assert stream.feed(emoji[3:]) == "👋"


def test_invalid_bytes_become_replacement_characters() -> None:
    stream = TextStream()

    released = run(stream, [b"ok \xff ok"])

    assert "".join(released) == "ok \ufffd ok"


def test_a_character_cut_off_at_the_end_is_shown_as_a_replacement() -> None:
    stream = TextStream()

    released = run(stream, [b"tail ", "日".encode()[:2]])

    assert "".join(released) == "tail \ufffd"


# --- stop sequences ---------------------------------------------------------------------------


def test_a_stop_sequence_in_one_piece_stops_the_stream() -> None:
    stream = TextStream(stop=["<|im_end|>"])

    released = run(stream, [b"Hello<|im_end|>world", b" more"])

    assert "".join(released) == "Hello"
    assert stream.stopped
    assert stream.text == "Hello"


@pytest.mark.parametrize("cut", range(1, len("<|im_end|>")))
def test_a_stop_sequence_split_across_feeds_is_not_leaked(cut: int) -> None:
    stop = "<|im_end|>"
    stream = TextStream(stop=[stop])

    first = stream.feed(("Answer: yes" + stop[:cut]).encode())
    stopped_after_first = stream.stopped
    second = stream.feed((stop[cut:] + "trailing junk").encode())

    assert (first, stopped_after_first) == ("Answer: yes", False)
    assert (second, stream.stopped) == ("", True)
    assert stream.feed(b"after") == ""
    assert stream.finish() == ""
    assert stream.text == "Answer: yes"


def test_a_stop_sequence_fed_one_byte_at_a_time() -> None:
    text = "Résumé 👋 done</s>ignored 日本"
    stream = TextStream(stop=["</s>"])

    released = run(stream, one_byte_at_a_time(text))

    assert "".join(released) == "Résumé 👋 done"
    assert all("<" not in piece for piece in released)
    assert stream.stopped


def test_a_stop_sequence_with_multi_byte_characters_split_inside_a_character() -> None:
    stop = "«fin»"
    text = "bonjour" + stop + "après"
    stream = TextStream(stop=[stop])

    released = run(stream, one_byte_at_a_time(text))

    assert "".join(released) == "bonjour"
    assert stream.stopped


def test_a_stop_sequence_at_the_very_start() -> None:
    stream = TextStream(stop=["STOP"])

    released = run(stream, [b"ST", b"OP", b"anything"])

    assert released == ["", "", "", ""]
    assert stream.stopped
    assert stream.text == ""


def test_a_lookalike_prefix_is_released_once_disambiguated() -> None:
    stream = TextStream(stop=["<|im_end|>"])

    assert stream.feed(b"a <|im") == "a "
    assert stream.feed(b"_start|> b") == "<|im_start|> b"
    assert not stream.stopped
    assert stream.finish() == ""
    assert stream.text == "a <|im_start|> b"


def test_a_lookalike_prefix_at_the_end_is_released_by_finish() -> None:
    stream = TextStream(stop=["<|im_end|>"])

    assert stream.feed(b"value < 3 and <|im_e") == "value < 3 and "
    assert stream.finish() == "<|im_e"
    assert not stream.stopped
    assert stream.text == "value < 3 and <|im_e"


def test_held_text_is_released_as_soon_as_it_cannot_start_the_stop() -> None:
    stream = TextStream(stop=["\n\nUser:"])

    assert stream.feed(b"line\n") == "line"
    assert stream.feed(b"\n") == ""
    assert stream.feed(b"Us") == ""
    assert stream.feed(b"ually") == "\n\nUsually"
    assert stream.finish() == ""


def test_a_repeated_prefix_does_not_swallow_text() -> None:
    stream = TextStream(stop=["aab"])

    released = run(stream, [b"a", b"a", b"a", b"b", b"zzz"])

    assert "".join(released) == "a"
    assert stream.stopped


def test_a_stop_that_never_completes_loses_nothing() -> None:
    text = "<<|<|i<|im<|im_<|im_e<|im_en<|im_end|"
    stream = TextStream(stop=["<|im_end|>"])

    released = run(stream, one_byte_at_a_time(text))

    assert "".join(released) == text
    assert not stream.stopped


# --- several stop sequences -------------------------------------------------------------------


@pytest.mark.parametrize("stops", [["<|im_end|>", "</s>"], ["</s>", "<|im_end|>"]])
def test_any_of_several_stops_ends_the_stream(stops: list[str]) -> None:
    for text, expected in [("one</s>two<|im_end|>", "one"), ("one<|im_end|>two</s>", "one")]:
        stream = TextStream(stop=stops)

        released = run(stream, [text.encode()])

        assert "".join(released) == expected
        assert stream.stopped


@pytest.mark.parametrize("stops", [["B", "A"], ["A", "B"]])
def test_the_earliest_stop_wins_whatever_its_place_in_the_list(stops: list[str]) -> None:
    stream = TextStream(stop=stops)

    released = run(stream, [b"xAyB"])

    assert "".join(released) == "x"
    assert stream.text == "x"


def test_several_stops_split_across_feeds() -> None:
    stream = TextStream(stop=["<|eot_id|>", "<|im_end|>", "\nUser:"])

    released = run(stream, one_byte_at_a_time("Sure.\nUse it <|eot_i then <|eot_id|> no"))

    assert "".join(released) == "Sure.\nUse it <|eot_i then "
    assert stream.stopped


def test_the_longest_possible_stop_prefix_is_held() -> None:
    stream = TextStream(stop=["ab", "abcd"])

    assert stream.feed(b"xxabc") == "xx"
    assert stream.stopped


def test_overlapping_candidates_hold_until_one_is_ruled_out() -> None:
    stream = TextStream(stop=["abcd", "cdX"])

    assert stream.feed(b"1abc") == "1"
    assert stream.feed(b"d?") == ""
    assert stream.stopped
    assert stream.text == "1"


# --- no stops ---------------------------------------------------------------------------------


@pytest.mark.parametrize("stops", [(), [""], ["", ""]])
def test_no_stop_sequences_pass_everything_through(stops: Sequence[str]) -> None:
    stream = TextStream(stop=stops)
    pieces = [b"<|im_end|>", b"</s>", b"", b"plain"]

    released = [stream.feed(p) for p in pieces]

    assert released == ["<|im_end|>", "</s>", "", "plain"]
    assert stream.finish() == ""
    assert not stream.stopped


def test_empty_feeds_release_nothing() -> None:
    stream = TextStream(stop=["x"])

    assert stream.feed(b"") == ""
    assert stream.finish() == ""
    assert stream.text == ""


def test_finish_twice_releases_nothing_more() -> None:
    stream = TextStream(stop=["<|im_end|>"])
    stream.feed(b"end <|im")

    assert stream.finish() == "<|im"
    assert stream.finish() == ""
    assert stream.text == "end <|im"
