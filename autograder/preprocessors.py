"""nbgrader preprocessors that make autograding fair."""
from __future__ import annotations

import re

from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade, is_solution


class StderrIsNotAFailure(NbGraderPreprocessor):
    """Stock nbgrader gives a test cell zero when it wrote anything to stderr, so a
    correct answer that triggers a warning or a progress bar loses the points. Only an
    error output should fail a test: stderr text in test cells is kept, as stdout."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and is_grade(cell) and not is_solution(cell):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream" and output.get("name") == "stderr":
                    output["name"] = "stdout"
        return cell, resources


HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[ \t]*\n?", re.S | re.M)


class HideHiddenTests(NbGraderPreprocessor):
    """For feedback: a test cell shows its name, its points, the visible tests and the
    failure message as a hint, never the hidden tests' source (stock nbgrader feedback
    shows the graded notebook as it ran, hidden tests and tracebacks included)."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and is_grade(cell) and not is_solution(cell):
            meta = cell.metadata["nbgrader"]
            visible = HIDDEN.sub("# (hidden tests are run by the grader and not shown)\n",
                                 cell.source)
            cell.source = f"# {meta['grade_id']} ({meta.get('points', 0):g} points)\n{visible}"
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename')}: {output.get('evalue')}"]
        return cell, resources
