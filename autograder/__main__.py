"""Command line: ``python -m autograder generate|grade ...``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .course import assignments, generate, grade, notebook_name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="regenerate exercises/ from solutions/")
    gen.add_argument("assignment", nargs="*", help="default: every assignment")
    gr = sub.add_parser("grade", help="autograde a folder STUDENT_ID/NOTEBOOK.ipynb")
    gr.add_argument("assignment")
    gr.add_argument("submissions", type=Path)
    gr.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)

    if args.command == "generate":
        for name in args.assignment or assignments():
            print(f"generated {generate(name).relative_to(Path.cwd())}")
        return 0
    name = notebook_name(args.assignment)
    subs = {}
    for student in sorted(p for p in args.submissions.iterdir() if p.is_dir()):
        found = list(student.rglob(name))
        if found:
            subs[student.name] = found[0]
    results = grade(args.assignment, subs, args.out / "course")
    for r in results.values():
        print(f"{r.student_id:20s} {r.score:6.1f} / {r.max_score:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
