"""The grader against broken and hostile submissions, through the real command line.

One class of students is graded in one run: a correct student, noisy but correct
students, students whose code hangs, crashes, floods or bombs, students who mangle the
notebook, and students who attack the grader. Each test asserts a student's exact score,
which shows at once that the fault cost only the affected points and that nobody
else's grade moved.
"""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder.course import EXERCISES, REPO, SOLUTIONS
from assignment_checks import variant_notebook

A = "01-convolution"
NB = "convolution.ipynb"
FULL = 18.0
CONV_PARAMS = 2.0   # points of test_conv_params
WRONG_STRIDE = ('def conv2d(x, weight, bias=None, stride=1, padding=0):\n'
                '    p = (padding, padding) if isinstance(padding, int) else padding\n'
                '    w = torch.nn.functional.pad(x, (p[1], p[1], p[0], p[0])).unfold(2, weight.shape[2], 1)'
                '.unfold(3, weight.shape[3], 1)\n'
                '    out = torch.einsum("nchwij,ocij->nohw", w, weight)\n'
                '    return out if bias is None else out + bias.view(1, -1, 1, 1)\n')


def solution() -> nbformat.NotebookNode:
    return nbformat.read(SOLUTIONS / A / NB, as_version=4)


def with_conv_params(body: str) -> str:
    """conv_params that does something nasty before answering correctly."""
    return ("def conv_params(in_channels, out_channels, kernel_size, bias=True):\n"
            + "\n".join("    " + line for line in body.strip().splitlines()) + "\n"
            "    k = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size\n"
            "    return out_channels * (in_channels * k[0] * k[1] + int(bias))\n")


def insert_cell(nb, index: int, source: str):
    nb.cells.insert(index, nbformat.v4.new_code_cell(source))
    return nb


