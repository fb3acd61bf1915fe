"""Find each student's notebook and rebuild it around the instructor's cells.

Collecting: a folder ``STUDENT_ID/NOTEBOOK.ipynb`` or ``STUDENT_ID/ASSIGNMENT/...``, or an
LMS zip holding either that layout or flat files named ``STUDENTID_anything.ipynb``.
A notebook under another name is accepted when it is the student's only one.

Rebuilding: the graded notebook always has the instructor's cells, in the instructor's
order: every test and read-only cell comes from the source (with its hidden tests),
every answer cell from the student (matched by its nbgrader ``grade_id``), and the
student's own extra cells stay where they were relative to the answers. So deleting,
editing, re-typing or moving a test cell changes nothing, and a missing answer only
costs the tests of that answer.
"""
from __future__ import annotations

import copy
import hashlib
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode


@dataclass
class Submission:
    student_id: str
    path: Path | None                  # None: nothing usable was found
    notes: list[str] = field(default_factory=list)

    def digest(self) -> str:
        if self.path is None or not self.path.exists():
            return "missing"
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,99}$")


def _pick(student: str, files: list[Path], notebook: str, assignment: str) -> Submission:
    files = [f for f in files if ".ipynb_checkpoints" not in f.parts]
    exact = [f for f in files if f.name == notebook]
    preferred = [f for f in exact if assignment in f.parts] or exact
    if preferred:
        return Submission(student, sorted(preferred)[0])
    # an LMS keeps the upload's name after its own prefix ("attempt_2026-11-20_NAME.ipynb")
    prefixed = [f for f in files if re.search(rf"[_-]{re.escape(notebook)}$", f.name)]
    if len(prefixed) == 1:
        return Submission(student, prefixed[0])
    if len(files) == 1:
        return Submission(student, files[0],
                          [f"notebook renamed: graded {files[0].name} as {notebook}"])
    if not files:
        return Submission(student, None, ["no notebook submitted"])
    return Submission(student, None, [f"no {notebook}; found {', '.join(sorted(f.name for f in files))}"])


def collect(source: Path, notebook: str, assignment: str, unpack_to: Path) -> list[Submission]:
    """Every student's submission from a folder or an LMS zip."""
    source = Path(source)
    if source.is_file() and zipfile.is_zipfile(source):
        root = unpack_to
        if root.exists():
            shutil.rmtree(root)
        root.mkdir(parents=True)
        with zipfile.ZipFile(source) as archive:
            for member in archive.infolist():
                target = (root / member.filename).resolve()
                if root.resolve() not in target.parents or member.is_dir():
                    continue  # no path traversal out of the unpack folder
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(member) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
        flat = [p for p in root.iterdir() if p.is_file() and p.suffix == ".ipynb"]
        for path in flat:  # LMS style: STUDENTID_whatever.ipynb
            student = path.name.split("_", 1)[0]
            (root / student).mkdir(exist_ok=True)
            path.rename(root / student / (path.name.split("_", 1)[1] if "_" in path.name else path.name))
        source = root
    if not source.is_dir():
        raise FileNotFoundError(f"{source} is neither a folder of submissions nor a zip file")
    found = []
    for folder in sorted(p for p in source.iterdir() if p.is_dir()):
        if not _SAFE_ID.match(folder.name):
            continue
        found.append(_pick(folder.name, list(folder.rglob("*.ipynb")), notebook, assignment))
    return found


def _grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _is_answer(cell) -> bool:
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution"))


def read_student_notebook(path: Path | None) -> tuple[NotebookNode | None, str | None]:
    """The notebook, or None and the reason it cannot be read."""
    if path is None:
        return None, "no notebook"
    try:
        nb = nbformat.read(path, as_version=4)
        if not isinstance(nb.get("cells"), list):
            raise ValueError("no list of cells")
        return nb, None
    except Exception as error:  # noqa: BLE001 - any unreadable file is the same case
        return None, f"invalid notebook JSON ({type(error).__name__}: {str(error)[:120]})"


def rebuild(source: NotebookNode, release: NotebookNode, student: NotebookNode | None,
            ) -> tuple[NotebookNode, list[str]]:
    """The notebook to grade, and notes on what had to be repaired."""
    notes = []
    graded = nbformat.v4.new_notebook(metadata=source.metadata)
    released_answers = {_grade_id(c): c for c in release.cells if _is_answer(c)}
    student_cells = student.cells if student is not None else []
    by_id: dict[str, object] = {}
    extras_before: dict[str | None, list] = {}
    anchor = None  # the last answer cell seen in the student's notebook
    known = {_grade_id(c) for c in source.cells if _grade_id(c)}
    for cell in student_cells:
        gid = _grade_id(cell)
        if gid in known and gid not in by_id:
            by_id[gid] = cell
            if gid in released_answers:
                anchor = gid
        elif gid not in known or gid in by_id:
            if cell.get("cell_type") == "code" and str(cell.get("source", "")).strip():
                plain = nbformat.v4.new_code_cell(cell.get("source", ""))
                extras_before.setdefault(anchor, []).append(plain)
    changed_tests = 0
    for cell in source.cells:
        gid = _grade_id(cell)
        if _is_answer(cell):
            for extra in extras_before.pop(_previous_answer(source, gid), []):
                graded.cells.append(extra)
            theirs = by_id.get(gid)
            if theirs is None:
                notes.append(f"answer cell {gid} missing: graded as unanswered")
                mine = copy_cell(released_answers[gid])
            else:
                mine = copy_cell(released_answers[gid])
                mine.source = theirs.get("source", "")
                if theirs.get("cell_type") != cell.cell_type:
                    notes.append(f"answer cell {gid} was turned into {theirs.get('cell_type')}")
            graded.cells.append(mine)
        else:
            theirs = by_id.get(gid) if gid else None
            if gid and cell.metadata.get("nbgrader", {}).get("grade") and (
                    theirs is None or theirs.get("cell_type") != cell.cell_type):
                changed_tests += 1
            graded.cells.append(copy_cell(cell))
    for leftover in extras_before.values():
        graded.cells.extend(leftover)
    if changed_tests:
        notes.append(f"{changed_tests} test cell(s) deleted or re-typed: restored from the source")
    for i, cell in enumerate(graded.cells):
        cell["id"] = _grade_id(cell) or f"student-{i}"
    return graded, notes


def _previous_answer(source: NotebookNode, gid: str) -> str | None:
    previous = None
    for cell in source.cells:
        if _grade_id(cell) == gid:
            return previous
        if _is_answer(cell):
            previous = _grade_id(cell)
    return previous


def copy_cell(cell):
    clone = nbformat.from_dict(copy.deepcopy(dict(cell)))
    if clone.cell_type == "code":
        clone.outputs, clone.execution_count = [], None
    return clone
