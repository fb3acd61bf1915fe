"""Generate student versions and grade submissions with nbgrader's own converters.

Grading works in a course directory of its own (``source/`` pointing at the
instructor's solutions, ``submitted/``, ``autograded/``, ``gradebook.db``), so the
repository is never written to and several gradings can run side by side.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions"
EXERCISES = REPO / "exercises"

_CONFIG_TEMPLATE = """\
# written by autograder.course: settings shared with the repository's nbgrader_config.py
from autograder.config import configure
configure(c, {root!r}, source={source!r}, release="release", db_url={db_url!r})
"""


def assignments() -> list[str]:
    """The assignment names (``01-convolution``, ...) found in ``solutions/``."""
    return sorted(p.name for p in SOLUTIONS.iterdir() if p.is_dir() and p.name[:2].isdigit())


def notebook_name(assignment: str) -> str:
    """The file name of an assignment's (single) notebook."""
    (nb,) = sorted((SOLUTIONS / assignment).glob("*.ipynb"))
    return nb.name


def _nbgrader(root: Path, *args: str) -> subprocess.CompletedProcess:
    """Run an ``nbgrader`` command in the course directory ``root``; raise with its
    log when it fails."""
    cmd = [sys.executable, "-m", "nbgrader", *args]
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True,
                          env={**os.environ, "PYTHONWARNINGS": "ignore",
                               # nbgrader runs `alembic` from the environment's bin dir
                               "PATH": f"{Path(sys.executable).parent}{os.pathsep}"
                                       f"{os.environ.get('PATH', '')}"})
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed in {root}:\n{proc.stdout}\n{proc.stderr}")
    return proc


def _course_dir(root: Path, db_url: str | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    db_url = db_url or f"sqlite:///{root / 'gradebook.db'}"
    (root / "nbgrader_config.py").write_text(
        _CONFIG_TEMPLATE.format(root=str(root), source=str(SOLUTIONS), db_url=db_url))
    return root


def generate(assignment: str, release_root: Path | None = None) -> Path:
    """Generate the student version of ``assignment`` from ``solutions/``.

    By default into ``exercises/`` (what ``make exercises`` does); with
    ``release_root``, into ``release_root/release/ASSIGNMENT`` (used to check that the
    committed student versions are exactly what nbgrader generates).
    """
    if release_root is None:
        _nbgrader(REPO, "generate_assignment", assignment, "--force", "--no-db")
        return EXERCISES / assignment
    root = _course_dir(Path(release_root))
    _nbgrader(root, "generate_assignment", assignment, "--force", "--no-db")
    return root / "release" / assignment


@dataclass
class Result:
    """One student's grade on one assignment."""
    student_id: str
    score: float
    max_score: float
    tests: dict[str, tuple[float, float]] = field(default_factory=dict)  # grade_id -> (score, max)

    def failed(self) -> set[str]:
        """Names of the graded cells that did not get full points."""
        return {name for name, (got, top) in self.tests.items() if got < top}


def grade(assignment: str, submissions: dict[str, Path], workdir: Path,
          db_url: str | None = None) -> dict[str, Result]:
    """Autograde ``submissions`` (student id -> notebook path) with nbgrader in the course
    directory ``workdir`` and return each student's :class:`Result`."""
    from nbgrader.api import Gradebook

    root = _course_dir(Path(workdir), db_url)
    if not (root / "release" / assignment).exists():
        _nbgrader(root, "generate_assignment", assignment, "--force", "--create")
    name = notebook_name(assignment)
    for student, path in submissions.items():
        target = root / "submitted" / student / assignment
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        shutil.copyfile(path, target / name)
    _nbgrader(root, "autograde", assignment, "--force", "--create")
    results = {}
    with Gradebook(db_url or f"sqlite:///{root / 'gradebook.db'}") as gb:
        for student in submissions:
            nb = gb.find_submission_notebook(name.removesuffix(".ipynb"), assignment, student)
            tests = {g.name: (float(g.score), float(g.max_score)) for g in nb.grades
                     if g.auto_score is not None or g.max_score}
            results[student] = Result(student, float(nb.score), float(nb.max_score), tests)
    return results
