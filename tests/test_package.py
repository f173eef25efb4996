"""The package's metadata: one version, read from pyproject.toml through the installed metadata."""

import subprocess
import sys
from importlib import metadata

import tomllib

import lossfns
from tools.common import REPO_ROOT


def test_the_version_comes_from_pyproject_toml():
    with open(REPO_ROOT / "pyproject.toml", "rb") as file:
        declared = tomllib.load(file)["project"]["version"]
    assert lossfns.__version__ == metadata.version("lossfns") == declared


def test_an_uninstalled_source_tree_gets_a_placeholder_version():
    code = ("from importlib import metadata\n"
            "def not_installed(name):\n"
            "    raise metadata.PackageNotFoundError(name)\n"
            "metadata.version = not_installed\n"
            "import lossfns\n"
            "print(lossfns.__version__)\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True,
                            text=True, check=True)
    assert result.stdout == "0+unknown\n"