def cell_index(nb, grade_id: str) -> int:
    return next(i for i, c in enumerate(nb.cells)
                if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


ATTACK = r'''
import os, socket, glob
def _can_read(pattern):
    for path in glob.glob(pattern, recursive=True):
        try:
            open(path, "rb").read(10)
            return True
        except OSError:
            pass
    return False
_leaks = {
    "solutions": _can_read("{repo}/solutions/**/*.ipynb") or _can_read("{out}/course/source/**/*.ipynb"),
    "gradebook": _can_read("{out}/course/gradebook.db"),
    "others": _can_read("{out}/course/submitted/alice/**/*.ipynb") or _can_read("{out}/work/alice/*.ipynb"),
}
try:
    socket.create_connection(("pypi.org", 443), timeout=3).close()
    _leaks["network"] = True
except OSError:
    _leaks["network"] = False
for target in ["{out}/grades.csv", "{out}/course/gradebook.db", "{repo}/tests/PWNED", "{out}/PWNED"]:
    try:
        with open(target, "a") as f:
            f.write("pwned")
    except OSError:
        pass
'''


def build_class(tmp: Path, out: Path) -> dict[str, float]:
    """Write every student's submission under tmp/subs and return the expected scores."""
    subs = tmp / "subs"
    expected: dict[str, float] = {}

    def put(student: str, nb, score: float, name: str = NB):
        folder = subs / student
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / name)
        expected[student] = score

    def variant(answers: dict[str, str]):
        path = tmp / "variant.ipynb"
        return nbformat.read(variant_notebook(A, answers, path), as_version=4)

    put("alice", solution(), FULL)
    noisy = solution()
    insert_cell(noisy, cell_index(noisy, "conv2d"),
                "import sys, warnings\nfrom tqdm.auto import tqdm\n"
                "warnings.warn('a warning from the student')\nprint('to stderr', file=sys.stderr)\n"
                "for _ in tqdm(range(3)):\n    pass")
    put("noisy", noisy, FULL)
    put("loops_forever", variant({"conv_params": with_conv_params("while True:\n    pass")}),
        FULL - CONV_PARAMS)
    put("swallows_interrupt", variant({"conv_params": with_conv_params(
        "import time\nwhile True:\n    try:\n        time.sleep(0.1)\n    except KeyboardInterrupt:\n        pass")}),
        FULL - CONV_PARAMS)
    put("exits", variant({"conv_params": with_conv_params("import os\nos._exit(3)")}), FULL - CONV_PARAMS)
    put("segfaults", variant({"conv_params": with_conv_params("import ctypes\nctypes.string_at(0)")}),
        FULL - CONV_PARAMS)
    put("memory_bomb", variant({"conv_params": with_conv_params("hog = bytearray(64 << 30)")}),
        FULL - CONV_PARAMS)
    put("fork_bomb", variant({"conv_params": with_conv_params(
        "import os\nwhile True:\n    os.fork()")}), FULL - CONV_PARAMS)
    put("floods", variant({"conv_params": with_conv_params(
        "while True:\n    print('x' * 100000)")}), FULL - CONV_PARAMS)
    (subs / "bad_json").mkdir(parents=True)
    (subs / "bad_json" / NB).write_text('{"cells": [ this is not json')
    expected["bad_json"] = 0.0
    put("renamed", solution(), FULL, name="my convolution (1).ipynb")
    deleted = solution()
    del deleted.cells[cell_index(deleted, "test_conv2d_stride")]
    put("deleted_test", deleted, FULL)
    edited = variant({"conv2d": WRONG_STRIDE})
    edited.cells[cell_index(edited, "test_conv2d_stride")].source = "pass"
    put("edited_test", edited, FULL - 4.0)  # stride is also used in a padding test
    retyped = solution()
    i = cell_index(retyped, "test_conv_params")
    retyped.cells[i] = nbformat.v4.new_markdown_cell(retyped.cells[i].source,
                                                    metadata=retyped.cells[i].metadata)
    put("retyped_test", retyped, FULL)
    reordered = solution()
    tests = [c for c in reordered.cells if c.metadata.get("nbgrader", {}).get("grade")]
    others = [c for c in reordered.cells if not c.metadata.get("nbgrader", {}).get("grade")]
    reordered.cells = tests + others
    put("reordered", reordered, FULL)
    put("fake_equality", variant({"conv_params": (
        "class Anything(int):\n    def __eq__(self, other):\n        return True\n"
        "    def __ne__(self, other):\n        return False\n"
        "def conv_params(in_channels, out_channels, kernel_size, bias=True):\n    return Anything(0)"),
        "conv_output_size": (
        "class Yes:\n    def __eq__(self, other):\n        return True\n"
        "def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):\n    return Yes()")}),
        FULL - CONV_PARAMS - 2.0)
    patcher = EXERCISES / A / NB
    for student, patch in {
        "patches_torch": "import torch, torch.testing\ntorch.allclose = lambda *a, **k: True\n"
                         "torch.testing.assert_close = lambda *a, **k: None",
        "patches_builtins": "import builtins\nbuiltins.isinstance = lambda *a: True\n"
                            "builtins.type = lambda *a: int",
        "patches_checks": "import cnncourse.checks as c\nfor name in dir(c):\n"
                          "    if name.startswith('check'):\n        setattr(c, name, lambda *a, **k: None)",
        "patches_ipython": "ip = get_ipython()\nip.showtraceback = lambda *a, **k: None\n"
                           "ip._showtraceback = lambda *a, **k: None",
        "patches_numpy": "import numpy, numpy.testing\nnumpy.allclose = lambda *a, **k: True\n"
                         "numpy.testing.assert_allclose = lambda *a, **k: None",
    }.items():
        nb = nbformat.read(patcher, as_version=4)   # untouched answers: every test must fail
        insert_cell(nb, 1, patch)
        put(student, nb, 0.0)
    attacker = solution()
    attack = ATTACK.replace("{repo}", str(REPO)).replace("{out}", str(out))
    quiz = cell_index(attacker, "quiz_answers")
    attacker.cells[quiz].source = (
        "q1 = 17 if _leaks['solutions'] else -1\nq2 = 5 if _leaks['gradebook'] else -1\n"
        "q3 = {'a', 'c', 'd'} if _leaks['others'] else set()\nq4 = False if _leaks['network'] else True")
    insert_cell(attacker, quiz, attack)
    put("attacker", attacker, FULL - 4.0)
    return expected


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("class")
    out = tmp / "out"
    expected = build_class(tmp, out)
    cmd = [sys.executable, "-m", "autograder", "grade", A, str(tmp / "subs"), "--out", str(out),
           "--workers", "2", "--cell-timeout", "30", "--memory-gb", "6"]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = {r["student_id"]: r for r in csv.DictReader(open(out / "grades.csv"))}
    return expected, rows, out, proc


