"""What the grader reads from notebooks, by the code alone (no cell ids, tags or execution).

:func:`exercises` finds the exercises of a student edition from its self-check cells: each
``lossfns.check_NAME(FUNCTION)`` call names the check and the function, and the stub of that
function (``raise NotImplementedError("Exercise LABEL: ...")``) names the exercise.
:func:`extract` finds, in a submission, the source that defines one function: its last
top-level definition (as in a kernel run top to bottom) with only the top-level imports,
helper functions, classes and constants it uses, transitively. No cell is ever run here.
"""

import ast
import json
import re
from typing import NamedTuple

_LABEL = re.compile(r"^Exercise (\S+?):")
_MAGIC = re.compile(r"^\s*[%!]")  # IPython magics and shell lines are not Python


class Exercise(NamedTuple):
    """An exercise: its label, the ``lossfns`` check, and the function the student writes."""

    label: str
    check: str
    function: str


class Extraction(NamedTuple):
    """The source to load for one function (``None`` if not found), and why not."""

    source: str | None
    note: str | None


class NotebookError(ValueError):
    """A file that is not a notebook (empty, not JSON, no cells)."""


def code_cells(path):
    """The source of each code cell of the notebook at ``path``, any nbformat 4.x."""
    try:
        text = open(path, encoding="utf-8", errors="replace").read()  # noqa: SIM115
    except OSError as error:
        raise NotebookError(f"cannot read the file ({error.strerror})") from None
    if not text.strip():
        raise NotebookError("empty file")
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError:
        raise NotebookError("not a notebook (not JSON)") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise NotebookError("not a notebook (no list of cells)")
    sources = []
    for cell in notebook["cells"]:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            sources.append("".join(source) if isinstance(source, list) else str(source))
    return sources


def _parse(source):
    """The module of a cell, magics and shell lines blanked out."""
    return ast.parse("\n".join("" if _MAGIC.match(line) else line
                               for line in source.splitlines()))


def exercises(edition_path):
    """The :class:`Exercise` list of a student edition, in the order of its self-checks."""
    stubs, checks = {}, []
    for source in code_cells(edition_path):
        try:
            module = _parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(module):
            if isinstance(node, ast.FunctionDef):
                for inner in ast.walk(node):
                    if (isinstance(inner, ast.Raise) and isinstance(inner.exc, ast.Call)
                            and getattr(inner.exc.func, "id", None) == "NotImplementedError"
                            and inner.exc.args and isinstance(inner.exc.args[0], ast.Constant)
                            and (found := _LABEL.match(str(inner.exc.args[0].value)))):
                        stubs[node.name] = found.group(1)
        for statement in module.body:
            call = statement.value if isinstance(statement, ast.Expr) else None
            if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                    and getattr(call.func.value, "id", None) == "lossfns"
                    and call.func.attr.startswith("check_") and len(call.args) == 1
                    and isinstance(call.args[0], ast.Name)):
                checks.append((call.func.attr, call.args[0].id))
    if not checks:
        raise NotebookError(f"{edition_path}: no self-check cell (lossfns.check_...(function))")
    return [Exercise(stubs.get(function, function), check, function) for check, function in checks]


def _bound_names(statement):
    """The names a top-level statement binds, if it is one the grader may take along."""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [statement.name]
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return [(alias.asname or alias.name).split(".")[0] for alias in statement.names
                if alias.name != "*"]
    targets = (statement.targets if isinstance(statement, ast.Assign)
               else [statement.target] if isinstance(statement, ast.AnnAssign) and statement.value
               else [])
    names = [node.id for target in targets for node in ast.walk(target)
             if isinstance(node, ast.Name)]
    simple = all(isinstance(node, (ast.Name, ast.Tuple, ast.List, ast.Store))
                 for target in targets for node in ast.walk(target))
    return names if simple else []


def _used_names(statement):
    """The global names ``statement`` reads: in a function or class, less its parameters and the
    names it assigns (an approximation of Python's scopes that errs towards taking more)."""
    loaded = {node.id for node in ast.walk(statement)
              if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
    if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return loaded
    local = {node.arg for node in ast.walk(statement) if isinstance(node, ast.arg)}
    local |= {node.id for node in ast.walk(statement)
              if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    declared = {name for node in ast.walk(statement) if isinstance(node, ast.Global)
                for name in node.names}
    return loaded - (local - declared)


def definitions(sources):
    """``({name: (order, statement source)} of the last binding of each name, syntax notes)``."""
    bound, notes = {}, []
    for number, source in enumerate(sources, start=1):
        try:
            module = _parse(source)
        except (SyntaxError, ValueError) as error:
            notes.append(f"syntax error in code cell {number} (line {getattr(error, 'lineno', '?')}"
                         f": {getattr(error, 'msg', error)})")
            continue
        lines = source.splitlines()
        for position, statement in enumerate(module.body):
            start = min([statement.lineno] + [d.lineno for d in
                                              getattr(statement, "decorator_list", [])])
            text = "\n".join(lines[start - 1:statement.end_lineno])
            for name in _bound_names(statement):
                bound[name] = ((number, position), text, statement)
    return bound, notes


def extract(bound, notes, function):
    """The :class:`Extraction` of ``function`` from :func:`definitions`' result."""
    found = bound.get(function)
    if found is None or not isinstance(found[2], (ast.FunctionDef, ast.AsyncFunctionDef)):
        why = f"function {function} not found"
        return Extraction(None, "; ".join([why, *notes]))
    wanted, todo = {}, [function]
    while todo:
        name = todo.pop()
        if name in wanted or name not in bound:
            continue
        wanted[name] = bound[name]
        todo.extend(_used_names(bound[name][2]) - set(wanted))
    statements = sorted({(order, text) for order, text, _ in wanted.values()})
    return Extraction("\n\n".join(text for _, text in statements) + "\n", None)


def lossfns_names_used(source):
    """The names of ``lossfns`` that ``source`` reads (``lossfns.X`` or ``from lossfns import
    X``), so that a submission returning the reference it is checked against can be flagged."""
    module, names = ast.parse(source), set()
    for node in ast.walk(module):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id == "lossfns"):
            names.add(node.attr)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "lossfns":
            names.update(alias.name for alias in node.names)
    return names
