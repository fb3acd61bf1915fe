"""The rendered book: every page built from executed chapters, with no warnings."""
import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
TOC = yaml.safe_load((REPO / "_toc.yml").read_text())
CHAPTERS = [e["file"] for part in TOC["parts"] if part["caption"] == "Chapters"
            for e in part["chapters"]]
EXERCISES = [e["file"] for part in TOC["parts"] if part["caption"] == "Exercises"
             for e in part["chapters"]]


def test_build_log_has_no_warnings(built_book):
    log = (built_book.parent / "book.log").read_text()
    assert "build succeeded" in log
    # Sphinx's own warnings and errors (a kernel's log lines, "[IPKernelApp] WARNING | ...",
    # are the executed notebooks' business, not the build's)
    problems = [line for line in log.splitlines() if re.search(r"(^|: )(WARNING|ERROR):", line)]
    assert not problems, "\n".join(problems[:10])


def test_no_notebook_failed_to_execute(built_book):
    reports = list((built_book / "reports").glob("*.log")) if (built_book / "reports").exists() else []
    assert not reports, f"execution failures: {[r.name for r in reports]}"


def test_every_chapter_and_exercise_is_in_the_book():
    files = {str(p.relative_to(REPO).with_suffix("")) for p in (REPO / "chapters").glob("[0-9]*.md")}
    assert files == set(CHAPTERS), "chapters/ and _toc.yml disagree"
    exercises = {str(p.relative_to(REPO).with_suffix(""))
                 for p in (REPO / "exercises").glob("*/*.ipynb")}
    assert exercises == set(EXERCISES), "exercises/ and _toc.yml disagree"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_page_shows_executed_outputs(built_book, chapter):
    page = (built_book / f"{chapter}.html").read_text()
    assert page.count("<img") >= 2, "expected figures from executed cells"
    assert "application/vnd.jupyter.widget-state+json" in page, "no embedded widget state"
    assert re.search(r'class="cell_output', page), "no cell outputs: was the chapter executed?"
    assert "Traceback (most recent call last)" not in page
    assert "<figcaption" in page, "every chapter has at least one numbered figure with a caption"


@pytest.mark.parametrize("exercise", EXERCISES)
def test_exercise_page_is_listed_unexecuted_and_downloadable(built_book, exercise):
    page = (built_book / f"{exercise}.html").read_text()
    assert "NotImplementedError" in page, "the student version should be shown"
    assert 'class="cell_output' not in page, "exercises are shown unexecuted"
    assert (built_book / "_sources" / f"{exercise}.ipynb").exists(), "no .ipynb download"


def test_chapter_sources_are_downloadable(built_book):
    for chapter in CHAPTERS:
        assert (built_book / "_sources" / f"{chapter}.md").exists() or \
               (built_book / "_sources" / f"{chapter}.ipynb").exists(), chapter