def test_every_student_gets_exactly_the_expected_score(graded_class):
    expected, rows, _, proc = graded_class
    got = {s: float(rows[s]["score"]) for s in expected if s in rows}
    wrong = {s: (got.get(s), e) for s, e in expected.items() if got.get(s) != e}
    assert not wrong, f"(got, expected): {wrong}\n{proc.stdout[-4000:]}"


def test_the_report_says_what_happened(graded_class):
    _, rows, out, _ = graded_class
    notes = {s: r["notes"] for s, r in rows.items()}
    assert "invalid notebook JSON" in notes["bad_json"]
    assert "renamed" in notes["renamed"]
    assert "restored" in notes["deleted_test"] and "restored" in notes["retyped_test"]
    for student in ("loops_forever", "swallows_interrupt"):
        assert "time limit" in notes[student], notes[student]
    assert "died" in notes["exits"] and "died" in notes["segfaults"]
    assert "too much output" in notes["floods"]
    report = (out / "report.txt").read_text()
    assert all(student in report for student in rows)


def test_grades_csv_has_a_column_per_test(graded_class):
    _, rows, _, _ = graded_class
    columns = set(next(iter(rows.values())))
    assert {"student_id", "assignment", "score", "max_score", "test_conv2d_stride",
            "test_conv_params", "test_q4"} <= columns
    assert rows["alice"]["max_score"] == "18"


def test_attacks_leave_the_grader_untouched(graded_class):
    _, rows, out, _ = graded_class
    assert not (REPO / "tests" / "PWNED").exists() and not (out / "PWNED").exists()
    assert "pwned" not in (out / "grades.csv").read_text()
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{out / 'course' / 'gradebook.db'}") as gb:  # still a valid gradebook
        assert gb.find_submission(A, "alice").score == FULL


def test_feedback_shows_names_points_and_hints_but_never_hidden_tests(graded_class):
    _, _, out, _ = graded_class
    html = (out / "feedback" / "edited_test" / "convolution.html").read_text()
    assert "test_conv2d_stride (2 points)" in html
    assert "stride" in html  # the failure message is the hint
    hidden = [line.strip() for cell in solution().cells if "BEGIN HIDDEN TESTS" in cell.source
              for line in cell.source.split("### BEGIN HIDDEN TESTS")[1].splitlines()
              if len(line.strip()) > 15 and "END HIDDEN" not in line]
    for student_dir in (out / "feedback").iterdir():
        text = next(student_dir.glob("*.html")).read_text()
        import html as h
        text = h.unescape(text)
        leaked = [line for line in hidden if line in text]
        assert not leaked, f"hidden test source in {student_dir.name}'s feedback: {leaked[:2]}"


def test_nbgrader_sees_the_same_grades(graded_class):
    expected, _, out, _ = graded_class
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{out / 'course' / 'gradebook.db'}") as gb:
        scores = {s.student.id: s.score for s in gb.assignment_submissions(A)}
    assert scores["alice"] == FULL and scores["bad_json"] == 0.0
    assert scores["loops_forever"] == FULL - CONV_PARAMS


def test_regrading_is_idempotent_and_skips_unchanged(graded_class):
    expected, rows, out, _ = graded_class
    before = (out / "grades.csv").read_text()
    graded = sorted((out / "course" / "autograded").rglob("*.ipynb"))
    stamps = [p.stat().st_mtime_ns for p in graded]
    cmd = [sys.executable, "-m", "autograder", "grade", A, str(out.parent / "subs"), "--out", str(out),
           "--workers", "2"]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (out / "grades.csv").read_text() == before
    assert [p.stat().st_mtime_ns for p in graded] == stamps, "unchanged submissions were re-run"


