"""Grade a whole class: collect, rebuild, execute in parallel sandboxes, record, report.

Layout of the output folder ``OUT``::

    OUT/grades.csv                 one row per student, one column per test cell
    OUT/feedback/STUDENT/NB.html   feedback: test names, points, hints; no hidden tests
    OUT/report.txt                 the summary table and what went wrong where
    OUT/state.json                 progress, so an interrupted run resumes
    OUT/course/                    an nbgrader course: gradebook.db, submitted/,
                                   autograded/, feedback/ (nbgrader's and formgrader's view)

Only this process writes the gradebook (one student at a time, as each finishes), so
parallel workers never race on it, whether it is SQLite or PostgreSQL.
"""
from __future__ import annotations

import csv
import json
import multiprocessing
import os
import shutil
import threading
import time
import warnings
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from .course import EXERCISES, SOLUTIONS, _course_dir, _nbgrader, notebook_name
from .execute import Budget
from .sandbox import Limits
from .submission import Submission, read_student_notebook, rebuild


@dataclass
class StudentResult:
    student_id: str
    score: float = 0.0
    max_score: float = 0.0
    tests: dict[str, tuple[float, float]] = field(default_factory=dict)
    status: str = "graded"       # graded | unreadable | missing | error
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def failed(self) -> set[str]:
        return {name for name, (got, top) in self.tests.items() if got < top}


def _is_test(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution") and cell.cell_type == "code"


def _execute(job: dict) -> dict:
    """Worker: run one prepared notebook and write the autograded notebook."""
    import asyncio

    from .execute import GradingClient
    nb = nbformat.read(job["prepared"], as_version=4)
    tests = {i for i, c in enumerate(nb.cells) if _is_test(c)}
    client = GradingClient(nb, tests=tests, workdir=Path(job["workdir"]), sandbox=job["sandbox"],
                           limits=Limits(**job["limits"]), budget=Budget(**job["budget"]))
    budget = Budget(**job["budget"])

    async def watched():  # a hard stop, in case a kernel never answers at all
        try:
            return await asyncio.wait_for(client.run(), budget.notebook_seconds + 300)
        except asyncio.TimeoutError:
            await client._stop()
            raise RuntimeError("the grader gave up on an unresponsive kernel") from None
    report = asyncio.run(watched())
    out = Path(job["autograded"])
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out)
    return {"student": job["student"], "faults": report.faults, "seconds": report.seconds}


def _feedback(job: dict) -> dict:
    """Worker: nbgrader's own GenerateFeedback for one recorded student (it only reads
    the gradebook), so feedback is written while other students are still graded."""
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader
    course = Path(job["course"])
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    with warnings.catch_warnings():  # nbgrader's own SQLAlchemy usage warns; harmless
        warnings.simplefilter("ignore")
        api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
        result = api.generate_feedback(job["assignment"], job["student"], force=True)
    if not result["success"]:
        raise RuntimeError((result.get("error") or result.get("log") or "failed")[-2000:])
    return {"student": job["student"]}


