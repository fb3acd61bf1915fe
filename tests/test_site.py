"""The built book in a real browser (Debian's headless chromium, driven by playwright),
served from a local server with every other address blocked: each page loads without a
console error or a failed request, its maths is typeset, its widgets render and respond
without a kernel, its images load, and search works. Screenshots go to
_build/screenshots/ for a human look."""
import functools
import http.server
import threading
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
SCREENSHOTS = REPO / "_build" / "screenshots"
TOC = yaml.safe_load((REPO / "_toc.yml").read_text())
PAGES = [TOC["root"]] + [e["file"] for part in TOC["parts"] for e in part["chapters"]]
WIDGET_VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]'


@pytest.fixture(scope="module")
def site(built_book):
    """The built book over HTTP on a free local port."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(built_book)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


class Visit:
    """One page opened in a fresh context where only the local site can be reached;
    collects everything that went wrong while it loaded and ran."""

    def __init__(self, browser, site: str, path: str):
        self.problems: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.route("**/*", self._only_local(site))
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url}"))
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))
        self.page.goto(f"{site}/{path}", wait_until="load")

    def _only_local(self, site: str):
        def handle(route):
            if route.request.url.startswith(site) or route.request.url.startswith("data:"):
                route.continue_()
            else:
                self.problems.append(f"request outside the site: {route.request.url}")
                route.abort()
        return handle

    def close(self):
        self.context.close()


def visible_images(page, within: str) -> list[str]:
    return page.evaluate(
        """(sel) => [...document.querySelectorAll(sel + ' img')]
             .filter(img => img.offsetParent !== null).map(img => img.src.slice(-80))""", within)


@pytest.mark.parametrize("page_name", PAGES)
def test_page_works_offline(browser, site, page_name):
    visit = Visit(browser, site, f"{page_name}.html")
    page = visit.page
    try:
        html = page.content()
        if 'class="math' in html:
            page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise")
            page.evaluate("MathJax.startup.promise")
            typeset = page.locator("mjx-container").count()
            assert typeset > 0, "MathJax typeset nothing"
            assert page.locator("mjx-merror").count() == 0, "MathJax reported a TeX error"
        views = page.locator(WIDGET_VIEW).count()
        if views:
            # every embedded widget view is replaced by a rendered widget
            page.wait_for_function(
                f"""() => [...document.querySelectorAll('{WIDGET_VIEW}')].every(
                       s => s.parentElement.querySelector('.jupyter-widgets'))""", timeout=30_000)
        page.wait_for_load_state("networkidle")
        broken = page.evaluate("""() => [...document.images]
            .filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.src.slice(-60))""")
        assert not broken, f"images that did not load: {broken[:5]}"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{page_name.replace('/', '__')}.png"))
        if views:
            widget = page.locator(".widget-subarea").filter(has=page.locator(".widget-slider")).first
            widget.scroll_into_view_if_needed()
            # with a margin: the slider labels sit just left of the widget's own box
            box = widget.bounding_box()
            top = page.evaluate("window.scrollY") + box["y"]
            page.screenshot(path=str(SCREENSHOTS / f"{page_name.replace('/', '__')}__widget.png"),
                            full_page=True, clip={"x": max(box["x"] - 24, 0), "y": max(top - 8, 0),
                                                  "width": box["width"] + 48, "height": box["height"] + 16})
        assert not visit.problems, "\n".join(visit.problems[:10])
    finally:
        visit.close()


@pytest.mark.parametrize("chapter", [p for p in PAGES if p.startswith("chapters/") and p[9].isdigit()])
def test_chapter_widget_responds_without_a_kernel(browser, site, chapter):
    """Move the first slider of the chapter's first explorer: the picture changes."""
    visit = Visit(browser, site, f"{chapter}.html")
    page = visit.page
    try:
        page.wait_for_function(
            f"() => document.querySelector('{WIDGET_VIEW}')"
            "?.parentElement.querySelector('.jupyter-widgets')", timeout=30_000)
        # (progress bars are widgets too: the explorer is the first one with a slider)
        area = page.locator(".widget-subarea").filter(has=page.locator(".widget-slider")).first
        area.scroll_into_view_if_needed()
        area.evaluate("el => el.setAttribute('data-test-explorer', '1')")
        before = visible_images(page, "[data-test-explorer]")
        assert before, "the explorer shows no picture"
        area.locator(".noUi-handle").first.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(300)
        after = visible_images(page, "[data-test-explorer]")
        assert after and after != before, "moving the control did not change the picture"
        assert not visit.problems, "\n".join(visit.problems[:10])
    finally:
        visit.close()


def test_search_finds_residual(browser, site):
    visit = Visit(browser, site, "search.html?q=residual")
    page = visit.page
    try:
        page.wait_for_function(
            "() => document.querySelectorAll('#search-results li').length > 0", timeout=30_000)
        links = page.eval_on_selector_all("#search-results li a", "as => as.map(a => a.href)")
        assert any("09-resnet" in link for link in links), links[:10]
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "search-residual.png"))
        assert not visit.problems, "\n".join(visit.problems[:10])
    finally:
        visit.close()


def test_chapters_are_numbered_in_the_navigation(browser, site):
    visit = Visit(browser, site, f"{TOC['root']}.html")
    try:
        entries = visit.page.eval_on_selector_all(".bd-sidenav a", "as => as.map(a => a.innerText)")
        assert "1. Convolution" in entries and any(e.startswith("12. ") for e in entries), entries
    finally:
        visit.close()


def test_site_root_opens_the_landing_page(browser, site):
    visit = Visit(browser, site, "index.html")
    try:
        visit.page.wait_for_url(f"**/{TOC['root']}.html")
        assert "The path through the course" in visit.page.content()
        assert not visit.problems, "\n".join(visit.problems[:10])
    finally:
        visit.close()
