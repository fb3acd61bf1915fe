"""The student's and the instructor's paths through an assignment, as the README tells
them, with the real tools: a Jupyter kernel, `nbgrader validate`, the JupyterLab
extensions, the autograder's command line and the formgrader's server."""
from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.course import EXERCISES, REPO, SOLUTIONS

A, NB = "01-convolution", "convolution.ipynb"
BIN = Path(sys.executable).parent


def grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def finished_copy() -> nbformat.NotebookNode:
    """The student version with every answer cell filled in the way a student would:
    the solution's code, without nbgrader's markers."""
    answers = {grade_id(c): c.source for c in nbformat.read(SOLUTIONS / A / NB, as_version=4).cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    nb = nbformat.read(EXERCISES / A / NB, as_version=4)
    for cell in nb.cells:
        if grade_id(cell) in answers:
            cell.source = re.sub(r"\s*### (BEGIN|END) SOLUTION[^\n]*", "", answers[grade_id(cell)])
    return nb


def run(*args, cwd, check=True, **kw) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                            timeout=900, **kw)
    if check and result.returncode:
        raise AssertionError(f"{args} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return result


def test_setup_installs_and_enables_the_nbgrader_extensions():
    lab = run(BIN / "jupyter", "labextension", "list", cwd=REPO)
    assert re.search(r"@jupyter/nbgrader v\S+ .*enabled.*OK", lab.stdout + lab.stderr)
    server = run(BIN / "jupyter", "server", "extension", "list", cwd=REPO)
    text = server.stdout + server.stderr
    for extension in ("formgrader", "assignment_list", "validate_assignment", "course_list"):
        assert re.search(rf"nbgrader\.server_extensions\.{extension} .*enabled", text), extension


def test_student_runs_the_exercise_and_validates_it(tmp_path):
    student = tmp_path / "student"
    student.mkdir()
    (student / NB).write_bytes((EXERCISES / A / NB).read_bytes())

    # 1. opened and run top to bottom in a real kernel: the set-up cells work, and each
    #    visible test says the function (or the quiz answer) is still to be written
    nb = nbformat.read(student / NB, as_version=4)
    NotebookClient(nb, timeout=300, allow_errors=True, resources={"metadata": {"path": str(student)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    unexpected = [f"{e.ename}: {e.evalue}" for e in errors if not (
        e.ename == "NotImplementedError" or re.fullmatch(r"name 'q\d+' is not defined", e.evalue))]
    assert errors and not unexpected, unexpected
    first_answer = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("solution"))
    assert not any(o.output_type == "error" for c in nb.cells[:first_answer]
                   if c.cell_type == "code" for o in c.outputs), "the set-up cells must run"

    # 2. `nbgrader validate` on the unfinished copy names the failing cells
    unfinished = run(BIN / "nbgrader", "validate", NB, cwd=student, check=False)
    assert "VALIDATION FAILED" in unfinished.stdout and "NotImplementedError" in unfinished.stdout

    # 3. ... and on the finished copy says it passes
    nbformat.write(finished_copy(), student / NB)
    finished = run(BIN / "nbgrader", "validate", NB, cwd=student, check=False)
    assert "Success! Your notebook passes all the tests." in finished.stdout, finished.stdout[-3000:]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyter(app: str, *, cwd: Path, tmp_path: Path):
    """`jupyter server` or `jupyter lab` on a free local port, with its own config,
    settings and workspace folders; yields (base URL, token) once it answers."""
    port, token = free_port(), "course-test-token"
    log_path = tmp_path / f"{app}.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [BIN / "jupyter", app, f"--port={port}", "--no-browser", f"--IdentityProvider.token={token}",
             "--ServerApp.ip=127.0.0.1", "--allow-root",
             *([f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}",
                f"--LabApp.user_settings_dir={tmp_path / 'user-settings'}"] if app == "lab" else [])],
            cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "jupyter-config")})
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(240):
                assert server.poll() is None, log_path.read_text()[-3000:]
                try:
                    urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                    break
                except OSError:
                    time.sleep(0.5)
            yield base, token
        finally:
            server.terminate()
            server.wait(timeout=30)


