"""The grader (python -m lossfns.grade) on crafted submissions of chapter 2: the solution, the
stub, attacks, broken files; its CSV, results.json and Gradescope autograder; the sandbox's
wire format and proxy."""

import csv
import json
import os
import pathlib
import subprocess
import sys

import grade_submissions as crafted
import nbformat
import numpy as np
import pytest

from lossfns import _grade_wire as wire
from lossfns import _sandbox, grade

MAE, GRADIENT = crafted.LABELS[crafted.MAE], crafted.LABELS[crafted.GRADIENT]
SOLUTIONS_FILE = crafted.REPO_ROOT / "chapters" / f"{crafted.CHAPTER}.ipynb"
FORGED = "mean_absolute_error: passed all 6 cases."


def _mae(body, header="import numpy as np\nimport lossfns\n"):
    return header + "def my_mean_absolute_error(y_true, y_pred):\n" + "".join(
        f"    {line}\n" for line in body.splitlines())


ATTACKS = {  # name: (the MAE cell, cells appended, what the CSV's MAE hint must contain)
    "forged_pass_line": (_mae(f"print({FORGED!r})\nreturn np.zeros(len(y_true))"),
                         [f"print({FORGED!r})"], "values are not"),
    "edited_self_check": (crafted.WRONG_MAE, [f"print({FORGED!r})  # the self-check, edited"],
                          "shape"),
    "redefined_check": (crafted.WRONG_MAE + "\nlossfns.check_mean_absolute_error = print\n",
                        ["import lossfns\ndef check_mean_absolute_error(f):\n    print('ok')\n"
                         "lossfns.check_mean_absolute_error = check_mean_absolute_error"],
                        "shape"),
    "monkeypatched_lossfns": (_mae(
        "lossfns.mean_absolute_error = lambda *a: np.zeros(1)\n"
        "lossfns.SelfCheckFailed = type('X', (BaseException,), {})\n"
        "lossfns._selfcheck_runner._agrees = lambda *a: True\nreturn np.zeros(1)"), [], "shape"),
    "writes_to_channel": (_mae(
        "import os\nfor fd in range(1, 64):\n    try:\n"
        "        os.write(fd, b'\\xff' * 64 + b'passed all 6 cases.')\n"
        "    except OSError:\n        pass\nreturn lossfns.mean_absolute_error(y_true, y_pred)"),
        [], "broke the grader's channel"),
    "infinite_loop": (_mae("while True:\n    pass"), [], "timed out"),
    "memory_bomb": (_mae("return bytearray(8 * 2**30)"), [], "MemoryError"),
    "segfault": (_mae("import faulthandler\nfaulthandler._sigsegv()"), [], "crashed"),
    "os_exit": (_mae("import os\nos._exit(0)"), [], "crashed"),
    "fork_bomb": (_mae("import os\nwhile True:\n    os.fork()"), [], "does not allow os.fork"),
    "reads_solutions": (_mae(f"return open({str(SOLUTIONS_FILE)!r}).read()"), [],
                        "does not allow open"),
    "opens_a_socket": (_mae("import socket\nsocket.create_connection(('example.org', 80))"), [],
                       "does not allow socket"),
    "runs_a_shell": (_mae("import subprocess\nsubprocess.run(['true'])"), [],
                     "does not allow subprocess"),
    "syntax_error": ("def my_mean_absolute_error(y_true, y_pred)\n    return 0\n", [],
                     "function my_mean_absolute_error not found; syntax error in code cell"),
    "renamed_function": (crafted.solutions()[crafted.MAE].replace(
        "def my_mean_absolute_error(", "def mean_abs_error("), [],
        "function my_mean_absolute_error not found"),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Every crafted submission graded by one command: ``{name: CSV row}``, the CSV's header,
    and the folder."""
    folder = tmp_path_factory.mktemp("submissions")
    paths = {"solution": crafted.write(crafted.solved(), folder / "solution.ipynb"),
             "stub": crafted.write(crafted.submission(), folder / "stub.ipynb"),
             "colab_v40": crafted.write(crafted.as_colab_saves_it(crafted.solved()),
                                        folder / "colab_v40.ipynb")}
    for name, (cell, extra, _) in ATTACKS.items():
        notebook = crafted.solved(mae=cell)
        notebook.cells += [nbformat.v4.new_code_cell(source) for source in extra]
        paths[name] = crafted.write(notebook, folder / f"{name}.ipynb")
    (folder / "empty.ipynb").write_text("")
    (folder / "not_json.ipynb").write_text("<html>not a notebook</html>")
    paths.update(empty=folder / "empty.ipynb", not_json=folder / "not_json.ipynb")
    grades = folder / "grades.csv"
    assert grade.main([str(crafted.EDITION), *map(str, paths.values()), "--csv", str(grades),
                       "--timeout", "2", "--jobs", "2"]) == 0
    with open(grades, newline="", encoding="utf-8") as file:
        header, *rows = list(csv.reader(file))
    return {row[0].removesuffix(".ipynb"): dict(zip(header, row)) for row in rows}, header, folder


def test_the_csv_has_one_header_row_and_one_row_per_submission(graded):
    rows, header, _ = graded
    assert header == ["submission", MAE, f"{MAE} hint", GRADIENT, f"{GRADIENT} hint", "total",
                      "max_total", "notes"]
    assert len(rows) == 3 + len(ATTACKS) + 2


@pytest.mark.parametrize("name", ["solution", "colab_v40"])
def test_the_solution_scores_full_even_as_saved_by_colab(graded, name):
    row = graded[0][name]
    assert (row[MAE], row[GRADIENT], row["total"], row["max_total"]) == ("1", "1", "2", "2")
    assert row[f"{MAE} hint"] == row["notes"] == ""


def test_the_stub_scores_nothing_and_gets_the_checks_hint(graded):
    row = graded[0]["stub"]
    assert (row[MAE], row[GRADIENT], row["total"]) == ("0", "0", "0")
    assert "raised NotImplementedError: Exercise ch2-implement-mae" in row[f"{MAE} hint"]


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_each_attack_scores_nothing_and_is_reported_as_what_it_was(graded, name):
    row, expected = graded[0][name], ATTACKS[name][2]
    assert row[MAE] == "0", row
    assert expected in row[f"{MAE} hint"], row[f"{MAE} hint"]
    assert (row[GRADIENT], row["total"]) == ("1", "1"), "the other exercise is still graded"


@pytest.mark.parametrize(("name", "note"), [("infinite_loop", "timed out"),
                                            ("segfault", "crashed"), ("os_exit", "crashed"),
                                            ("syntax_error", "syntax error"),
                                            ("renamed_function", "not found")])
def test_the_notes_column_says_what_happened(graded, name, note):
    assert note in graded[0][name]["notes"]


@pytest.mark.parametrize(("name", "note"), [("empty", "empty file"),
                                            ("not_json", "not a notebook (not JSON)")])
def test_a_broken_file_scores_nothing_with_a_note(graded, name, note):
    row = graded[0][name]
    assert (row[MAE], row[GRADIENT], row["total"], row["notes"]) == ("0", "0", "0", note)


def test_results_json_lists_each_exercise(tmp_path):
    wrong = crafted.write(crafted.solved(mae=crafted.WRONG_MAE), tmp_path / "wrong.ipynb")
    results = tmp_path / "results.json"
    grade.main([str(crafted.EDITION), str(wrong), "--gradescope", str(results)])
    content = json.loads(results.read_text())
    assert content["score"] == 1
    mae, gradient = content["tests"]
    assert (mae["name"], mae["score"], mae["max_score"]) == (MAE, 0, 1)
    assert "shape" in mae["output"]
    assert (gradient["name"], gradient["score"], gradient["max_score"]) == (GRADIENT, 1, 1)
    assert gradient["output"] == "mean_absolute_error_gradient: passed all 7 cases."


def test_the_class_exercise_is_reported_as_not_graded_automatically(tmp_path):
    edition = crafted.REPO_ROOT / "student" / "08_reductions_masks_and_custom_losses.ipynb"
    notebook = crafted.submission({"my_pinball_loss": crafted.solutions(
        "08_reductions_masks_and_custom_losses")["my_pinball_loss"]}, edition=edition)
    grades = tmp_path / "grades.csv"
    grade.main([str(edition), str(crafted.write(notebook, tmp_path / "s.ipynb")),
                "--csv", str(grades)])
    with open(grades, newline="", encoding="utf-8") as file:
        (row,) = csv.DictReader(file)
    assert (row["ch8-implement-pinball"], row["ch8-implement-pinball-class"]) == ("1", "")
    assert row["ch8-implement-pinball-class hint"].startswith("not graded automatically")
    assert (row["total"], row["max_total"]) == ("1", "1")


def test_the_gradescope_autograder_runs_locally(tmp_path):
    root = tmp_path / "autograder"
    archive = tmp_path / "autograder.zip"
    assert grade.main([str(crafted.EDITION), "--gradescope-autograder", str(archive)]) == 0
    (root / "source").mkdir(parents=True)
    subprocess.run(["unzip", "-q", str(archive), "-d", str(root / "source")], check=True)
    for name in ("setup.sh", "run_autograder", "edition.ipynb",
                 "lossfns_src/pyproject.toml", "lossfns_src/lossfns/grade.py"):
        assert (root / "source" / name).is_file(), name
    subprocess.run(["bash", "-n", str(root / "source" / "setup.sh")], check=True)
    (root / "submission").mkdir()
    crafted.write(crafted.solved(mae=crafted.WRONG_MAE), root / "submission" / "hw.ipynb")
    environment = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable}
    subprocess.run(["bash", str(root / "source" / "run_autograder")], env=environment,
                   check=True, capture_output=True)
    content = json.loads((root / "results" / "results.json").read_text())
    assert content["score"] == 1
    assert [test["score"] for test in content["tests"]] == [0, 1]


def test_the_wire_format_rebuilds_arrays_read_only_and_refuses_objects():
    array = np.arange(6.0).reshape(2, 3)
    back = wire.decode_value(wire.encode_value((array, 2.5, [1, None])))
    assert np.array_equal(back[0], array) and back[1:] == (2.5, [1, None])
    assert not back[0].flags.writeable
    with pytest.raises(wire.WireError, match="value"):
        wire.encode_value(np.array([object()]))
    with pytest.raises(wire.WireError, match="data"):
        wire.decode_value({"__ndarray__": "|O", "shape": [1], "data": ""})


def test_the_proxy_re_raises_the_students_exceptions_by_type_and_message():
    with _sandbox.Sandbox(timeout=5) as sandbox:
        worker = sandbox.worker()
        worker.load("class ShapeMismatch(Exception):\n    pass\n"
                    "def f(kind, x):\n    x[0] = 1\n"
                    "    raise {'v': ValueError, 'z': ZeroDivisionError,"
                    " 's': ShapeMismatch}[kind]('said ' + kind)\n", "f")
        function = _sandbox.proxy(worker, "f")
        with pytest.raises(ValueError, match="read-only"):
            function("v", np.zeros(2))
        with pytest.raises(ZeroDivisionError, match="said z"):
            function("z", [0])
        with pytest.raises(Exception, match="said s") as raised:
            function("s", [0])
        assert type(raised.value).__name__ == "ShapeMismatch"
        assert not isinstance(raised.value, (ValueError, TypeError))


def test_the_isolation_level_is_reported(capsys, tmp_path):
    solution = crafted.write(crafted.solved(), tmp_path / "s.ipynb")
    grade.main([str(crafted.EDITION), str(solution), "--csv", str(tmp_path / "g.csv")])
    expected = (_sandbox.ISOLATION_NAMESPACES if _sandbox.namespace_prefix()
                else _sandbox.ISOLATION_PLAIN)
    assert f"Sandbox: {expected}\n" in capsys.readouterr().out


def test_usage_errors_name_the_argument(tmp_path, capsys):
    with pytest.raises(SystemExit):
        grade.main([str(crafted.EDITION), str(tmp_path / "x.ipynb")])
    assert "--csv or --gradescope" in capsys.readouterr().err
    (tmp_path / "plain.ipynb").write_text('{"cells": []}')
    with pytest.raises(SystemExit):
        grade.main([str(tmp_path / "plain.ipynb"), "x.ipynb", "--csv", "g.csv"])
    assert "edition: " in capsys.readouterr().err


def test_no_tensorflow_is_imported_by_grading():
    code = ("import sys; from lossfns import grade; import grade_submissions as c, tempfile, "
            "pathlib; d = pathlib.Path(tempfile.mkdtemp()); "
            "p = c.write(c.solved(), d / 's.ipynb'); "
            "grade.main([str(c.EDITION), str(p), '--csv', str(d / 'g.csv')]); "
            "assert 'tensorflow' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                   cwd=pathlib.Path(__file__).parent,
                   env={**os.environ, "PYTHONPATH": str(crafted.REPO_ROOT)})


@pytest.mark.parametrize("edition", sorted(
    path for path in (crafted.REPO_ROOT / "student").glob("*.ipynb")
    if crafted.solutions(path.stem)), ids=lambda path: path.stem[:2])
def test_every_chapters_solutions_score_full(tmp_path, edition):
    functions = {name: source for name, source in crafted.solutions(edition.stem).items()
                 if name != "make_pinball_loss_class"}  # the Keras class: not graded here
    solved = crafted.write(crafted.submission(functions, edition=edition), tmp_path / "s.ipynb")
    grades = tmp_path / "grades.csv"
    grade.main([str(edition), str(solved), "--csv", str(grades)])
    with open(grades, newline="", encoding="utf-8") as file:
        (row,) = csv.DictReader(file)
    assert row["total"] == row["max_total"] == str(len(functions)), row


def test_the_child_runs_isolated_with_a_clean_environment_and_limits():
    probe = """import os, resource, sys
def f():
    limits = [resource.getrlimit(getattr(resource, 'RLIMIT_' + name))[0]
              for name in ('AS', 'CPU', 'FSIZE', 'NOFILE', 'NPROC')]
    return (sys.flags.isolated, sorted(os.environ), os.listdir('.'), limits)
"""
    with _sandbox.Sandbox(timeout=5) as sandbox:
        worker = sandbox.worker()
        worker.load(probe, "f")
        isolated, environment, files, limits = worker.call()
        worker.kill()
    assert isolated == 1
    assert set(environment) <= {*_sandbox._CLEAN_ENVIRONMENT, "HOME", "MPLCONFIGDIR", "TMPDIR"}
    assert files == []
    assert limits == [_sandbox.DEFAULT_LIMITS[name]
                      for name in ("AS", "CPU", "FSIZE", "NOFILE", "NPROC")]


def test_a_solution_that_returns_the_reference_passes_with_a_note(tmp_path):
    copied = _mae("return lossfns.mean_absolute_error(y_true, y_pred)")
    path = crafted.write(crafted.solved(mae=copied), tmp_path / "copied.ipynb")
    grades = tmp_path / "grades.csv"
    grade.main([str(crafted.EDITION), str(path), "--csv", str(grades)])
    with open(grades, newline="", encoding="utf-8") as file:
        (row,) = csv.DictReader(file)
    assert (row[MAE], row["total"]) == ("1", "2")
    assert row["notes"] == (f"{MAE}: passed by calling lossfns.mean_absolute_error, the reference "
                            "it is checked against")
