"""lossfns.selfcheck: right answers pass, typical mistakes fail with the right hint,
and no message ever shows a reference value."""

import re

import numpy as np
import pytest

import lossfns
from lossfns import selfcheck


def correct_mae(y_true, y_pred):
    return np.mean(np.abs(y_true - y_pred), axis=-1)


def correct_mse(y_true, y_pred):
    return np.mean((y_true - y_pred) ** 2, axis=-1)


def correct_cce(y_true, y_pred):
    return -np.sum(y_true * np.log(y_pred), axis=-1)


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
    (selfcheck.check_mean_squared_error, correct_mse),
    (selfcheck.check_mean_squared_error_gradient, lambda t, p: 2 * (p - t) / t.shape[-1]),
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
    (selfcheck.check_mean_squared_error, lambda t, p: np.mean(np.abs(t - p), axis=-1),
     "values are not"),
    (selfcheck.check_mean_squared_error_gradient, lambda t, p: 2 * (p - t), "too large"),
    (selfcheck.check_mean_squared_error_gradient, lambda t, p: (p - t) ** 2, "values are not"),
    (selfcheck.check_categorical_crossentropy, lambda t, p: np.sum(t * np.log(p), axis=-1),
     "wrong sign"),
    (selfcheck.check_categorical_crossentropy, lambda t, p: -np.mean(t * np.log(p), axis=-1),
     "too small"),
    (selfcheck.check_log_softmax, naive_log_softmax, "inf or nan"),
    (selfcheck.check_softmax_crossentropy_gradient,
     lambda t, z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True) - t, "inf or nan"),
    (selfcheck.check_softmax_crossentropy_gradient,
     lambda t, z: t - correct_softmax_gradient(t, z) - t, "wrong sign"),
    (selfcheck.check_mean_absolute_error, lambda t, p: 1 / 0, "raised ZeroDivisionError"),
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


def test_a_stub_fails_clearly():
    def stub(y_true, y_pred):
        raise NotImplementedError("write your implementation here")

    with pytest.raises(selfcheck.SelfCheckFailed, match="raised NotImplementedError"):
        selfcheck.check_mean_squared_error(stub)


def test_the_student_cannot_corrupt_the_cases():
    def mutating(y_true, y_pred):
        y_pred[...] = y_true
        return correct_mse(y_true, y_pred)

    with pytest.raises(selfcheck.SelfCheckFailed):
        selfcheck.check_mean_squared_error(mutating)
    selfcheck.check_mean_squared_error(correct_mse)


def test_checks_are_exported():
    assert lossfns.check_log_softmax is selfcheck.check_log_softmax
