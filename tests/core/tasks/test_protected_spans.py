"""What a rewrite must not change: finding the spans, and checking crafted rewrites for them."""

from __future__ import annotations

import pytest

from hearth.core.tasks.protected_spans import ProtectedSpan, find_protected, missing_spans


def spans(text: str) -> list[tuple[str, str]]:
    return [(span.kind, span.text) for span in find_protected(text)]


def texts(found: list[ProtectedSpan]) -> set[str]:
    return {span.text for span in found}


# -- finding -----------------------------------------------------------------------------------


def test_plain_prose_has_nothing_to_protect() -> None:
    assert find_protected("Just a friendly note, nothing special: see you soon!") == []


def test_a_fenced_code_block_is_one_span_and_hides_what_is_inside() -> None:
    code = '```python\nx = 42\nprint("hi", 3.5)\nurl = "https://a.org"\n```'
    text = f"Run this:\n{code}\nand tell me."
    assert spans(text) == [("code block", code)]


def test_inline_code_is_a_span_and_its_numbers_are_not_listed_again() -> None:
    assert spans("Install it with `pip install hearth==1.2` today.") == [
        ("inline code", "`pip install hearth==1.2`")
    ]


def test_inline_code_does_not_run_across_lines() -> None:
    assert spans("a ` b\nc ` d") == []


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("See https://example.com/path?q=1&r=2 for more.", "https://example.com/path?q=1&r=2"),
        ("Plain http://example.org works too", "http://example.org"),
        ("Visit www.example.org, then leave.", "www.example.org"),
        ("It is at https://example.com/docs.", "https://example.com/docs"),
        ("Is it https://example.com/a?", "https://example.com/a"),
        ("Wow, https://example.com/b!", "https://example.com/b"),
        ("(see https://example.com/c)", "https://example.com/c"),
        ("Links: https://example.com/d; https://example.com/e:", "https://example.com/d"),
        ('<a href="https://example.com/f">', "https://example.com/f"),
        ("Port and page: http://localhost:8080/page/2", "http://localhost:8080/page/2"),
    ],
)
def test_urls_are_found_without_trailing_punctuation(text: str, url: str) -> None:
    found = [s for s in find_protected(text) if s.kind == "URL"]
    assert found[0].text == url
    assert not any(s.kind == "number" for s in find_protected(text)), "numbers in the URL"


def test_several_urls_each_once() -> None:
    text = "Compare https://a.example/x1 and www.b.example/y2."
    assert spans(text) == [("URL", "https://a.example/x1"), ("URL", "www.b.example/y2")]


@pytest.mark.parametrize(
    ("text", "quotation"),
    [
        ('He said "call me at 5" and left.', '"call me at 5"'),
        ("She wrote “see you on the 3rd” twice.", "“see you on the 3rd”"),
        ("Le panneau dit «entrée 12 interdite» ici.", "«entrée 12 interdite»"),
    ],
)
def test_quotations_of_each_style_are_one_span(text: str, quotation: str) -> None:
    assert spans(text) == [("quotation", quotation)]


def test_a_quotation_does_not_run_across_lines() -> None:
    assert spans('an open " quote\non two lines "') == []


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("There were 42 people.", "42"),
        ("Pi is about 3.14 or so.", "3.14"),
        ("It cost 1,000 euros.", "1,000"),
        ("It cost 1,250,000.50 euros.", "1,250,000.50"),
        ("Meet at 12:30 sharp.", "12:30"),
        ("Add 3/4 of a cup.", "3/4"),
        ("Prices rose 15% this year.", "15%"),
        ("Up by 2.5% only.", "2.5%"),
        ("Call 555-1234 now.", "555-1234"),
        ("It was -5 outside.", "-5"),
        ("The year was 1999.", "1999"),
        ("On 2024-03-15 we left.", "2024-03-15"),
    ],
)
def test_numbers_of_each_shape_are_one_span(text: str, number: str) -> None:
    assert spans(text) == [("number", number)]


def test_digits_inside_words_are_not_numbers() -> None:
    assert spans("I play mp3 files on my x86 box with a B2B deal.") == []


def test_numbers_in_a_list_are_each_a_span() -> None:
    assert spans("Pick 1, 2 or 3 of the 10 options.") == [
        ("number", "1"),
        ("number", "2"),
        ("number", "3"),
        ("number", "10"),
    ]


def test_a_number_inside_a_url_or_a_quotation_is_not_listed_separately() -> None:
    text = 'Go to https://example.com/item/123 and say "I want 2 of them" by 5 pm.'
    assert spans(text) == [
        ("URL", "https://example.com/item/123"),
        ("quotation", '"I want 2 of them"'),
        ("number", "5"),
    ]


