"""Shared test set-up: the notebook environment for nbval, and one build of the book.

It sits at the repository root, not in tests/, so that nbval over one chapter
(``python -m pytest chapters/01_what_are_loss_functions.ipynb -n 0``) loads it too. Its helper
``notebook_env`` lives in tests/, which ``pythonpath`` in pyproject.toml puts on ``sys.path``.
"""

import os
import subprocess
import sys

import pytest

from notebook_env import NOTEBOOK_ENV, REPO_ROOT

# nbval starts each kernel from this process, so the kernel inherits these.
os.environ.update(NOTEBOOK_ENV)

# The jupyter-book command line, run with this interpreter (no reliance on PATH).
JUPYTER_BOOK = "import sys; from jupyter_book.cli.main import main; sys.exit(main())"


def build_book(output, *extra):
    """Build the book from its stored outputs into ``output``; warnings are errors."""
    command = [sys.executable, "-c", JUPYTER_BOOK, "build", str(REPO_ROOT),
               "--path-output", str(output), "-W", "-n", "--keep-going", *extra]
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT, check=False)
    return result, output / "_build" / "html"


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """``(CompletedProcess, html_folder)`` of one build of the default book."""
    return build_book(tmp_path_factory.mktemp("book"))
