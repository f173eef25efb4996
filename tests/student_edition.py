"""What the student-edition tests share: the chapters' gated solutions as the tests find them
(independently of the generator, ``tools.editions``).
"""

import ast
import contextlib
import io
import re

from tools.common import REPO_ROOT

STUDENT = REPO_ROOT / "student"
GATE_START = re.compile(r"^\s{0,3}(?:`{3,}|:{3,})\{solution-start\}\s+(\S+)", re.MULTILINE)
GATE_END = re.compile(r"^\s{0,3}(?:`{3,}|:{3,})\{solution-end\}", re.MULTILINE)


def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def _code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def _defined_functions(source):
    return [node.name for node in ast.parse(source).body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _gated_cells(notebook):
    """Yield ``(cell, label or None)``: the label of the gated solution each cell belongs to."""
    label = None
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            start, end = GATE_START.search(cell.source), GATE_END.search(cell.source)
            if start:
                label = start.group(1)
            yield cell, label
            if end and (not start or end.start() > start.start()):
                label = None
        else:
            yield cell, label


def _run_cell(source, namespace):
    """Execute a cell's Python source in ``namespace``; return what it printed."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(source, "<cell>", "exec"), namespace)  # the book's own cells, so exec is safe
    return printed.getvalue()
