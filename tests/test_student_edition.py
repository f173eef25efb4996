"""The student edition (student/) and the solutions-hidden book.

* ``student/`` is exactly what ``python .ci/make_student_edition.py`` writes from ``chapters/``;
  the transformation keeps every cell outside the solutions and copes with unusual layouts.
* Every implement-this exercise (a code cell tagged ``solution-implementation``): the student's
  stub fails its self-check, the chapter's solution passes it, typical wrong answers get the
  right hint, and no message gives a number away.
* ``python .ci/build_book.py --hide-solutions`` builds a book with the exercises and without any
  solution text; the instructors' page builds and links every student notebook on Colab.
"""

import ast
import contextlib
import dataclasses
import html.parser
import importlib.util
import io
import re
import shutil
import subprocess
import sys

import nbformat
import numpy as np
import pytest
import yaml

import lossfns
from notebook_env import REPO_ROOT, chapter_notebooks

STUDENT = REPO_ROOT / "student"
GENERATOR_SCRIPT = REPO_ROOT / ".ci" / "make_student_edition.py"
BUILD_SCRIPT = REPO_ROOT / ".ci" / "build_book.py"
INSTRUCTORS_PAGE = REPO_ROOT / "chapters" / "instructors.md"

GATE_START = re.compile(r"^\s{0,3}(?:`{3,}|:{3,})\{solution-start\}\s+(\S+)", re.MULTILINE)
GATE_END = re.compile(r"^\s{0,3}(?:`{3,}|:{3,})\{solution-end\}", re.MULTILINE)
EXERCISE_LABEL = re.compile(r"^\s{0,3}(?:`{3,}|:{3,})\{exercise(?:-start)?\}[^\n]*\n(?::[^\n]*\n)*?"
                            r":label:\s*(\S+)", re.MULTILINE)
DECIMAL_NUMBER = re.compile(r"\d*\.\d+")


