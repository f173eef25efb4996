"""The chapters as files: every code cell executed in order, so nbval checks all of them."""

import ast
import json
import re

import pytest
from nbval.plugin import get_sanitize_patterns

from tools.common import REPO_ROOT, chapter_notebooks

NOTEBOOKS = chapter_notebooks()
TF_LOG_NOISE = re.compile(
    r"cpu_feature_guard|oneDNN custom operations|cuda|Unable to register|absl"
)
MACHINE_NOISE = re.compile(r"0x[0-9a-f]{8,}|/tmp/|/root/|/home/|\d+ms/step")
# Characters of code that the book's HTML column shows; longer lines scroll and hide their end.
CODE_WIDTH = 80
INSTALL_LINE = re.compile(r'%pip install --quiet "lossfns @ git\+https://github\.com/[^"]+"')


def code_cells(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [c for c in cells if c["cell_type"] == "code"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_code_cell_ran_once_in_order(path):
    counts = [cell["execution_count"] for cell in code_cells(path)]
    assert None not in counts, f"{path.name}: a code cell was never executed; nbval would skip it"
    assert counts == list(range(1, len(counts) + 1)), f"{path.name}: run it top to bottom"
    for number, cell in enumerate(code_cells(path), 1):
        assert "".join(cell["source"]).strip(), f"{path.name}: code cell {number} is empty"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_stray_errors_or_noise_in_stored_outputs(path):
    for number, cell in enumerate(code_cells(path), 1):
        tags = cell.get("metadata", {}).get("tags", [])
        for output in cell["outputs"]:
            if output["output_type"] == "error":
                assert "raises-exception" in tags, f"{path.name} cell {number}: stored error"
                # Readers see the traceback in the HTML: no local paths (use %xmode Minimal).
                traceback = "\n".join(output.get("traceback", []))
                assert not MACHINE_NOISE.search(traceback), f"{path.name} cell {number}: paths"
            text = "".join(output.get("text", ""))
            text += "".join(output.get("data", {}).get("text/plain", ""))
            assert not TF_LOG_NOISE.search(text), f"{path.name} cell {number}: TensorFlow log"
            assert not MACHINE_NOISE.search(text), f"{path.name} cell {number}: machine noise"


def runs_an_assert(source):
    """Whether a cell's code runs an ``assert`` statement, not inside a function or class that
    may never be called. IPython magic and shell lines (``%...``, ``!...``) are left out."""
    python = "\n".join(line for line in source.splitlines()
                       if not line.lstrip().startswith(("%", "!")))
    pending = list(ast.parse(python).body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Assert):
            return True
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            pending.extend(ast.iter_child_nodes(node))
    return False


@pytest.mark.parametrize("source, expected", [
    ("assert x > 0", True),
    ("%time y = f()\nfor v in y:\n    assert v > 0, v", True),
    ("with context():\n    if ready:\n        assert done", True),
    ("np.testing.assert_allclose(a, b)", False),
    ("print('assert')  # assert later", False),
    ("def check():\n    assert x", False),
    ("class Check:\n    def run(self):\n        assert x", False),
], ids=["a statement", "after a magic, in a loop", "in with and if", "a numpy assert function",
        "a string and a comment", "in a function", "in a method"])
def test_only_an_assert_statement_that_runs_counts(source, expected):
    assert runs_an_assert(source) is expected


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_ignored_outputs_are_followed_by_an_assert(path):
    cells = code_cells(path)
    for number, cell in enumerate(cells, 1):
        if "nbval-ignore-output" in cell.get("metadata", {}).get("tags", []):
            following = "".join(cells[number]["source"]) if number < len(cells) else ""
            assert runs_an_assert(following), f"{path.name} cell {number}: ignored, never checked"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_cell_installs_lossfns_quietly_for_colab(path):
    first = code_cells(path)[0]
    source = "".join(first["source"])
    assert "import lossfns" in source and INSTALL_LINE.search(source), source
    assert "remove-cell" in first["metadata"].get("tags", [])
    assert first["outputs"] == [], "the install cell must print nothing when lossfns is installed"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_one_title_per_chapter(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    titles = [line for c in cells if c["cell_type"] == "markdown"
              for line in "".join(c["source"]).splitlines() if re.match(r"# \S", line)]
    assert len(titles) == 1, titles


def test_every_sanitize_rule_is_read_by_nbval():
    text = (REPO_ROOT / "tests" / "sanitize.cfg").read_text()
    assert "\r" not in text
    written = len(re.findall(r"^regex: ", text, flags=re.MULTILINE))
    assert written == len(get_sanitize_patterns(text)) > 0


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_code_that_readers_see_fits_the_page(path):
    for number, cell in enumerate(code_cells(path), 1):
        tags = cell.get("metadata", {}).get("tags", [])
        if "remove-cell" in tags or "remove-input" in tags:
            continue
        too_long = [line for line in "".join(cell["source"]).splitlines() if len(line) > CODE_WIDTH]
        assert not too_long, f"{path.name} code cell {number}: wider than {CODE_WIDTH}: {too_long}"
