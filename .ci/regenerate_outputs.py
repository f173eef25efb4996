"""Re-execute the chapter notebooks and store their outputs: the one command for it.

    python .ci/regenerate_outputs.py                 # every chapter
    python .ci/regenerate_outputs.py chapters/01_what_are_loss_functions.ipynb

Each notebook runs top to bottom in a fresh kernel with the environment in
tests/notebook_env.py, without cell timings in the metadata and with
TensorFlow's C++ log lines kept out of the stored output, then is written back
in place. Set LOSSFNS_MNIST_PATH to a local mnist.npz on a machine without
network (like .ci/run, it falls back to ../shared/data/mnist.npz when that
exists); the outputs are the same either way. Finally the student edition is
rewritten from the new outputs (.ci/make_student_edition.py).
"""

import os
import pathlib
import subprocess
import sys
import time

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests"))
from notebook_env import NOTEBOOK_ENV, REPO_ROOT, chapter_notebooks


def regenerate(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
    client = NotebookClient(
        notebook,
        timeout=900,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
        extra_arguments=["--IPKernelApp.capture_fd_output=False"],
    )
    client.execute()
    notebook.metadata.pop("widgets", None)
    # The patch level of the Python that ran it is machine noise, not part of the chapter.
    notebook.metadata.get("language_info", {}).pop("version", None)
    nbformat.write(notebook, path)


def main(arguments):
    os.environ.update(NOTEBOOK_ENV)
    shared_mnist = REPO_ROOT.parent / "shared" / "data" / "mnist.npz"
    if not os.environ.get("LOSSFNS_MNIST_PATH") and shared_mnist.is_file():
        os.environ["LOSSFNS_MNIST_PATH"] = str(shared_mnist)
    paths = [pathlib.Path(a).resolve() for a in arguments] or chapter_notebooks()
    for path in paths:
        started = time.perf_counter()
        regenerate(path)
        print(f"{path.name}: {time.perf_counter() - started:.1f} s", flush=True)
    subprocess.run([sys.executable, str(REPO_ROOT / ".ci" / "make_student_edition.py")], check=True)


if __name__ == "__main__":
    main(sys.argv[1:])
