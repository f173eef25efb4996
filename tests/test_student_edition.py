"""The student edition (student/) and the Colab edition (colab/) as the generator writes them.

* ``student/`` and ``colab/`` are exactly what ``python -m tools.editions`` writes from
  ``chapters/``, and ``--check`` lists the files that are stale, missing or not generated;
* the student edition drops each gated solution and keeps everything else, and a chapter that
  breaks the exercise convention (which could leak a solution or lose a check) is refused.

The exercises themselves are tested in ``test_student_exercises.py``, the solutions-hidden book
and the instructors' page in ``test_questions_only_book.py``.
"""

import functools
import shutil
import subprocess
import sys

import nbformat
import pytest

from student_edition import (
    STUDENT,
    _defined_functions,
    _gated_cells,
    _run_cell,
    _tags,
)
from tools import editions as generator
from tools.common import REPO_ROOT, chapter_notebooks

# --------------------------------------------------------------------------------------------
# The committed student and Colab editions and the command that writes them.


def test_the_committed_editions_are_a_fresh_regeneration_byte_for_byte():
    result = subprocess.run([sys.executable, "-m", "tools.editions", "--check"], cwd=REPO_ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_flag_lists_stale_missing_and_unknown_files_and_a_run_fixes_them(
        tmp_path, monkeypatch, capsys):
    student, colab = tmp_path / "student", tmp_path / "colab"
    shutil.copytree(STUDENT, student)
    shutil.copytree(REPO_ROOT / "colab", colab)
    first, second = sorted(path.name for path in student.glob("*.ipynb"))[:2]
    for folder in (student, colab):
        (folder / first).write_text("{}", encoding="utf-8")
        (folder / second).unlink()
    (student / "99_renamed_chapter.ipynb").write_text("{}", encoding="utf-8")
    monkeypatch.setattr(generator, "differences",
                        functools.partial(generator.differences, student=student, colab=colab))

    assert generator.main(["--check"]) == 1
    listed = capsys.readouterr().out.splitlines()
    assert sorted(listed[:-1]) == sorted([
        f"student/{first}: stale", f"student/{second}: missing", f"colab/{first}: stale",
        f"colab/{second}: missing", "student/99_renamed_chapter.ipynb: not generated"])
    assert "python -m tools.editions" in listed[-1]

    assert generator.main([]) == 0
    assert generator.main(["--check"]) == 0
    for folder in ("student", "colab"):
        assert ({path.name: path.read_bytes() for path in (tmp_path / folder).iterdir()}
                == {path.name: path.read_bytes() for path in (REPO_ROOT / folder).iterdir()})


# --------------------------------------------------------------------------------------------
# The transformation.


@pytest.mark.parametrize("path", chapter_notebooks(), ids=lambda p: p.name)
def test_only_solutions_change_and_the_rest_is_copied_exactly(path):
    chapter = nbformat.read(path, as_version=4)
    student = generator.student_notebook(chapter, path.name)
    assert student.metadata == chapter.metadata
    assert student.cells[0] == chapter.cells[0], "the hidden Colab install cell must stay first"
    in_a_solution = {cell.id for cell, label in _gated_cells(chapter) if label}
    by_id = {cell.id: cell for cell in chapter.cells}
    for cell in student.cells:
        if cell.id.endswith("-todo"):
            assert "self-check" in cell.source and cell.cell_type == "markdown"
        elif "solution-implementation" in _tags(cell):
            assert "raise NotImplementedError" in cell.source and cell.id in in_a_solution
        elif "self-check" in _tags(cell):
            assert "raises-exception" in _tags(cell) and cell.outputs == []
            assert cell.execution_count is None and cell.source == by_id[cell.id].source
        else:
            assert cell == by_id[cell.id] and cell.id not in in_a_solution
    kept = {cell.id for cell in student.cells}
    assert {cell.id for cell in chapter.cells if cell.id not in kept} <= in_a_solution


def _notebook(*cells):
    notebook = nbformat.v4.new_notebook()
    for number, (kind, source, tags) in enumerate(cells):
        printed = nbformat.v4.new_output("stream", name="stdout", text="x\n")
        cell = (nbformat.v4.new_markdown_cell(source) if kind == "md"
                else nbformat.v4.new_code_cell(source, execution_count=number, outputs=[printed]))
        cell.id = f"cell{number}"
        if tags:
            cell.metadata["tags"] = list(tags)
        notebook.cells.append(cell)
    return notebook


SOLUTION = '''\
def my_function(
        a,
        b=1):
    """Docstring kept.

    Two lines."""
    total = a + b
    return total'''
STUB = '''\
def my_function(
        a,
        b=1):
    """Docstring kept.

    Two lines."""
    raise NotImplementedError("Exercise my-label: write your implementation here.")'''


def test_a_gated_solution_is_removed_and_its_implementation_becomes_a_stub():
    notebook = _notebook(
        ("md", "# Title", ()),
        ("code", "x = 1", ()),
        ("md", "```{solution-start} my-label\n:class: dropdown\n```\nSolution prose.", ()),
        ("code", "print('a solution helper')", ()),
        ("code", SOLUTION, ("solution-implementation",)),
        ("code", "print(my_function(1))", ("remove-cell",)),
        ("md", "More solution prose.\n```{solution-end}\n```", ()),
        ("code", "lossfns.check_something(my_function)", ("self-check",)),
        ("md", "After the solution.", ()),
    )
    student = generator.student_notebook(notebook)
    kept = {0, 1, 8}
    assert [cell for cell in student.cells if cell.id in {f"cell{i}" for i in kept}] == [
        notebook.cells[i] for i in sorted(kept)]
    text = "\n".join(cell.source for cell in student.cells)
    for secret in ("Solution prose", "a solution helper", "total = a + b", "print(my_function",
                   "More solution prose"):
        assert secret not in text, secret
    guidance, stub, check = student.cells[2:5]
    assert guidance.cell_type == "markdown" and "self-check" in guidance.source
    assert stub.source == STUB and _tags(stub) == ["solution-implementation"]
    assert stub.outputs == [] and stub.execution_count is None
    namespace = {}
    _run_cell(stub.source, namespace)
    with pytest.raises(NotImplementedError, match="my-label: write your implementation here"):
        namespace[_defined_functions(stub.source)[0]](1)
    assert _tags(check) == ["self-check", "raises-exception"] and check.outputs == []
    assert check.execution_count is None and len(student.cells) == 6


@pytest.mark.parametrize("source", [
    "x = 1\ndef f():\n    'Doc.'\n    return x",
    "%timeit f()",
    "import numpy as np",
    "@decorate\ndef f():\n    'Doc.'\n    return 1",
    "def f():\n    return 1",
    "def f():\n    'Doc.'; return 1",
    "def f(): 'Doc.'",
    "def f():\n    'Doc.'\n\n\ndef g():\n    'Doc.'",
], ids=["a statement beside the function", "an IPython magic", "no function at all",
        "a decorator", "no docstring", "code on the docstring's line", "all on the def line",
        "two functions"])
def test_an_implementation_cell_that_is_not_one_plain_function_is_refused(source):
    with pytest.raises(generator.StudentEditionError,
                       match="^03_chapter.ipynb, cell 5: a 'solution-implementation' cell must"):
        generator.make_stub(source, "label", "03_chapter.ipynb, cell 5")


START, END = "```{solution-start} gate\n```", "```{solution-end}\n```"
IMPLEMENTATION = ("code", "def f():\n    'Doc.'\n    return 1", ("solution-implementation",))


@pytest.mark.parametrize("cells, problem", [
    ([("md", START + "\nNever closed.", ())], "the gated solution gate has no"),
    ([IMPLEMENTATION], "cell 0: a 'solution-implementation' cell outside any gated solution"),
    ([("md", START, ()), ("code", "lossfns.check_f(f)", ("self-check",)), ("md", END, ())],
     "cell 1: the 'self-check' cell inside the solution gate would be removed"),
    ([("md", "Prose first.\n" + START, ()), IMPLEMENTATION, ("md", END, ())],
     "cell 0: a gated solution must open a markdown cell"),
    ([("md", START, ()), IMPLEMENTATION, ("md", END + "\nProse after.", ())],
     "cell 2: a gated solution must open a markdown cell"),
    ([("md", ":::{solution-start} gate\n:::", ()), IMPLEMENTATION, ("md", END, ())],
     "cell 0: a gated solution must open a markdown cell"),
    ([("md", START, ()), ("md", START, ()), ("md", END, ())],
     "cell 1: a gated solution must open a markdown cell"),
    ([("md", "```{solution-start}\n```", ()), IMPLEMENTATION, ("md", END, ())],
     "cell 0: a gated solution must open a markdown cell"),
    ([("md", "Some prose.", ()), ("md", END, ())],
     "cell 1: a gated solution must open a markdown cell"),
    ([("md", START, ()), ("code", "%timeit f()", ("solution-implementation",)), ("md", END, ())],
     "cell 1: a 'solution-implementation' cell must be one plain function"),
], ids=["unclosed solution", "implementation outside a solution", "self-check inside a solution",
        "prose before the opening", "prose after the end", "colon fences", "nested solutions",
        "no label", "end without start", "implementation not one function"])
def test_a_chapter_that_would_leak_or_lose_a_check_is_refused(cells, problem):
    with pytest.raises(generator.StudentEditionError) as refusal:
        generator.student_notebook(_notebook(*cells), "03_chapter.ipynb")
    assert str(refusal.value).startswith("03_chapter.ipynb") and problem in str(refusal.value)
