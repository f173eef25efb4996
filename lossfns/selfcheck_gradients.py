r"""The self-checks of two gradients written by hand: the linear model's (chapter 1) and the
temperature's (chapter 4).

They work like the checks in :mod:`lossfns.selfcheck`: unseen cases from a
private generator, a hint for each kind of mistake (sign, sum instead of mean,
a missing factor, overflow, the shape), never a formula or an expected number.
"""

import numpy as np

from ._selfcheck_runner import Case, run_check
from .classification import temperature_gradient


def _linear_model_cases():
    """``(X, y, w)`` with ``X`` of shape (N, d), N never equal to d, and one float32 case."""
    rng = np.random.default_rng(20260616)
    cases = []
    for size, weights, dtype in [(8, 3, np.float64), (12, 1, np.float64), (3, 5, np.float64),
                                 (7, 2, np.float32)]:
        X = rng.normal(0.0, 1.5, size=(size, weights))
        y = X @ rng.normal(0.0, 2.0, size=weights) + rng.normal(0.0, 0.5, size=size)
        w = rng.normal(0.0, 2.0, size=weights)  # far from the fit, so the gradient is not small
        kind = "" if dtype == np.float64 else ", all float32"
        cases.append(Case(f"N = {size} examples, d = {weights} weight(s){kind}",
                          tuple(a.astype(dtype) for a in (X, y, w))))
    return cases


def _linear_model_reference(X, y, w):
    X, y, w = (np.asarray(a, dtype=np.float64) for a in (X, y, w))
    return 2.0 / len(y) * X.T @ (X @ w - y)


def _one_entry_per_weight(got, expected, args):
    return (f"your result has shape {got.shape}, but the gradient has one entry per weight: "
            f"shape {expected.shape}, the shape of w.")


def _divided_by_the_weights(got, expected, args):
    size, weights = np.shape(args[0])
    if weights > 1 and np.allclose(got, expected * size / weights, rtol=1e-5, atol=1e-8):
        return ("your result is averaged over the weights: J averages over the N examples "
                "(the rows of X), not over the d weights.")
    return None


def check_linear_model_gradient(student_fn):
    r"""Check ``student_fn(X, y, w)``: the gradient of the mean squared error of a linear model.

    With ``X`` of shape ``(N, d)``, ``y`` of shape ``(N,)`` and ``w`` of shape ``(d,)``,

    .. math:: J(w) = \frac1N \sum_i (x_i^\top w - y_i)^2, \qquad
              \nabla J(w) = \frac2N X^\top (X w - y),

    of shape ``(d,)``. The cases include ``d = 1``, fewer examples than weights
    and float32 inputs.
    """
    run_check("linear_model_gradient", student_fn, _linear_model_reference,
              _linear_model_cases(), width=lambda args: np.shape(args[0])[0],
              shape_hint=_one_entry_per_weight, diagnoses=(_divided_by_the_weights,))


_OVERFLOW = ("logits this large overflow the exponential, and one maximum for the whole batch "
             "is not enough either: the row of very negative logits then underflows to 0 and "
             "0/0 follows. Subtract each row's own maximum before exponentiating "
             "(log-sum-exp).")


def _temperature_cases():
    """``(logits, labels, T)``: T = 1, below and above 1, K = 2 and 10, and huge logits."""
    rng = np.random.default_rng(20260617)
    cases = []
    for size, classes, temperature, label in [
            (6, 4, 1.0, "T = 1"), (5, 3, 0.4, "T below 1"), (7, 10, 2.5, "T above 1, K = 10"),
            (9, 2, 1.7, "T above 1, K = 2")]:
        logits = rng.normal(0.0, 3.0, size=(size, classes))
        labels = rng.integers(0, classes, size=size)
        cases.append(Case(f"{label}: {size} examples, {classes} classes",
                          (logits, labels, temperature)))
    huge = np.array([[1000.0, 998.0, 1003.0], [997.0, 1001.0, 1000.0],
                     [-1000.0, -1004.0, -999.0], [1002.0, 996.0, 999.0]])
    labels = np.array([0, 1, 2, 0])
    cases.append(Case("logits near +1000 and near -1000 in one batch", (huge, labels, 1.0),
                      _OVERFLOW, control=(huge / 200, labels, 1.0)))
    return cases


def _one_number(got, expected, args):
    return (f"your result has shape {got.shape}, but dJ/dT is one number for the whole batch "
            "(J is the mean over the examples).")


def _temperature_factor(got, expected, args):
    temperature = args[2]
    for factor in (temperature**2, temperature, 1 / temperature, 1 / temperature**2):
        if not np.isclose(factor, 1.0) and np.allclose(got, expected * factor, rtol=1e-5,
                                                       atol=1e-8):
            return ("your result is off by a power of T (it would be right only at T = 1): "
                    "count the factors of T that the chain rule brings in when the logits "
                    "divided by T are differentiated with respect to T.")
    return None


def check_temperature_gradient(student_fn):
    r"""Check ``student_fn(logits, labels, temperature)``: :math:`dJ/dT` of the temperature-scaled
    cross-entropy, a float.

    .. math:: J(T) = \frac1N \sum_i -\log\operatorname{softmax}(z_i / T)_{c_i}, \qquad
              \frac{dJ}{dT} = \frac{1}{N T^2} \sum_i \big(z_{i,c_i} - q_i^\top z_i\big),

    with :math:`q_i = \operatorname{softmax}(z_i / T)`, ``logits`` of shape ``(N, K)`` and
    integer ``labels`` of shape ``(N,)`` (see :func:`lossfns.temperature_gradient`). The
    cases have T = 1, T < 1, T > 1, K = 2 and 10, and logits near +1000 and -1000 in one
    batch, where it must stay finite.
    """
    run_check("temperature_gradient", student_fn, temperature_gradient, _temperature_cases(),
              width=lambda args: np.shape(args[0])[0], shape_hint=_one_number,
              diagnoses=(_temperature_factor,))
