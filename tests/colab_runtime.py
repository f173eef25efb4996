"""Colab's published runtime, rebuilt here: a Python environment with Colab's exact versions.

``.ci/colab_constraints.txt`` holds the versions Colab publishes for its default runtime. The
environment gets only what a chapter and the notebook runner need (``COLAB_PACKAGES``), each at
Colab's version. It is built once per content of that file and that list, under
``_build/colab-runtime/``, and reused; a lock keeps two test workers from building it at the
same time.
"""

import dataclasses
import fcntl
import glob
import hashlib
import os
import pathlib
import re
import shutil
import subprocess

from tools.common import REPO_ROOT

CONSTRAINTS = REPO_ROOT / ".ci" / "colab_constraints.txt"
CACHE = REPO_ROOT / "_build" / "colab-runtime"
# What the chapters import, and what runs a notebook (Colab has nbclient and nbformat too).
COLAB_PACKAGES = ["tensorflow", "keras", "numpy", "matplotlib", "scikit-learn", "ipykernel",
                  "ipython", "nbclient", "nbformat"]


@dataclasses.dataclass
class ColabRuntime:
    """The built environment: its interpreter and the folder of its packages."""

    python: pathlib.Path
    site_packages: pathlib.Path


def python_version(constraints=CONSTRAINTS):
    """The ``major.minor`` Python version named by the constraints file's header."""
    match = re.search(r"^# python_version: (\d+\.\d+)$", constraints.read_text(), re.MULTILINE)
    if not match:
        raise ValueError(f"{constraints}: no '# python_version: X.Y' line in the header")
    return match.group(1)


def find_python(version):
    """A working ``pythonX.Y`` interpreter: one that pyenv installed, or one on PATH.

    A pyenv shim on PATH exists for every installed version but fails unless that version is
    selected, so each candidate is tried before it is chosen.
    """
    name = f"python{version}"
    candidates = sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}*/bin/{name}")))
    candidates += [found] if (found := shutil.which(name)) else []
    for candidate in candidates:
        works = subprocess.run([candidate, "-c", "pass"], capture_output=True, check=False)
        if works.returncode == 0:
            return pathlib.Path(candidate)
    raise FileNotFoundError(f"Colab's runtime needs {name}: install it (pyenv install {version})")


def colab_runtime(constraints=CONSTRAINTS, cache=CACHE):
    """Build (or reuse) the environment for ``constraints`` and describe it."""
    recipe = constraints.read_bytes() + " ".join(COLAB_PACKAGES).encode()
    key = hashlib.sha256(recipe).hexdigest()[:12]
    venv = cache / key
    python = venv / "bin" / "python"
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (venv / "complete").is_file():
            shutil.rmtree(venv, ignore_errors=True)
            interpreter = find_python(python_version(constraints))
            subprocess.run([str(interpreter), "-m", "venv", str(venv)], check=True)
            subprocess.run([str(python), "-m", "pip", "install", "--quiet",
                            "--disable-pip-version-check", "-c", str(constraints),
                            *COLAB_PACKAGES], check=True)
            (venv / "complete").write_text("built\n")
    site_packages = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True).stdout.strip()
    return ColabRuntime(python=python, site_packages=pathlib.Path(site_packages))
