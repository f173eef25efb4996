"""What the tools and the tests share: where things are, the environment every chapter runs in,
running a notebook in a fresh kernel, building the book and reading its pages, finding MNIST."""

import html.parser
import os
import pathlib
import subprocess
import sys

import nbformat
from nbclient import NotebookClient

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
CHAPTERS = REPO_ROOT / "chapters"
# The offline copy of MNIST beside a checkout (as on the CI machines, which have no network).
SHARED_MNIST = REPO_ROOT.parent / "shared" / "data" / "mnist.npz"

NOTEBOOK_ENV = {
    # TensorFlow's C++ start-up lines are not part of the lesson; the few that bypass this level
    # reach the kernel's fd 2, which neither run_notebook nor nbval stores.
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "PYTHONHASHSEED": "0",
    "PYTHONWARNINGS": "ignore::DeprecationWarning",
}


def chapter_notebooks():
    """Every chapter notebook, in reading order."""
    return sorted(CHAPTERS.glob("*.ipynb"))


def notebook_environment(base=None):
    """``base`` (default ``os.environ``) with ``NOTEBOOK_ENV`` and, when the variable is unset
    and the shared copy exists, ``LOSSFNS_MNIST_PATH`` pointing at ``SHARED_MNIST``."""
    env = {**(os.environ if base is None else base), **NOTEBOOK_ENV}
    if not env.get("LOSSFNS_MNIST_PATH") and SHARED_MNIST.is_file():
        env["LOSSFNS_MNIST_PATH"] = str(SHARED_MNIST)
    return env


def run_notebook(notebook, folder, timeout=900):
    """Execute ``notebook`` top to bottom in a fresh kernel started in ``folder``; return it.

    Outputs are cleared first; cell timings are not recorded and the kernel's fd output
    (TensorFlow's C++ log lines) is not captured, so what is stored is what the reader sees.
    The kernel inherits this process's environment: call ``os.environ.update(
    notebook_environment())`` first.
    """
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("execution", None)
    NotebookClient(notebook, timeout=timeout, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(folder)}},
                   extra_arguments=["--IPKernelApp.capture_fd_output=False"]).execute()
    return notebook


def read_notebook(path):
    return nbformat.read(path, as_version=4)


def jupyter_book_build(*arguments):
    """The command line of ``jupyter-book build <repo> -W -n --keep-going <arguments>``, run with
    this interpreter (no reliance on PATH): any warning fails the build."""
    return [sys.executable, "-c",
            "import sys; from jupyter_book.cli.main import main; sys.exit(main())",
            "build", str(REPO_ROOT), "-W", "-n", "--keep-going", *arguments]


def build_book(output, *arguments):
    """Build the book from its stored outputs into ``output/_build/html``; return the
    ``CompletedProcess`` (output captured) and the folder of the HTML."""
    command = jupyter_book_build("--path-output", str(output), *arguments)
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT, check=False)
    return result, pathlib.Path(output) / "_build" / "html"


class HtmlPage(html.parser.HTMLParser):
    """A built page as the checks read it: its text, element ids and classes, the addresses it
    links to or loads (``href``, ``src``) and the sources of its images."""

    def __init__(self, text):
        super().__init__()
        self.pieces, self.ids, self.classes, self.links, self.images = [], set(), set(), [], []
        self.feed(text)
        self.text = " ".join("".join(self.pieces).split())

    def handle_starttag(self, tag, attrs):
        attrs = {key: value for key, value in attrs if value}
        self.ids.update(attrs[key] for key in ("id", "name") if key in attrs)
        self.classes.update(attrs.get("class", "").split())
        if not (tag == "link" and attrs.get("rel") == "preconnect"):
            self.links += [attrs[key] for key in ("href", "src") if key in attrs]
        self.images += [attrs["src"]] if tag == "img" and "src" in attrs else []

    def handle_data(self, data):
        self.pieces.append(data)


def read_html(path):
    return HtmlPage(pathlib.Path(path).read_text(encoding="utf-8"))
