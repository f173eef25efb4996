"""The HTML book builds from the stored outputs with warnings as errors."""

import pytest

from notebook_env import chapter_notebooks


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


def test_math_is_served_by_the_site_itself(built_book):
    _, html = built_book
    assert (html / "_static" / "mathjax" / "tex-chtml.js").is_file()
    for page in html.rglob("*.html"):
        assert "cdn.jsdelivr.net" not in page.read_text(encoding="utf-8"), page