def test_every_kind_at_once() -> None:
    text = (
        "Hi team,\n\nThe build at https://ci.example.com/run/77 failed after 12:30. "
        'Anna said "it worked on 3.11" and the log says `exit 1`.\n\n'
        "```\nmake test\n```\n"
        "We have 2 days left and 75% of the budget."
    )
    assert sorted(spans(text)) == sorted(
        [
            ("code block", "```\nmake test\n```"),
            ("inline code", "`exit 1`"),
            ("URL", "https://ci.example.com/run/77"),
            ("quotation", '"it worked on 3.11"'),
            ("number", "12:30"),
            ("number", "2"),
            ("number", "75%"),
        ]
    )


# -- checking a rewrite ------------------------------------------------------------------------

ORIGINAL = (
    "hey, the report at https://example.com/q3 shows revenue of 1,200 units, up 15%. "
    'Boss said "ship it friday" so run `make release` at 12:30.'
)


def test_nothing_is_missing_when_every_span_survives() -> None:
    rewritten = (
        "Hi, the report at https://example.com/q3 shows revenue of 1,200 units, up 15%. "
        'The boss said "ship it friday", so please run `make release` at 12:30.'
    )
    assert missing_spans(ORIGINAL, rewritten) == []


def test_nothing_is_missing_when_the_spans_are_reordered() -> None:
    rewritten = (
        'At 12:30, run `make release`: the boss said "ship it friday". Revenue is up 15% '
        "to 1,200 units, according to the report (https://example.com/q3)."
    )
    assert missing_spans(ORIGINAL, rewritten) == []


def test_a_dropped_url_and_a_dropped_quotation_are_reported() -> None:
    rewritten = (
        "Hi, the report shows revenue of 1,200 units, up 15%. The boss wants to ship on "
        "Friday, so run `make release` at 12:30."
    )
    assert missing_spans(ORIGINAL, rewritten) == [
        ProtectedSpan("URL", "https://example.com/q3"),
        ProtectedSpan("quotation", '"ship it friday"'),
    ]


def test_exactly_the_altered_spans_are_reported() -> None:
    rewritten = (
        "Hi, the report at https://example.com/q3 shows revenue of 1200 units, up 15%. "
        'The boss said "Ship it Friday", so run `make  release` at 12:30.'
    )
    assert missing_spans(ORIGINAL, rewritten) == [
        ProtectedSpan("inline code", "`make release`"),
        ProtectedSpan("quotation", '"ship it friday"'),
        ProtectedSpan("number", "1,200"),
    ]


@pytest.mark.parametrize(
    ("original", "rewritten"),
    [
        ("I have 5 apples.", "I have 15 apples."),
        ("I have 5 apples.", "I have 5.5 apples."),
        ("I have 5 apples.", "I have -5 apples."),
        ("It is 3.14 wide.", "It is 3.1 wide."),
        ("Call 555-1234.", "Call 555-12345."),
        ("Call 555-1234.", "Call 555 1234."),
        ("Up 15%.", "Up 15 percent."),
        ("At 12:30.", "At 12:30:15."),
    ],
)
def test_an_altered_number_is_reported_even_when_its_digits_remain(
    original: str, rewritten: str
) -> None:
    assert len(find_protected(original)) == 1
    assert missing_spans(original, rewritten) == find_protected(original)


@pytest.mark.parametrize(
    "rewritten",
    [
        "See https://example.com/docs/more now.",
        "See https://example.com/doc now.",
        "See http://example.com/docs now.",
        "See example.com/docs now.",
    ],
)
def test_an_altered_url_is_reported(rewritten: str) -> None:
    original = "See https://example.com/docs now."
    assert missing_spans(original, rewritten) == [ProtectedSpan("URL", "https://example.com/docs")]


def test_a_url_that_now_ends_a_sentence_still_survives() -> None:
    original = "See https://example.com/docs for details."
    assert missing_spans(original, "For details, see https://example.com/docs.") == []


def test_straightened_curly_quotes_count_as_altered() -> None:
    original = "She said “no way” loudly."
    assert missing_spans(original, 'She loudly said "no way".') == [
        ProtectedSpan("quotation", "“no way”")
    ]


def test_an_edited_code_block_is_reported() -> None:
    original = "Use:\n```\nrm -rf build\n```\nthen rebuild."
    rewritten = "Use:\n```\nrm -rf ./build\n```\nthen rebuild."
    assert [s.kind for s in missing_spans(original, rewritten)] == ["code block"]


def test_a_number_kept_inside_code_in_the_rewrite_still_counts() -> None:
    assert missing_spans("Set the limit to 5.", "Set `limit = 5` in the config.") == []


def test_a_repeated_span_is_checked_once() -> None:
    # A concise rewrite may mention a repeated number once; it has not lost it.
    original = "We need 5 chairs. The 5 chairs must be blue."
    assert missing_spans(original, "We need 5 blue chairs.") == []
    assert missing_spans(original, "We need blue chairs.") == [ProtectedSpan("number", "5")]


def test_nothing_to_protect_means_nothing_missing() -> None:
    assert missing_spans("hello there", "Hello there!") == []


def test_a_rewrite_that_drops_everything_reports_every_span() -> None:
    assert texts(missing_spans(ORIGINAL, "Done.")) == texts(find_protected(ORIGINAL))
