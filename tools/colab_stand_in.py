"""A stand-in for a fresh Colab runtime, shared by the Colab-runtime test and the benchmark.

A virtual environment whose ``sys.path`` holds a stack of packages minus ``lossfns`` (by default
this interpreter's own; the Colab-runtime test passes one built from Colab's versions), a local
clone of this repository, and a throwaway HOME whose git configuration rewrites the chapters'
install URL to that clone (``url.<clone>.insteadOf``).
"""

import dataclasses
import os
import pathlib
import re
import subprocess
import sys
import sysconfig

from tools.common import REPO_ROOT

INSTALL_URL = re.compile(r'lossfns @ git\+(https://github\.com/[^"]+)"')


@dataclasses.dataclass
class ColabStandIn:
    """The stand-in's interpreter, its own site-packages, the stack it sees, its environment."""

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


def make_colab_stand_in(root, url, python=sys.executable, site_packages=None):
    """Build the stand-in in the empty folder ``root``, git serving ``url`` from a clone.

    ``site_packages`` (default: this interpreter's) must belong to the Python version of
    ``python``.
    """
    venv = root / "venv"
    subprocess.run([str(python), "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # A mirror of site-packages without lossfns; the .pth files are left out, so the editable
    # install of lossfns stays invisible.
    stack = root / "stack"
    stack.mkdir()
    site_packages = pathlib.Path(site_packages or sysconfig.get_paths()["purelib"])
    for entry in site_packages.iterdir():
        if "lossfns" not in entry.name.lower() and entry.suffix != ".pth":
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
    env = {**os.environ, "HOME": str(home), "PIP_DISABLE_PIP_VERSION_CHECK": "1",
           "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    return ColabStandIn(python=python, venv_site=venv_site, stack=stack, env=env)
