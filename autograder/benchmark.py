"""Benchmark: the course's grader against stock nbgrader on the same submissions.

    python -m autograder.benchmark [--assignment 09-resnet] [--students 20] [--workers N]

Makes N copies of the assignment's solution notebook (a correct submission runs every
test, the slowest case), then in the same run:

1. the floor: start a kernel and ``import torch``, three times (median);
2. stock nbgrader, sequentially and unsandboxed, to the same outputs as ours:
   ``generate_assignment``, ``autograde``, ``generate_feedback`` (each step timed);
3. ours: ``python -m autograder grade`` with the sandbox on and ``--workers`` workers
   (gradebook, autograded notebooks, feedback, grades.csv).

Prints and writes ``OUT/benchmark.json``: wall times, the throughput ratio (also against
stock's autograde step alone), seconds per submission and the overhead of each above the
floor.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .course import REPO, SOLUTIONS, notebook_name


async def _kernel_with_torch() -> float:
    from jupyter_client.manager import start_new_async_kernel
    start = time.perf_counter()
    km, kc = await start_new_async_kernel(kernel_name="python3")
    try:
        reply = await kc.execute_interactive("import torch", timeout=300)
        assert reply["content"]["status"] == "ok"
        return time.perf_counter() - start
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=True)


def floor_seconds(repeats: int = 3) -> float:
    """Median time to start a kernel and import torch: no grader can go below it."""
    return statistics.median(asyncio.run(_kernel_with_torch()) for _ in range(repeats))


def _stock(assignment: str, subs: Path, work: Path) -> dict[str, float]:
    """Stock nbgrader, as an instructor would run it on a plain course directory, to the
    same outputs as ours (gradebook, autograded notebooks, feedback): seconds per step."""
    course = work / "stock"
    (course / "source").mkdir(parents=True)
    shutil.copytree(SOLUTIONS / assignment, course / "source" / assignment)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.root = %r\nc.Execute.timeout = 600\n" % str(course))
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    run = lambda *a: subprocess.run([sys.executable, "-m", "nbgrader", *a], cwd=course,  # noqa: E731
                                    env=env, check=True, capture_output=True, text=True)
    for student in sorted(p.name for p in subs.iterdir()):
        target = course / "submitted" / student / assignment
        target.mkdir(parents=True)
        shutil.copytree(subs / student, target, dirs_exist_ok=True)
    steps = {}
    for step, args in [("generate_assignment", ("--create", "--force")),
                       ("autograde", ("--create", "--force")),
                       ("generate_feedback", ("--force",))]:
        start = time.perf_counter()
        run(step, assignment, *args)
        steps[step] = time.perf_counter() - start
    return steps


def _ours(assignment: str, subs: Path, work: Path, workers: int) -> tuple[float, list[float]]:
    out = work / "ours"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "autograder", "grade", assignment, str(subs),
                    "--out", str(out), "--workers", str(workers)], cwd=REPO, check=True,
                   capture_output=True, text=True)
    wall = time.perf_counter() - start
    state = json.loads((out / "state.json").read_text())
    return wall, [v["seconds"] for v in state.values()]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.benchmark")
    parser.add_argument("--assignment", default="09-resnet")
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, default=REPO / ".grading" / "benchmark")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="benchmark-"))
    subs = work / "subs"
    name = notebook_name(args.assignment)
    for i in range(args.students):
        (subs / f"student{i:02d}").mkdir(parents=True)
        shutil.copyfile(SOLUTIONS / args.assignment / name, subs / f"student{i:02d}" / name)
    print(f"{args.students} copies of {args.assignment}/{name}; {os.cpu_count()} cores", flush=True)
    floor = floor_seconds()
    print(f"floor (kernel start + import torch): {floor:.2f} s", flush=True)
    steps = _stock(args.assignment, subs, work)
    stock = sum(steps.values())
    print("stock nbgrader, sequential: " + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items())
          + f"; total {stock:.1f} s", flush=True)
    ours, per_student = _ours(args.assignment, subs, work, args.workers)
    print(f"ours (python -m autograder grade: the same three outputs), sandboxed, "
          f"{args.workers} workers: {ours:.1f} s", flush=True)
    n = args.students
    result = {
        "assignment": args.assignment, "students": n, "workers": args.workers,
        "cores": os.cpu_count(), "cpu": platform.processor() or platform.machine(),
        "floor_seconds": round(floor, 2),
        "stock_steps_seconds": {k: round(v, 1) for k, v in steps.items()},
        "stock_seconds": round(stock, 1), "ours_seconds": round(ours, 1),
        "throughput_ratio": round(stock / ours, 2),
        "throughput_ratio_vs_autograde_step_alone": round(steps["autograde"] / ours, 2),
        "stock_seconds_per_submission": round(stock / n, 2),
        "ours_seconds_per_submission": round(ours / n, 2),
        "stock_autograde_seconds_per_submission": round(steps["autograde"] / n, 2),
        "ours_worker_seconds_per_submission": round(statistics.mean(per_student), 2),
        "stock_autograde_overhead_over_floor": round(steps["autograde"] / n - floor, 2),
        "ours_worker_overhead_over_floor": round(statistics.mean(per_student) - floor, 2),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "benchmark.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