class Grader:
    def __init__(self, assignment: str, out: Path, *, workers: int | None = None,
                 sandbox: bool = True, db_url: str | None = None, limits: Limits | None = None,
                 budget: Budget | None = None, progress: bool = True):
        self.assignment = assignment
        self.out = Path(out).resolve()
        self.course = _course_dir(self.out / "course", db_url)
        self.db_url = db_url or f"sqlite:///{self.course / 'gradebook.db'}"
        self.workers = workers or os.cpu_count() or 1
        self.sandbox = sandbox
        self.limits = limits or Limits()
        self.budget = budget or Budget()
        self.progress = progress
        self.notebook = notebook_name(assignment)
        self.nb_id = self.notebook.removesuffix(".ipynb")
        self.state_path = self.out / "state.json"
        self.state = json.loads(self.state_path.read_text()) if self.state_path.exists() else {}
        # The gradebook needs the assignment (nbgrader's generate_assignment, a few
        # seconds): it is made in the background while the first students are graded.
        # The student version to rebuild submissions around is exercises/, which tests
        # keep identical to what generate_assignment writes.
        self._setup_error: BaseException | None = None
        self._setup = None
        if not (self.course / "release" / assignment / self.notebook).exists():
            def setup():
                try:
                    _nbgrader(self.course, "generate_assignment", assignment, "--force", "--create")
                except BaseException as error:  # noqa: BLE001 - re-raised by _gradebook_ready
                    self._setup_error = error
            self._setup = threading.Thread(target=setup, daemon=True)
            self._setup.start()
        self.source = nbformat.read(SOLUTIONS / assignment / self.notebook, as_version=4)
        self.release = nbformat.read(EXERCISES / assignment / self.notebook, as_version=4)
        self.test_ids = [c.metadata["nbgrader"]["grade_id"] for c in self.source.cells
                         if _is_test(c)]

    def _gradebook_ready(self) -> None:
        if self._setup is not None:
            self._setup.join()
            self._setup = None
        if self._setup_error is not None:
            raise self._setup_error

    # -- paths --------------------------------------------------------------------
    def _path(self, kind: str, student: str) -> Path:
        return self.course / kind / student / self.assignment / self.notebook

    def _save_state(self) -> None:
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.state, indent=1, sort_keys=True))
        os.replace(tmp, self.state_path)

    # -- steps --------------------------------------------------------------------
    def prepare(self, sub: Submission) -> tuple[dict | None, list[str]]:
        """Write the submitted copy (for formgrader) and the rebuilt notebook to run."""
        notes = list(sub.notes)
        student_nb, problem = read_student_notebook(sub.path)
        if problem and sub.path is not None:
            notes.append(problem)
        submitted = self._path("submitted", sub.student_id)
        if submitted.parent.exists():
            shutil.rmtree(submitted.parent)
        submitted.parent.mkdir(parents=True)
        graded, repair = rebuild(self.source, self.release, student_nb)
        if student_nb is not None:  # for an unreadable file, "unreadable" says it all
            notes += repair
        nbformat.write(student_nb if student_nb is not None else self.release, submitted)
        work = self.out / "work" / sub.student_id
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True)
        prepared = work / self.notebook
        nbformat.write(graded, prepared)
        job = {"student": sub.student_id, "prepared": str(prepared),
               "autograded": str(self._path("autograded", sub.student_id)),
               "workdir": str(work / "scratch"), "sandbox": self.sandbox,
               "limits": asdict(self.limits), "budget": asdict(self.budget)}
        return job, notes

    def record(self, student: str, notes: list[str], seconds: float) -> StudentResult:
        """Write the autograded notebook's scores to the gradebook (nbgrader's own
        SaveAutoGrades) and return them."""
        from nbgrader.api import Gradebook
        from nbgrader.preprocessors import SaveAutoGrades
        self._gradebook_ready()
        nb = nbformat.read(self._path("autograded", student), as_version=4)
        with warnings.catch_warnings():  # nbgrader's own SQLAlchemy usage warns; harmless
            warnings.simplefilter("ignore")
            with Gradebook(self.db_url) as gb:
                gb.update_or_create_student(student)
                gb.update_or_create_submission(self.assignment, student)
            resources = {"nbgrader": {"notebook": self.nb_id, "assignment": self.assignment,
                                      "student": student, "db_url": self.db_url}}
            SaveAutoGrades().preprocess(nb, resources)
        return self.read_result(student, notes, seconds)

    def read_result(self, student: str, notes: list[str], seconds: float) -> StudentResult:
        from nbgrader.api import Gradebook
        self._gradebook_ready()
        with Gradebook(self.db_url) as gb:
            nb = gb.find_submission_notebook(self.nb_id, self.assignment, student)
            tests = {g.name: (float(g.score), float(g.max_score)) for g in nb.grades
                     if g.name in self.test_ids}
            return StudentResult(student, float(nb.score), float(nb.max_score), tests,
                                 "graded", notes, seconds)

    # -- the whole class ------------------------------------------------------------
    def run(self, submissions: list[Submission], force: bool = False) -> dict[str, StudentResult]:
        from tqdm.auto import tqdm
        results: dict[str, StudentResult] = {}
        jobs, notes_of = [], {}
        for sub in submissions:
            digest = sub.digest()
            previous = self.state.get(sub.student_id)
            if (not force and previous and previous.get("digest") == digest
                    and previous.get("done") and self._path("autograded", sub.student_id).exists()):
                results[sub.student_id] = self.read_result(sub.student_id, previous["notes"],
                                                           previous.get("seconds", 0.0))
                continue
            job, notes = self.prepare(sub)
            notes_of[sub.student_id] = notes
            self.state[sub.student_id] = {"digest": digest, "done": False, "notes": notes}
            jobs.append(job)
        self._save_state()
        bar = tqdm(total=len(jobs), desc=f"grading {self.assignment}", unit="student",
                   disable=not self.progress)
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(self.workers, max(1, len(jobs))),
                                 mp_context=context) as pool:
            pending = {pool.submit(_execute, job): ("grade", job["student"]) for job in jobs}
            try:
                while pending:
                    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        kind, student = pending.pop(future)
                        if kind == "feedback":   # written by a worker; a failure is noted
                            try:
                                future.result()
                            except Exception as error:  # noqa: BLE001
                                results[student].notes.append(f"no feedback: {type(error).__name__}")
                            continue
                        notes = notes_of[student]
                        try:
                            outcome = future.result()
                            notes = notes + outcome["faults"]
                            result = self.record(student, notes, outcome["seconds"])
                            job = {"course": str(self.course), "assignment": self.assignment,
                                   "student": student}
                            pending[pool.submit(_feedback, job)] = ("feedback", student)
                        except Exception as error:  # noqa: BLE001 - report it, go on
                            first = str(error).strip().splitlines()[:1] or [""]
                            result = StudentResult(student, status="error", notes=notes + [
                                f"grader error: {type(error).__name__}: {first[0]}"])
                        results[student] = result
                        self.state[student] = {"digest": self.state[student]["digest"],
                                               "done": result.status == "graded",
                                               "notes": result.notes, "seconds": result.seconds}
                        self._save_state()
                        bar.set_postfix_str(f"{student}: {result.score:g}/{result.max_score:g}")
                        bar.update()
            except KeyboardInterrupt:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
        bar.close()
        return results


