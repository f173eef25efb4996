"""Write the student and Colab editions of the book: the chapters as Colab shows them.

    python .ci/make_student_edition.py          # (re)write student/ and colab/ from chapters/
    python .ci/make_student_edition.py --check  # exit 1, listing the differences, if one is stale

For every ``chapters/*.ipynb`` it writes ``student/<same name>.ipynb``, a copy in which

* every gated solution, from the markdown cell that opens it with ``{solution-start} LABEL``
  through the markdown cell that holds ``{solution-end}``, is removed: its prose, its code and
  the code's outputs. Markdown written before the opening fence or after the closing one, in
  the same cell, is outside the solution and stays;
* a code cell tagged ``solution-implementation`` inside such a solution becomes a stub instead:
  the ``def`` line(s) and the docstring of each function it defines, with the body replaced by
  ``raise NotImplementedError("Exercise LABEL: write your implementation here.")``, no outputs,
  and a short markdown cell before it that tells the student what to do;
* every non-gated ``{solution}`` directive is removed from the markdown cell holding it;
* a code cell tagged ``self-check`` loses its outputs and execution count and gains the tag
  ``raises-exception``, so that running the notebook top to bottom carries on past a check that
  fails (as it does until the student has written the function).

Everything else (cells, outputs, metadata, the hidden Colab install cell) is copied unchanged.

It also writes ``colab/<same name>.ipynb``, the Colab edition: the whole chapter, solutions
included, which the Colab button of the published book opens. Google Colab does not render MyST,
so the markdown of both editions is rewritten into plain Markdown by ``colab_markdown.py`` (glued
numbers, exercise and solution headings, cross-references), with the glued numbers taken from
the chapter's stored outputs.

The result is serialised with nbformat, so the same chapters always give the same bytes, and
running the command twice changes nothing.
"""

import argparse
import ast
import copy
import difflib
import json
import pathlib
import re
import sys

import nbformat

import colab_markdown

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
CHAPTERS = REPO_ROOT / "chapters"
STUDENT = REPO_ROOT / "student"
COLAB = REPO_ROOT / "colab"

SOLUTION_IMPLEMENTATION_TAG = "solution-implementation"
SELF_CHECK_TAG = "self-check"
RAISES_EXCEPTION_TAG = "raises-exception"
STUB_MESSAGE = "Exercise {label}: write your implementation here."
STUB_GUIDANCE = """\
**Your turn** (exercise `{label}`): write your implementation in the cell below, in place of the
line `raise NotImplementedError(...)`, then run the self-check cell after it. The check tells you
whether your function is right and, if it is not, what to look at; it never shows the answer."""
GUIDANCE_ID_SUFFIX = "-todo"

# An opening directive fence of MyST: three or more backticks or colons, then {name}.
_DIRECTIVE_OPENING = re.compile(
    r"^\s{0,3}(?P<fence>`{3,}|:{3,})\{(?P<name>[\w-]+)\}\s*(?P<argument>\S*)"
)
_README = """\
# Student edition (generated: do not edit)

Each notebook here is a chapter of the book with the solutions to its exercises taken out: where
an exercise asks you to write a function, a cell holds its signature and a self-check cell after
it tells you whether your version is right. The book's page "For instructors" links each one
on Google Colab.

These files are written by `python .ci/make_student_edition.py` from `chapters/`; edit the
chapter and run that command again instead of editing them.
"""
_COLAB_README = """\
# Colab edition (generated: do not edit)

Each notebook here is a chapter of the book, solutions included, as Google Colab can show it: the
MyST Markdown that only the HTML book renders (glued numbers, exercises and solutions,
cross-references) is rewritten as plain Markdown. The Colab button of each chapter in the
published book opens the notebook here.

These files are written by `python .ci/make_student_edition.py` from `chapters/`; edit the
chapter and run that command again instead of editing them.
"""


class StudentEditionError(ValueError):
    """A chapter does not follow the exercise convention the student edition relies on."""


def _is_tagged(cell, tag):
    return tag in cell.get("metadata", {}).get("tags", [])


