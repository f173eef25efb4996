"""The HTML book builds from the stored outputs with warnings as errors; its Colab buttons open
colab/, which shows what the pages show."""

import html as html_module
import re

import nbformat
import pytest

from tools.common import REPO_ROOT, chapter_notebooks

COLAB = REPO_ROOT / "colab"


def test_build_has_no_warnings(built_book):
    result, _ = built_book
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-5000:]
    assert "WARNING" not in log, log[-5000:]


@pytest.mark.parametrize("path", chapter_notebooks(), ids=lambda p: p.name)
def test_every_chapter_has_a_page_with_its_outputs(built_book, path):
    _, html = built_book
    page = html / "chapters" / f"{path.stem}.html"
    assert page.is_file()
    text = page.read_text(encoding="utf-8")
    assert "cell_output" in text and "<img" in text


def test_every_page_states_the_licences_in_its_footer(built_book):
    _, html = built_book
    for page in html.rglob("*.html"):
        if "_static" not in page.parts and page.name != "index.html":
            text = page.read_text(encoding="utf-8")
            assert "MIT licence" in text and "CC BY 4.0" in text, page


def test_math_is_served_by_the_site_itself(built_book):
    _, html = built_book
    assert (html / "_static" / "mathjax" / "tex-chtml.js").is_file()
    for page in html.rglob("*.html"):
        assert "cdn.jsdelivr.net" not in page.read_text(encoding="utf-8"), page


@pytest.mark.parametrize("path", chapter_notebooks(), ids=lambda p: p.name)
def test_a_chapter_page_opens_its_colab_edition_on_colab(built_book, path):
    # The chapter itself holds MyST that Colab shows as raw text; colab/ holds it rendered.
    _, html = built_book
    page = (html / "chapters" / f"{path.stem}.html").read_text(encoding="utf-8")
    links = re.findall(r'href="(https://colab\.research\.google\.com/[^"]*)"', page)
    assert links, "no Colab button"
    assert all(link.endswith(f"/colab/{path.name}") for link in links), links
    assert (COLAB / path.name).is_file(), "run python -m tools.editions"


# What the HTML shows in place of MyST: exercise and solution headings, glued numbers, and the
# text of {ref} and {doc} roles.
HTML_EXERCISE = re.compile(
    r'<span class="caption-number">(Exercise \d+) </span>'
    r'|Solution to<a class="reference internal" href="[^"]*"> (Exercise \d+)</a>'
)
HTML_PASTED = re.compile(
    r'<span class="(?:pasted-text|std std-numref|doc std std-doc)">([^<]*)</span>'
)


@pytest.mark.parametrize("path", chapter_notebooks(), ids=lambda p: p.name)
def test_the_colab_edition_shows_what_the_chapter_page_shows(built_book, path):
    _, html = built_book
    page = (html / "chapters" / f"{path.stem}.html").read_text(encoding="utf-8")
    notebook = nbformat.read(COLAB / path.name, as_version=4)
    text = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    headings = [("Solution to " if solution else "") + (exercise or solution)
                for exercise, solution in HTML_EXERCISE.findall(page)]
    assert headings, "no exercise on the page"
    assert re.findall(r"\*\*((?:Solution to )?Exercise \d+)", text) == headings
    pasted = [html_module.unescape(value) for value in HTML_PASTED.findall(page)]
    assert pasted or "{glue" not in path.read_text(encoding="utf-8")
    position = 0
    for value in pasted:  # in the same order
        found = text.find(value, position)
        shown_before = text[position - 60:position]
        assert found >= 0, f"{value!r} (shown after {shown_before!r}) is not in colab/"
        position = found + len(value)
