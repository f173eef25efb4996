"""lossfns.selfcheck: right answers pass, typical mistakes fail with the right hint,
and no message ever shows a reference value."""

import random
import re
import traceback

import numpy as np
import pytest

import lossfns
from lossfns import _selfcheck_runner, selfcheck, selfcheck_regression
from lossfns.selfcheck_regression import check_huber, check_log_cosh, check_pinball_loss


def correct_mae(y_true, y_pred):
    if y_true.ndim == y_pred.ndim - 1:  # (n,) targets with (n, 1) predictions: n samples
        y_true = y_true[..., np.newaxis]
    return np.mean(np.abs(y_true - y_pred), axis=-1)


def naive_mae(y_true, y_pred):
    # Right for equal shapes; for (n,) with (n, 1) NumPy broadcasts to an (n, n) table.
    return np.mean(np.abs(y_true - y_pred), axis=-1)


def correct_huber(y_true, y_pred, delta):
    y_true = np.reshape(y_true, np.shape(y_pred))  # (n,) targets, (n, 1) predictions: n samples
    size = np.abs(y_pred - y_true)
    return np.mean(np.where(size <= delta, 0.5 * size**2, delta * (size - 0.5 * delta)), axis=-1)


def huber_without_the_half(y_true, y_pred, delta):
    # The naive np.where(abs(r) < delta, r**2, ...): twice Keras's loss inside the band.
    r = y_pred - np.reshape(y_true, np.shape(y_pred))
    return np.mean(np.where(np.abs(r) < delta, r**2, delta * (np.abs(r) - 0.5 * delta)), axis=-1)


def huber_with_two_strict_tests(y_true, y_pred, delta):
    # Right everywhere except |r| = delta, which neither branch claims: a loss of 0 there.
    r = np.abs(y_pred - np.reshape(y_true, np.shape(y_pred)))
    inside = np.where(r < delta, 0.5 * r**2, 0.0)
    outside = np.where(r > delta, delta * (r - 0.5 * delta), 0.0)
    return np.mean(inside + outside, axis=-1)


def huber_unaligned(y_true, y_pred, delta):
    # Right for equal shapes; for (n,) with (n, 1) NumPy broadcasts to an (n, n) table.
    size = np.abs(y_pred - y_true)
    return np.mean(np.where(size <= delta, 0.5 * size**2, delta * (size - 0.5 * delta)), axis=-1)


def correct_log_cosh(y_true, y_pred):
    error = y_pred - np.reshape(y_true, np.shape(y_pred))  # (n,) with (n, 1): n samples
    return np.mean(np.abs(error) + np.log1p(np.exp(-2 * np.abs(error))) - np.log(2), axis=-1)


def naive_log_cosh(y_true, y_pred):
    # Right for moderate errors; cosh overflows to inf beyond about 710.
    return np.mean(np.log(np.cosh(y_pred - np.reshape(y_true, np.shape(y_pred)))), axis=-1)


def correct_pinball(y_true, y_pred, tau):
    error = np.reshape(y_true, np.shape(y_pred)) - y_pred
    return np.mean(np.maximum(tau * error, (tau - 1) * error), axis=-1)


def pinball_with_the_sides_swapped(y_true, y_pred, tau):
    # The error taken as prediction minus target: the loss of 1 - tau, right only for tau = 1/2.
    return correct_pinball(y_pred, np.reshape(y_true, np.shape(y_pred)), tau)


def correct_cce(y_true, y_pred):
    clipped = np.clip(y_pred, lossfns.EPSILON, 1 - lossfns.EPSILON)  # as Keras does
    return -np.sum(y_true * np.log(clipped), axis=-1)


def naive_cce(y_true, y_pred):
    # The formula as written: 0 * log 0 = nan, and log 0 = -inf on the true class.
    return -np.sum(y_true * np.log(y_pred), axis=-1)


def true_class_only_cce(y_true, y_pred):
    # Skips the 0 * log 0 of the wrong classes, but -log 0 on the true class is inf.
    return -np.log(np.sum(y_true * y_pred, axis=-1))


