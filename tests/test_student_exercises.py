"""The implement-this exercises (a code cell tagged ``solution-implementation``): the student's
stub fails its self-check, the chapter's solution passes it, typical wrong answers get the right
hint, and no message gives a number away.
"""

import ast
import dataclasses
import math
import re

import nbformat
import numpy as np
import pytest

import lossfns
from student_edition import (
    STUDENT,
    _code_cells,
    _defined_functions,
    _gated_cells,
    _run_cell,
    _tags,
)
from tools.common import chapter_notebooks

DECIMAL_NUMBER = re.compile(r"\d*\.\d+")


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



def _called_check(source):
    """``(check name, function name)`` of the first ``lossfns.check_*(function)`` call in a cell."""
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr.startswith("check_") and node.args
                and isinstance(node.args[0], ast.Name)):
            return node.func.attr, node.args[0].id
    raise AssertionError(f"no lossfns.check_*(function) call in the self-check cell:\n{source}")


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
            assert matching, (f"{path.name}: no solution defines {function_name}, "
                              f"which {check_name} checks")
            label, solution = matching[-1]
            exercises.append(ImplementExercise(path.stem, label, solution.get("id", ""),
                                               solution.source, function_name, check_name,
                                               cell.source))
    checked = {exercise.solution_cell_id for exercise in exercises}
    unchecked = [label for label, cell in solutions if cell.get("id", "") not in checked]
    assert not unchecked, f"{path.name}: implement-this exercises without a self-check: {unchecked}"
    return exercises


EXERCISES = [exercise for path in chapter_notebooks() for exercise in implement_exercises(path)]


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


def _times_number_of_examples(solution):
    return lambda *args: np.asarray(solution(*args), dtype=np.float64) * np.shape(args[0])[0]


def _times_temperature_squared(solution):
    return lambda logits, labels, temperature: (
        np.asarray(solution(logits, labels, temperature), dtype=np.float64) * temperature**2)


def _naive_temperature_gradient(solution):
    def naive(logits, labels, temperature):
        q = _naive_softmax(np.asarray(logits) / temperature)
        true_logit = np.take_along_axis(logits, np.asarray(labels)[:, None], axis=1)[:, 0]
        return np.mean(true_logit - np.sum(q * logits, axis=1)) / temperature**2
    return naive


def _loss_subclass(solution, **methods):
    """A zero-argument function, like the chapter's, returning a subclass of the solution's
    ``keras.losses.Loss`` class with ``methods`` replaced (each gets the base class first)."""
    def bound(base, method):
        return lambda self, *args: method(base, self, *args)

    def make():
        base = solution()
        return type(f"Wrong{base.__name__}", (base,),
                    {name: bound(base, method) for name, method in methods.items()})
    return make


def _class_with_sides_swapped(solution):
    return _loss_subclass(solution, call=lambda base, self, y_true, y_pred:
                          base.call(self, y_pred, y_true))  # the loss of 1 - tau


def _class_negated(solution):
    return _loss_subclass(solution, call=lambda base, self, y_true, y_pred:
                          -base.call(self, y_true, y_pred))


def _class_reducing_the_batch(solution):
    import keras

    return _loss_subclass(solution, call=lambda base, self, y_true, y_pred:
                          keras.ops.mean(base.call(self, y_true, y_pred)))


def _class_forgetting_tau(solution):
    def get_config(base, self):
        return {key: value for key, value in base.get_config(self).items() if key != "tau"}
    return _loss_subclass(solution, get_config=get_config)


def _class_unaligned(solution):
    import keras

    def call(base, self, y_true, y_pred):  # NumPy-style broadcasting: (N,) with (N, 1) is (N, N)
        error = y_true - y_pred
        return keras.ops.mean(keras.ops.maximum(self.tau * error, (self.tau - 1) * error),
                              axis=-1)
    return _loss_subclass(solution, call=call)


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


def _delta_fixed_at_one(solution):
    return lambda y_true, y_pred, delta: solution(y_true, y_pred, 1.0)


def _naive_log_cosh(solution):
    return lambda y_true, y_pred: np.mean(
        np.log(np.cosh(y_pred - np.reshape(y_true, np.shape(y_pred)))), axis=-1)


