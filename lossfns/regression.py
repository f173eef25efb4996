r"""More regression losses: log-cosh (as ``keras.losses.log_cosh``) and the pinball loss.

Both are computed per sample, as the mean over the last axis (size ``d``) of an
elementwise loss of the error, with the shapes of :func:`lossfns.mean_squared_error`
(``y_true`` of shape ``(n,)`` against ``y_pred`` of shape ``(n, 1)`` is ``n``
samples). Each ``*_gradient`` returns the derivative of the SUM of the
per-sample losses with respect to ``y_pred``, shaped like ``y_pred``, as
:mod:`lossfns.gradients` does. Invalid input raises ``ValueError`` naming the
argument.

Keras ships log-cosh but no pinball (quantile) loss; the book writes that one
itself, as a ``keras.losses.Loss`` subclass, in chapter 6.
"""

import math

import numpy as np

from ._validation import check_elementwise_inputs, check_number


def _log_cosh_elementwise(error):
    # log cosh x = |x| + log(1 + e^{-2|x|}) - log 2: no exponential of a large positive number.
    size = np.abs(error)
    return size + np.log1p(np.exp(-2.0 * size)) - math.log(2.0)


def log_cosh(y_true, y_pred):
    r"""Log-cosh loss per sample: :math:`L = \frac1d \sum_j \log\cosh(\hat y_j - y_j)`.

    Computed without overflow as
    :math:`\log\cosh x = |x| + \log\big(1 + e^{-2|x|}\big) - \log 2`
    (``np.log(np.cosh(x))`` overflows to ``inf`` beyond :math:`|x| \approx 710`).
    For small errors :math:`\log\cosh x \approx x^2/2` (Huber's quadratic
    branch), for large ones :math:`\approx |x| - \log 2` (its linear branch
    with :math:`\delta = 1`).

    Returns
    -------
    numpy.ndarray
        float64, shape ``y_pred.shape[:-1]`` (after the rank alignment).
    """
    y_true, y_pred = check_elementwise_inputs(y_true, y_pred)
    return np.asarray(np.mean(_log_cosh_elementwise(y_pred - y_true), axis=-1))


def log_cosh_gradient(y_true, y_pred):
    r"""Gradient of the summed per-sample log-cosh losses: :math:`\tanh(\hat y_j - y_j)/d`.

    Bounded by :math:`1/d` in size, like the MAE's gradient, yet smooth at zero
    error, like the MSE's. Same shape as ``y_pred``.
    """
    aligned_true, aligned_pred = check_elementwise_inputs(y_true, y_pred)
    error = aligned_pred - aligned_true
    return (np.tanh(error) / error.shape[-1]).reshape(np.shape(y_pred))


def check_tau(tau):
    """Return ``tau`` as a float; it must be one real number strictly between 0 and 1."""
    return check_number(tau, "tau", "a number strictly between 0 and 1 (the quantile)",
                        lambda value: 0.0 < value < 1.0)


def pinball_loss(y_true, y_pred, tau=0.5):
    r"""Pinball (quantile) loss per sample, for the quantile level :math:`\tau \in (0, 1)`.

    With the error :math:`e = y - \hat y` (target minus prediction),

    .. math:: \rho_\tau(e) = \max\big(\tau e, (\tau - 1) e\big)
              = \begin{cases} \tau e & e \ge 0 \\ (\tau - 1) e & e < 0 \end{cases}

    and :math:`L = \frac1d \sum_j \rho_\tau(e_j)`. An under-prediction costs
    :math:`\tau` per unit, an over-prediction :math:`1 - \tau`, so the
    constant that minimises the mean loss over a sample of targets is their
    :math:`\tau`-quantile; :math:`\tau = 1/2` gives half the MAE (the median).
    """
    tau = check_tau(tau)
    y_true, y_pred = check_elementwise_inputs(y_true, y_pred)
    error = y_true - y_pred
    return np.asarray(np.mean(np.maximum(tau * error, (tau - 1.0) * error), axis=-1))


def pinball_loss_gradient(y_true, y_pred, tau=0.5):
    r"""Gradient of the summed per-sample pinball losses with respect to ``y_pred``.

    .. math:: \frac{\partial L}{\partial \hat y_j} = \frac1d \begin{cases}
              1 - \tau & \hat y_j > y_j \\ -\tau & \hat y_j \le y_j \end{cases}

    At zero error the loss has a kink (any slope in :math:`[-\tau, 1 - \tau]` is a
    subgradient); we return :math:`-\tau/d`, which is what ``tf.GradientTape``
    gives for ``maximum(tau * e, (tau - 1) * e)`` (``tf.maximum`` sends the
    gradient of a tie to its first argument). Same shape as ``y_pred``.
    """
    tau = check_tau(tau)
    aligned_true, aligned_pred = check_elementwise_inputs(y_true, y_pred)
    over = aligned_pred > aligned_true
    gradient = np.where(over, 1.0 - tau, -tau) / aligned_pred.shape[-1]
    return gradient.reshape(np.shape(y_pred))