def zeros_only_cce(y_true, y_pred):
    # Replaces exact zeros only: a true-class probability of 1e-12 still costs far too much.
    safe = np.where(y_pred == 0, lossfns.EPSILON, y_pred)
    return -np.sum(y_true * np.log(safe), axis=-1)


def correct_log_softmax(logits):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def naive_log_softmax(logits):
    return np.log(np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True))


def correct_softmax_gradient(y_true, logits):
    return np.exp(correct_log_softmax(logits)) - y_true


def correct_line_gradient(x, y, w, b):
    residuals = w * x + b - y
    return 2 * np.mean(residuals * x), 2 * np.mean(residuals)


CORRECT = [
    (selfcheck.check_line_fit_gradient, correct_line_gradient),
    (selfcheck.check_mean_absolute_error, correct_mae),
    (selfcheck.check_mean_absolute_error_gradient,
     lambda t, p: np.sign(p - t) / t.shape[-1]),
    (check_huber, correct_huber),
    (check_log_cosh, correct_log_cosh),
    (check_pinball_loss, correct_pinball),
    (selfcheck.check_categorical_crossentropy, correct_cce),
    (selfcheck.check_log_softmax, correct_log_softmax),
    (selfcheck.check_softmax_crossentropy_gradient, correct_softmax_gradient),
]

WRONG = [
    (selfcheck.check_line_fit_gradient,
     lambda x, y, w, b: np.array(correct_line_gradient(x, y, w, b)) / 2, "drop the 2"),
    (selfcheck.check_line_fit_gradient,
     lambda x, y, w, b: np.array(correct_line_gradient(x, y, w, b)) * x.size, "sum where a mean"),
    (selfcheck.check_line_fit_gradient,
     lambda x, y, w, b: -np.array(correct_line_gradient(x, y, w, b)), "wrong sign"),
    (selfcheck.check_line_fit_gradient, lambda x, y, w, b: correct_line_gradient(x, y, w, b)[0],
     "shape ()"),
    (selfcheck.check_mean_absolute_error, lambda t, p: np.sum(np.abs(t - p), axis=-1),
     "sum where a mean belongs"),
    (selfcheck.check_mean_absolute_error, lambda t, p: np.mean(np.abs(t - p)), "shape ()"),
    (selfcheck.check_mean_absolute_error_gradient, lambda t, p: np.sign(t - p) / t.shape[-1],
     "wrong sign"),
    (check_huber, huber_without_the_half, "inside the band; check that branch's formula"),
    (check_huber, lambda t, p, delta: correct_huber(t, p, 1.0), "use the delta passed in"),
    (check_huber, lambda t, p, delta: np.mean(correct_huber(t, p, delta)), "shape ()"),
    (check_huber, huber_with_two_strict_tests, "|error| = delta exactly"),
    (check_huber, huber_unaligned, "(n, n) table"),
    (selfcheck.check_categorical_crossentropy, lambda t, p: np.sum(t * np.log(p), axis=-1),
     "wrong sign"),
    (selfcheck.check_categorical_crossentropy, lambda t, p: -np.mean(t * np.log(p), axis=-1),
     "too small"),
    (selfcheck.check_categorical_crossentropy, naive_cce, "0 * log 0 = nan"),
    (selfcheck.check_categorical_crossentropy, true_class_only_cce, "log 0 is -inf"),
    (selfcheck.check_categorical_crossentropy, zeros_only_cce, "below the clip bound"),
    (selfcheck.check_log_softmax, naive_log_softmax, "inf or nan"),
    (selfcheck.check_softmax_crossentropy_gradient,
     lambda t, z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True) - t, "inf or nan"),
    (selfcheck.check_softmax_crossentropy_gradient,
     lambda t, z: t - correct_softmax_gradient(t, z) - t, "wrong sign"),
    (selfcheck.check_mean_absolute_error, lambda t, p: 1 / 0, "raised ZeroDivisionError"),
    (selfcheck.check_mean_absolute_error, naive_mae, "(n, n) table"),
    (selfcheck.check_mean_absolute_error_gradient,
     lambda t, p: (p - t) / np.abs(p - t) / t.shape[-1], "error is exactly zero"),
    (selfcheck.check_mean_absolute_error_gradient,
     lambda t, p: np.where(p - t >= 0, 1.0, -1.0) / t.shape[-1], "error is exactly zero"),
    (check_log_cosh, naive_log_cosh, "factor e^|x| out of the cosh"),
    (check_log_cosh, lambda t, p: np.sum(correct_log_cosh(t, p)), "shape ()"),
    (check_log_cosh, lambda t, p: np.mean(np.logaddexp(p - t, t - p) - np.log(2), axis=-1),
     "(n, n) table"),
    (check_pinball_loss, pinball_with_the_sides_swapped, "which side gets tau"),
    (check_pinball_loss, lambda t, p, tau: tau * np.mean(np.abs(p - t), axis=-1),
     "which side gets tau"),
    (check_pinball_loss, lambda t, p, tau: np.mean(np.maximum(tau * (t - p), (tau - 1) * (t - p)),
                                                   axis=-1), "(n, n) table"),
]


