r"""The self-check of chapter 6's exercise: the negative log-likelihood of a Student-t.

It works like the checks in :mod:`lossfns.selfcheck`: unseen cases, a hint for
each kind of mistake, never the expected numbers. The cases are the edges the
chapter teaches: a scale other than 1 (the error is standardised AND the density
divided by the scale), many degrees of freedom (close to a Gaussian, where
:math:`\Gamma(\nu/2)` overflows), errors so large that
:math:`(1 + r^2/\nu)^{(\nu+1)/2}` overflows, and the shape cases of
:func:`lossfns.check_mean_absolute_error`: targets of shape ``(n,)`` against
predictions of shape ``(n, 1)`` and the reverse (n samples, as in Keras), and
``(2, 3)`` against ``(3, 2)``, which must raise.
"""

import numpy as np

from ._selfcheck_runner import Case, run_check
from .likelihood import student_t_nll
from .selfcheck import _regression_cases, _shape_cases

_SCALE = ("with a scale other than 1, divide the error by the scale before it enters the formula, "
          "and remember that the density is divided by the scale too: log(scale) belongs in "
          "each loss.")

_MANY_DOF = ("with this many degrees of freedom Gamma(dof / 2) is far too large for float64 "
             "(Gamma overflows once its argument passes about 171), so a ratio of Gammas is inf "
             "over inf. Work with log-Gamma (math.lgamma or scipy.special.gammaln) and subtract.")

_HUGE = ("for errors this large, (1 + r^2 / dof) raised to the power (dof + 1) / 2 overflows to "
         "inf (and the density underflows to 0), so its log is inf. Take the log before the "
         "power: (dof + 1) / 2 * log1p(r^2 / dof).")


def _student_t_cases():
    """``Case``s with args ``(dof, scale, y_true, y_pred)``: ``y_pred`` comes last."""
    (_, ordinary), (_, _), (_, wide) = _regression_cases()
    rng = np.random.default_rng(20260701)
    y_true = rng.normal(0.0, 3.0, size=(4, 3))
    sign = rng.choice([-1.0, 1.0], size=(4, 3))
    huge = y_true + sign * 10.0 ** rng.uniform(10.0, 14.0, size=(4, 3))
    return [
        Case("dof 4, scale 1", (4.0, 1.0, *ordinary)),
        Case("dof 1 (the Cauchy distribution)", (1.0, 1.0, *wide)),
        Case("a scale above 1", (5.0, 2.5, *ordinary), _SCALE, control=(5.0, 1.0, *ordinary)),
        Case("a scale below 1", (3.0, 0.4, *wide), _SCALE, control=(3.0, 1.0, *wide)),
        Case("a million degrees of freedom (nearly Gaussian)", (1e6, 1.0, *ordinary), _MANY_DOF,
             control=(5.0, 1.0, *ordinary)),
        Case("errors of 1e10 to 1e14", (30.0, 1.0, y_true, huge), _HUGE,
             control=(30.0, 1.0, y_true, y_true + (huge - y_true) / 1e10)),
        *_shape_cases(3.0, 2.0),
    ]


def check_student_t_nll(student_fn):
    r"""Check ``student_fn(y_true, y_pred, dof, scale)``: the Student-t NLL per sample.

    The mean over the last axis of :math:`-\log` of the Student-t density with
    ``dof`` degrees of freedom, location ``y_pred`` and scale ``scale`` at ``y_true``
    (``-scipy.stats.t.logpdf(y_true, dof, loc=y_pred, scale=scale)``), finite for
    huge errors and for many degrees of freedom; ``(n,)`` against ``(n, 1)`` and
    ``(n, 1)`` against ``(n,)`` are n samples, and ``(2, 3)`` against ``(3, 2)`` must
    raise, as in Keras.
    """
    run_check("student_t_nll", lambda dof, scale, t, p: student_fn(t, p, dof, scale),
              lambda dof, scale, t, p: student_t_nll(t, p, dof, scale), _student_t_cases())
