"""The student edition (student/) and the Colab edition (colab/) as the generator writes them.

* ``student/`` and ``colab/`` are exactly what ``python .ci/make_student_edition.py`` writes from
  ``chapters/``, and ``--check`` says which files are stale;
* the transformation keeps every cell outside the solutions and copes with unusual layouts, and
  refuses a chapter whose solution would leak or whose self-check would be lost.

The exercises themselves are tested in ``test_student_exercises.py``, the solutions-hidden book
and the instructors' page in ``test_questions_only_book.py``.
"""

import shutil
import subprocess
import sys

import nbformat
import pytest

from notebook_env import REPO_ROOT, chapter_notebooks
from student_edition import (
    GATE_END,
    GATE_START,
    GENERATOR_SCRIPT,
    STUDENT,
    _defined_functions,
    _gated_cells,
    _run_cell,
    _tags,
    generator,
)

# --------------------------------------------------------------------------------------------
# The committed student and Colab editions and the generator.


@pytest.mark.parametrize("edition", ["student", "colab"])
def test_the_edition_folder_is_a_fresh_regeneration_byte_for_byte(edition):
    expected = generator.expected_files(edition=edition)
    folder = REPO_ROOT / edition
    assert {p.name for p in folder.iterdir()} == set(expected), (
        "run python .ci/make_student_edition.py")
    for name, text in expected.items():
        assert (folder / name).read_bytes() == text.encode("utf-8"), (
            f"{edition}/{name} is stale: run python .ci/make_student_edition.py")