def _load_generator():
    sys.path.insert(0, str(GENERATOR_SCRIPT.parent))  # for its sibling module colab_markdown
    spec = importlib.util.spec_from_file_location("make_student_edition", GENERATOR_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generator = _load_generator()


def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def _code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


# --------------------------------------------------------------------------------------------
# The exercises of the chapters, found independently of the generator.


@dataclasses.dataclass(frozen=True)
class ImplementExercise:
    """One implement-this exercise: its solution cell and the self-check cell that tests it."""

    chapter: str
    label: str
    solution_cell_id: str
    solution: str
    function_name: str
    check_name: str
    self_check: str

    def __str__(self):
        return f"{self.chapter}:{self.label}"


def _defined_functions(source):
    return [node.name for node in ast.parse(source).body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _called_check(source):
    """``(check name, function name)`` of the first ``lossfns.check_*(function)`` call in a cell."""
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr.startswith("check_") and node.args
                and isinstance(node.args[0], ast.Name)):
            return node.func.attr, node.args[0].id
    raise AssertionError(f"no lossfns.check_*(function) call in the self-check cell:\n{source}")


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


def implement_exercises(path):
    """Every implement-this exercise of a chapter, paired with its self-check by function name."""
    notebook = nbformat.read(path, as_version=4)
    solutions, exercises = [], []
    for cell, label in _gated_cells(notebook):
        if cell.cell_type != "code":
            continue
        if "solution-implementation" in _tags(cell):
            assert label, f"{path.name}: a solution-implementation cell outside a gated solution"
            solutions.append((label, cell))
        elif "self-check" in _tags(cell):
            check_name, function_name = _called_check(cell.source)
            matching = [(lab, sol) for lab, sol in solutions
                        if function_name in _defined_functions(sol.source)]
            assert matching, f"{path.name}: no solution defines {function_name}, which {check_name} checks"
            label, solution = matching[-1]
            exercises.append(ImplementExercise(path.stem, label, solution.get("id", ""),
                                               solution.source, function_name, check_name,
                                               cell.source))
    checked = {exercise.solution_cell_id for exercise in exercises}
    unchecked = [label for label, cell in solutions if cell.get("id", "") not in checked]
    assert not unchecked, f"{path.name}: implement-this exercises without a self-check: {unchecked}"
    return exercises


EXERCISES = [exercise for path in chapter_notebooks() for exercise in implement_exercises(path)]


def _run_cell(source, namespace):
    """Execute a cell's Python source in ``namespace``; return what it printed."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(source, "<cell>", "exec"), namespace)  # noqa: S102 - the book's own cells
    return printed.getvalue()


def _fresh_namespace():
    return {"np": np, "numpy": np, "lossfns": lossfns, "__name__": "exercise"}


def _student_stub(exercise):
    notebook = nbformat.read(STUDENT / f"{exercise.chapter}.ipynb", as_version=4)
    stubs = [cell for cell in _code_cells(notebook) if cell.get("id") == exercise.solution_cell_id]
    assert len(stubs) == 1, f"{exercise}: no stub in the student edition (is student/ stale?)"
    return stubs[0]


# --------------------------------------------------------------------------------------------
# Wrong answers, and the hint each one must get. Built from the solution where possible.


def _negated(solution):
    return lambda *args: -np.asarray(solution(*args), dtype=np.float64)


def _times_last_axis_width(solution):
    return lambda *args: np.asarray(solution(*args), dtype=np.float64) * np.shape(args[-1])[-1]


def _divided_by_last_axis_width(solution):
    return lambda *args: np.asarray(solution(*args), dtype=np.float64) / np.shape(args[-1])[-1]


def _times_number_of_points(solution):
    return lambda *args: np.asarray(solution(*args), dtype=np.float64) * np.size(args[0])


def _halved(solution):
    return lambda *args: np.asarray(solution(*args), dtype=np.float64) / 2


def _one_number_for_the_batch(solution):
    return lambda *args: np.mean(solution(*args))


def _reduced_over_last_axis(solution):
    return lambda *args: np.sum(solution(*args), axis=-1)


def _naive_softmax(logits):
    exponentials = np.exp(logits)
    return exponentials / np.sum(exponentials, axis=-1, keepdims=True)


def _naive_log_softmax(solution):
    return lambda logits: np.log(_naive_softmax(logits))


def _naive_softmax_gradient(solution):
    return lambda y_true, logits: _naive_softmax(logits) - y_true


def _delta_fixed_at_one(solution):
    return lambda y_true, y_pred, delta: solution(y_true, y_pred, 1.0)


def _naive_log_cosh(solution):
    return lambda y_true, y_pred: np.mean(
        np.log(np.cosh(y_pred - np.reshape(y_true, np.shape(y_pred)))), axis=-1)


def _level_swapped(solution):
    return lambda y_true, y_pred, tau: solution(y_true, y_pred, 1 - tau)


WRONG_SIGN = (_negated, "wrong sign")
SUM_FOR_MEAN = (_times_last_axis_width, "sum where a mean belongs")
MEAN_FOR_SUM = (_divided_by_last_axis_width, "mean where none belongs")
ONE_LOSS_PER_BATCH = (_one_number_for_the_batch, "one loss per sample")
REDUCED = (_reduced_over_last_axis, "one entry per input value")
DROPPED_TWO = (_halved, "drop the 2")
OVERFLOW = "inf or nan"

WRONG_VARIANTS = {
    "check_mean_absolute_error": [WRONG_SIGN, SUM_FOR_MEAN, ONE_LOSS_PER_BATCH],
    "check_mean_absolute_error_gradient": [WRONG_SIGN, SUM_FOR_MEAN, REDUCED],
    # The Huber cases pass delta last, so SUM_FOR_MEAN's width does not apply; the
    # inside-the-band case catches a wrong sign or factor.
    "check_huber": [ONE_LOSS_PER_BATCH, (_negated, "inside the band"),
                    (_halved, "constant factors included"),
                    (_delta_fixed_at_one, "use the delta passed in")],
    "check_categorical_crossentropy": [WRONG_SIGN, MEAN_FOR_SUM, ONE_LOSS_PER_BATCH],
    "check_log_softmax": [WRONG_SIGN, (_naive_log_softmax, OVERFLOW), REDUCED],
    "check_softmax_crossentropy_gradient": [WRONG_SIGN, (_naive_softmax_gradient, OVERFLOW), REDUCED],
    "check_line_fit_gradient": [WRONG_SIGN, (_times_number_of_points, "sum where a mean belongs"),
                                DROPPED_TWO],
    "check_log_cosh": [WRONG_SIGN, SUM_FOR_MEAN, ONE_LOSS_PER_BATCH,
                       (_naive_log_cosh, "factor e^|x| out of the cosh")],
    # Pinball cases pass tau last (like Huber's delta), so SUM_FOR_MEAN's width does not apply.
    "check_pinball_loss": [ONE_LOSS_PER_BATCH, (_negated, "wrong sign"),
                           (_level_swapped, "which side gets tau")],
}


def _failure_message(check, function):
    with np.errstate(all="ignore"), pytest.raises(lossfns.SelfCheckFailed) as failure:
        _run_cell("check(function)", {"check": check, "function": function})
    return str(failure.value)


def test_every_check_in_lossfns_has_wrong_answers_to_test_it():
    checks = {name for name in lossfns.__all__ if name.startswith("check_")}
    assert checks == set(WRONG_VARIANTS), "map each lossfns.check_* to its wrong variants here"


def test_there_are_implement_this_exercises():
    assert EXERCISES, "no cell tagged solution-implementation in any chapter"


@pytest.mark.parametrize("exercise", EXERCISES, ids=str)
def test_the_student_stub_fails_its_self_check_clearly(exercise):
    stub = _student_stub(exercise)
    assert stub.outputs == [] and stub.execution_count is None
    namespace = _fresh_namespace()
    _run_cell(stub.source, namespace)
    with pytest.raises(lossfns.SelfCheckFailed) as failure:
        _run_cell(exercise.self_check, namespace)
    message = str(failure.value)
    assert "NotImplementedError" in message and exercise.label in message, message
    assert not DECIMAL_NUMBER.search(message), message


@pytest.mark.parametrize("exercise", EXERCISES, ids=str)
def test_the_chapter_solution_passes_its_self_check(exercise):
    namespace = _fresh_namespace()
    _run_cell(exercise.solution, namespace)
    printed = _run_cell(exercise.self_check, namespace)
    assert re.search(r": passed all \d+ cases\.$", printed.strip()), printed
    assert not DECIMAL_NUMBER.search(printed), printed


@pytest.mark.parametrize("exercise", EXERCISES, ids=str)
def test_wrong_answers_get_the_right_hint_and_never_the_answer(exercise):
    assert exercise.check_name in WRONG_VARIANTS, f"no wrong variants for {exercise.check_name}"
    namespace = _fresh_namespace()
    _run_cell(exercise.solution, namespace)
    solution = namespace[exercise.function_name]
    check = getattr(lossfns, exercise.check_name)
    for make_wrong, hint in WRONG_VARIANTS[exercise.check_name]:
        message = _failure_message(check, make_wrong(solution))
        assert hint in message, f"{make_wrong.__name__}: expected the hint {hint!r}, got {message!r}"
        assert not DECIMAL_NUMBER.search(message), f"{make_wrong.__name__} leaks a number: {message}"


# --------------------------------------------------------------------------------------------
# The committed student and Colab editions and the generator.


@pytest.mark.parametrize("edition", ["student", "colab"])
def test_the_edition_folder_is_a_fresh_regeneration_byte_for_byte(edition):
    expected = generator.expected_files(edition=edition)
    folder = REPO_ROOT / edition
    assert {p.name for p in folder.iterdir()} == set(expected), "run python .ci/make_student_edition.py"
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
        cell = (nbformat.v4.new_markdown_cell(source) if kind == "md"
                else nbformat.v4.new_code_cell(source, execution_count=number,
                                               outputs=[nbformat.v4.new_output("stream", name="stdout", text="x\n")]))
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
    ([("code", "def f():\n    return 1", ("solution-implementation",))], "outside any gated solution"),
    ([("md", "```{solution-start} gate\n```", ()),
      ("code", "lossfns.check_mean_squared_error(f)", ("self-check",)),
      ("md", "```{solution-end}\n```", ())], "move it after"),
], ids=["unclosed solution", "implementation outside a solution", "self-check inside a solution"])
def test_a_chapter_that_would_leak_or_lose_a_check_is_refused(cells, problem):
    with pytest.raises(generator.StudentEditionError, match=problem):
        generator.student_notebook(_notebook(*cells))


# --------------------------------------------------------------------------------------------
# The solutions-hidden build.


class _PageText(html.parser.HTMLParser):
    """The text of an HTML page, its element ids, links and every class name used."""

    def __init__(self, page=None):
        super().__init__()
        self.pieces, self.ids, self.classes, self.links = [], set(), set(), []
        if page is not None:
            self.feed(page.read_text(encoding="utf-8"))
        self.text = " ".join("".join(self.pieces).split())

    @classmethod
    def of_text(cls, text):
        parsed = cls()
        parsed.feed(text)
        parsed.text = " ".join("".join(parsed.pieces).split())
        return parsed

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.ids.add(attrs.get("id"))
        self.classes.update((attrs.get("class") or "").split())
        self.links += [attrs[key] for key in ("href", "src") if attrs.get(key)]

    def handle_data(self, data):
        self.pieces.append(data)


def _normalised(text):
    return " ".join(text.split())


def _toc_files(entry):
    """Every ``file:`` named anywhere in a table of contents (root, parts, chapters, sections)."""
    if isinstance(entry, list):
        return {name for item in entry for name in _toc_files(item)}
    if isinstance(entry, dict):
        own = {entry["file"]} if isinstance(entry.get("file"), str) else set()
        return own.union(*(_toc_files(value) for value in entry.values()))
    return set()


def _toc_chapters():
    """The chapter notebooks the book's table of contents lists (only those are built)."""
    listed = _toc_files(yaml.safe_load((REPO_ROOT / "_toc.yml").read_text(encoding="utf-8")))
    return [path for path in chapter_notebooks() if f"chapters/{path.stem}" in listed]


def _solution_fingerprints(path):
    """Per gated solution: strings of its prose, code and output found nowhere else in the chapter
    nor in its student edition, longest first."""
    notebook = nbformat.read(path, as_version=4)
    inside, outside = {}, []
    for cell, label in _gated_cells(notebook):
        texts = [cell.source] + ["".join(o.get("text", "")) for o in cell.get("outputs", [])]
        if label is None:
            outside.extend(texts)
            continue
        candidates = inside.setdefault(label, [])
        if cell.cell_type == "markdown":
            prose = [line for line in cell.source.splitlines() if not re.match(r"\s*(`{3,}|:{3,}|:\w)", line)]
            candidates += re.findall(r"[A-Za-z][A-Za-z ,;]{30,}[A-Za-z]", "\n".join(prose))
        else:
            candidates += [line.strip() for text in texts for line in text.splitlines()
                           if len(line.strip()) >= 20]
    # What the student edition shows on purpose (a stub's def line and docstring) is no solution.
    student = nbformat.read(STUDENT / path.name, as_version=4)
    outside += [cell.source for cell in student.cells]
    elsewhere = _normalised(" ".join(outside))
    return {label: sorted({_normalised(c) for c in found if _normalised(c) not in elsewhere},
                          key=len, reverse=True)
            for label, found in inside.items()}


@pytest.fixture(scope="module")
def questions_only_book(tmp_path_factory):
    """``(CompletedProcess, html folder)`` of ``python .ci/build_book.py --hide-solutions``."""
    output = tmp_path_factory.mktemp("questions-only")
    result = subprocess.run([sys.executable, str(BUILD_SCRIPT), "--hide-solutions",
                             "--path-output", str(output)],
                            cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    return result, output / "_build" / "html"


def test_the_questions_only_book_builds_without_warnings(questions_only_book):
    result, html_folder = questions_only_book
    log = result.stdout + result.stderr
    assert result.returncode == 0 and "WARNING" not in log, log[-5000:]
    assert (html_folder / "index.html").is_file()


def _shown_fingerprints(path, full_page):
    """Per gated solution of a chapter, up to four of its distinctive strings that the default
    book shows (so that their absence elsewhere means something)."""
    shown = {}
    for label, fingerprints in _solution_fingerprints(path).items():
        shown[label] = [text for text in fingerprints if text in full_page.text][:4]
        assert shown[label], f"{label}: no distinctive text of this solution in the default book"
    return shown


@pytest.mark.parametrize("path", _toc_chapters(), ids=lambda p: p.name)
def test_a_questions_only_chapter_has_its_exercises_and_no_solution(questions_only_book, built_book,
                                                                   path):
    html_folder = questions_only_book[1]
    hidden = _PageText(html_folder / "chapters" / f"{path.stem}.html")
    full = _PageText(built_book[1] / "chapters" / f"{path.stem}.html")
    assert not [name for name in hidden.classes if "solution" in name]

    notebook_text = "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)
    exercises = EXERCISE_LABEL.findall(notebook_text)
    assert exercises, f"{path.name} has no exercise"
    assert all(label in hidden.ids for label in exercises), "an exercise is missing"

    for label, shown in _shown_fingerprints(path, full).items():
        assert "solution" in full.classes, "the default book should show the solutions"
        leaked = [text for text in shown if text in hidden.text]
        assert not leaked, f"{label}: the questions-only page shows {leaked}"

    # Its buttons lead to the student edition, not back to the solutions.
    assert _colab_prefix() + path.name in hidden.links
    assert not [link for link in hidden.links if "colab" in link and "/chapters/" in link]
    assert not [link for link in hidden.links if "/edit/" in link]
    download = html_folder / "_sources" / "chapters" / path.name
    assert download.read_bytes() == (STUDENT / path.name).read_bytes()


def test_no_file_of_the_questions_only_book_holds_solution_text(questions_only_book, built_book):
    html_folder = questions_only_book[1]
    fingerprints = []
    for path in _toc_chapters():
        full = _PageText(built_book[1] / "chapters" / f"{path.stem}.html")
        fingerprints += [text for shown in _shown_fingerprints(path, full).values() for text in shown]
    assert fingerprints
    leaks = []
    for file in sorted(html_folder.rglob("*")):
        if file.is_file() and not {"_static", "_images"} & set(file.relative_to(html_folder).parts):
            text = _searchable_text(file)
            leaks += [f"{file.relative_to(html_folder)}: {f}" for f in fingerprints if f in text]
    assert not leaks, "\n".join(leaks[:20])


def _searchable_text(file):
    """A built file's text as a reader would see it, whitespace normalised."""
    raw = file.read_text(encoding="utf-8", errors="replace")
    if file.suffix == ".ipynb":
        notebook = nbformat.reads(raw, as_version=4)
        raw = "\n".join([cell.source for cell in notebook.cells] + [
            "".join(output.get("text", "")) for cell in _code_cells(notebook) for output in cell.outputs])
    elif file.suffix == ".html":
        raw += "\n" + _PageText.of_text(raw).text
    return _normalised(raw)


# --------------------------------------------------------------------------------------------
# The instructors' page.


def _colab_prefix():
    """``https://colab.research.google.com/github/<org>/<repo>/blob/<branch>/student/`` from _config.yml."""
    config = yaml.safe_load((REPO_ROOT / "_config.yml").read_text(encoding="utf-8"))
    repository = config["repository"]["url"].removeprefix("https://github.com/").rstrip("/")
    branch = config["repository"].get("branch", "master")
    path_to_book = (config["repository"].get("path_to_book") or "").strip("/")
    return (f"https://colab.research.google.com/github/{repository}/blob/{branch}/"
            f"{path_to_book + '/' if path_to_book else ''}student/")


def test_the_instructors_page_links_every_student_notebook_on_colab():
    prefix = _colab_prefix()
    linked = re.findall(re.escape(prefix) + r"([\w.-]+\.ipynb)", INSTRUCTORS_PAGE.read_text())
    expected = sorted(p.name for p in STUDENT.glob("*.ipynb"))
    assert sorted(set(linked)) == expected, f"links must start with {prefix}"


def test_the_instructors_page_is_in_the_book(built_book):
    # The full build (tests/test_book_build.py) already fails on any warning.
    _, html_folder = built_book
    page = _PageText(html_folder / "chapters" / "instructors.html")
    assert "python .ci/build_book.py --hide-solutions" in page.text
    # What an instructor plans with: a rubric, a pacing, and every exercise with its difficulty.
    assert "Grading the written exercises" in page.text and "Suggested pacing" in page.text
    for chapter in chapter_notebooks():
        cells = nbformat.read(chapter, as_version=4).cells
        prose = "".join(cell.source for cell in cells if cell.cell_type == "markdown")
        for label in re.findall(r":label: (\S+)", prose):
            assert label in page.text, f"exercise {label} is missing from the instructors' page"