def _level_swapped(solution):
    return lambda y_true, y_pred, tau: solution(y_true, y_pred, 1 - tau)


def _scale_ignored(solution):
    return lambda y_true, y_pred, dof, scale: solution(y_true, y_pred, dof, 1.0)


def _naive_student_t(solution):
    def density_first(y_true, y_pred, dof, scale):  # Gamma ratio and power before the log
        y_true, y_pred = lossfns.match_shapes(y_true, y_pred)
        r = (y_pred - y_true) / scale
        constant = math.gamma((dof + 1) / 2) / (
            math.sqrt(dof * math.pi) * math.gamma(dof / 2) * scale)
        return np.mean(-np.log(constant * (1 + r**2 / dof) ** (-(dof + 1) / 2)), axis=-1)
    return density_first


WRONG_SIGN = (_negated, "wrong sign")
SUM_FOR_MEAN = (_times_last_axis_width, "sum where a mean belongs")
MEAN_FOR_SUM = (_divided_by_last_axis_width, "mean where none belongs")
ONE_LOSS_PER_BATCH = (_one_number_for_the_batch, "one loss per sample")
REDUCED = (_reduced_over_last_axis, "one entry per input value")
DROPPED_TWO = (_halved, "drop the 2")
OVERFLOW = "inf or nan"

WRONG_VARIANTS = {
    "check_mean_absolute_error": [WRONG_SIGN, SUM_FOR_MEAN, ONE_LOSS_PER_BATCH],
    "check_mean_absolute_error_gradient": [WRONG_SIGN, SUM_FOR_MEAN,
                                           (_reduced_over_last_axis, "one entry per prediction")],
    # The Huber cases pass delta last, so SUM_FOR_MEAN's width does not apply; the
    # inside-the-band case catches a wrong sign or factor.
    "check_huber": [ONE_LOSS_PER_BATCH, (_negated, "inside the band"),
                    (_halved, "constant factors included"),
                    (_delta_fixed_at_one, "use the delta passed in")],
    "check_categorical_crossentropy": [WRONG_SIGN, MEAN_FOR_SUM, ONE_LOSS_PER_BATCH],
    "check_log_softmax": [WRONG_SIGN, (_naive_log_softmax, OVERFLOW), REDUCED],
    "check_linear_model_gradient": [WRONG_SIGN, DROPPED_TWO,
                                    (_times_number_of_examples, "sum where a mean belongs"),
                                    (_one_number_for_the_batch, "one entry per weight")],
    "check_temperature_gradient": [WRONG_SIGN,
                                   (_times_number_of_examples, "sum where a mean belongs"),
                                   (_times_temperature_squared, "off by a power of T"),
                                   (_naive_temperature_gradient, "each row's own maximum")],
    # The solution is a function returning the class: the wrong variants return subclasses.
    "check_pinball_loss_class": [(_class_negated, "wrong sign"),
                                 (_class_with_sides_swapped, "which side gets tau"),
                                 (_class_reducing_the_batch, "one loss per sample"),
                                 (_class_forgetting_tau, "lost its tau"),
                                 (_class_unaligned, "(N, N) table")],
    "check_log_cosh": [WRONG_SIGN, SUM_FOR_MEAN, ONE_LOSS_PER_BATCH,
                       (_naive_log_cosh, "factor e^|x| out of the cosh")],
    # Pinball cases pass tau last (like Huber's delta), so SUM_FOR_MEAN's width does not apply.
    "check_pinball_loss": [ONE_LOSS_PER_BATCH, (_negated, "wrong sign"),
                           (_level_swapped, "which side gets tau")],
    "check_student_t_nll": [WRONG_SIGN, ONE_LOSS_PER_BATCH,
                            (_scale_ignored, "divide the error by the scale"),
                            (_naive_student_t, "log-Gamma")],
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
        name = make_wrong.__name__
        assert hint in message, f"{name}: expected the hint {hint!r}, got {message!r}"
        assert not DECIMAL_NUMBER.search(message), f"{name} leaks a number: {message}"
