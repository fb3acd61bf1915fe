"""Run a student's Jupyter kernel inside a bubblewrap sandbox.

What the kernel sees and may do:

- a read-only view of the system (``/usr``, ``/etc`` essentials), the Python
  installation, the course's virtual environment, the helper package ``cnncourse`` and
  the Fashion-MNIST cache, each at its usual path;
- a private, size-limited ``/tmp`` and working directory (its own scratch space), and the
  directory holding its connection sockets (jupyter_client's IPC transport);
- nothing else: no solutions, hidden tests, gradebook, configuration or other students'
  files; no network (``--unshare-net``); its own PID namespace (so ``kill -1`` or a fork
  bomb stays inside); a user id of its own with no privileges;
- resource limits: address space (memory), processes, CPU seconds and file size.

The kernel is interrupted by message (the sandbox does not forward signals) and killed
with its whole namespace when the grader shuts it down.
"""
from __future__ import annotations

import itertools
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

REPO = Path(__file__).resolve().parent.parent


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create a sandbox on this machine."""


@dataclass(frozen=True)
class Limits:
    memory_bytes: int = 8 << 30      # address space per process (torch alone maps ~3.6 GB)
    processes: int = 256             # processes and threads of the sandbox's user
    cpu_seconds: int = 1800          # CPU time of the kernel process
    file_bytes: int = 256 << 20      # largest file it may write
    scratch_bytes: int = 512 << 20   # size of its writable tmpfs scratch space
    threads: int = 1                 # torch/OpenMP threads (many kernels share the cores)


_uids = itertools.count()


def next_uid() -> int:
    """A user id no other running kernel of this grader has (limits count per user)."""
    return 61000 + (os.getpid() % 1000) * 10 + next(_uids) % 10


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


def _readonly_paths() -> list[Path]:
    paths = [Path(p) for p in ("/usr", "/bin", "/lib", "/lib64", "/sbin")]
    paths += [Path("/etc") / name for name in (
        "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "passwd", "group", "nsswitch.conf",
        "localtime", "alternatives", "fonts", "ssl")]
    # the interpreter installation and the virtual environment, wherever they live
    paths += [Path(sys.base_prefix), Path(sys.prefix)]
    paths.append(REPO / "cnncourse")
    return [p for p in dict.fromkeys(paths) if p.exists()]


def _data_dir() -> Path | None:
    try:
        from cnncourse.data import data_root
        return data_root()
    except Exception:  # noqa: BLE001 - grading works without the data for most exercises
        return None


def sandbox_command(argv: list[str], *, workdir: Path, conndir: Path, uid: int,
                    limits: Limits) -> list[str]:
    """Wrap a kernel command line ``argv`` in bubblewrap with the course's limits."""
    bwrap = bwrap_path()
    if bwrap is None:
        raise SandboxUnavailable("bubblewrap (bwrap) is not installed")
    cmd = [bwrap, "--die-with-parent", "--new-session", "--unshare-net", "--unshare-ipc",
           "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try", "--hostname", "grader",
           "--proc", "/proc", "--dev", "/dev",
           "--perms", "1777", "--size", str(limits.scratch_bytes), "--tmpfs", "/tmp"]
    data = _data_dir()
    env = {"HOME": str(workdir), "TMPDIR": "/tmp", "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
           "LANG": "C.UTF-8", "MPLBACKEND": "Agg", "MPLCONFIGDIR": "/tmp/matplotlib",
           "PYTHONDONTWRITEBYTECODE": "1", "OMP_NUM_THREADS": str(limits.threads),
           "MKL_NUM_THREADS": str(limits.threads), "TQDM_MININTERVAL": "1"}
    readonly = _readonly_paths()
    if data is not None:
        readonly.append(data)
        env["CNNCOURSE_DATA"] = str(data)
    # bubblewrap would create missing parent directories as root-only (0700), which the
    # kernel's unprivileged user could not traverse: create them world-readable first
    targets = [*readonly, workdir, conndir]
    parents = sorted({a for t in targets for a in Path(t).parents if str(a) not in ("/", "/tmp")}
                     - set(targets), key=lambda p: len(p.parts))
    for parent in parents:
        cmd += ["--perms", "0755", "--dir", str(parent)]
    for path in readonly:
        cmd += ["--ro-bind", str(path), str(path)]
    cmd += ["--bind", str(conndir), str(conndir),
            "--perms", "0777", "--size", str(limits.scratch_bytes), "--tmpfs", str(workdir),
            "--chdir", str(workdir), "--clearenv"]
    for key, value in env.items():
        cmd += ["--setenv", key, value]
    limit_args = [f"--as={limits.memory_bytes}", f"--nproc={limits.processes}",
                  f"--cpu={limits.cpu_seconds}", f"--fsize={limits.file_bytes}", "--core=0"]
    return [*cmd, "--", "/usr/bin/prlimit", *limit_args, "--",
            "/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
            "--inh-caps=-all", "--no-new-privs", "--", *argv]


