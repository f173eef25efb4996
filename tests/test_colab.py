"""Each chapter opened alone, as on Colab: its first cell installs lossfns from the repository.

The stand-in for a Colab runtime is a fresh virtual environment that sees the book's stack
(TensorFlow, NumPy, matplotlib, ipykernel, ...) but not lossfns. The repository URL in the
install cell is served from a local clone of this repository through git's
``url.<local>.insteadOf`` rewrite, set in a throwaway HOME.
"""

import json
import os
import shutil
import subprocess

import pytest

from colab_stand_in import install_url, make_colab_stand_in
from notebook_env import NOTEBOOK_ENV, chapter_notebooks

EXECUTE = """
import sys, nbformat
from nbclient import NotebookClient
notebook = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(notebook, timeout=900, kernel_name="python3",
               resources={"metadata": {"path": sys.argv[2]}}).execute()
first = notebook.cells[0]
print("INSTALL-CELL-OUTPUT:", "".join(o.get("text", "") for o in first.outputs)[-500:])
"""
VERSIONS = "import tensorflow, numpy, matplotlib; print(tensorflow.__version__, numpy.__version__, matplotlib.__version__)"


def _is_lossfns(name):
    return "lossfns" in name.lower()


@pytest.fixture(scope="module")
def colab_like(tmp_path_factory):
    """``(python, venv_site, env, root)`` of a Colab stand-in for the chapters' install URL."""
    root = tmp_path_factory.mktemp("colab")
    first_cell = json.loads(chapter_notebooks()[0].read_text(encoding="utf-8"))["cells"][0]
    stand_in = make_colab_stand_in(root, install_url("".join(first_cell["source"])))
    env = {**stand_in.env, **NOTEBOOK_ENV,
           "JUPYTER_PATH": str(root / "jupyter"), "JUPYTER_DATA_DIR": str(root / "jupyter")}
    return stand_in.python, stand_in.venv_site, env, root


def _run(command, env, **kwargs):
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False, **kwargs)


def test_the_stand_in_does_not_see_lossfns(colab_like):
    python, _, env, root = colab_like
    result = _run([str(python), "-c", "import lossfns"], env, cwd=root)
    assert result.returncode != 0 and "No module named 'lossfns'" in result.stderr


@pytest.mark.parametrize("notebook", chapter_notebooks(), ids=lambda p: p.name)
def test_a_chapter_alone_installs_lossfns_and_runs(colab_like, notebook):
    python, venv_site, env, root = colab_like
    _run([str(python), "-m", "pip", "uninstall", "--yes", "lossfns"], env, cwd=root)
    before = _run([str(python), "-c", VERSIONS], env, cwd=root).stdout
    folder = root / f"alone-{notebook.stem}"
    folder.mkdir()
    copy = folder / notebook.name
    shutil.copy(notebook, copy)

    result = _run([str(python), "-c", EXECUTE, str(copy), str(folder)], env, cwd=folder)
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]

    installed = sorted(p.name for p in venv_site.iterdir() if _is_lossfns(p.name))
    assert any(name.endswith(".dist-info") for name in installed), installed
    direct_url = next(venv_site.glob("lossfns-*.dist-info")) / "direct_url.json"
    assert "git" in json.loads(direct_url.read_text()).get("vcs_info", {}).get("vcs", "")
    assert _run([str(python), "-c", VERSIONS], env, cwd=root).stdout == before, "the install replaced the stack"
    assert sorted(os.listdir(folder)) == [notebook.name], "the chapter left files behind"
