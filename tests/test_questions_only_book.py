"""The solutions-hidden book and the instructors' page.

``python -m tools.build_book --hide-solutions`` builds a book with the exercises and without any
solution text, whose buttons lead to the student edition; the instructors' page builds and links
every student notebook on Colab.
"""

import functools
import re
import subprocess
import sys

import nbformat
import pytest
import yaml

from student_edition import STUDENT, _code_cells, _gated_cells
from tools import colab_markdown
from tools.common import REPO_ROOT, HtmlPage, chapter_notebooks, read_html

INSTRUCTORS_PAGE = REPO_ROOT / "chapters" / "instructors.md"
EXERCISE_LABEL = re.compile(r"^\s{0,3}(?:`{3,}|:{3,})\{exercise(?:-start)?\}[^\n]*\n(?::[^\n]*\n)*?"
                            r":label:\s*(\S+)", re.MULTILINE)


# --------------------------------------------------------------------------------------------
# The solutions-hidden build.


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


def _cell_texts(cell):
    return [cell.source] + ["".join(o.get("text", "")) for o in cell.get("outputs", [])]


@functools.cache
def _text_outside_solutions():
    """What every chapter shows outside its gated solutions (a solution may print a message that
    another chapter's text shows too: that is no fingerprint of the solution)."""
    return _normalised(" ".join(
        text for path in _toc_chapters()
        for cell, label in _gated_cells(nbformat.read(path, as_version=4)) if label is None
        for text in _cell_texts(cell)))


def _solution_fingerprints(path):
    """Per gated solution: strings of its prose, code and output found nowhere else in the book
    nor in its student edition, longest first."""
    notebook = nbformat.read(path, as_version=4)
    inside, outside = {}, [_text_outside_solutions()]
    for cell, label in _gated_cells(notebook):
        texts = _cell_texts(cell)
        if label is None:
            continue
        candidates = inside.setdefault(label, [])
        if cell.cell_type == "markdown":
            prose = [line for line in cell.source.splitlines()
                     if not re.match(r"\s*(`{3,}|:{3,}|:\w)", line)]
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
    """``(CompletedProcess, html folder)`` of ``python -m tools.build_book --hide-solutions``."""
    output = tmp_path_factory.mktemp("questions-only")
    result = subprocess.run([sys.executable, "-m", "tools.build_book", "--hide-solutions",
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
    hidden = read_html(html_folder / "chapters" / f"{path.stem}.html")
    full = read_html(built_book[1] / "chapters" / f"{path.stem}.html")
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
        full = read_html(built_book[1] / "chapters" / f"{path.stem}.html")
        fingerprints += [text for shown in _shown_fingerprints(path, full).values()
                         for text in shown]
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
            "".join(output.get("text", ""))
            for cell in _code_cells(notebook) for output in cell.outputs])
    elif file.suffix == ".html":
        raw += "\n" + HtmlPage(raw).text
    return _normalised(raw)


# --------------------------------------------------------------------------------------------
# The instructors' page.


def _colab_prefix():
    """``https://colab.research.google.com/github/<org>/<repo>/blob/<branch>/student/``, from
    _config.yml."""
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
    page = read_html(html_folder / "chapters" / "instructors.html")
    assert "python -m tools.build_book --hide-solutions" in page.text
    # What an instructor plans with: a rubric, a pacing, and every exercise with its difficulty.
    assert "Grading the written exercises" in page.text and "Suggested pacing" in page.text
    for chapter in chapter_notebooks():
        cells = nbformat.read(chapter, as_version=4).cells
        prose = "".join(cell.source for cell in cells if cell.cell_type == "markdown")
        for label in re.findall(r":label: (\S+)", prose):
            assert label in page.text, f"exercise {label} is missing from the instructors' page"


DIFFICULTY = re.compile(r"\*\*Difficulty:\*\*\s*(?P<stars>[★☆]{3})\s*·\s*"
                        r"about (?P<minutes>\d+) minutes")
TABLE_ROW = re.compile(r"^\| (?P<number>\d+) \| (?P<chapter>\d+) \| `(?P<label>[\w-]+)` \| "
                       r"(?P<kind>[^|]+?) \| (?P<stars>[★☆]{3}) \| (?P<minutes>\d+) min \|$",
                       re.MULTILINE)


def _chapter_exercises():
    """``{label: (number in the book, chapter number, stars, minutes, has a self-check)}``, read
    from the chapters (the numbers as the HTML book and the Colab edition show them)."""
    numbers = colab_markdown.read_book().exercise_numbers
    exercises = {}
    for path in chapter_notebooks():
        notebook = nbformat.read(path, as_version=4)
        checked = {label for cell, label in _gated_cells(notebook)
                   if cell.cell_type == "code" and "solution-implementation" in cell.metadata.get(
                       "tags", [])}
        for cell in notebook.cells:
            if cell.cell_type != "markdown":
                continue
            for piece in colab_markdown._split(cell.source):
                if getattr(piece, "name", None) != "exercise":
                    continue
                label = piece.options["label"]
                difficulty = DIFFICULTY.search(piece.body)
                assert difficulty, f"{path.name}: {label} has no difficulty line"
                exercises[label] = (numbers[label], int(path.name[:2]), difficulty["stars"],
                                    int(difficulty["minutes"]), label in checked)
    return exercises


def test_the_instructors_table_lists_every_exercise_as_the_chapters_state_it():
    """Number (as students see it), chapter, difficulty and time come from the chapters; an
    exercise is "implement, self-check" exactly when it has a self-checked implementation."""
    rows = {row["label"]: row for row in TABLE_ROW.finditer(INSTRUCTORS_PAGE.read_text())}
    exercises = _chapter_exercises()
    assert sorted(rows) == sorted(exercises), "the table's exercises differ from the chapters'"
    for label, (number, chapter, stars, minutes, implement) in exercises.items():
        row = rows[label]
        assert (int(row["number"]), int(row["chapter"]), row["stars"], int(row["minutes"])) == (
            number, chapter, stars, minutes), f"{label}: the table says {row.groups()}"
        assert (row["kind"] == "implement, self-check") == implement, f"{label}: {row['kind']}"
    assert [rows[label]["label"] for label in sorted(rows, key=lambda k: int(rows[k]["number"]))
            ] == sorted(exercises, key=lambda k: exercises[k][0]), "rows out of book order"


def test_the_self_check_line_the_instructors_page_quotes_is_one_a_chapter_prints():
    quoted = re.findall(r"`(\w+: passed all \d+ cases\.)`", INSTRUCTORS_PAGE.read_text())
    printed = {line.strip() for path in chapter_notebooks()
               for cell in _code_cells(nbformat.read(path, as_version=4))
               for output in cell.outputs for line in "".join(output.get("text", "")).splitlines()}
    assert quoted and set(quoted) <= printed, f"{quoted} is not printed by any chapter"