def write_reports(grader: Grader, results: dict[str, StudentResult],
                  regenerate_feedback: bool = False) -> str:
    """grades.csv, feedback HTML (made by the workers during grading, or all again with
    ``regenerate_feedback``) and report.txt; returns the summary table."""
    grader._gradebook_ready()
    out = grader.out
    with open(out / "grades.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student_id", "assignment", "score", "max_score", "status", "notes",
                         *grader.test_ids])
        for student in sorted(results):
            r = results[student]
            writer.writerow([student, grader.assignment, f"{r.score:g}", f"{r.max_score:g}",
                             r.status, "; ".join(r.notes),
                             *(f"{r.tests.get(t, (0.0, 0.0))[0]:g}" for t in grader.test_ids)])
    graded = [s for s, r in results.items() if r.status == "graded"]
    missing = [s for s in graded if not grader._path("feedback", s).with_suffix(".html").exists()]
    if graded and (regenerate_feedback or missing):   # (missing: a run stopped in between)
        _nbgrader(grader.course, "generate_feedback", grader.assignment, "--force")
    if graded:
        for student in graded:
            html = grader._path("feedback", student).with_suffix(".html")
            target = out / "feedback" / student
            target.mkdir(parents=True, exist_ok=True)
            if html.exists():
                shutil.copyfile(html, target / html.name)
    width = max([10, *map(len, results)])
    lines = [f"{'student':{width}s}  {'score':>12s}  {'time':>7s}  notes"]
    for student in sorted(results):
        r = results[student]
        lines.append(f"{student:{width}s}  {r.score:6g} / {r.max_score:<4g}  {r.seconds:6.1f}s  "
                     f"{'; '.join(r.notes) if r.notes else ''}")
    table = "\n".join(lines)
    (out / "report.txt").write_text(table + "\n")
    return table


def grade_class(assignment: str, source: Path, out: Path, **kwargs) -> dict[str, StudentResult]:
    from .submission import collect
    force = kwargs.pop("force", False)
    grader = Grader(assignment, out, **kwargs)
    submissions = collect(source, grader.notebook, assignment, Path(out) / "collected")
    start = time.monotonic()
    results = grader.run(submissions, force=force)
    table = write_reports(grader, results)
    if grader.progress:
        print(table)
        print(f"{len(results)} submissions in {time.monotonic() - start:.1f} s "
              f"with {grader.workers} workers; grades in {Path(out) / 'grades.csv'}")
    return results


def export_all(out: Path, db_url: str | None = None) -> Path:
    """nbgrader's own CSV export of every grade in the gradebook of ``OUT/course``."""
    course = _course_dir(Path(out).resolve() / "course", db_url)
    target = Path(out).resolve() / "gradebook_export.csv"
    _nbgrader(course, "export", "--to", str(target))
    return target
