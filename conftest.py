"""Shared test set-up: the notebook environment for nbval, and one build of the book.

It sits at the repository root, not in tests/, so that nbval over one chapter
(``python -m pytest chapters/01_what_are_loss_functions.ipynb -n 0``) loads it too.
"""

import collections
import fcntl
import json
import os
import pathlib
import subprocess

import pytest

from tools.common import build_book, notebook_environment

# nbval starts each kernel from this process, so the kernel inherits these.
os.environ.update(notebook_environment())
if os.environ.get("PYTEST_XDIST_WORKER"):
    # Each test worker gets one of the two cores: TensorFlow on one thread per worker (and per
    # kernel) runs the chapters faster than two threads per worker fighting over both cores.
    os.environ.update(TF_NUM_INTRAOP_THREADS="1", TF_NUM_INTEROP_THREADS="1")


def pytest_collection_modifyitems(items):
    """The chapters first, those with the most code cells first, then the other tests.

    The test workers take whole files in this order (``--dist loadfile`` with
    ``--no-loadscope-reorder``), so the two longest notebooks start at once, on different
    workers, and the short test files fill in at the end."""
    cells = collections.Counter(item.path for item in items if item.path.suffix == ".ipynb")
    items.sort(key=lambda item: -cells[item.path])  # stable: file and cell order kept


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """``(CompletedProcess, html_folder)`` of one build of the default book, shared by the test
    workers: the first to ask builds it, the others wait for it under a lock and reuse it.

    It is built in a temporary folder, or into ``$BOOK_PATH_OUTPUT/_build/html`` when that is
    set (the GitHub workflow publishes the very build the tests checked)."""
    base = tmp_path_factory.getbasetemp()
    # Under xdist each worker's base folder sits in the session's own; without xdist the base
    # folder is the session's, and its parent is shared by every pytest run of this user.
    session = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    shared = pathlib.Path(os.environ.get("BOOK_PATH_OUTPUT") or session / "book")
    shared.mkdir(exist_ok=True)
    with open(shared / ".book-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = shared / "_build" / "tests-build.json"
        if not done.is_file():
            result, _ = build_book(shared)
            done.write_text(json.dumps([result.args, result.returncode, result.stdout,
                                        result.stderr]))
    result = subprocess.CompletedProcess(*json.loads(done.read_text()))
    return result, shared / "_build" / "html"
