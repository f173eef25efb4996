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
    # Lined up by hand, as chapter 2 teaches: a trailing axis where the ranks differ by one.
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim == y_pred.ndim - 1:  # (n,) targets with (n, 1) predictions: n samples
        y_true = y_true[..., np.newaxis]
    elif y_pred.ndim == y_true.ndim - 1:  # (n, 1) targets with (n,) predictions: n samples
        y_pred = y_pred[..., np.newaxis]
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has shape {y_true.shape} but y_pred has shape {y_pred.shape}")
    return np.mean(np.abs(y_true - y_pred), axis=-1)


def old_chapter_2_mae(y_true, y_pred):
    # Chapter 2 before issue 17: (n,) against (n, 1) lined up, (n, 1) against (n,) broadcast.
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim == y_pred.ndim - 1:
        y_true = y_true[..., np.newaxis]
    return np.mean(np.abs(y_true - y_pred), axis=-1)


def naive_mae(y_true, y_pred):
    # Right for equal shapes; for (n,) with (n, 1) NumPy broadcasts to an (n, n) table.
    return np.mean(np.abs(y_true - y_pred), axis=-1)


def correct_mae_gradient(y_true, y_pred):
    aligned_true, aligned_pred = lossfns.match_shapes(y_true, y_pred)
    gradient = np.sign(aligned_pred - aligned_true) / aligned_pred.shape[-1]
    return np.reshape(gradient, np.shape(y_pred))  # y_pred's own shape


def mae_gradient_by_hand(y_true, y_pred):
    shape = np.shape(y_pred)
    if np.ndim(y_true) == np.ndim(y_pred) - 1:
        y_true = y_true[..., np.newaxis]
    elif np.ndim(y_pred) == np.ndim(y_true) - 1:
        y_pred = y_pred[..., np.newaxis]
    return np.reshape(np.sign(y_pred - y_true) / np.shape(y_pred)[-1], shape)


