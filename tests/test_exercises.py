"""Student versions are exactly what nbgrader generates, and nothing leaks to students."""
import functools
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


@functools.cache
def student_text(assignment: str) -> str:
    """The student version's code and text, line by line, stripped."""
    student = nbformat.read(EXERCISES / assignment / notebook_name(assignment), as_version=4)
    return "\n".join(l.strip() for c in student.cells for l in c.source.splitlines())


def hidden_test_snippets(assignment: str) -> set[str]:
    """Pairs of consecutive hidden-test lines (joined by a newline): one generic line
    may well appear in a chapter, two in a row from a hidden test may not."""
    nb = nbformat.read(SOLUTIONS / assignment / notebook_name(assignment), as_version=4)
    snippets = set()
    for cell in nb.cells:
        for part in cell.source.split("### BEGIN HIDDEN TESTS")[1:]:
            lines = [l.strip() for l in part.split("### END HIDDEN TESTS")[0].splitlines() if l.strip()]
            snippets |= {f"{a}\n{b}" for a, b in zip(lines, lines[1:]) if len(a) + len(b) >= 40}
    # the visible part of a test may repeat hidden lines: what students get is public
    public = student_text(assignment)
    return {snippet for snippet in snippets if snippet not in public}


def page_text(path: Path) -> str:
    """A page's text as a reader sees it: tags (and syntax highlighting) removed."""
    text = path.read_text(errors="replace")
    if path.suffix == ".html":
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return "\n".join(line.strip() for line in text.splitlines())


def solution_regions(assignment: str) -> list[list[str]]:
    """The code lines (stripped, comments left out) of each solution region."""
    nb = nbformat.read(SOLUTIONS / assignment / notebook_name(assignment), as_version=4)
    regions = []
    for cell in nb.cells:
        for part in cell.source.split("### BEGIN SOLUTION")[1:]:
            lines = [l.strip() for l in part.split("### END SOLUTION")[0].splitlines()]
            regions.append([l for l in lines if l and not l.startswith("#")])
    return [r for r in regions if r]


def answers_given_away(assignment: str, text: str) -> list[str]:
    """Where a page gives away a graded answer: two consecutive lines of a solution
    region (one generic line such as ``return nn.Sequential(*layers)`` may well appear in
    a chapter; two in a row are the answer), or every line of a short region (a one-line
    ``relu`` is its whole answer)."""
    lines = set(text.splitlines())
    public = student_text(assignment)   # what the exercise itself shows is no give-away
    found = []
    for region in solution_regions(assignment):
        pairs = [f"{a}\n{b}" for a, b in zip(region, region[1:]) if len(a) + len(b) >= 40]
        found += [pair for pair in pairs if pair in text and pair not in public]
        if len(region) <= 3 and all(l in lines for l in region) and sum(map(len, region)) >= 25 \
                and "\n".join(region) not in public:
            found.append("\n".join(region))
    return found


def test_built_book_shows_no_solution_or_hidden_test_text(built_book: Path):
    everything = {p: page_text(p) for p in [*built_book.rglob("*.html"),
                                             *built_book.rglob("*.ipynb")]}
    for path, text in everything.items():
        for marker in MARKERS:
            assert marker not in text, f"{marker} in {path}"
    for assignment in ASSIGNMENTS:
        exercise_pages = {p: t for p, t in everything.items() if assignment in p.parts}
        # hidden tests appear nowhere; graded answers nowhere (the chapters teach the
        # ideas, the exercises ask for the code); in the exercise's own pages not even one
        # line of its solutions
        for snippet in hidden_test_snippets(assignment):
            hits = [p for p, text in everything.items() if snippet in text]
            assert not hits, f"hidden test {snippet!r} of {assignment} appears in {hits[:3]}"
        for path, text in everything.items():
            given = answers_given_away(assignment, text)
            assert not given, f"{path} gives away the answer of {assignment}: {given[:3]}"
        for line in secret_lines(assignment, min_length=25):
            hits = [p for p, text in exercise_pages.items() if line in text]
            assert not hits, f"{line!r} from solutions/{assignment} appears in {hits[:3]}"
    assert not list(built_book.rglob("solutions")), "solutions/ must not be published"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_chapters_do_not_give_away_graded_answers(assignment):
    """The same check on the chapter sources, so it fails before a book is built."""
    for chapter in sorted((REPO / "chapters").rglob("*.md")):
        text = "\n".join(line.strip() for line in chapter.read_text().splitlines())
        given = answers_given_away(assignment, text)
        assert not given, f"{chapter.name} gives away the answer of {assignment}: {given[:3]}"