def _closes(line, fence):
    """Whether ``line`` is a closing fence for an opening ``fence`` (same character, no shorter)."""
    stripped = line.strip()
    return (len(stripped) >= len(fence) and set(stripped) == {fence[0]})


def split_solution_markdown(text, inside_solution):
    """Remove the solution parts of one markdown cell's text.

    Parameters
    ----------
    text : str
        The markdown source of the cell.
    inside_solution : str or None
        The label of the gated solution that is open when the cell starts, or None.

    Returns
    -------
    kept : str
        The lines that lie outside every solution, joined, without leading or trailing blank lines.
    inside_solution : str or None
        The label of the gated solution still open at the end of the cell, or None.
    changed : bool
        Whether anything was removed.
    """
    kept, changed = [], False
    directive_fence = None  # the fence of a solution directive whose own block is being skipped
    directive_name = None
    for line in text.splitlines():
        if directive_fence is not None:
            changed = True
            if _closes(line, directive_fence):
                directive_fence = None
                if directive_name == "solution-end":
                    inside_solution = None
            continue
        opening = _DIRECTIVE_OPENING.match(line)
        name = opening.group("name") if opening else None
        if inside_solution is None and name == "solution-start":
            inside_solution = opening.group("argument") or "(no label)"
        if inside_solution is not None or name == "solution":
            changed = True
            if name in ("solution-start", "solution-end", "solution"):
                directive_fence, directive_name = opening.group("fence"), name
            continue
        kept.append(line)
    if directive_name == "solution-end" and directive_fence is not None:
        inside_solution = None  # a directive left open ends with its cell
    return "\n".join(kept).strip("\n"), inside_solution, changed