@pytest.mark.parametrize("check, solution", CORRECT, ids=lambda x: getattr(x, "__name__", ""))
def test_a_correct_solution_passes(check, solution, capsys):
    check(solution)
    assert "passed all" in capsys.readouterr().out


@pytest.mark.parametrize("check, mistake, hint", WRONG, ids=lambda x: getattr(x, "__name__", x))
def test_a_typical_mistake_fails_with_its_hint(check, mistake, hint, capsys):
    failing = pytest.raises(selfcheck.SelfCheckFailed, match=re.escape(hint))
    with failing as failure, np.errstate(all="ignore"):
        check(mistake)
    message = str(failure.value) + capsys.readouterr().out
    assert "case '" in message
    # No reference value leaks: the message holds no number with a decimal point.
    assert not re.search(r"\d\.\d", message), message


NAIVE_EDGE_CASES = [
    (selfcheck.check_mean_absolute_error, naive_mae,
     "y_true of shape (5,) and y_pred of shape (5, 1)"),
    (selfcheck.check_mean_absolute_error_gradient,
     lambda t, p: (p - t) / np.abs(p - t) / t.shape[-1],
     "some predictions exactly equal to their targets"),
    (selfcheck.check_mean_absolute_error_gradient,
     lambda t, p: np.where(p - t >= 0, 1.0, -1.0) / t.shape[-1],
     "some predictions exactly equal to their targets"),
    (selfcheck.check_categorical_crossentropy, naive_cce,
     "a probability of exactly 0 on a wrong class"),
    (selfcheck.check_categorical_crossentropy, true_class_only_cce,
     "a probability of exactly 0 on the true class"),
    (selfcheck.check_categorical_crossentropy, zeros_only_cce,
     "a true-class probability far below the clip bound"),
    (selfcheck.check_log_softmax, naive_log_softmax, "logits of magnitude 1000"),
    (check_huber, huber_with_two_strict_tests, "every error exactly +-delta"),
    (check_huber, huber_unaligned, "y_true of shape (5,) and y_pred of shape (5, 1)"),
    (check_log_cosh, naive_log_cosh, "errors of several hundred to thousands"),
    (check_pinball_loss, pinball_with_the_sides_swapped,
     "tau near 1, a mix of over- and under-predictions"),
    (selfcheck.check_softmax_crossentropy_gradient,
     lambda t, z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True) - t,
     "logits of magnitude 1000"),
]


@pytest.mark.parametrize("check, naive, edge_case", NAIVE_EDGE_CASES,
                         ids=lambda x: getattr(x, "__name__", x))
def test_a_naive_formula_passes_the_ordinary_cases_and_fails_the_edge_case(check, naive,
                                                                           edge_case):
    """The naive formula is right away from the edge: only the edge case the chapter teaches
    (zero probabilities, huge logits) catches it."""
    with pytest.raises(selfcheck.SelfCheckFailed) as failure, np.errstate(all="ignore"):
        check(naive)
    assert f"case '{edge_case}'" in str(failure.value)


def test_a_stub_fails_clearly_and_keeps_the_traceback_of_the_students_line():
    def stub(y_true, y_pred, delta=1.0):
        raise NotImplementedError("write your implementation here")

    with pytest.raises(selfcheck.SelfCheckFailed, match="raised NotImplementedError") as failure:
        check_huber(stub)
    cause = failure.value.__cause__  # raise ... from error: shown as "the direct cause"
    assert isinstance(cause, NotImplementedError)
    assert traceback.extract_tb(cause.__traceback__)[-1].name == "stub"
    assert "raise NotImplementedError" in "".join(traceback.format_exception(failure.value))


