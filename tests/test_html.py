"""The built HTML as readers get it: every link resolves, and every page renders in a real
browser (Debian's Chromium driven by Playwright), offline, from 127.0.0.1."""

import functools
import http.server
import os
import pathlib
import threading
import urllib.parse

import pytest

from tools.common import REPO_ROOT, read_html

# Debian's Chromium by default; BOOK_CHROMIUM names another Chromium-based browser binary.
CHROMIUM = pathlib.Path(os.environ.get("BOOK_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = REPO_ROOT / "_build" / "screenshots"
# Saved in the light and the dark theme, for a person to look at (CI uploads them).
REVIEWED_CHAPTERS = ["01_what_are_loss_functions", "04_categorical_crossentropy"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@functools.cache
def _parse(page):
    return read_html(page)


def _pages(html_root):
    return sorted(p for p in html_root.rglob("*.html") if "_static" not in p.parts)


def test_every_internal_link_and_anchor_resolves(built_book):
    _, html_root = built_book
    broken = []
    for page in _pages(html_root):
        for link in _parse(page).links:
            parts = urllib.parse.urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue  # external: checked by nobody offline, on purpose
            target = page if not parts.path else (page.parent / urllib.parse.unquote(parts.path))
            target = target.resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(html_root)}: {link} (no such file)")
            elif (parts.fragment and target.suffix == ".html"
                  and parts.fragment not in _parse(target).ids):
                broken.append(f"{page.relative_to(html_root)}: {link} (no such anchor)")
    assert not broken, "\n".join(broken[:40])


@pytest.fixture(scope="module")
def served_book(built_book):
    _, html_root = built_book
    handler = functools.partial(_QuietHandler, directory=str(html_root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", html_root
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"The browser test needs Chromium at {CHROMIUM}: run `apt-get install "
                    "chromium` (as root), or set BOOK_CHROMIUM to a Chromium or Chrome binary; "
                    "see README.md.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class _Tab:
    """One browser tab that visits page after page, as a reader clicking through the book does
    (the theme's files and MathJax come from the browser's cache after the first page). Each
    visit reports what that page logged as errors, which requests failed and which left the
    machine."""

    def __init__(self, browser, color_scheme):
        self.context = browser.new_context(color_scheme=color_scheme,
                                           viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.report = {}
        self.page.on("console", lambda m: m.type == "error" and self._log(m.text))
        self.page.on("pageerror", lambda error: self._log(str(error)))
        self.page.on("response", lambda r: r.status >= 400 and self._log(
            f"HTTP {r.status} for {r.url}"))
        self.page.on("request", lambda r: not r.url.startswith(
            ("http://127.0.0.1", "data:", "blob:")) and self.report["external_requests"].append(
            r.url))

    def _log(self, message):
        self.report["console_errors"].append(message)

    def visit(self, url):
        """Load ``url``; return the page and the visit's report."""
        self.report = {"console_errors": [], "external_requests": []}
        self.report["status"] = self.page.goto(url, wait_until="load").status
        # MathJax typesets after the load, then fetches its fonts.
        self.page.evaluate("async () => { if (window.MathJax && MathJax.startup) "
                           "await MathJax.startup.promise; await document.fonts.ready; }")
        return self.page, self.report


PAGE_CHECK = """() => {
  // Prose only: code may hold a regular expression such as \\[ that is no formula.
  const main = document.querySelector('main');
  let text = main.innerText;
  for (const node of main.querySelectorAll('pre, code')) text = text.replace(node.innerText, '');
  const images = [...document.querySelectorAll('main img')];
  return {
    rawMath: (text.match(/\\$\\$|\\\\\\[|\\\\begin\\{/g) || []).length,
    displayMath: document.querySelectorAll('main div.math').length,
    typesetDisplay: document.querySelectorAll('main div.math mjx-container').length,
    undecoded: images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src),
    noAlt: images.filter(i => !(i.alt || '').trim() || /\\.(png|jpe?g|svg)$/.test(i.alt))
      .map(i => i.src),
  };
}"""


def test_every_page_renders_offline_in_a_browser(browser, served_book):
    base, html_root = served_book
    problems, tab = [], _Tab(browser, color_scheme="light")
    for path in _pages(html_root):
        relative = path.relative_to(html_root).as_posix()
        redirect = 'http-equiv="Refresh"' in path.read_text(encoding="utf-8")
        if redirect or relative in ("search.html", "genindex.html"):
            continue
        page, report = tab.visit(f"{base}/{relative}")
        found = page.evaluate(PAGE_CHECK)
        if path.stem in REVIEWED_CHAPTERS:
            for theme in ("light", "dark"):  # the theme's own switch, as its button does it
                page.evaluate(f"() => document.documentElement.dataset.theme = '{theme}'")
                _save_screenshot(page, path.stem, theme)
        for key, label in [("undecoded", "image not decoded"), ("noAlt", "image without alt text")]:
            problems += [f"{relative}: {label}: {src}" for src in found[key]]
        if found["rawMath"]:
            problems.append(f"{relative}: {found['rawMath']} raw LaTeX delimiters left in the text")
        if found["typesetDisplay"] != found["displayMath"]:
            problems.append(f"{relative}: {found['typesetDisplay']} of {found['displayMath']} "
                            "display formulas typeset")
        problems += [f"{relative}: console error: {e}" for e in report["console_errors"]]
        problems += [f"{relative}: request leaves the machine: {u}"
                     for u in report["external_requests"]]
    tab.context.close()
    assert not problems, "\n".join(problems[:40])


def _save_screenshot(page, chapter, theme):
    """Save the page, scrolled to its first figure, to ``_build/screenshots/`` for review."""
    figure = page.locator("main .cell_output img").first
    if figure.count():
        figure.scroll_into_view_if_needed()
    target = SCREENSHOTS / f"{chapter}-{theme}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target))
    assert target.stat().st_size > 10_000, f"{target.name}: an empty page?"