class SandboxedKernelManager(AsyncKernelManager):
    """An ipykernel launched inside :func:`sandbox_command`, talking over IPC sockets."""

    def __init__(self, *args, workdir: Path, limits: Limits, **kwargs):
        super().__init__(*args, **kwargs)
        self.workdir = Path(workdir)
        self.limits = limits
        # Unix socket paths are limited to ~107 bytes: keep the sockets in a short,
        # private folder rather than beside a possibly deep work directory
        self.conndir = Path(tempfile.mkdtemp(prefix="grader-", dir="/tmp"))
        self.uid = next_uid()
        os.chown(self.conndir, self.uid, self.uid)
        self.conndir.chmod(0o700)
        self.transport = "ipc"
        self.ip = str(self.conndir / "kernel")
        self.connection_file = str(self.conndir / "kernel.json")

    def format_kernel_cmd(self, extra_arguments=None):
        argv = super().format_kernel_cmd(extra_arguments)
        # ipykernel quits if its parent-poller cannot see the grader: inside the PID
        # namespace it cannot, and --die-with-parent does that job instead
        return sandbox_command(argv, workdir=self.workdir, conndir=self.conndir,
                               uid=self.uid, limits=self.limits)

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        env = dict(kw.get("env") or {})
        env.pop("JPY_PARENT_PID", None)
        kw["env"] = env
        if self.kernel_spec is not None:
            self.kernel_spec.interrupt_mode = "message"
        return await super()._async_launch_kernel(kernel_cmd, **kw)

    async def cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self.conndir, ignore_errors=True)

    def write_connection_file(self, **kwargs) -> None:
        super().write_connection_file(**kwargs)
        os.chown(self.connection_file, self.uid, self.uid)  # the kernel's user reads it


def check_sandbox() -> None:
    """Raise :class:`SandboxUnavailable` with advice when no sandbox can be made here."""
    import subprocess
    if bwrap_path() is None:
        raise SandboxUnavailable(
            "bubblewrap is not installed, so student code cannot be sandboxed. Install it "
            "(sudo apt-get install bubblewrap; `make setup` does this as root) or, only for "
            "trusted submissions, pass --no-sandbox.")
    import tempfile
    with tempfile.TemporaryDirectory(prefix="grader-probe-") as tmp:
        (Path(tmp) / "conn").mkdir()
        probe = subprocess.run(
            sandbox_command(["/usr/bin/true"], workdir=Path(tmp) / "work",
                            conndir=Path(tmp) / "conn", uid=next_uid(), limits=Limits()),
            capture_output=True, text=True)
    if probe.returncode != 0:
        raise SandboxUnavailable(
            f"bubblewrap could not create a sandbox here ({probe.stderr.strip()}). Grading "
            "needs root or unprivileged user namespaces; or, only for trusted submissions, "
            "pass --no-sandbox.")
