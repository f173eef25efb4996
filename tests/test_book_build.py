"""The HTML book builds from the stored outputs with warnings as errors."""

import subprocess
import sys

import pytest
from notebook_env import REPO_ROOT, chapter_notebooks

# The jupyter-book command line, run with this interpreter (no reliance on PATH).
BUILD = "import sys; from jupyter_book.cli.main import main; sys.exit(main())"


@pytest.fixture(scope="module")
def built_book(tmp_path_factory):
    output = tmp_path_factory.mktemp("book")
    command = [sys.executable, "-c", BUILD, "build", str(REPO_ROOT),
               "--path-output", str(output), "-W", "-n", "--keep-going"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT, check=False)
    return result, output / "_build" / "html"


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
