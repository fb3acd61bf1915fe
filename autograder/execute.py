"""Execute one submission, cell by cell, so that faults cost only the affected points.

Built on nbclient (the executor nbgrader itself uses). Differences from a plain run:

- the kernel runs in the bubblewrap sandbox (:mod:`autograder.sandbox`) unless told not to;
- a cell that hangs (including one that swallows KeyboardInterrupt), crashes the kernel
  (``os._exit``, a segfault, the memory limit) or floods its output is stopped: the
  kernel is restarted, the cells that ran before are replayed (their outputs are kept
  from the first run) and grading goes on with the next cell;
- per-cell and per-notebook time budgets; outputs are capped;
- test cells are wrapped by :mod:`autograder.integrity` and pass only if the kernel
  replied "ok", showed no error and printed the cell's token.
"""
from __future__ import annotations

import asyncio
import copy
import json
import secrets
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_output

from . import integrity
from .sandbox import Limits, SandboxedKernelManager


@dataclass
class Budget:
    cell_seconds: float = 600.0        # one cell
    notebook_seconds: float = 1800.0   # the whole submission
    cell_output_bytes: int = 1 << 20   # kept per cell; the rest is dropped
    flood_bytes: int = 64 << 20        # a cell printing this much is stopped
    restarts: int = 3                  # kernel restarts before giving up


@dataclass
class CellOutcome:
    index: int
    status: str            # ok | error | timeout | crashed | flood | not-run
    seconds: float = 0.0


@dataclass
class RunReport:
    outcomes: list[CellOutcome] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _error_output(name: str, message: str) -> NotebookNode:
    return new_output("error", ename=name, evalue=message, traceback=[f"{name}: {message}"])


