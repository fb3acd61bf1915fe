"""Shared checks for every graded assignment, run through the real autograder.

A test module per assignment subclasses :class:`AssignmentChecks` and declares

- ``ASSIGNMENT``: the assignment name (``"01-convolution"``);
- ``MISTAKES``: name -> (answers, tests that must lose points), where ``answers`` maps
  the grade_id of an answer cell to the (wrong) code a student might write;
- ``ALTERNATIVES``: name -> answers: different but correct code that must get full marks.

A variant starts from the solution notebook and replaces only the named answer cells,
so each planted mistake is judged on its own. The solution, the untouched student
version and every variant are graded together in one autograder run per assignment.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from autograder.course import EXERCISES, SOLUTIONS, grade, notebook_name


def variant_notebook(assignment: str, answers: dict[str, str], path: Path) -> Path:
    """The solution notebook of ``assignment`` with the answer cells named in
    ``answers`` (by grade_id) replaced by the given code, written to ``path``."""
    nb = nbformat.read(SOLUTIONS / assignment / notebook_name(assignment), as_version=4)
    ids = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    for grade_id, source in answers.items():
        cell = ids.get(grade_id)
        if cell is None or not cell.metadata["nbgrader"].get("solution"):
            raise KeyError(f"{assignment} has no answer cell {grade_id!r}")
        cell.source = source.strip("\n")
    nbformat.write(nb, path)
    return path


def combine_alternatives(alternatives: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    """Pack alternative correct versions that replace different answer cells into the
    same notebook (a correct notebook must score full marks whichever correct code each
    cell holds), so far fewer notebooks need grading."""
    rounds: list[dict[str, str]] = []
    for answers in alternatives.values():
        for combined in rounds:
            if not set(combined) & set(answers):
                combined.update(answers)
                break
        else:
            rounds.append(dict(answers))
    return rounds


class AssignmentChecks:
    ASSIGNMENT: str = ""
    MISTAKES: dict[str, tuple[dict[str, str], set[str]]] = {}
    ALTERNATIVES: dict[str, dict[str, str]] = {}
    #: the grader's time budget, where an assignment needs a longer one than the default
    BUDGET = None

    @pytest.fixture(scope="class")
    @classmethod
    def graded(cls, tmp_path_factory):
        work = tmp_path_factory.mktemp(cls.ASSIGNMENT)
        name = notebook_name(cls.ASSIGNMENT)
        subs = {"solution": SOLUTIONS / cls.ASSIGNMENT / name,
                "untouched": EXERCISES / cls.ASSIGNMENT / name}
        (work / "variants").mkdir()
        for label, (answers, _) in cls.MISTAKES.items():
            subs[label] = variant_notebook(cls.ASSIGNMENT, answers,
                                           work / "variants" / f"{label}.ipynb")
        rounds = combine_alternatives(cls.ALTERNATIVES)
        for i, answers in enumerate(rounds):
            subs[f"alternatives-{i}"] = variant_notebook(
                cls.ASSIGNMENT, answers, work / "variants" / f"alternatives-{i}.ipynb")
        options = {"budget": cls.BUDGET} if cls.BUDGET is not None else {}
        results = grade(cls.ASSIGNMENT, subs, work / "course", **options)
        for label, answers in cls.ALTERNATIVES.items():  # each alternative's own round
            i = next(i for i, r in enumerate(rounds) if all(r.get(k) == v for k, v in answers.items()))
            results[label] = results[f"alternatives-{i}"]
        return results

    def test_solution_gets_full_marks(self, graded):
        result = graded["solution"]
        assert result.max_score > 0
        assert result.score == result.max_score, f"tests failed: {sorted(result.failed())}"

    def test_untouched_exercise_scores_zero(self, graded):
        result = graded["untouched"]
        earned = {name: got for name, (got, _) in result.tests.items() if got > 0}
        assert result.score == 0, f"an untouched exercise earned points in {earned}"

    def test_planted_mistakes_lose_points_where_named(self, graded):
        assert self.MISTAKES, "every assignment needs planted mistakes"
        problems = []
        for label, (_, must_fail) in self.MISTAKES.items():
            result = graded[label]
            missed = set(must_fail) - result.failed()
            if result.score >= result.max_score or missed:
                problems.append(f"{label}: failed {sorted(result.failed())}, "
                                f"expected to fail {sorted(must_fail)}")
        assert not problems, "planted mistakes not caught:\n" + "\n".join(problems)

    def test_alternative_correct_versions_get_full_marks(self, graded):
        assert self.ALTERNATIVES, "every assignment needs alternative correct versions"
        problems = [f"{label}: failed {sorted(graded[label].failed())}"
                    for label in self.ALTERNATIVES
                    if graded[label].score != graded[label].max_score]
        assert not problems, "correct alternatives lost points:\n" + "\n".join(problems)

    def test_every_answer_cell_has_mistakes_and_an_alternative(self):
        nb = nbformat.read(SOLUTIONS / self.ASSIGNMENT / notebook_name(self.ASSIGNMENT),
                           as_version=4)
        cells = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
                 if c.metadata.get("nbgrader", {}).get("solution")]
        thin = [cell for cell in cells
                if sum(cell in answers for answers, _ in self.MISTAKES.values()) < 2
                or not any(cell in answers for answers in self.ALTERNATIVES.values())]
        assert not thin, f"answer cells with fewer than two planted mistakes or no " \
                         f"alternative correct version: {thin}"