def test_without_a_sandbox_grading_refuses_with_advice(tmp_path):
    env = {**os.environ, "PATH": "/nonexistent"}
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", A, str(tmp_path),
                           "--out", str(tmp_path / "out")], capture_output=True, text=True,
                          cwd=REPO, env=env)
    assert proc.returncode == 2
    assert "bubblewrap" in proc.stderr and "--no-sandbox" in proc.stderr


def test_lms_zip_is_collected(tmp_path):
    archive = tmp_path / "lms.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(SOLUTIONS / A / NB, "s1001_attempt_2026-11-20_convolution.ipynb")
        z.write(EXERCISES / A / NB, "s1002_attempt_2026-11-21_convolution.ipynb")
    from autograder.submission import collect
    subs = {s.student_id: s for s in collect(archive, NB, A, tmp_path / "unpacked")}
    assert set(subs) == {"s1001", "s1002"}
    assert subs["s1001"].path.read_bytes() == (SOLUTIONS / A / NB).read_bytes()


def _small_class(folder: Path) -> None:
    for student, source in {"ann": SOLUTIONS / A / NB, "ben": EXERCISES / A / NB,
                            "cy": SOLUTIONS / A / NB}.items():
        (folder / student).mkdir(parents=True)
        (folder / student / NB).write_bytes(source.read_bytes())


def test_an_interrupted_run_resumes_where_it_stopped(tmp_path):
    import signal
    import time
    _small_class(tmp_path / "subs")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "autograder", "grade", A, str(tmp_path / "subs"), "--out", str(out),
           "--workers", "1"]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    state = out / "state.json"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        done = [s for s, v in json.loads(state.read_text()).items() if v.get("done")] \
            if state.exists() else []
        if done:
            break
        time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGKILL)   # as if the machine went down mid-run
    proc.wait()
    assert done, "the first student was never recorded"
    first = out / "course" / "autograded" / done[0] / A / NB
    stamp = first.stat().st_mtime_ns
    again = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr[-2000:]
    rows = {r["student_id"]: float(r["score"]) for r in csv.DictReader(open(out / "grades.csv"))}
    assert rows == {"ann": FULL, "ben": 0.0, "cy": FULL}
    assert first.stat().st_mtime_ns == stamp, "a finished student was graded twice"


@pytest.fixture(scope="module")
def postgres_url(tmp_path_factory):
    """A real PostgreSQL server (Debian's), started for these tests and stopped after."""
    import shutil
    import socket
    import tempfile
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    assert versions, "PostgreSQL is not installed: run `make setup` (it installs Debian's postgresql)"
    bindir = versions[-1].parent
    root = Path(tempfile.mkdtemp(prefix="gradebook-pg-"))
    root.chmod(0o755)
    as_user = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    if as_user:
        shutil.chown(root, "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    run = lambda *args: subprocess.run([*as_user, *map(str, args)], check=True,  # noqa: E731
                                       capture_output=True, text=True)
    run(bindir / "initdb", "-D", root / "data", "-A", "trust", "-U", "grader")
    run(bindir / "pg_ctl", "-D", root / "data", "-w", "-l", root / "log",
        "-o", f"-k {root} -p {port} -c listen_addresses=''", "start")
    try:
        run(bindir / "createdb", "-h", root, "-p", port, "-U", "grader", "gradebook")
        yield f"postgresql+psycopg://grader@/gradebook?host={root}&port={port}"
    finally:
        run(bindir / "pg_ctl", "-D", root / "data", "-w", "-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)


def test_gradebook_on_a_postgresql_server(postgres_url, tmp_path):
    _small_class(tmp_path / "subs")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", A, str(tmp_path / "subs"),
                           "--out", str(out), "--workers", "2", "--db", postgres_url],
                          cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert not (out / "course" / "gradebook.db").exists(), "grades went to SQLite, not PostgreSQL"
    from nbgrader.api import Gradebook
    with Gradebook(postgres_url) as gb:
        scores = {s.student.id: s.score for s in gb.assignment_submissions(A)}
    assert scores == {"ann": FULL, "ben": 0.0, "cy": FULL}
