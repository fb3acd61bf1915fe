"""The rendered book: every page built from executed chapters, with no warnings."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
TOC = yaml.safe_load((REPO / "_toc.yml").read_text())
CHAPTERS = [e["file"] for part in TOC["parts"] if part["caption"] == "Chapters"
            for e in part["chapters"]]
EXERCISES = [e["file"] for part in TOC["parts"] if part["caption"] == "Exercises"
             for e in part["chapters"]]


def test_build_log_has_no_warnings(built_book):
    log = (built_book.parent / "book.log").read_text()
    assert "build succeeded" in log
    # Sphinx's own warnings and errors (a kernel's log lines, "[IPKernelApp] WARNING | ...",
    # are the executed notebooks' business, not the build's)
    problems = [line for line in log.splitlines() if re.search(r"(^|: )(WARNING|ERROR):", line)]
    assert not problems, "\n".join(problems[:10])


def test_no_notebook_failed_to_execute(built_book):
    reports = list((built_book / "reports").glob("*.log")) if (built_book / "reports").exists() else []
    assert not reports, f"execution failures: {[r.name for r in reports]}"


def test_every_chapter_and_exercise_is_in_the_book():
    files = {str(p.relative_to(REPO).with_suffix("")) for p in (REPO / "chapters").glob("[0-9]*.md")}
    assert files == set(CHAPTERS), "chapters/ and _toc.yml disagree"
    exercises = {str(p.relative_to(REPO).with_suffix(""))
                 for p in (REPO / "exercises").glob("*/*.ipynb")}
    assert exercises == set(EXERCISES), "exercises/ and _toc.yml disagree"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_page_shows_executed_outputs(built_book, chapter):
    page = (built_book / f"{chapter}.html").read_text()
    assert page.count("<img") >= 2, "expected figures from executed cells"
    assert "application/vnd.jupyter.widget-state+json" in page, "no embedded widget state"
    assert re.search(r'class="cell_output', page), "no cell outputs: was the chapter executed?"
    assert "Traceback (most recent call last)" not in page
    assert "<figcaption" in page, "every chapter has at least one numbered figure with a caption"


@pytest.mark.parametrize("exercise", EXERCISES)
def test_exercise_page_is_listed_unexecuted_and_downloadable(built_book, exercise):
    page = (built_book / f"{exercise}.html").read_text()
    assert "NotImplementedError" in page, "the student version should be shown"
    assert 'class="cell_output' not in page, "exercises are shown unexecuted"
    assert (built_book / "_sources" / f"{exercise}.ipynb").exists(), "no .ipynb download"


def test_chapter_sources_are_downloadable(built_book):
    for chapter in CHAPTERS:
        assert (built_book / "_sources" / f"{chapter}.md").exists() or \
               (built_book / "_sources" / f"{chapter}.ipynb").exists(), chapter


def test_launch_buttons_as_the_readme_sets_them(tmp_path):
    """The README's launch-button settings, put into a copy of _config.yml, give chapter
    and exercise pages buttons that open that very file on the course's JupyterHub
    (through nbgitpuller) and on Binder. The book is built without execution."""
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("## Publishing the site"):]
    urls = dict(re.findall(r'`(\w+_url): "([^"]+)"`', section))
    assert {"jupyterhub_url", "binderhub_url"} <= set(urls), "the README names the settings"
    config = yaml.safe_load((REPO / "_config.yml").read_text())
    config["repository"] = {"url": "https://github.com/example/cnn-course", "branch": "main"}
    config["launch_buttons"].update(urls)
    config["execute"]["execute_notebooks"] = "off"
    sphinx = config["sphinx"]
    sphinx["config"]["html_static_path"] = [str(REPO / p) for p in sphinx["config"]["html_static_path"]]
    sphinx["local_extensions"] = {k: str(REPO / v) for k, v in sphinx["local_extensions"].items()}
    config["html"]["favicon"] = str(REPO / config["html"]["favicon"])
    for folder in ("chapters", "exercises"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    shutil.copy(REPO / "_toc.yml", tmp_path)
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(config))
    build = subprocess.run([Path(sys.executable).parent / "jupyter-book", "build", str(tmp_path),
                            "--warningiserror"], capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    for page in (CHAPTERS[0], EXERCISES[0]):
        source = next(REPO.glob(f"{page}.*")).relative_to(REPO)
        html = (tmp_path / "_build" / "html" / f"{page}.html").read_text()
        links = set(re.findall(r'href="(https://[^"]+)"', html))
        hub = f"{urls['jupyterhub_url']}/hub/user-redirect/git-pull?repo=https%3A//github.com/example/cnn-course"
        assert any(l.startswith(hub) and f"urlpath=lab/tree/cnn-course/{source}" in l
                   and "branch=main" in l for l in links), sorted(links)
        binder = f"{urls['binderhub_url']}/v2/gh/example/cnn-course/main?urlpath=lab/tree/{source}"
        assert binder in links, sorted(links)