def test_a_failure_without_an_exception_has_no_cause():
    with pytest.raises(selfcheck.SelfCheckFailed) as failure:
        check_huber(lambda y_true, y_pred, delta: -correct_huber(y_true, y_pred, delta))
    assert failure.value.__cause__ is None


# Every case runs and each failing case gets the hint of its own result, so running the cases in
# another order changes nothing but the order of the lines.

_run_check = _selfcheck_runner.run_check
ORDERS = {"reversed": lambda cases: cases[::-1],
          **{f"shuffled {seed}":
             lambda cases, seed=seed: random.Random(seed).sample(cases, len(cases))
             for seed in range(3)}}


def hints_by_case(message):
    """``{case label: hint}`` from a SelfCheckFailed message."""
    lines = re.findall(r"case '(.+?)': (.*)$", message, flags=re.MULTILINE)
    return {label: hint for labels, hint in lines for label in labels.split("', case '")}


def failure_message(check, function):
    with pytest.raises(selfcheck.SelfCheckFailed) as failure, np.errstate(all="ignore"):
        check(function)
    return str(failure.value)


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("check, mistake, hint", WRONG + [
    (check, naive, f"case '{edge_case}'") for check, naive, edge_case in NAIVE_EDGE_CASES],
    ids=lambda x: getattr(x, "__name__", x))
def test_each_case_gets_the_same_hint_in_any_order(check, mistake, hint, order, monkeypatch):
    in_order = failure_message(check, mistake)

    def run_check_reordered(title, student_fn, reference_fn, cases, **options):
        return _run_check(title, student_fn, reference_fn, ORDERS[order](list(cases)), **options)

    for module in (selfcheck, selfcheck_regression):
        monkeypatch.setattr(module, "run_check", run_check_reordered)
    reordered = failure_message(check, mistake)
    assert hints_by_case(reordered) == hints_by_case(in_order) != {}
    assert reordered.partition(":\n")[0] == in_order.partition(":\n")[0]  # "k of n cases failed"
    assert hint in reordered


@pytest.mark.parametrize("check, mistake, edge_hint", [
    (check_pinball_loss, lambda t, p, tau: -correct_pinball(t, p, tau), "(n, n) table"),
    (check_pinball_loss, lambda t, p, tau: 3 * correct_pinball(t, p, tau), "which side gets tau"),
    (check_huber, lambda t, p, delta: -correct_huber(t, p, delta), "|error| = delta exactly"),
    (check_log_cosh, lambda t, p: 2 * correct_log_cosh(t, p), "factor e^|x| out of the cosh"),
    (selfcheck.check_categorical_crossentropy, lambda t, p: -correct_cce(t, p), "0 * log 0"),
    (selfcheck.check_mean_absolute_error_gradient, lambda t, p: np.sign(t - p) / t.shape[-1],
     "error is exactly zero"),
    (selfcheck.check_log_softmax, lambda z: -correct_log_softmax(z), "log-sum-exp"),
], ids=lambda x: getattr(x, "__name__", x))
def test_an_edge_case_does_not_blame_its_edge_for_a_mistake_made_everywhere(check, mistake,
                                                                           edge_hint):
    """An edge case's own hint needs the function to be right on the same inputs without the
    edge; a mistake made everywhere gets the diagnosis of its result instead."""
    message = failure_message(check, mistake)
    assert edge_hint not in message, message


def test_the_student_cannot_corrupt_the_cases():
    def mutating(y_true, y_pred, delta):
        y_pred[...] = np.reshape(y_true, np.shape(y_pred))
        return correct_huber(y_true, y_pred, delta)

    with pytest.raises(selfcheck.SelfCheckFailed):
        check_huber(mutating)
    check_huber(correct_huber)


def test_checks_are_exported():
    assert lossfns.check_log_softmax is selfcheck.check_log_softmax
    assert lossfns.check_huber is check_huber
