"""nbgrader preprocessors that make autograding fair."""
from __future__ import annotations

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
