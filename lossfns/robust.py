r"""Robust regression losses: the Huber loss and its gradient, as ``keras.losses.huber``.

With the error :math:`r = \hat y - y` and the threshold :math:`\delta > 0`,

.. math:: h_\delta(r) = \begin{cases} \tfrac12 r^2 & |r| \le \delta \\
          \delta\,(|r| - \tfrac12 \delta) & |r| > \delta \end{cases}

and the loss of a sample is the mean over the last axis (size ``d``):
:math:`L = \frac1d \sum_j h_\delta(r_j)`. Note the :math:`\tfrac12`: inside the
band Keras's Huber is HALF the squared error, so its slope there is :math:`r`,
not the :math:`2r` of the MSE. Shapes follow :func:`lossfns.mean_squared_error`
(``y_true`` of shape ``(n,)`` against ``y_pred`` of shape ``(n, 1)`` is ``n``
samples); invalid input raises ``ValueError`` naming the argument.
"""

import math

import numpy as np

from ._validation import check_elementwise_inputs, check_number


def check_delta(delta):
    """Return ``delta`` as a float; it must be a real number, finite and ``> 0``."""
    return check_number(delta, "delta", "a positive, finite number",
                        lambda value: math.isfinite(value) and value > 0)


def huber(y_true, y_pred, delta=1.0):
    r"""Huber loss per sample: :math:`\frac1d \sum_j h_\delta(\hat y_j - y_j)`.

    :math:`h_\delta(r) = \frac12 r^2` for :math:`|r| \le \delta`, else
    :math:`\delta(|r| - \frac12\delta)`; the two branches meet, with equal
    slopes, at :math:`|r| = \delta`.

    Returns
    -------
    numpy.ndarray
        float64, shape ``y_pred.shape[:-1]`` (after the rank alignment).
    """
    delta = check_delta(delta)
    y_true, y_pred = check_elementwise_inputs(y_true, y_pred)
    size = np.abs(y_pred - y_true)
    elementwise = np.where(size <= delta, 0.5 * size**2, delta * (size - 0.5 * delta))
    return np.asarray(np.mean(elementwise, axis=-1))


def huber_gradient(y_true, y_pred, delta=1.0):
    r"""Gradient of the summed per-sample Huber losses with respect to ``y_pred``.

    .. math:: \frac{\partial L}{\partial \hat y_j}
              = \frac{\operatorname{clip}(\hat y_j - y_j, -\delta, \delta)}{d}

    the error itself (the slope of :math:`\frac12 r^2`) inside the band, and
    :math:`\pm\delta` outside it; ``d`` is the size of the last axis. Same
    shape as ``y_pred``.
    """
    delta = check_delta(delta)
    aligned_true, aligned_pred = check_elementwise_inputs(y_true, y_pred)
    error = aligned_pred - aligned_true
    gradient = np.clip(error, -delta, delta) / error.shape[-1]
    return gradient.reshape(np.shape(y_pred))