def make_stub(source, label):
    """Turn the solution code of an implement-this exercise into the stub a student starts from.

    Parameters
    ----------
    source : str
        The code cell's source: one or more function definitions (imports may stand beside them).
    label : str
        The exercise's solution label, quoted in the error the stub raises.

    Returns
    -------
    str
        Each function's decorators, ``def`` line(s) and docstring, its body replaced by
        ``raise NotImplementedError(...)``. The result parses.

    Raises
    ------
    StudentEditionError
        If the cell does not parse or holds something other than function definitions and imports
        (it would leak into the student edition).
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise StudentEditionError(f"solution of {label}: the implementation cell does not parse "
                                  f"as Python ({error.msg}, line {error.lineno})") from None
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def position(lineno, col_offset):
        # ast columns count UTF-8 bytes; convert to a character index in ``source``.
        line = lines[lineno - 1]
        return offsets[lineno - 1] + len(line.encode("utf-8")[:col_offset].decode("utf-8"))

    raise_line = f"raise NotImplementedError({json.dumps(STUB_MESSAGE.format(label=label))})"
    imports, stubs = [], []
    for statement in tree.body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            imports.append(ast.get_source_segment(source, statement))
            continue
        if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            raise StudentEditionError(
                f"solution of {label}: a '{SOLUTION_IMPLEMENTATION_TAG}' cell may only define "
                f"functions, but line {statement.lineno} is a {type(statement).__name__}")
        first_line = min([statement.lineno] + [d.lineno for d in statement.decorator_list])
        body = statement.body
        body_start = position(body[0].lineno, body[0].col_offset)
        header = source[offsets[first_line - 1]:body_start].rstrip()
        before_body = lines[body[0].lineno - 1][:body[0].col_offset]
        if body[0].lineno > statement.lineno and before_body.isspace():
            indent = before_body
        else:  # the body starts on the def line itself
            indent = " " * (statement.col_offset + 4)
        stub = [header]
        if ast.get_docstring(statement, clean=False) is not None:
            stub.append(indent + ast.get_source_segment(source, body[0]))
        stub.append(indent + raise_line)
        stubs.append("\n".join(stub))
    if not stubs:
        raise StudentEditionError(f"solution of {label}: the '{SOLUTION_IMPLEMENTATION_TAG}' cell "
                                  "defines no function")
    result = "\n\n\n".join((["\n".join(imports)] if imports else []) + stubs)
    ast.parse(result)
    return result


def is_stub(source):
    """Whether ``source`` is a stub of the student edition (which may stand outside a solution).

    Parameters
    ----------
    source : str
        A code cell's source.

    Returns
    -------
    bool
        True if it holds only imports and at least one function, and each function's body (after
        its docstring) is a single ``raise NotImplementedError(...)``.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    functions = [node for node in tree.body
                 if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    imports = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    if not functions or len(functions) + len(imports) != len(tree.body):
        return False
    for function in functions:
        has_docstring = ast.get_docstring(function, clean=False) is not None
        body = function.body[1:] if has_docstring else function.body
        if not (len(body) == 1 and isinstance(body[0], ast.Raise)
                and isinstance(body[0].exc, ast.Call)
                and getattr(body[0].exc.func, "id", None) == "NotImplementedError"):
            return False
    return True


def _guidance_cell(label, stub_cell):
    cell = nbformat.v4.new_markdown_cell(STUB_GUIDANCE.format(label=label))
    cell["id"] = f"{stub_cell.get('id', 'stub')}{GUIDANCE_ID_SUFFIX}"[:64]
    return cell


def _cleared(cell, *extra_tags):
    cell = copy.deepcopy(cell)
    cell["outputs"] = []
    cell["execution_count"] = None
    cell.get("metadata", {}).pop("execution", None)
    tags = cell.setdefault("metadata", {}).setdefault("tags", [])
    for tag in extra_tags:
        if tag not in tags:
            tags.append(tag)
    return cell


def student_notebook(chapter):
    """The student edition of one chapter notebook.

    Parameters
    ----------
    chapter : nbformat.NotebookNode
        The chapter, as read by ``nbformat.read(..., as_version=4)``. It is not modified.

    Returns
    -------
    nbformat.NotebookNode
        The transformed copy (see the module docstring).

    Raises
    ------
    StudentEditionError
        If the chapter breaks the exercise convention in a way that would leak a solution or lose
        a check: a gated solution never closed, an implementation cell outside a gated solution
        or one that cannot be turned into a stub, a self-check cell inside a gated solution.
    """
    student = copy.deepcopy(chapter)
    cells = []
    open_label = None
    for cell in chapter.cells:
        if cell.cell_type == "markdown":
            kept, still_open, changed = split_solution_markdown(cell.source, open_label)
            if not changed and open_label is None:
                cells.append(copy.deepcopy(cell))
            elif kept.strip():
                trimmed = copy.deepcopy(cell)
                trimmed.source = kept
                cells.append(trimmed)
            open_label = still_open
        elif open_label is None:
            if _is_tagged(cell, SOLUTION_IMPLEMENTATION_TAG) and not is_stub(cell.source):
                raise StudentEditionError(
                    f"a '{SOLUTION_IMPLEMENTATION_TAG}' cell outside any gated solution would show "
                    f"its solution to students:\n{cell.source}")
            if cell.cell_type == "code" and _is_tagged(cell, SELF_CHECK_TAG):
                cells.append(_cleared(cell, RAISES_EXCEPTION_TAG))
            else:
                cells.append(copy.deepcopy(cell))
        elif _is_tagged(cell, SELF_CHECK_TAG):
            raise StudentEditionError(f"the '{SELF_CHECK_TAG}' cell inside the solution "
                                      f"{open_label} would be removed with it: move it after "
                                      "{solution-end}")
        elif cell.cell_type == "code" and _is_tagged(cell, SOLUTION_IMPLEMENTATION_TAG):
            stub = _cleared(cell)
            stub.source = make_stub(cell.source, open_label)
            cells.append(_guidance_cell(open_label, stub))
            cells.append(stub)
    if open_label is not None:
        raise StudentEditionError(f"the gated solution {open_label} has no {{solution-end}}")
    student.cells = cells
    nbformat.validate(student)
    return student


def _colab_text(notebook, chapter, chapter_path, book):
    """The text of ``notebook`` with its markdown rendered for Colab, numbers glued from
    ``chapter``."""
    name = f"{CHAPTERS.name}/{pathlib.Path(chapter_path).stem}"
    rendered = colab_markdown.colab_notebook(notebook, name, book or colab_markdown.read_book(),
                                             glue=colab_markdown.glue_values(chapter))
    text = nbformat.writes(rendered)
    return text if text.endswith("\n") else text + "\n"


def student_notebook_text(chapter_path, book=None):
    """The exact text of ``student/<name>.ipynb`` for the chapter at ``chapter_path``."""
    chapter = nbformat.read(chapter_path, as_version=4)
    return _colab_text(student_notebook(chapter), chapter, chapter_path, book)


def colab_notebook_text(chapter_path, book=None):
    """The exact text of ``colab/<name>.ipynb`` for the chapter at ``chapter_path``."""
    chapter = nbformat.read(chapter_path, as_version=4)
    return _colab_text(chapter, chapter, chapter_path, book)


# Each edition: its README and the text of one of its notebooks.
EDITIONS = {
    "student": (_README, student_notebook_text),
    "colab": (_COLAB_README, colab_notebook_text),
}


def expected_files(chapters=CHAPTERS, edition="student"):
    """Every file of an edition (``"student"`` or ``"colab"``), as ``{file name: text}``."""
    readme, notebook_text = EDITIONS[edition]
    book = colab_markdown.read_book()
    files = {"README.md": readme}
    for path in sorted(pathlib.Path(chapters).glob("*.ipynb")):
        files[path.name] = notebook_text(path, book)
    return files


def differences(chapters=CHAPTERS, student=STUDENT, colab=COLAB):
    """How the student and Colab folders differ from a fresh regeneration: one line per file."""
    problems = []
    for edition, folder in (("student", student), ("colab", colab)):
        expected = expected_files(chapters, edition)
        folder = pathlib.Path(folder)
        found = {p.name for p in folder.iterdir() if p.is_file()} if folder.is_dir() else set()
        for name, text in expected.items():
            path = folder / name
            if name not in found:
                problems.append(f"{_shown(path)}: missing")
                continue
            current = path.read_text(encoding="utf-8")
            if current != text:
                diff = difflib.unified_diff(current.splitlines(), text.splitlines(), n=0)
                changed = sum(1 for line in diff
                              if line[:1] in "+-" and line[:3] not in ("+++", "---"))
                problems.append(f"{_shown(path)}: stale ({changed} lines differ)")
        for name in sorted(found - set(expected)):
            problems.append(f"{_shown(folder / name)}: not generated from any chapter")
    return problems


def _shown(path):
    return path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path


def write(chapters=CHAPTERS, student=STUDENT, colab=COLAB):
    """Regenerate the student and Colab folders; return the names of the files written or
    removed."""
    # Both editions are made before anything is written: a chapter that fails changes nothing.
    editions = [(pathlib.Path(folder), expected_files(chapters, edition))
                for edition, folder in (("student", student), ("colab", colab))]
    touched = []
    for folder, expected in editions:
        folder.mkdir(exist_ok=True)
        for name, text in expected.items():
            path = folder / name
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
                touched.append(f"wrote {_shown(path)}")
        for path in sorted(folder.iterdir()):
            if path.is_file() and path.name not in expected:
                path.unlink()
                touched.append(f"removed {_shown(path)} (no such chapter)")
    return touched


def main(arguments=None):
    """Write or check the student and Colab editions; ``arguments`` as on the command line.

    Returns
    -------
    int
        0 when ``student/`` and ``colab/`` are (now) up to date, 1 when ``--check`` finds one
        stale, 2 when a chapter breaks the exercise convention or holds MyST that Colab cannot
        be given.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 listing the differences if student/ or colab/ "
                             "is stale")
    options = parser.parse_args(arguments)
    try:
        if options.check:
            problems = differences()
            for problem in problems:
                print(problem)
            if problems:
                print("The student or Colab edition is stale: "
                      "run  python .ci/make_student_edition.py")
                return 1
            print("student/ and colab/ are up to date.")
            return 0
        touched = write()
    except (StudentEditionError, colab_markdown.ColabMarkdownError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for line in touched:
        print(line)
    print(f"student/ and colab/ are up to date ({len(touched)} files changed).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
