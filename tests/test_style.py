"""The code style the project promises: ruff clean, quiet imports."""

import shutil
import subprocess
import sys

from tools.common import REPO_ROOT


def test_ruff_is_clean():
    ruff = shutil.which("ruff")
    command = [ruff] if ruff else [sys.executable, "-m", "ruff"]
    result = subprocess.run(command + ["check", "."], cwd=REPO_ROOT, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_has_no_side_effects():
    code = "import sys, lossfns; print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=REPO_ROOT, check=True)
    assert result.stdout == "False False\n" and result.stderr == ""
