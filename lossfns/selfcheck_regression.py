"""The self-checks of the robust regression losses: Huber (chapter 3), log-cosh (chapter 7,
"Choosing and weighting a loss") and the pinball loss (chapter 8).

They work like the checks in :mod:`lossfns.selfcheck`: unseen cases, a hint for
each kind of mistake, never the expected numbers. The cases are the edge cases
the chapters teach: for Huber, errors inside the band, outside it, exactly at
``+-delta`` and a ``delta`` other than 1; errors so large that ``cosh``
overflows; a quantile level other than one half (where swapping the two sides of
the pinball loss shows); and, for all three, the shape cases of
:func:`lossfns.check_mean_absolute_error`: targets of shape ``(n,)`` against
predictions of shape ``(n, 1)`` and the reverse (n samples, as in Keras), and
``(2, 3)`` against ``(3, 2)``, which must raise.
"""

import numpy as np

from ._selfcheck_runner import Case, run_check
from .regression import huber, log_cosh, pinball_loss
from .selfcheck import _regression_cases, _shape_cases

_BRANCH = "; check that branch's formula, constant factors included, and use the delta passed in."


def _huber_cases():
    """``Case``s with args ``(delta, y_true, y_pred)``: delta first, so that ``y_pred`` comes
    last."""
    rng = np.random.default_rng(20260615)
    y_true = rng.integers(-8, 8, size=(4, 3)) / 4  # quarters, so y_true +- delta is exact
    sign = rng.choice([-1.0, 1.0], size=(4, 3))
    inside = y_true + sign * rng.uniform(0.1, 1.9, size=(4, 3))
    outside = y_true + sign * rng.uniform(0.75, 3.0, size=(4, 3))
    off_the_edge = y_true + sign * np.resize([0.5, 1.0], (4, 3))  # either side of delta = 0.75
    mixed_true, mixed_pred = _regression_cases()[0][1]
    return [
        Case("every error inside the band |error| <= delta", (2.0, y_true, inside),
             "every error here is inside the band" + _BRANCH),
        Case("every error outside the band", (0.5, y_true, outside),
             "every error here is outside the band" + _BRANCH),
        Case("every error exactly +-delta", (0.75, y_true, y_true + 0.75 * sign),
             ("at |error| = delta exactly both branches give the same value, so that point must "
              "get one of them: use <= (or <) for one branch and the opposite test for the other."),
             control=(0.75, y_true, off_the_edge)),
        Case("a mix of small and large errors", (1.0, mixed_true, mixed_pred)),
        *_shape_cases(1.5),
    ]


def check_huber(student_fn):
    r"""Check ``student_fn(y_true, y_pred, delta)``: the Huber loss per sample, as Keras's.

    The mean over the last axis of :math:`\frac12 r^2` where :math:`|r| \le \delta`
    and :math:`\delta(|r| - \frac12\delta)` elsewhere, with :math:`r = \hat y - y`;
    ``(n,)`` against ``(n, 1)`` and ``(n, 1)`` against ``(n,)`` are n samples, and
    ``(2, 3)`` against ``(3, 2)`` must raise, as in Keras.
    """
    run_check("huber", lambda delta, t, p: student_fn(t, p, delta),
              lambda delta, t, p: huber(t, p, delta), _huber_cases())


def _log_cosh_cases():
    rng = np.random.default_rng(20260621)
    y_true = rng.normal(0.0, 3.0, size=(4, 3))
    huge = y_true + rng.choice([-1.0, 1.0], size=(4, 3)) * rng.uniform(750.0, 5000.0, size=(4, 3))
    return _regression_cases() + [
        Case("errors of several hundred to thousands", (y_true, huge),
             ("cosh of an error beyond about 710 overflows to inf in float64, so log(cosh(x)) "
              "gives inf (and float32 overflows far sooner). Rewrite log(cosh(x)) so that it never "
              "takes the exponential of a large positive number: factor e^|x| out of the cosh."),
             control=(y_true, y_true + (huge - y_true) / 500)),  # the same errors, made small
        *_shape_cases(),
    ]


def check_log_cosh(student_fn):
    r"""Check ``student_fn(y_true, y_pred)``: the mean over the last axis of
    :math:`\log\cosh(\hat y - y)`, finite for errors of any size, as Keras's ``log_cosh``;
    shapes are lined up and refused as in :func:`lossfns.check_mean_absolute_error`."""
    run_check("log_cosh", student_fn, log_cosh, _log_cosh_cases())


_SIDES = ("with this tau, an under-prediction (y_pred below y_true) must cost tau per unit and "
          "an over-prediction 1 - tau: check the sign of the error and which side gets tau.")


def _pinball_cases():
    """``Case``s with args ``(tau, y_true, y_pred)``: tau first, so that ``y_pred`` comes last."""
    mixed_true, mixed_pred = _regression_cases()[0][1]
    half = (0.5, mixed_true, mixed_pred)  # tau = 1/2 hides which side gets tau
    return [
        Case("tau of one half", half),
        Case("tau near 1, a mix of over- and under-predictions", (0.9, mixed_true, mixed_pred),
             _SIDES, control=half),
        Case("tau near 0, a mix of over- and under-predictions", (0.2, mixed_true, mixed_pred),
             _SIDES, control=half),
        *_shape_cases(0.3),
    ]


def check_pinball_loss(student_fn):
    r"""Check ``student_fn(y_true, y_pred, tau)``: the pinball loss per sample.

    The mean over the last axis of :math:`\max(\tau e, (\tau - 1) e)` with the
    error :math:`e = y - \hat y`; ``(n,)`` against ``(n, 1)`` and ``(n, 1)`` against
    ``(n,)`` are n samples, and ``(2, 3)`` against ``(3, 2)`` must raise, as in Keras.
    """
    run_check("pinball_loss", lambda tau, t, p: student_fn(t, p, tau),
              lambda tau, t, p: pinball_loss(t, p, tau), _pinball_cases())
