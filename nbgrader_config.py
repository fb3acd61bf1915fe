# nbgrader settings for the course, so that plain `nbgrader` commands and JupyterLab's
# formgrader work from the repository root (sources in solutions/, student versions in
# exercises/). The settings themselves live once, in autograder/config.py.
from pathlib import Path

from autograder.config import configure

configure(c, Path(__file__).resolve().parent)  # noqa: F821 - `c` is nbgrader's config
