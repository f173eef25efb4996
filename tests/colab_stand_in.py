"""A stand-in for a fresh Colab runtime, shared by tests/test_colab_runtime.py and .ci/benchmark.py.

A virtual environment whose ``sys.path`` holds a stack of packages (TensorFlow, NumPy,
matplotlib, ipykernel, ...) minus ``lossfns``: by default this interpreter's own, or those of a
Python 3.13 environment built from Colab's published versions (``colab_runtime.py``). Beside
it, a local clone of this repository and a throwaway HOME whose git configuration rewrites the
repository URL of the chapters' install cell to that clone (``url.<local>.insteadOf``).
"""

import dataclasses
import os
import pathlib
import re
import subprocess
import sys
import sysconfig

from notebook_env import REPO_ROOT

INSTALL_URL = re.compile(r'lossfns @ git\+(https://github\.com/[^"]+)"')


@dataclasses.dataclass
class ColabStandIn:
    """What ``make_colab_stand_in`` built; ``env`` runs commands inside it."""

    python: pathlib.Path
    venv_site: pathlib.Path
    stack: pathlib.Path
    env: dict


def install_url(cell_source):
    """The ``https://github.com/...`` URL that an install cell's ``%pip`` line installs from."""
    match = INSTALL_URL.search(cell_source)
    if not match:
        raise ValueError(f"no 'lossfns @ git+https://github.com/...' in the cell:\n{cell_source}")
    return match.group(1)


def _is_lossfns(name):
    return "lossfns" in name.lower()


def make_colab_stand_in(root, url, python=sys.executable, site_packages=None):
    """Build the stand-in under ``root``, with git serving ``url`` from a clone of this repo.

    Parameters
    ----------
    root : pathlib.Path
        An empty folder.
    url : str
        The repository URL the install cell names (see ``install_url``).
    python : str or pathlib.Path
        The interpreter the virtual environment is made from.
    site_packages : pathlib.Path or None
        The stack the environment sees; by default this interpreter's ``site-packages``. It
        must belong to an interpreter of the same Python version as ``python``.
    """
    venv = root / "venv"
    subprocess.run([str(python), "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # A mirror of site-packages without lossfns; .pth files listed there are not executed,
    # so the editable install of lossfns stays invisible.
    stack = root / "stack"
    stack.mkdir()
    site_packages = site_packages or pathlib.Path(sysconfig.get_paths()["purelib"])
    for entry in pathlib.Path(site_packages).iterdir():
        if not _is_lossfns(entry.name) and entry.suffix != ".pth":
            (stack / entry.name).symlink_to(entry)
    venv_site = pathlib.Path(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True).stdout.strip())
    (venv_site / "book_stack.pth").write_text(f"{stack}\n")

    clone = root / "repository"
    subprocess.run(["git", "clone", "--quiet", str(REPO_ROOT), str(clone)], check=True)
    home = root / "home"
    home.mkdir()
    subprocess.run(["git", "config", "--file", str(home / ".gitconfig"),
                    f"url.file://{clone}.insteadOf", url], check=True)
    env = {
        **os.environ,
        "HOME": str(home),
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    return ColabStandIn(python=python, venv_site=venv_site, stack=stack, env=env)
