"""Student versions are exactly what nbgrader generates, and nothing leaks to students."""
import html
import re
from pathlib import Path

import nbformat
import pytest

from autograder.course import EXERCISES, REPO, SOLUTIONS, assignments, generate, notebook_name

ASSIGNMENTS = assignments()
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


def secret_lines(assignment: str, min_length: int = 12) -> set[str]:
    """Lines of solution regions and hidden tests whose text appears nowhere else in the
    source notebook (so finding one in a student-facing file means a leak). ``min_length``
    leaves out short, generic lines (``return out``, ``with torch.no_grad():``)."""
    nb = nbformat.read(SOLUTIONS / assignment / notebook_name(assignment), as_version=4)
    secret, public = set(), set()
    for cell in nb.cells:
        inside = False
        for line in cell.source.splitlines():
            text = line.strip()
            if re.search(r"### (BEGIN|END) (SOLUTION|HIDDEN TESTS)", text):
                inside = "BEGIN" in text
                continue
            (secret if inside else public).add(text)
    public_text = "\n".join(public)  # what students may see anyway (hints, examples)
    return {s for s in secret if s not in public_text and len(s) >= min_length
            and not s.startswith("#")}


def test_there_are_assignments():
    assert "01-convolution" in ASSIGNMENTS


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_exercise_is_exactly_a_fresh_generation(assignment, tmp_path):
    fresh = generate(assignment, tmp_path)
    committed = EXERCISES / assignment
    fresh_files = sorted(p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file())
    committed_files = sorted(p.relative_to(committed) for p in committed.rglob("*") if p.is_file())
    assert fresh_files == committed_files
    for rel in fresh_files:
        assert (fresh / rel).read_bytes() == (committed / rel).read_bytes(), \
            f"exercises/{assignment}/{rel} differs from nbgrader's output: run `make exercises`"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_solution_or_hidden_test_text_in_the_exercise(assignment):
    text = "\n".join(p.read_text() for p in (EXERCISES / assignment).rglob("*.ipynb"))
    body = "\n".join(c.source for c in nbformat.reads(text, as_version=4).cells)
    for marker in MARKERS:
        assert marker not in body
    leaked = sorted(s for s in secret_lines(assignment) if s in body)
    assert not leaked, f"solution/hidden-test lines in exercises/{assignment}: {leaked[:5]}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_assignment_has_its_planted_mistake_tests(assignment):
    number = assignment.split("-")[0]
    assert list((REPO / "tests").glob(f"test_ex{number}_*.py")), \
        f"tests/test_ex{number}_*.py is missing for {assignment}"


def test_solution_notebooks_are_stored_without_outputs():
    for nb_path in SOLUTIONS.rglob("*.ipynb"):
        nb = nbformat.read(nb_path, as_version=4)
        assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), nb_path


def test_built_book_shows_no_solution_or_hidden_test_text(built_book: Path):
    pages = {p: html.unescape(p.read_text(errors="replace")) for p in built_book.rglob("*.html")}
    sources = {p: p.read_text(errors="replace") for p in built_book.rglob("*.ipynb")}
    everything = {**pages, **sources}
    for path, text in everything.items():
        for marker in MARKERS:
            assert marker not in text, f"{marker} in {path}"
    for assignment in ASSIGNMENTS:
        # chapters teach the same operations with their own code: only lines long enough
        # to be specific to a solution count as a leak there
        for line in secret_lines(assignment, min_length=25):
            hits = [p for p, text in everything.items() if line in text]
            assert not hits, f"{line!r} from solutions/{assignment} appears in {hits[:3]}"
    assert not list(built_book.rglob("solutions")), "solutions/ must not be published"
