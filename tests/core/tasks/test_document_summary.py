"""Documents summarized whole: split on pages and headings first, points cite their page or
section, and every citation is checked against the document."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from hearth.core.documents import read_document
from hearth.core.engine.client import EngineClient
from hearth.core.engine.launcher import host_command
from hearth.core.engine.types import LoadOptions
from hearth.core.tasks.citations import CITATION, check_citations, key_words, strip_citations
from hearth.core.tasks.document_split import (
    citation_kind,
    document_sections,
    marked_text,
    split_document,
)
from hearth.core.tasks.summarize import Summarize
from hearth.core.tasks.task import TaskSink
from tests.core.documents.samples import TOPICS, report_pages, write_pdf

PAGED = "\f".join(f"Section {i}.\n{topic}" for i, topic in enumerate(TOPICS, 1))


def count_chars(texts: Sequence[str]) -> list[int]:
    return [math.ceil(len(text) / 4) for text in texts]


def test_pages_are_the_first_boundaries() -> None:
    assert citation_kind(PAGED) == "page"
    sections = document_sections(PAGED)
    assert [s.label for s in sections] == [f"page {n}" for n in range(1, 6)]
    parts = split_document(PAGED, 50, count_chars)
    assert len(parts) >= 2
    for part in parts:
        assert count_chars([part.text])[0] <= 50
        assert part.text.startswith("[page ")
    # Every page is in exactly one part, whole, under its own mark.
    joined = "\n\n".join(part.text for part in parts)
    for n, topic in enumerate(TOPICS, 1):
        assert f"[page {n}]\nSection {n}.\n{topic}" in joined
    assert parts[0].describe().startswith("page")


def test_a_page_too_long_for_a_part_keeps_its_mark_in_every_piece() -> None:
    long_page = " ".join(f"Sentence {i} about the harbour dues." for i in range(40))
    parts = split_document(f"Short first page.\f{long_page}", 40, count_chars)
    pieces = [p for p in parts if "harbour dues" in p.text]
    assert len(pieces) >= 3
    # Each piece of page 2 carries its mark (the first may share a part with page 1).
    assert all(p.text.count("[page 2]\n") == 1 and p.labels[-1] == "page 2" for p in pieces)
    assert all(p.labels == ("page 2",) for p in pieces[1:])


def test_headings_are_sections_when_there_are_no_pages() -> None:
    text = "Intro line.\n\n# Costs\n\nThe pier cost 4,200.\n\n## Dates\n\nIt opens in May."
    assert citation_kind(text) == "section"
    assert [s.label for s in document_sections(text)] == ["", "section: Costs", "section: Dates"]
    assert "[section: Costs]\n# Costs" in marked_text(text)
    assert citation_kind("No structure at all.") is None


def test_citations_are_kept_only_where_the_page_holds_the_point() -> None:
    output = "\n".join(
        [
            "- Fishing licences rose to 412 (page 2)",  # right
            "- The lighthouse lamp saves 9,000 kroner (page 1)",  # wrong page
            "- Storm damage closed the western pier (page 9)",  # no such page
        ]
    )
    checked_output, check = check_citations(output, PAGED)
    lines = checked_output.splitlines()
    assert lines[0] == "- Fishing licences rose to 412 (page 2)"
    assert lines[1] == (
        "- The lighthouse lamp saves 9,000 kroner (source not found on page 1; citation dropped)"
    )
    assert "citation dropped" in lines[2]
    assert (check.checked, check.kept, check.dropped) == (3, 1, ["page 1", "page 9"])
    assert strip_citations(lines[0]) == "- Fishing licences rose to 412"


def test_section_citations_are_checked_against_their_section() -> None:
    text = "# Costs\n\nThe pier repairs cost 4,200 kroner.\n\n# Dates\n\nThe pier opens in May."
    output, check = check_citations(
        "- Pier repairs cost 4,200 kroner (section: Costs)\n- Opens in May (section: Costs)", text
    )
    assert check.kept == 1
    assert output.splitlines()[1].endswith("citation dropped)")


@pytest.fixture
def engine(hearth_home: Path, tiny_model: Path) -> Iterator[EngineClient]:
    client = EngineClient(host_command(), log_dir=hearth_home / "logs")
    client.load(LoadOptions(str(tiny_model), context_size=1024, seed=3))
    yield client
    client.close()


def test_key_points_of_a_pdf_cite_pages_that_hold_them(
    engine: EngineClient, tmp_path: Path
) -> None:
    """Even the gibberish model must cite (the grammar), and whatever citation survives the
    check is on a page that holds the point's key words."""
    document = read_document(write_pdf(tmp_path / "report.pdf", report_pages()))
    result = Summarize().run(document.text, {"style": "key-points"}, engine, TaskSink())
    assert "citations" in result.details
    lines = [line for line in result.output.split("\n") if line.strip()]
    assert lines
    for line in lines if result.finish_reason == "stop" else lines[:-1]:
        assert line.startswith("- ")
        match = CITATION.search(line)
        if match is None:
            assert line.endswith("citation dropped)")
            continue
        page = int(match.group(1).removeprefix("page "))
        words = key_words(line[: match.start()])
        page_words = key_words(document.page_text(page))
        assert sum(w in page_words for w in words) >= 0.6 * len(words)
    citations = result.details["citations"]
    assert citations["checked"] == citations["kept"] + len(citations["dropped"])


def test_a_long_pdf_is_summarized_page_by_page_with_cited_parts(
    engine: EngineClient, tmp_path: Path
) -> None:
    pages = [[topic, *(["More about it, line after line of it."] * 14)] for topic in TOPICS * 2]
    document = read_document(write_pdf(tmp_path / "long.pdf", pages))
    assert engine.count_tokens([document.text])[0] > 1024
    progress: list[str] = []
    result = Summarize(part_share=0.05).run(
        document.text, {"style": "list"}, engine, TaskSink(on_progress=progress.append)
    )
    assert result.details["parts"] >= 2
    assert any(re.search(r"part 1 of \d+ \(pages? 1", p) for p in progress), progress
    assert "citations" in result.details
