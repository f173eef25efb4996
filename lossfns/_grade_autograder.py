"""A ready-to-upload Gradescope autograder for one chapter.

The folder (or zip) holds, at its root, what Gradescope runs: ``setup.sh`` (installs NumPy,
SciPy and the bundled copy of lossfns) and ``run_autograder`` (grades
``/autograder/submission/*.ipynb`` against the bundled student edition and writes
``/autograder/results/results.json``), beside ``edition.ipynb`` and ``lossfns_src/``. The
environment variable ``AUTOGRADER_ROOT`` replaces ``/autograder`` (to try it locally), and
``AUTOGRADER_PYTHON`` the interpreter.
"""

import pathlib
import shutil
import tempfile

SETUP = """\
#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder's image.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${AUTOGRADER_PYTHON:-python3}"
if ! command -v "$PYTHON" >/dev/null; then
    apt-get update && apt-get install -y python3 python3-pip
fi
packages=(numpy scipy "$ROOT/source/lossfns_src")
# an Ubuntu whose Python is "externally managed" (24.04) needs the flag older pips refuse
"$PYTHON" -m pip install "${packages[@]}" \
    || "$PYTHON" -m pip install --break-system-packages "${packages[@]}"
"""

RUN = """\
#!/usr/bin/env bash
# Gradescope runs this for each submission; the grade is decided by lossfns.grade alone.
set -uo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${AUTOGRADER_PYTHON:-python3}"
mkdir -p "$ROOT/results"
cd "$ROOT/source"
shopt -s nullglob
submissions=("$ROOT"/submission/*.ipynb)
if [ ${#submissions[@]} -eq 0 ]; then
    echo '{"score": 0, "output": "No .ipynb file was submitted.", "tests": []}' \\
        > "$ROOT/results/results.json"
    exit 0
fi
exec "$PYTHON" -m lossfns.grade edition.ipynb "${submissions[@]}" \\
    --gradescope "$ROOT/results/results.json" --csv "$ROOT/results/grades.csv"
"""

PYPROJECT = """\
[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "lossfns"
version = "{version}"
dependencies = ["numpy>=1.22", "matplotlib>=3.5"]

[tool.setuptools]
packages = ["lossfns"]
"""


def write_autograder(edition, destination):
    """Write the autograder of the student edition ``edition`` to ``destination``: a folder, or
    a zip file if it ends with ``.zip``; return its path."""
    import lossfns

    edition, destination = pathlib.Path(edition), pathlib.Path(destination)
    if not edition.is_file():
        raise ValueError(f"edition: no such notebook: {edition}")
    with tempfile.TemporaryDirectory() as scratch:
        folder = pathlib.Path(scratch) / "autograder"
        if destination.suffix != ".zip":
            folder = destination
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(edition, folder / "edition.ipynb")
        source = folder / "lossfns_src"
        shutil.rmtree(source, ignore_errors=True)
        shutil.copytree(pathlib.Path(lossfns.__file__).parent, source / "lossfns",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        (source / "pyproject.toml").write_text(PYPROJECT.format(version=lossfns.__version__),
                                               encoding="utf-8")
        for name, text in (("setup.sh", SETUP), ("run_autograder", RUN)):
            (folder / name).write_text(text, encoding="utf-8")
            (folder / name).chmod(0o755)
        if destination.suffix == ".zip":
            destination.parent.mkdir(parents=True, exist_ok=True)
            archive = shutil.make_archive(str(destination.with_suffix("")), "zip", folder)
            return pathlib.Path(archive)
    return destination
