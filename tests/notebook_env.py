"""The environment every chapter notebook runs in, when regenerated and when tested.

Shared by ``.ci/regenerate_outputs.py`` and ``conftest.py`` (at the root) so that the
stored outputs and the nbval re-run see the same settings.
"""

import pathlib

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
CHAPTERS = REPO_ROOT / "chapters"

NOTEBOOK_ENV = {
    # TensorFlow's C++ start-up lines (oneDNN, CUDA, CPU features) are not
    # part of the lesson. Some bypass this level; those reach the kernel's fd 2,
    # which neither the regeneration (capture_fd_output=False) nor nbval stores.
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "PYTHONHASHSEED": "0",
    "PYTHONWARNINGS": "ignore::DeprecationWarning",
}


def chapter_notebooks():
    """Every chapter notebook, in a stable order."""
    return sorted(CHAPTERS.glob("*.ipynb"))
