"""Re-execute the chapters and store their outputs: the one command for it.

    python -m tools.regenerate                       # every chapter
    python -m tools.regenerate chapters/01_*.ipynb   # just one

Each chapter runs top to bottom in a fresh kernel (``tools.common.run_notebook``) and is written
back in place, without the Python patch level that ran it; then the student and Colab editions
are rewritten from the new outputs (``tools.editions``). Prints each chapter's cold-run time.
"""

import os
import pathlib
import sys
import time

import nbformat

from tools import editions
from tools.common import chapter_notebooks, notebook_environment, read_notebook, run_notebook


def regenerate(path):
    notebook = run_notebook(read_notebook(path), path.parent)
    notebook.metadata.pop("widgets", None)
    notebook.metadata.get("language_info", {}).pop("version", None)  # machine noise
    nbformat.write(notebook, path)


def main(arguments):
    os.environ.update(notebook_environment())
    for path in [pathlib.Path(a).resolve() for a in arguments] or chapter_notebooks():
        started = time.perf_counter()
        regenerate(path)
        print(f"{path.name}: {time.perf_counter() - started:.1f} s", flush=True)
    return editions.main([])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
