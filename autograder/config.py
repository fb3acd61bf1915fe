"""nbgrader settings shared by the repository's own ``nbgrader_config.py`` (so plain
``nbgrader`` commands and JupyterLab's formgrader work from the repo root) and by the
course directories the autograder creates to grade submissions."""
from __future__ import annotations

from pathlib import Path

COURSE_ID = "cnn-course"
#: seconds one cell may run at grading time (training cells of the later exercises
#: take tens of seconds on a laptop CPU; the capstone trains for minutes)
CELL_TIMEOUT = 900


def configure(c, root: Path, *, source="solutions", release="exercises",
              db_url: str | None = None) -> None:
    from autograder.preprocessors import HideHiddenTests, StderrIsNotAFailure
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades

    c.CourseDirectory.root = str(root)
    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.source_directory = source
    c.CourseDirectory.release_directory = release
    c.CourseDirectory.db_url = db_url or f"sqlite:///{Path(root) / 'gradebook.db'}"
    c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback",
                                ".data"]
    c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
    c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
    c.Execute.timeout = CELL_TIMEOUT
    c.Execute.allow_errors = True
    from nbgrader.converters import Autograde
    steps = list(Autograde.autograde_preprocessors.default())
    from nbgrader.preprocessors import Execute
    steps.insert(steps.index(Execute) + 1, StderrIsNotAFailure)
    c.Autograde.autograde_preprocessors = steps
    c.GenerateFeedback.preprocessors = [HideHiddenTests, GetGrades, CSSHTMLHeaderPreprocessor]
