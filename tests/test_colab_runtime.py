"""Every notebook that Colab opens, run as Colab runs it, on Colab's published runtime.

Colab-bound notebooks are the Colab edition of the chapters (``colab/``, what each chapter's
Colab button opens) and the student edition (``student/``, which the instructors' page links).
Each one is copied alone into an empty folder and run top to bottom in a fresh environment that
sees Colab's versions (``colab_runtime.py``) but not ``lossfns``, the way Colab's "Run all" runs
it: the first error stops the run, and the ``raises-exception`` tag means nothing. Its kernel
gets a plain environment (no test-suite settings such as ``TF_CPP_MIN_LOG_LEVEL``) and captures
what reaches file descriptor 2, as Jupyter does. What must hold:

* the install cell installs ``lossfns`` and nothing else, and replaces nothing;
* a chapter runs every cell, all its asserts passing; a student notebook runs every cell before
  its exercises, and if anything stops it, it is an exercise's self-check;
* no TensorFlow log line reaches a cell's output.

Stored outputs are not compared here: they were made with ``requirements.txt``'s versions.
These tests are slow (a Python environment is built once, then each notebook runs twice as long
as its nbval check), so the default test command leaves them out; CI runs them with
``python -m pytest -m colab_runtime``.
"""

import os
import shutil
import subprocess

import pytest

from colab_runtime import colab_runtime
from test_notebooks import TF_LOG_NOISE
from tools.colab_stand_in import install_url, make_colab_stand_in
from tools.common import REPO_ROOT

pytestmark = pytest.mark.colab_runtime

COLAB_BOUND = sorted((REPO_ROOT / "colab").glob("*.ipynb")) + sorted(
    (REPO_ROOT / "student").glob("*.ipynb"))
# Set by the test suite or by pytest, and absent from a plain kernel on Colab.
NOT_ON_COLAB = ["TF_CPP_MIN_LOG_LEVEL", "PYTHONHASHSEED", "PYTHONWARNINGS", "PYTEST_CURRENT_TEST",
                "PYTEST_XDIST_WORKER", "PYTEST_XDIST_TESTRUNUID", "PYTEST_XDIST_WORKER_COUNT"]

RUN_ALL = """
import json, sys, nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
notebook = nbformat.read(sys.argv[1], as_version=4)
for cell in notebook.cells:  # Colab ignores this tag: an error stops "Run all"
    tags = cell.metadata.get("tags", [])
    if "raises-exception" in tags:
        tags.remove("raises-exception")
client = NotebookClient(notebook, timeout=900, kernel_name="python3",
                        resources={"metadata": {"path": sys.argv[2]}})
try:
    client.execute()
except CellExecutionError:
    pass
nbformat.write(notebook, sys.argv[3])
"""
FREEZE = ["-m", "pip", "list", "--format=freeze", "--disable-pip-version-check"]


@pytest.fixture(scope="session")
def runtime():
    return colab_runtime()


def _run(command, env, **kwargs):
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False, **kwargs)


def _title(path):
    return f"{path.parent.name}/{path.name}"


def _is_exercises_heading(cell):
    return cell.cell_type == "markdown" and any(
        line.strip() == "## Exercises" for line in "".join(cell.source).splitlines())


@pytest.mark.parametrize("notebook", COLAB_BOUND, ids=_title)
def test_run_all_on_colabs_runtime(runtime, notebook, tmp_path):
    import nbformat

    first_cell = nbformat.read(notebook, as_version=4).cells[0]
    stand_in = make_colab_stand_in(tmp_path, install_url(first_cell.source),
                                   python=runtime.python, site_packages=runtime.site_packages)
    env = {key: value for key, value in stand_in.env.items() if key not in NOT_ON_COLAB}
    env.update(JUPYTER_PATH=str(tmp_path / "jupyter"), JUPYTER_DATA_DIR=str(tmp_path / "jupyter"))
    python = str(stand_in.python)
    before = _run([python, *FREEZE], env).stdout.splitlines()
    assert not any(line.lower().startswith("lossfns") for line in before)

    folder = tmp_path / "alone"
    folder.mkdir()
    shutil.copy(notebook, folder / notebook.name)
    executed_path = tmp_path / "executed.ipynb"
    result = _run([python, "-c", RUN_ALL, str(folder / notebook.name), str(folder),
                   str(executed_path)], env, cwd=folder)
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    executed = nbformat.read(executed_path, as_version=4)

    code_cells = [(index, cell) for index, cell in enumerate(executed.cells)
                  if cell.cell_type == "code"]
    errors = [(index, cell) for index, cell in code_cells
              if any(output.output_type == "error" for output in cell.outputs)]
    if notebook.parent.name == "student" and errors:
        index, cell = errors[0]
        assert "self-check" in cell.metadata.get("tags", []), (
            f"Run all stopped at cell {index}, which is not an exercise's self-check:\n"
            + "\n".join(next(o for o in cell.outputs if o.output_type == "error").traceback))
        exercises = next(i for i, c in enumerate(executed.cells) if _is_exercises_heading(c))
        assert index > exercises
        assert all(c.execution_count is not None for i, c in code_cells if i < exercises)
    else:
        assert not errors, f"Run all stopped at cell {errors[0][0]}:\n" + "\n".join(
            next(o for o in errors[0][1].outputs if o.output_type == "error").traceback)
        assert all(cell.execution_count is not None for _, cell in code_cells)

    for index, cell in code_cells:
        for output in cell.outputs:
            text = output.get("text", "") + output.get("data", {}).get("text/plain", "")
            assert not TF_LOG_NOISE.search(text), f"cell {index}: TensorFlow log line\n{text}"

    after = _run([python, *FREEZE], env).stdout.splitlines()
    added = sorted(set(after) - set(before))
    assert [line.split("==")[0].split(" @ ")[0].lower() for line in added] == ["lossfns"], added
    assert set(before) <= set(after), "the install replaced part of Colab's stack"
    assert os.listdir(folder) == [notebook.name], "the notebook left files behind"
