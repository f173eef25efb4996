"""``python -m tools.editions`` writes ``student/`` and ``colab/`` from ``chapters/``; with
``--check`` it writes nothing and exits 1 listing the stale, missing and unknown files.

Both have their markdown made plain by ``tools.colab_markdown``; ``student/`` also drops each gated
solution, from the markdown cell that opens with ```` ```{solution-start} LABEL ```` through the
one that ends with ```` ```{solution-end} ````, except for its code cell tagged
``solution-implementation``: one plain function with a docstring, which becomes a stub (the body
replaced by ``raise NotImplementedError("Exercise LABEL: ...")``) after a "Your turn" cell. The
code cell tagged ``self-check`` after the solution loses its outputs and gains the tag
``raises-exception``. A chapter that breaks this convention is refused rather than leak a solution.
"""

import argparse
import ast
import copy
import pathlib
import re
import sys

import nbformat

from tools import colab_markdown
from tools.common import CHAPTERS, REPO_ROOT

START = re.compile(r"```\{solution-start\}[ \t]+(\S+)\s")
END = re.compile(r"^```\{solution-end\}\n```\s*\Z", re.MULTILINE)
STUB = 'raise NotImplementedError("Exercise {}: write your implementation here.")'
STUB_GUIDANCE = """\
**Your turn** (exercise `{label}`): write your implementation in the cell below, in place of the
line `raise NotImplementedError(...)`, then run the self-check cell after it. The check tells you
whether your function is right and, if it is not, what to look at; it never shows the answer."""
README = ("# {} edition (generated: do not edit)\n\nEach notebook here is a chapter of the book{}"
          "\n\nThese files are written by `python -m tools.editions` from `chapters/`; edit the\n"
          "chapter and run that command again instead of editing them.\n")
EDITIONS = {"student": ("Student", """ with the solutions to its exercises taken out: where
an exercise asks you to write a function, a cell holds its signature and a self-check cell after
it tells you whether your version is right. The book's page "For instructors" links each one
on Google Colab."""), "colab": ("Colab", """, solutions included, as Google Colab can show it: the
MyST Markdown that only the HTML book renders (glued numbers, exercises and solutions,
cross-references) is rewritten as plain Markdown. The Colab button of each chapter in the
published book opens the notebook here.""")}


class StudentEditionError(ValueError):
    """A chapter breaks the convention the student edition relies on."""


def make_stub(source, label, where):
    """The stub of an implementation cell: its function's def line(s) and docstring, then raise."""
    try:
        (function,) = ast.parse(source).body
        lines, docstring = source.splitlines(), function.body[0]
        indent = lines[docstring.lineno - 1][:docstring.col_offset]
        stub = "\n".join(lines[:docstring.end_lineno] + [indent + STUB.format(label)])
        if (isinstance(function, ast.FunctionDef) and not function.decorator_list
                and ast.get_docstring(function) is not None
                and len(ast.parse(stub).body[0].body) == 2):  # the docstring and the raise alone
            return stub
    except (SyntaxError, ValueError, AttributeError):
        pass
    raise StudentEditionError(f"{where}: a 'solution-implementation' cell must be one plain "
                              "function (no decorator, nothing beside it) with a docstring on "
                              "lines of its own")


def student_notebook(chapter, name="chapter"):
    """The student edition of a chapter notebook (``name`` is named in errors)."""
    cells, label = [], None
    for number, cell in enumerate(chapter.cells):
        where, tags = f"{name}, cell {number}", cell.metadata.get("tags", [])
        markdown = cell.source if cell.cell_type == "markdown" else ""
        opens, closes = START.match(markdown), END.search(markdown)
        stray = ("{solution-start}" in markdown and not opens
                 or "{solution-end}" in markdown and not closes)
        if stray or opens and label or closes and not (label or opens):
            raise StudentEditionError(f"{where}: a gated solution must open a markdown cell with "
                                      "```{solution-start} LABEL, end one with ```{solution-end}"
                                      ", and end before the next one opens")
        label = opens[1] if opens else label
        if label is None and "solution-implementation" in tags:
            raise StudentEditionError(f"{where}: a 'solution-implementation' cell outside any "
                                      "gated solution would show its solution to students")
        if label and "self-check" in tags:
            raise StudentEditionError(f"{where}: the 'self-check' cell inside the solution {label}"
                                      " would be removed with it: move it after {solution-end}")
        if label is None and not (cell.cell_type == "code" and "self-check" in tags):
            cells.append(copy.deepcopy(cell))
        elif label is None or cell.cell_type == "code" and "solution-implementation" in tags:
            cell = copy.deepcopy(cell)  # a self-check cell, or a stub
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("execution", None)
            if label:
                cell.source = make_stub(cell.source, label, where)
                cells.append(nbformat.v4.new_markdown_cell(STUB_GUIDANCE.format(label=label),
                                                           id=f"{cell.id}-todo"[:64]))
            elif "raises-exception" not in tags:
                cell.metadata.tags.append("raises-exception")
            cells.append(cell)
        label = None if closes else label
    if label is not None:
        raise StudentEditionError(f"{name}: the gated solution {label} has no {{solution-end}}")
    return nbformat.from_dict({**chapter, "cells": cells})


def student_notebook_text(chapter_path, book=None, edition="student"):
    """The exact text of ``student/<name>.ipynb`` (or another ``edition``) for a chapter."""
    path = pathlib.Path(chapter_path)
    chapter = nbformat.read(path, as_version=4)
    notebook = student_notebook(chapter, path.name) if edition == "student" else chapter
    return nbformat.writes(colab_markdown.colab_notebook(
        notebook, f"{CHAPTERS.name}/{path.stem}", book or colab_markdown.read_book(),
        colab_markdown.glue_values(chapter))) + "\n"


def differences(student=REPO_ROOT / "student", colab=REPO_ROOT / "colab"):
    """``{path: text to write, or None to remove}`` for each file of the editions that differs."""
    book, changes = colab_markdown.read_book(), {}
    for edition, folder in (("student", student), ("colab", colab)):
        expected = {folder / path.name: student_notebook_text(path, book, edition)
                    for path in sorted(CHAPTERS.glob("*.ipynb"))}
        expected[folder / "README.md"] = README.format(*EDITIONS[edition])
        found = {path: path.read_text(encoding="utf-8", errors="replace")
                 for path in sorted(folder.glob("*")) if path.is_file()}
        changes.update({path: text for path, text in {**dict.fromkeys(found), **expected}.items()
                        if found.get(path) != text})
    return changes


def main(arguments=None):
    """Write (or ``--check``) both editions: 0 if up to date, 1 if stale, 2 if refused."""
    parser = argparse.ArgumentParser(description="Write the student and Colab editions.")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    check = parser.parse_args(arguments).check
    try:  # every file is made before any is written: a refused chapter changes nothing
        changes = differences()
    except (StudentEditionError, colab_markdown.ColabMarkdownError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for path, text in changes.items():
        state = "not generated" if text is None else "stale" if path.is_file() else "missing"
        print(f"{path.parent.name}/{path.name}: {state}" + ("" if check else ", fixed"))
        if not check and text is None:
            path.unlink()
        elif not check:
            path.write_text(text, encoding="utf-8")
    print("Stale: run  python -m tools.editions" if check and changes else "Up to date.")
    return int(check and bool(changes))


if __name__ == "__main__":
    sys.exit(main())
