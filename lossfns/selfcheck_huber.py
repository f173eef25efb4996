"""The self-check of chapter 3's Huber exercise (kept apart to keep ``selfcheck.py`` small).

It works like the checks in :mod:`lossfns.selfcheck`: unseen cases, a hint
for each kind of mistake, never the expected numbers. The cases are the edge
cases the chapter teaches: errors inside the band, outside it, exactly at
``+-delta``, a ``delta`` other than 1, and targets of shape ``(n,)`` against
predictions of shape ``(n, 1)``.
"""

import numpy as np

from .robust import huber
from .selfcheck import _regression_cases, _run_check

_BRANCH = "; check that branch's formula, constant factors included, and use the delta passed in."
_BROADCAST = ("NumPy broadcasts shapes (n,) and (n, 1) into an (n, n) table pairing every target "
              "with every prediction; Keras reads them as n samples: line them up first.")


def _huber_cases():
    """``(label, (delta, y_true, y_pred), hint)``: delta first, so that ``y_pred`` comes last."""
    rng = np.random.default_rng(20260615)
    y_true = rng.integers(-8, 8, size=(4, 3)) / 4  # quarters, so y_true +- delta is exact
    sign = rng.choice([-1.0, 1.0], size=(4, 3))
    inside = y_true + sign * rng.uniform(0.1, 1.9, size=(4, 3))
    outside = y_true + sign * rng.uniform(0.75, 3.0, size=(4, 3))
    mixed_true, mixed_pred = _regression_cases()[0][1]
    column_true, column_pred = _regression_cases()[1][1]  # shape (5, 1)
    return [
        ("every error inside the band |error| <= delta", (2.0, y_true, inside),
         "every error here is inside the band" + _BRANCH),
        ("every error outside the band", (0.5, y_true, outside),
         "every error here is outside the band" + _BRANCH),
        ("every error exactly +-delta", (0.75, y_true, y_true + 0.75 * sign),
         ("at |error| = delta exactly both branches give the same value, so that point must "
          "get one of them: use <= (or <) for one branch and the opposite test for the other.")),
        ("a mix of small and large errors", (1.0, mixed_true, mixed_pred)),
        ("y_true of shape (5,) and y_pred of shape (5, 1)",
         (1.5, column_true[:, 0], column_pred), _BROADCAST),
    ]


def check_huber(student_fn):
    r"""Check ``student_fn(y_true, y_pred, delta)``: the Huber loss per sample, as Keras's.

    The mean over the last axis of :math:`\frac12 r^2` where :math:`|r| \le \delta`
    and :math:`\delta(|r| - \frac12\delta)` elsewhere, with :math:`r = \hat y - y`;
    ``y_true`` of shape ``(n,)`` against ``y_pred`` of shape ``(n, 1)`` is n samples.
    """
    _run_check("huber", lambda delta, t, p: student_fn(t, p, delta),
               lambda delta, t, p: huber(t, p, delta), _huber_cases())
