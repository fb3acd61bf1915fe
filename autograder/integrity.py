"""Guards against tricks inside the kernel.

Before any student code runs, the grader executes a prelude that takes a snapshot of
the objects the tests rely on (builtins, torch, numpy, the course's checks, IPython's
execution machinery) and defines a guard under a name chosen at random for this run.
Each test cell is wrapped at grading time: the guard runs before the test (the
environment must be untouched) and after it (the test must not have been subverted),
and finally prints a per-cell token that the grader requires in the output. A test
passes only if the kernel replied "ok", showed no error, and printed its token.

So monkey-patching ``torch.allclose``, ``numpy.testing``, ``builtins.isinstance`` or a
check function, installing a trace function or a torch function mode, or replacing
IPython's ``run_cell``/``showtraceback`` makes the tests fail instead of pass.
"""
from __future__ import annotations

import ast
import secrets

PRELUDE = r'''
def _grader_install(name):
    import builtins, sys, math, operator, types
    import numpy, numpy.testing, torch, torch.testing, torch.nn.functional
    import cnncourse.checks
    import matplotlib.pyplot
    from IPython import get_ipython
    from IPython.core.interactiveshell import InteractiveShell
    shell = get_ipython()
    # let matplotlib register its IPython hooks (inline backend) now, before the snapshot
    matplotlib.pyplot.close(matplotlib.pyplot.figure())
    watched = {"builtins": builtins, "math": math, "operator": operator, "numpy": numpy,
               "numpy.testing": numpy.testing, "torch": torch, "torch.testing": torch.testing,
               "torch.nn.functional": torch.nn.functional, "cnncourse.checks": cnncourse.checks}
    skip = {"_", "__", "___", "_i", "_ii", "_iii", "_oh", "_dh", "In", "Out", "exit", "quit",
            "get_ipython", "__builtins__", "_grader_install", "_"+name,
            "input"}  # ipykernel swaps input() around every request
    snapshot = {label: dict(vars(mod)) for label, mod in watched.items()}
    classes = {"torch.Tensor": torch.Tensor, "torch._C.TensorBase": torch._C.TensorBase,
               "numpy.ndarray": numpy.ndarray, "InteractiveShell": InteractiveShell}
    class_snapshot = {label: dict(vars(cls)) for label, cls in classes.items()}
    codes = {(label, key): value.__code__ for label, d in snapshot.items()
             for key, value in d.items() if isinstance(value, types.FunctionType)}
    modules = {label: sys.modules.get(label) for label in watched}
    shell_attrs = {key: shell.__dict__.get(key) for key in
                   ("run_cell", "run_cell_async", "run_ast_nodes", "run_code", "showtraceback",
                    "_showtraceback", "showsyntaxerror", "displayhook", "display_pub")}
    def hooks():  # matplotlib's inline backend may (re-)register its own at any time
        return {key: [f for f in value
                      if not getattr(f, "__module__", "").startswith("matplotlib_inline")]
                for key, value in shell.events.callbacks.items()}
    events = hooks()
    stdout, stderr = sys.stdout, sys.stderr
    is_, print_, len_ = (lambda a, b: a is b), print, len

    def tampered():
        for label, d in snapshot.items():
            current = vars(watched[label])
            for key, value in d.items():
                if key in skip or key.startswith("_grader"):
                    continue
                if key not in current or not is_(current[key], value):
                    return f"{label}.{key} was replaced"
        for label, d in class_snapshot.items():
            current = vars(classes[label])
            for key, value in d.items():
                if key not in current or not is_(current[key], value):
                    return f"{label}.{key} was replaced"
        for (label, key), code in codes.items():
            if not is_(snapshot[label][key].__code__, code):
                return f"the code of {label}.{key} was replaced"
        for label, module in modules.items():
            if not is_(sys.modules.get(label), module):
                return f"the module {label} was replaced"
        for key, value in shell_attrs.items():
            if not is_(shell.__dict__.get(key), value):
                return f"IPython's {key} was replaced"
        if hooks() != events:
            return "IPython event callbacks were changed"
        if not (is_(sys.stdout, stdout) and is_(sys.stderr, stderr)):
            return "sys.stdout or sys.stderr was replaced"
        if sys.gettrace() is not None or sys.getprofile() is not None:
            return "a trace or profile function is installed"
        if torch._C._len_torch_function_stack() or torch._C._len_torch_dispatch_stack():
            return "a torch function or dispatch mode is active"
        return None

    def guard(token=None):
        problem = tampered()
        if problem:
            raise RuntimeError(f"grading environment tampered with: {problem}")
        if token is not None:
            print_(token)

    builtins.__dict__["_" + name] = guard
    skip.add("_" + name)

_grader_install({name!r})
del _grader_install
'''


def new_guard_name() -> str:
    return "grader_" + secrets.token_hex(8)


def prelude(name: str) -> str:
    return PRELUDE.replace("{name!r}", repr(name))


def wrap_test(source: str, guard: str, token: str) -> str:
    """The test cell's source with the guard before and after it, keeping the value of a
    final expression (nbgrader reads a number there as partial credit) as the result."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source  # the test cannot run; it fails as it is
    lines = source.splitlines()
    tail = ""
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = tree.body[-1]
        expression = ast.get_source_segment(source, last)
        lines = lines[:last.lineno - 1]
        lines.append(f"_{guard}_result = ({expression})")
        tail = f"\n_{guard}_result"
    return (f"_{guard}()\n" + "\n".join(lines) + f"\n_{guard}({token!r})" + tail)