def test_check_flag_passes_on_the_committed_edition():
    result = subprocess.run([sys.executable, str(GENERATOR_SCRIPT), "--check"], cwd=REPO_ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_flag_lists_stale_missing_and_unknown_files(tmp_path):
    student, colab = tmp_path / "student", tmp_path / "colab"
    shutil.copytree(STUDENT, student)
    shutil.copytree(REPO_ROOT / "colab", colab)
    first, second = sorted(student.glob("*.ipynb"))[:2]
    first.write_text(first.read_text(encoding="utf-8").replace("NotImplementedError", "Nope", 1),
                     encoding="utf-8")
    second.unlink()
    (student / "99_renamed_chapter.ipynb").write_text("{}", encoding="utf-8")
    colab_first, colab_second = sorted(colab.glob("*.ipynb"))[:2]
    colab_first.write_text(colab_first.read_text(encoding="utf-8").replace("**Exercise", "Ex", 1),
                           encoding="utf-8")
    colab_second.unlink()
    problems = generator.differences(student=student, colab=colab)
    assert f"{student / first.name}: stale" in "\n".join(problems)
    assert f"{student / second.name}: missing" in problems
    assert f"{student / '99_renamed_chapter.ipynb'}: not generated from any chapter" in problems
    assert f"{colab / colab_first.name}: stale" in "\n".join(problems)
    assert f"{colab / colab_second.name}: missing" in problems
    assert len(problems) == 5, problems


@pytest.mark.parametrize("path", chapter_notebooks(), ids=lambda p: p.name)
def test_only_solutions_change_and_the_rest_is_copied_exactly(path):
    chapter = nbformat.read(path, as_version=4)
    student = generator.student_notebook(chapter)
    assert student.metadata == chapter.metadata
    assert student.cells[0] == chapter.cells[0], "the hidden Colab install cell must stay first"
    in_a_solution = {cell.id for cell, label in _gated_cells(chapter) if label}
    by_id = {cell.id: cell for cell in chapter.cells}
    for cell in student.cells:
        if cell.id.endswith(generator.GUIDANCE_ID_SUFFIX):
            assert "self-check" in cell.source
        elif "solution-implementation" in _tags(cell):
            assert "raise NotImplementedError" in cell.source and cell.id in in_a_solution
        elif "self-check" in _tags(cell):
            assert "raises-exception" in _tags(cell) and cell.outputs == []
            assert cell.execution_count is None and cell.source == by_id[cell.id].source
        else:
            assert cell.id not in in_a_solution or cell.cell_type == "markdown"
            original = by_id[cell.id]
            if cell != original:  # only a markdown cell that opens or closes a solution is trimmed
                assert cell.cell_type == "markdown" and cell.source in original.source
                assert GATE_START.search(original.source) or GATE_END.search(original.source)
    kept = {cell.id for cell in student.cells}
    dropped = [cell.id for cell in chapter.cells if cell.id not in kept]
    assert set(dropped) <= in_a_solution | {c.id for c in chapter.cells if "{solution}" in c.source}


@pytest.mark.parametrize("path", chapter_notebooks(), ids=lambda p: p.name)
def test_the_transformation_is_idempotent(path):
    once = generator.student_notebook(nbformat.read(path, as_version=4))
    assert nbformat.writes(generator.student_notebook(once)) == nbformat.writes(once)


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


DECORATED_SOLUTION = """\
@decorate
def my_function(
        a,
        b=1):
    '''Docstring kept.

    Two lines.'''
    return a + b"""
DECORATED_STUB = """\
@decorate
def my_function(
        a,
        b=1):
    '''Docstring kept.

    Two lines.'''
    raise NotImplementedError("Exercise several-cells: write your implementation here.")"""
ONE_LINER_STUB = """\
def short(x):
    raise NotImplementedError("Exercise one-liner: write your implementation here.")"""


def test_unusual_solution_layouts_are_handled():
    gated_prose_only = ("Before the gate.\n```{solution-start} no-code\n:class: dropdown\n```\n"
                        "Only prose here.\n```{solution-end}\n```\nAfter the gate.")
    old_style = "Intro.\n````{solution} old-style\n```python\nsecret = 1\n```\n````\nOutro."
    notebook = _notebook(
        ("md", "# Title", ()),
        ("md", gated_prose_only, ()),
        ("md", "```{solution-start} several-cells\n```\nSolution prose.", ()),
        ("code", "print('a solution helper')", ()),
        ("code", DECORATED_SOLUTION, ("solution-implementation",)),
        ("code", "print(my_function(1))", ()),
        ("md", "More solution prose.\n```{solution-end}\n```", ()),
        ("code", "lossfns.check_something(my_function)", ("self-check",)),
        ("md", old_style, ()),
        ("md", ":::{solution-start} one-liner\n:::\n", ()),
        ("code", "def short(x): return x * 2", ("solution-implementation",)),
        ("md", ":::{solution-end}\n:::", ()),
    )
    student = generator.student_notebook(notebook)
    sources = [cell.source for cell in student.cells]
    assert sources[:2] == ["# Title", "Before the gate.\nAfter the gate."]
    assert "Intro.\nOutro." in sources
    text = "\n".join(sources)
    for secret in ("Only prose", "Solution prose", "a solution helper", "return a + b",
                   "print(my_function", "More solution prose", "secret = 1", "return x * 2"):
        assert secret not in text, secret
    stubs = [cell for cell in student.cells if "solution-implementation" in _tags(cell)]
    assert [cell.source for cell in stubs] == [DECORATED_STUB, ONE_LINER_STUB]
    for stub in stubs:
        assert stub.outputs == [] and stub.execution_count is None
        namespace = {"decorate": lambda function: function}
        _run_cell(stub.source, namespace)
        function = namespace[_defined_functions(stub.source)[0]]
        with pytest.raises(NotImplementedError, match="write your implementation here"):
            function(1)
    guidance = [student.cells[student.cells.index(stub) - 1] for stub in stubs]
    assert all(cell.cell_type == "markdown" and "self-check" in cell.source for cell in guidance)
    (check,) = [cell for cell in student.cells if "self-check" in _tags(cell)]
    assert _tags(check) == ["self-check", "raises-exception"] and check.outputs == []


@pytest.mark.parametrize("source, problem", [
    ("x = 1\ndef f():\n    return x", "may only define functions"),
    ("%timeit f()", "does not parse"),
    ("import numpy as np", "defines no function"),
], ids=["a statement beside the function", "an IPython magic", "no function at all"])
def test_an_implementation_cell_that_would_leak_is_refused(source, problem):
    with pytest.raises(generator.StudentEditionError, match=problem):
        generator.make_stub(source, "label")


@pytest.mark.parametrize("cells, problem", [
    ([("md", "```{solution-start} open\n```\nNever closed.", ())], "open has no"),
    ([("code", "def f():\n    return 1", ("solution-implementation",))],
     "outside any gated solution"),
    ([("md", "```{solution-start} gate\n```", ()),
      ("code", "lossfns.check_mean_squared_error(f)", ("self-check",)),
      ("md", "```{solution-end}\n```", ())], "move it after"),
], ids=["unclosed solution", "implementation outside a solution", "self-check inside a solution"])
def test_a_chapter_that_would_leak_or_lose_a_check_is_refused(cells, problem):
    with pytest.raises(generator.StudentEditionError, match=problem):
        generator.student_notebook(_notebook(*cells))
