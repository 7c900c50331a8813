"""Running headers and footers: what repeats at a page's edge goes, the page's own text stays."""

from __future__ import annotations

from hearth.core.documents.page_cleanup import clean_page, remove_running_lines


def test_page_numbers_that_count_the_pages_are_running_lines() -> None:
    pages = [
        f"Report 2024\nBody text {n * 13} about tides.\nAnd {n * n} boats.\n- {n} -"
        for n in range(1, 6)
    ]
    cleaned, dropped = remove_running_lines(pages)
    assert all("Report 2024" not in page and "- " not in page for page in cleaned)
    assert cleaned[2] == "Body text 39 about tides.\nAnd 9 boats."
    assert len(dropped) == 2


def test_numbers_that_do_not_count_pages_are_body_text() -> None:
    pages = [f"Intro\nTide at {n * n} m.\nEnd of entry." for n in range(1, 6)]
    cleaned, _ = remove_running_lines(pages)
    assert all(f"Tide at {n * n} m." in page for n, page in zip(range(1, 6), cleaned, strict=True))


def test_a_page_that_is_only_repeated_lines_is_kept() -> None:
    pages = ["Chapter\nContinued", "Chapter\nContinued", "Chapter\nContinued", "Chapter\nEnd"]
    cleaned, _ = remove_running_lines(pages)
    assert cleaned[0] == "Chapter\nContinued"


def test_line_end_hyphens_join_and_windows_line_ends_go() -> None:
    assert clean_page("the environ-\r\nmental survey") == "the environmental survey"
    assert clean_page("exam\ufffeples") == "examples"
    assert clean_page("Hearth-\nBased") == "Hearth-\nBased"  # a capital: a compound, not a break