def old_chapter_2_mae_gradient(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return np.sign(y_pred - y_true) / y_pred.shape[-1]


def correct_huber(y_true, y_pred, delta):
    y_true, y_pred = lossfns.match_shapes(y_true, y_pred)  # (n,) with (n, 1): n samples
    size = np.abs(y_pred - y_true)
    return np.mean(np.where(size <= delta, 0.5 * size**2, delta * (size - 0.5 * delta)), axis=-1)


def huber_by_hand(y_true, y_pred, delta):
    if np.ndim(y_true) == np.ndim(y_pred) - 1:
        y_true = y_true[..., np.newaxis]
    elif np.ndim(y_pred) == np.ndim(y_true) - 1:
        y_pred = y_pred[..., np.newaxis]
    size = np.abs(y_pred - y_true)  # (2, 3) against (3, 2): NumPy raises, as Keras does
    return np.mean(np.where(size <= delta, 0.5 * size**2, delta * (size - 0.5 * delta)), axis=-1)


def old_chapter_3_huber(y_true, y_pred, delta=1.0):
    # Chapter 3's solution before issue 17: y_true reshaped into y_pred's shape.
    y_pred = np.asarray(y_pred, dtype=np.float64)
    y_true = np.reshape(y_true, y_pred.shape)
    size = np.abs(y_pred - y_true)
    quadratic = 0.5 * size**2
    linear = delta * (size - 0.5 * delta)
    return np.mean(np.where(size <= delta, quadratic, linear), axis=-1)


def huber_without_the_half(y_true, y_pred, delta):
    # The naive np.where(abs(r) < delta, r**2, ...): twice Keras's loss inside the band.
    y_true, y_pred = lossfns.match_shapes(y_true, y_pred)
    r = y_pred - y_true
    return np.mean(np.where(np.abs(r) < delta, r**2, delta * (np.abs(r) - 0.5 * delta)), axis=-1)


def huber_with_two_strict_tests(y_true, y_pred, delta):
    # Right everywhere except |r| = delta, which neither branch claims: a loss of 0 there.
    y_true, y_pred = lossfns.match_shapes(y_true, y_pred)
    r = np.abs(y_pred - y_true)
    inside = np.where(r < delta, 0.5 * r**2, 0.0)
    outside = np.where(r > delta, delta * (r - 0.5 * delta), 0.0)
    return np.mean(inside + outside, axis=-1)


def huber_unaligned(y_true, y_pred, delta):
    # Right for equal shapes; for (n,) with (n, 1) NumPy broadcasts to an (n, n) table.
    size = np.abs(y_pred - y_true)
    return np.mean(np.where(size <= delta, 0.5 * size**2, delta * (size - 0.5 * delta)), axis=-1)


def correct_log_cosh(y_true, y_pred):
    y_true, y_pred = lossfns.match_shapes(y_true, y_pred)  # (n,) with (n, 1): n samples
    error = y_pred - y_true
    return np.mean(np.abs(error) + np.log1p(np.exp(-2 * np.abs(error))) - np.log(2), axis=-1)


def log_cosh_by_hand(y_true, y_pred):
    if np.ndim(y_true) == np.ndim(y_pred) - 1:
        y_true = y_true[..., np.newaxis]
    elif np.ndim(y_pred) == np.ndim(y_true) - 1:
        y_pred = y_pred[..., np.newaxis]
    return np.mean(np.logaddexp(y_pred - y_true, y_true - y_pred) - np.log(2), axis=-1)


def old_chapter_6_log_cosh(y_true, y_pred):
    y_pred = np.asarray(y_pred, dtype=np.float64)
    y_true = np.reshape(y_true, y_pred.shape)    # (n,) with (n, 1): n examples
    size = np.abs(y_pred - y_true)
    return np.mean(size + np.log1p(np.exp(-2 * size)) - np.log(2), axis=-1)


def naive_log_cosh(y_true, y_pred):
    # Right for moderate errors; cosh overflows to inf beyond about 710.
    y_true, y_pred = lossfns.match_shapes(y_true, y_pred)
    return np.mean(np.log(np.cosh(y_pred - y_true)), axis=-1)


def correct_pinball(y_true, y_pred, tau):
    y_true, y_pred = lossfns.match_shapes(y_true, y_pred)
    error = y_true - y_pred
    return np.mean(np.maximum(tau * error, (tau - 1) * error), axis=-1)


def pinball_by_hand(y_true, y_pred, tau):
    if np.ndim(y_true) == np.ndim(y_pred) - 1:
        y_true = y_true[..., np.newaxis]
    elif np.ndim(y_pred) == np.ndim(y_true) - 1:
        y_pred = y_pred[..., np.newaxis]
    error = y_true - y_pred
    return np.mean(np.where(error >= 0, tau * error, (tau - 1) * error), axis=-1)


def old_chapter_6_pinball(y_true, y_pred, tau):
    y_pred = np.asarray(y_pred, dtype=np.float64)
    error = np.reshape(y_true, y_pred.shape) - y_pred    # target - prediction
    return np.mean(np.maximum(tau * error, (tau - 1) * error), axis=-1)


def pinball_with_the_sides_swapped(y_true, y_pred, tau):
    # The error taken as prediction minus target: the loss of 1 - tau, right only for tau = 1/2.
    y_true, y_pred = lossfns.match_shapes(y_true, y_pred)
    return correct_pinball(y_pred, y_true, tau)


def gradient_dividing_by_the_size(y_true, y_pred):
    aligned_true, aligned_pred = lossfns.match_shapes(y_true, y_pred)
    error = aligned_pred - aligned_true
    return np.reshape(error / np.abs(error) / error.shape[-1], np.shape(y_pred))


def gradient_giving_the_corner_a_side(y_true, y_pred):
    aligned_true, aligned_pred = lossfns.match_shapes(y_true, y_pred)
    gradient = np.where(aligned_pred - aligned_true >= 0, 1.0, -1.0) / aligned_pred.shape[-1]
    return np.reshape(gradient, np.shape(y_pred))


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


CORRECT = [
    (selfcheck.check_mean_absolute_error, correct_mae),
    (selfcheck.check_mean_absolute_error, lambda t, p: np.mean(np.abs(np.subtract(
        *lossfns.match_shapes(t, p))), axis=-1)),
    (selfcheck.check_mean_absolute_error_gradient, correct_mae_gradient),
    (selfcheck.check_mean_absolute_error_gradient, mae_gradient_by_hand),
    (check_huber, correct_huber),
    (check_huber, huber_by_hand),
    (check_log_cosh, correct_log_cosh),
    (check_log_cosh, log_cosh_by_hand),
    (check_pinball_loss, correct_pinball),
    (check_pinball_loss, pinball_by_hand),
    (selfcheck.check_categorical_crossentropy, correct_cce),
    (selfcheck.check_log_softmax, correct_log_softmax),
]

WRONG = [
    (selfcheck.check_mean_absolute_error, lambda t, p: np.sum(np.abs(t - p), axis=-1),
     "sum where a mean belongs"),
    (selfcheck.check_mean_absolute_error, lambda t, p: np.mean(np.abs(t - p)), "shape ()"),
    (selfcheck.check_mean_absolute_error_gradient,
     lambda t, p: -correct_mae_gradient(t, p), "wrong sign"),
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
    (selfcheck.check_mean_absolute_error, lambda t, p: 1 / 0, "raised ZeroDivisionError"),
    (selfcheck.check_mean_absolute_error, naive_mae, "(n, n) table"),
    (selfcheck.check_mean_absolute_error_gradient, gradient_dividing_by_the_size,
     "error is exactly zero"),
    (selfcheck.check_mean_absolute_error_gradient, gradient_giving_the_corner_a_side,
     "error is exactly zero"),
    (check_log_cosh, naive_log_cosh, "factor e^|x| out of the cosh"),
    (check_log_cosh, lambda t, p: np.sum(correct_log_cosh(t, p)), "shape ()"),
    (check_log_cosh, lambda t, p: np.mean(np.logaddexp(p - t, t - p) - np.log(2), axis=-1),
     "(n, n) table"),
    (check_log_cosh, lambda t, p: np.sum(log_cosh_by_hand(t, p), axis=-1), "one loss per sample"),
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
     "flat targets against a column of predictions"),
    (selfcheck.check_mean_absolute_error_gradient, gradient_dividing_by_the_size,
     "some predictions exactly equal to their targets"),
    (selfcheck.check_mean_absolute_error_gradient, gradient_giving_the_corner_a_side,
     "some predictions exactly equal to their targets"),
    (selfcheck.check_categorical_crossentropy, naive_cce,
     "a probability of exactly 0 on a wrong class"),
    (selfcheck.check_categorical_crossentropy, true_class_only_cce,
     "a probability of exactly 0 on the true class"),
    (selfcheck.check_categorical_crossentropy, zeros_only_cce,
     "a true-class probability far below the clip bound"),
    (selfcheck.check_log_softmax, naive_log_softmax, "logits of magnitude 1000"),
    (check_huber, huber_with_two_strict_tests, "every error exactly +-delta"),
    (check_huber, huber_unaligned, "flat targets against a column of predictions"),
    (check_log_cosh, naive_log_cosh, "errors of several hundred to thousands"),
    (check_pinball_loss, pinball_with_the_sides_swapped,
     "tau near 1, a mix of over- and under-predictions"),
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
    (selfcheck.check_mean_absolute_error_gradient, lambda t, p: -correct_mae_gradient(t, p),
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


# Issue 17: the solutions the chapters printed before were wrong for some shapes; each check must
# now fail them with a hint that names the shapes.

OLD_SOLUTIONS = [
    # (check, old solution, the failing case, what its hint must say)
    (selfcheck.check_mean_absolute_error, old_chapter_2_mae,
     "a column of targets against flat predictions",
     "for y_true of shape (5, 1) and y_pred of shape (5,), Keras reads them as one sample per "
     "row"),
    (selfcheck.check_mean_absolute_error_gradient, old_chapter_2_mae_gradient,
     "a column of targets against flat predictions",
     "for y_true of shape (5, 1) and y_pred of shape (5,), your result has shape (5, 5) where "
     "Keras's has shape (5,)"),
    (check_huber, old_chapter_3_huber, "a column of targets against flat predictions",
     "for y_true of shape (5, 1) and y_pred of shape (5,), your result has shape () where "
     "Keras's has shape (5,)"),
    (check_log_cosh, old_chapter_6_log_cosh, "a column of targets against flat predictions",
     "for y_true of shape (5, 1) and y_pred of shape (5,), your result has shape () where "
     "Keras's has shape (5,)"),
    (check_pinball_loss, old_chapter_6_pinball, "a column of targets against flat predictions",
     "for y_true of shape (5, 1) and y_pred of shape (5,), your result has shape () where "
     "Keras's has shape (5,)"),
]
REFUSAL = ("for y_true of shape (2, 3) and y_pred of shape (3, 2), Keras raises an error, "
           "because the shapes differ even after it lines up the ranks, and your function must "
           "raise too, but it returned a result: do not reshape or broadcast")


@pytest.mark.parametrize("check, old, case, hint", OLD_SOLUTIONS,
                         ids=lambda x: getattr(x, "__name__", None))
def test_the_old_chapter_solutions_fail_with_a_hint_naming_the_shapes(check, old, case, hint):
    message = failure_message(check, old)
    assert f"case '{case}': {hint}" in message, message
    if old is not old_chapter_2_mae and old is not old_chapter_2_mae_gradient:  # they broadcast
        assert f"case 'shapes that Keras cannot pair': {REFUSAL}" in message, message
    assert "(n, n) table" in message
    assert not re.search(r"\d\.\d", message), message


def test_the_old_huber_really_differs_from_keras():
    """The issue's example: for y_true (3, 1) and y_pred (3,) the old solution returns one number
    where Keras returns three losses; for (2, 3) against (3, 2) it returns where Keras raises."""
    import keras

    y_true, y_pred = np.array([[0.0], [1.0], [2.0]]), np.array([0.5, 3.0, 2.0])
    keras_losses = keras.ops.convert_to_numpy(keras.losses.Huber(reduction="none")(y_true,
                                                                                  y_pred))
    np.testing.assert_allclose(keras_losses, [0.125, 1.5, 0.0])
    np.testing.assert_allclose(lossfns.huber(y_true, y_pred), keras_losses, rtol=1e-6)
    np.testing.assert_allclose(correct_huber(y_true, y_pred, 1.0), keras_losses, rtol=1e-6)
    assert np.shape(old_chapter_3_huber(y_true, y_pred)) == ()
    with pytest.raises(Exception, match="(?i)incompatible shapes|broadcast"):
        keras.losses.Huber()(np.zeros((2, 3)), np.zeros((3, 2)))
    assert np.shape(old_chapter_3_huber(np.zeros((2, 3)), np.zeros((3, 2)))) == (3,)


def test_a_function_that_returns_for_shapes_keras_cannot_pair_fails_only_that_case():
    def reshaping(y_true, y_pred, delta):
        if np.shape(y_true) != np.shape(y_pred) and np.size(y_true) == np.size(y_pred) > 5:
            y_true = np.reshape(y_true, np.shape(y_pred))
        return correct_huber(y_true, y_pred, delta)

    message = failure_message(check_huber, reshaping)
    assert message == f"huber: case 'shapes that Keras cannot pair': {REFUSAL} one array into " \
                      "the other's shape."


def test_a_stub_is_not_told_to_raise():
    """A stub raises everywhere, so it passes the refusal case but fails every other one."""
    def stub(y_true, y_pred):
        raise NotImplementedError

    message = failure_message(selfcheck.check_mean_absolute_error, stub)
    assert message.startswith("mean_absolute_error: 5 of 6 cases failed")
    assert "Keras raises" not in message


SHAPE_SAFE = [
    (selfcheck.check_mean_absolute_error, correct_mae),
    (selfcheck.check_mean_absolute_error_gradient, correct_mae_gradient),
    (selfcheck.check_mean_absolute_error_gradient, mae_gradient_by_hand),
    (check_huber, correct_huber), (check_huber, huber_by_hand),
    (check_log_cosh, correct_log_cosh), (check_log_cosh, log_cosh_by_hand),
    (check_pinball_loss, correct_pinball), (check_pinball_loss, pinball_by_hand),
]


@pytest.mark.parametrize("check, solution", SHAPE_SAFE, ids=lambda x: getattr(x, "__name__", ""))
def test_the_shape_safe_solutions_accept_float32(check, solution, capsys):
    def in_float32(*args):
        return solution(*[a.astype(np.float32) if isinstance(a, np.ndarray) else a
                          for a in args])

    check(in_float32)
    assert "passed all" in capsys.readouterr().out


@pytest.mark.parametrize("check, solution", SHAPE_SAFE, ids=lambda x: getattr(x, "__name__", ""))
def test_every_shape_check_has_the_three_shape_cases(check, solution):
    labels = []

    def spy(*args):
        labels.append(tuple(np.shape(a) for a in args[:2]))  # y_true, y_pred come first
        return solution(*args)

    check(spy)
    assert {((5,), (5, 1)), ((5, 1), (5,)), ((2, 3), (3, 2))} <= set(labels)