class GradingClient(NotebookClient):
    """Runs a prepared notebook; ``tests`` are the indices of the autograder test cells."""

    def __init__(self, nb: NotebookNode, *, tests: set[int], workdir: Path, sandbox: bool,
                 limits: Limits | None = None, budget: Budget | None = None):
        super().__init__(nb, timeout=int((budget or Budget()).cell_seconds), allow_errors=True,
                         kernel_name="python3", interrupt_on_timeout=False,
                         shutdown_kernel="immediate", record_timing=False,
                         iopub_timeout=10, startup_timeout=180)
        self.tests = tests
        self.workdir = Path(workdir)
        self.sandbox = sandbox
        self.limits = limits or Limits()
        self.budget = budget or Budget()
        self.guard = integrity.new_guard_name()
        self.tokens = {i: secrets.token_hex(12) for i in tests}
        self._bytes: dict[int, int] = {}
        self._flooded: set[int] = set()
        self._replies: dict[int, dict] = {}
        self.on_cell_executed = self._record_reply

    # -- kernel -----------------------------------------------------------------
    def create_kernel_manager(self):
        if self.sandbox:
            self.km = SandboxedKernelManager(kernel_name=self.kernel_name, workdir=self.workdir,
                                             limits=self.limits)
        else:
            self.workdir.mkdir(parents=True, exist_ok=True)
            self.km = AsyncKernelManager(kernel_name=self.kernel_name)
        return self.km

    async def _start(self):
        self.create_kernel_manager()
        log = open(self.workdir.parent / f"{self.workdir.name}.kernel.log", "ab")
        kwargs = {"stdout": log, "stderr": log}
        if not self.sandbox:
            kwargs["cwd"] = str(self.workdir)
        await self.async_start_new_kernel(**kwargs)
        await self.async_start_new_kernel_client()
        status = await self._quiet(integrity.prelude(self.guard),
                                   timeout=max(self.budget.cell_seconds, 300))
        if status != "ok":
            raise RuntimeError("the grading prelude failed in a fresh kernel")

    async def _stop(self):
        km = self.km
        if km is not None:
            try:
                await self._async_cleanup_kernel()
            except Exception:  # noqa: BLE001 - the kernel may be gone already
                self.km = self.kc = None
            if hasattr(km, "conndir"):
                shutil.rmtree(km.conndir, ignore_errors=True)

    async def _quiet(self, source: str, timeout: float | None = None) -> str:
        """Run code whose outputs nobody sees (the prelude, replays); return the status."""
        cell = new_code_cell(source)
        scratch = copy.deepcopy(self.nb)
        scratch.cells.append(cell)
        original, self.nb = self.nb, scratch
        saved_timeout, self.timeout = self.timeout, int(timeout or self.budget.cell_seconds)
        try:
            await self.async_execute_cell(cell, len(scratch.cells) - 1, store_history=False)
            reply = self._replies.pop(len(scratch.cells) - 1, None)
            return (reply or {}).get("content", {}).get("status", "error")
        finally:
            self.nb, self.timeout = original, saved_timeout

    # -- outputs ----------------------------------------------------------------
    def _record_reply(self, cell, cell_index, execute_reply):
        self._replies[cell_index] = execute_reply

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(json.dumps(content, default=str))
        total = self._bytes.get(cell_index, 0) + size
        self._bytes[cell_index] = total
        if total > self.budget.flood_bytes and cell_index not in self._flooded:
            self._flooded.add(cell_index)
            asyncio.ensure_future(self.km.shutdown_kernel(now=True))
        if total > self.budget.cell_output_bytes:
            return None
        return super().output(outs, msg, display_id, cell_index)

    # -- the run ----------------------------------------------------------------
    async def run(self) -> RunReport:
        report = RunReport()
        start = time.monotonic()
        deadline = start + self.budget.notebook_seconds
        done: list[int] = []
        restarts = 0
        originals = {i: self.nb.cells[i].source for i in self.tests}
        for i in self.tests:
            cell = self.nb.cells[i]
            cell.source = integrity.wrap_test(cell.source, self.guard, self.tokens[i])
        try:
            await self._start()
        except Exception as error:  # noqa: BLE001 - no kernel: every cell is "not run"
            report.faults.append(f"the kernel could not start: {type(error).__name__}: "
                                 f"{str(error).splitlines()[0] if str(error) else ''}")
            await self._stop()
        try:
            for index, cell in enumerate(self.nb.cells):
                if cell.cell_type != "code" or not cell.source.strip():
                    continue
                left = deadline - time.monotonic()
                if left <= 1 or self.km is None:
                    why = ("the notebook used up its time budget" if left <= 1
                           else "the kernel kept failing")
                    cell.outputs = [_error_output("NotRun", f"not run: {why}")]
                    report.outcomes.append(CellOutcome(index, "not-run"))
                    continue
                self.timeout = int(max(1, min(self.budget.cell_seconds, left)))
                t0 = time.monotonic()
                status = "ok"
                try:
                    await self.async_execute_cell(cell, index, store_history=True)
                    reply = self._replies.get(index) or {}
                    if reply.get("content", {}).get("status") != "ok":
                        status = "error"
                except CellTimeoutError:
                    status = "timeout"
                except DeadKernelError:
                    status = "flood" if index in self._flooded else "crashed"
                except Exception as error:  # noqa: BLE001 - any executor failure is this cell's
                    status = "crashed"
                    report.faults.append(f"cell {index}: {type(error).__name__}: {error}")
                if status in ("timeout", "crashed", "flood"):
                    cell = self.nb.cells[index]
                    message = {"timeout": f"cell stopped after {self.timeout} s (time limit)",
                               "crashed": "the kernel died while running this cell",
                               "flood": "cell stopped: it printed too much output"}[status]
                    cell.outputs = [o for o in cell.get("outputs", [])
                                    if o.get("output_type") != "error"]
                    cell.outputs.append(_error_output(status.capitalize(), message))
                    report.faults.append(f"cell {index}: {message}")
                    restarts += 1
                    await self._stop()
                    if restarts <= self.budget.restarts:
                        await self._restart_and_replay(done, deadline)
                elif status == "ok" or status == "error":
                    done.append(index)
                if len(self.nb.cells[index].get("outputs", [])) and index in self._bytes \
                        and self._bytes[index] > self.budget.cell_output_bytes:
                    self.nb.cells[index].outputs.append(new_output(
                        "stream", name="stdout", text="\n[output truncated by the grader]\n"))
                report.outcomes.append(CellOutcome(index, status, time.monotonic() - t0))
        finally:
            await self._stop()
            for i, source in originals.items():
                self.nb.cells[i].source = source
            self._finish_tests()
            report.seconds = time.monotonic() - start
        return report

    async def _restart_and_replay(self, done: list[int], deadline: float) -> None:
        try:
            await self._start()
            for index in done:
                left = deadline - time.monotonic()
                if left <= 1:
                    break
                await self._quiet(self.nb.cells[index].source, timeout=min(left, self.budget.cell_seconds))
        except Exception:  # noqa: BLE001 - a replay that fails leaves the kernel for dead
            await self._stop()

    def _finish_tests(self) -> None:
        """Decide each test cell from the kernel's reply and the token, then make its
        outputs say so in the way nbgrader reads them (an error output = no points)."""
        for i in self.tests:
            cell = self.nb.cells[i]
            token = self.tokens[i]
            outputs, seen = [], False
            for out in cell.get("outputs", []):
                if out.get("output_type") == "stream":
                    if token in out.get("text", ""):
                        seen = True
                        out["text"] = out["text"].replace(token + "\n", "").replace(token, "")
                    if out.get("name") == "stderr":  # warnings never fail a test
                        out["name"] = "stdout"
                    if not out.get("text"):
                        continue
                outputs.append(out)
            reply = self._replies.get(i) or {}
            failed = any(o.get("output_type") == "error" for o in outputs)
            if not failed and (not seen or reply.get("content", {}).get("status") != "ok"):
                outputs = [o for o in outputs if o.get("output_type") != "execute_result"]
                outputs.append(_error_output(
                    "TestNotCompleted", "the test did not run to its end in an untouched kernel"))
            if failed:  # a partial-credit value must not count when the test failed
                outputs = [o for o in outputs if o.get("output_type") != "execute_result"]
            cell.outputs = outputs