def test_student_works_in_jupyterlab(tmp_path, browser):
    """In JupyterLab in a browser: a chapter (MyST Markdown) opens as a notebook whose
    cells run; the exercise's Validate button (nbgrader's lab extension) reports the
    unfinished answers."""
    student = tmp_path / "student"
    student.mkdir()
    (student / NB).write_bytes((EXERCISES / A / NB).read_bytes())
    chapter = next((REPO / "chapters").glob(f"{A}*.md"))
    (student / chapter.name).write_bytes(chapter.read_bytes())
    with jupyter("lab", cwd=student, tmp_path=tmp_path) as (base, token):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            # the chapter opens as a notebook (the set-up makes jupytext's viewer the
            # default for Markdown), its title rendered and its first cell runnable
            page = context.new_page()
            page.goto(f"{base}/lab/workspaces/chapter/tree/{chapter.name}?token={token}")
            page.wait_for_selector(".jp-NotebookPanel .jp-MarkdownCell h1", timeout=90_000)
            page.wait_for_selector("text=Python 3 (ipykernel) | Idle", timeout=90_000)
            first = page.locator(".jp-NotebookPanel .jp-CodeCell").first
            first.click()
            page.keyboard.press("Shift+Enter")
            output = first.locator(".jp-OutputArea-output").first
            output.wait_for(timeout=90_000)
            assert "torch.Size([10, 1, 28, 28])" in output.inner_text()
            page.close()

            # the exercise: Validate runs nbgrader on it and names what is unfinished
            page = context.new_page()
            page.goto(f"{base}/lab/workspaces/exercise/tree/{NB}?token={token}")
            page.wait_for_selector(".jp-NotebookPanel .jp-CodeCell", timeout=90_000)
            page.locator(".jp-NotebookPanel-toolbar >> text=Validate").click()
            dialog = page.locator(".jp-Dialog")
            dialog.wait_for(timeout=120_000)
            text = dialog.inner_text()
            assert "The following cell failed" in text and "NotImplementedError" in text, text[:2000]
        finally:
            context.close()


def test_instructor_collects_grades_reviews_exports_and_returns_feedback(tmp_path, browser):
    # collect: the LMS's zip of the class's uploads
    finished = tmp_path / "finished.ipynb"
    nbformat.write(finished_copy(), finished)
    archive = tmp_path / "lms.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(finished, f"s2001_attempt_2026-11-20_{NB}")
        z.write(EXERCISES / A / NB, f"s2002_attempt_2026-11-21_{NB}")
    out = tmp_path / "graded"

    # grade, exactly as the README says
    run(sys.executable, "-m", "autograder", "grade", A, archive, "--out", out, "--workers", "2", cwd=REPO)
    grades = {r["student_id"]: r for r in csv.DictReader((out / "grades.csv").open())}
    assert float(grades["s2001"]["score"]) == float(grades["s2001"]["max_score"]) > 0
    assert float(grades["s2002"]["score"]) == 0
    assert not grades["s2001"]["notes"], "an LMS's file-name prefix is not a renamed notebook"

    # review in the formgrader: nbgrader's own server extension on the graded course
    with jupyter("server", cwd=out / "course", tmp_path=tmp_path) as (base, token):
        page = urllib.request.urlopen(f"{base}/formgrader?token={token}", timeout=30).read().decode()
        assert "formgrader" in page.lower()
        listing = json.loads(urllib.request.urlopen(
            f"{base}/formgrader/api/assignments?token={token}", timeout=30).read())
        graded = {a["name"]: a for a in listing}[A]
        assert graded["num_submissions"] == 2
        # ... and in a browser, as the instructor sees it: the notebook's submissions
        # with their scores; one opened for review shows each test cell's autograded
        # points (the placeholders of the manual-override boxes)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.goto(f"{base}/login?next=/formgrader/gradebook/{A}/{Path(NB).stem}")
            page.fill("input[type=password]", token)
            page.click("button[type=submit], input[type=submit]")
            rows = page.locator("tbody tr").filter(has_text="Submission #")
            rows.nth(1).wait_for(timeout=60_000)
            scores = sorted(r.strip().split("\t")[1] for r in rows.all_inner_texts())
            assert scores == ["0 / 18", "18 / 18"], rows.all_inner_texts()
            rows.filter(has_text="18 / 18").locator("a").first.click()
            filled = "() => [...document.querySelectorAll('input.score')].map(i => i.placeholder)"
            page.wait_for_function(f"() => ({filled})().length > 0 && ({filled})().every(p => p !== '')",
                                   timeout=60_000)
            points = page.evaluate(filled)
            assert sum(map(float, points)) == 18, points
            assert page.get_by_text("Student's answer").count() >= 3
        finally:
            context.close()

    # export the gradebook with nbgrader's exporter
    run(sys.executable, "-m", "autograder", "export", "--out", out, cwd=REPO)
    exported = {r["student_id"]: r for r in csv.DictReader((out / "gradebook_export.csv").open())
                if r["assignment"] == A}
    assert float(exported["s2001"]["score"]) == float(grades["s2001"]["score"])
    assert float(exported["s2002"]["score"]) == 0

    # return feedback: one HTML per student, regenerated on demand
    feedback = out / "feedback" / "s2002" / NB.replace(".ipynb", ".html")
    feedback.unlink()
    run(sys.executable, "-m", "autograder", "feedback", A, "--out", out, cwd=REPO)
    html = feedback.read_text()
    assert "NotImplementedError" in html and "BEGIN HIDDEN TESTS" not in html
