"""The course's grader: nbgrader's generate / autograde / feedback with fair scoring.

``python -m autograder generate ASSIGNMENT...`` regenerates the student versions in
``exercises/`` from ``solutions/``; ``python -m autograder grade ...`` grades submissions.
"""
from .course import REPO, assignments, generate, grade

__all__ = ["REPO", "assignments", "generate", "grade"]
