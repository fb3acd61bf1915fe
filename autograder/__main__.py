"""Command line of the course's grader.

    python -m autograder grade ASSIGNMENT SUBMISSIONS --out DIR [--workers N]
    python -m autograder export --out DIR          # DIR/gradebook_export.csv, nbgrader's export
    python -m autograder feedback ASSIGNMENT --out DIR
    python -m autograder generate [ASSIGNMENT ...] # exercises/ from solutions/

SUBMISSIONS is a folder STUDENT_ID/NOTEBOOK.ipynb (or STUDENT_ID/ASSIGNMENT/...) or an
LMS zip. Student code runs in a bubblewrap sandbox; without one, grading refuses to
start unless given --no-sandbox (only for trusted submissions).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .course import assignments, generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="regenerate exercises/ from solutions/")
    gen.add_argument("assignment", nargs="*", help="default: every assignment")

    gr = sub.add_parser("grade", help="autograde a folder or LMS zip of submissions")
    gr.add_argument("assignment", choices=assignments())
    gr.add_argument("submissions", type=Path)
    gr.add_argument("--out", type=Path, required=True)
    gr.add_argument("--workers", type=int, default=None, help="default: all cores")
    gr.add_argument("--db", default=None, help="gradebook URL (default: SQLite in OUT/course)")
    gr.add_argument("--no-sandbox", action="store_true",
                    help="run student code unsandboxed (trusted submissions only)")
    gr.add_argument("--force", action="store_true", help="re-grade unchanged submissions too")
    gr.add_argument("--cell-timeout", type=float, default=None, help="seconds per cell")
    gr.add_argument("--notebook-timeout", type=float, default=None, help="seconds per notebook")
    gr.add_argument("--memory-gb", type=float, default=None, help="memory limit per submission")

    fb = sub.add_parser("feedback", help="regenerate the feedback HTML of a graded folder")
    fb.add_argument("assignment", choices=assignments())
    fb.add_argument("--out", type=Path, required=True)

    ex = sub.add_parser("export", help="write OUT/gradebook_export.csv (nbgrader's export of the gradebook)")
    ex.add_argument("--out", type=Path, required=True)
    ex.add_argument("--db", default=None)
    args = parser.parse_args(argv)

    if args.command == "generate":
        for name in args.assignment or assignments():
            print(f"generated {generate(name)}")
        return 0
    if args.command == "grade":
        return _grade(args)
    if args.command == "export":
        from .grading import export_all
        print(export_all(args.out, args.db))
        return 0
    from .grading import Grader, write_reports
    grader = Grader(args.assignment, args.out, progress=False)
    students = sorted(p.name for p in (grader.course / "autograded").iterdir())
    print(write_reports(grader, {s: grader.read_result(s, [], 0.0) for s in students},
                        regenerate_feedback=True))
    return 0


def _grade(args) -> int:
    from .execute import Budget
    from .grading import grade_class
    from .sandbox import Limits, SandboxUnavailable, check_sandbox
    if not args.no_sandbox:
        try:
            check_sandbox()
        except SandboxUnavailable as error:
            print(f"Refusing to grade: {error}", file=sys.stderr)
            return 2
    budget, limits = Budget(), Limits()
    if args.cell_timeout:
        budget.cell_seconds = args.cell_timeout
    if args.notebook_timeout:
        budget.notebook_seconds = args.notebook_timeout
    if args.memory_gb:
        limits = Limits(memory_bytes=int(args.memory_gb * (1 << 30)))
    try:
        grade_class(args.assignment, args.submissions, args.out, workers=args.workers,
                    sandbox=not args.no_sandbox, db_url=args.db, budget=budget, limits=limits,
                    force=args.force)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: run the same command again to resume", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
