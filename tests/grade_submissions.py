"""Crafted submissions for the grader's tests (tests/test_grade.py) and its benchmark: a chapter's
student edition with the stub cells replaced, as a student would, by the chapter's solutions or
by other code (attacks included)."""

import ast
import copy

import nbformat

from tools.common import REPO_ROOT

CHAPTER = "02_mean_absolute_error"
EDITION = REPO_ROOT / "student" / f"{CHAPTER}.ipynb"
MAE, GRADIENT = "my_mean_absolute_error", "my_mean_absolute_error_gradient"
LABELS = {MAE: "ch2-implement-mae", GRADIENT: "ch2-implement-mae-gradient"}


def _defines(cell, name):
    try:
        return cell.cell_type == "code" and any(
            isinstance(node, ast.FunctionDef) and node.name == name
            for node in ast.parse(cell.source).body)
    except SyntaxError:
        return False


def solutions(chapter=CHAPTER):
    """``{function name: source}`` of the chapter's solution-implementation cells."""
    notebook = nbformat.read(REPO_ROOT / "chapters" / f"{chapter}.ipynb", as_version=4)
    found = {}
    for cell in notebook.cells:
        if "solution-implementation" in cell.metadata.get("tags", []):
            (function,) = ast.parse(cell.source).body
            found[function.name] = cell.source
    return found


def submission(replacements=None, extra_cells=(), edition=EDITION):
    """The student edition with the cell defining each function of ``replacements`` (``{name:
    source}``) replaced by that source, and ``extra_cells`` (code) appended."""
    notebook = nbformat.read(edition, as_version=4)
    for name, source in (replacements or {}).items():
        (cell,) = [cell for cell in notebook.cells if _defines(cell, name)]
        cell.source = source
    notebook.cells += [nbformat.v4.new_code_cell(source) for source in extra_cells]
    return notebook


def solved(**overrides):
    """The full solution with some functions (keywords: ``mae=``, ``gradient=``) overridden."""
    replacements = {**solutions()}
    replacements.update({{"mae": MAE, "gradient": GRADIENT}[key]: source
                         for key, source in overrides.items()})
    return submission(replacements)


def as_colab_saves_it(notebook):
    """``notebook`` as an nbformat 4.0 file: no cell ids, no tags, no metadata."""
    old = copy.deepcopy(notebook)
    old.nbformat_minor = 0
    for cell in old.cells:
        cell.pop("id", None)
        cell.metadata = {}
    return old


def write(notebook, path):
    """Write ``notebook`` without nbformat's validation (a 4.0 file has no ids)."""
    path.write_text(nbformat.writes(notebook, version=4) if notebook.nbformat_minor
                    else _write_v40(notebook), encoding="utf-8")
    return path


def _write_v40(notebook):
    import json

    return json.dumps({"nbformat": 4, "nbformat_minor": 0, "metadata": {}, "cells": [
        {"cell_type": cell.cell_type, "metadata": {}, "source": cell.source,
         **({"outputs": [], "execution_count": None} if cell.cell_type == "code" else {})}
        for cell in notebook.cells]}, indent=1)


WRONG_MAE = '''def my_mean_absolute_error(y_true, y_pred):
    import numpy as np
    return np.mean(np.abs(y_true - y_pred))
'''
