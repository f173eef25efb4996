r"""Regression losses, each followed by its gradient: MAE, MSE, RMSE, Huber, log-cosh, pinball.

Every loss mirrors the Keras 3 function of the same name (Keras ships no RMSE and
no pinball loss: see their docstrings): argument order ``(y_true, y_pred)``, ONE
LOSS PER SAMPLE, the mean over the last axis (size ``d``) of an elementwise loss
of the error, computed in float64. As in Keras, ``y_true`` of shape ``(n,)``
against ``y_pred`` of shape ``(n, 1)`` (and the reverse) is ``n`` samples, never
an ``(n, n)`` broadcast; any other shape mismatch raises ``ValueError``, as does
any invalid input, naming the argument.

Each ``*_gradient`` returns the derivative of the SUM of the per-sample losses
with respect to ``y_pred``, shaped like ``y_pred``. Samples are independent, so
entry ``(i, j)`` is :math:`\partial L_i / \partial \hat y_{ij}`: exactly what
``tf.GradientTape`` gives for ``tf.reduce_sum(keras.losses.<name>(y_true, y_pred))``.

Chapters: the MAE (chapter 2), the MSE, RMSE and Huber (chapter 3), log-cosh
(chapter 7, "Choosing and weighting a loss") and the pinball loss (chapter 8, "Reductions, masks
and writing your own loss", as a function and as a ``keras.losses.Loss`` subclass).
"""

import math

import numpy as np

from ._validation import check_elementwise_inputs, check_number


def _aligned_error(y_true, y_pred):
    """Return ``y_pred - y_true`` after Keras's rank alignment."""
    aligned_true, aligned_pred = check_elementwise_inputs(y_true, y_pred)
    return aligned_pred - aligned_true


# --- mean absolute error, mean squared error, root mean squared error ----------------------------

def mean_absolute_error(y_true, y_pred):
    r"""Mean absolute error per sample: :math:`L = \frac1d \sum_j |y_j - \hat y_j|`.

    The mean runs over the last axis (size ``d``). As in Keras, ``y_true`` of
    shape ``(n,)`` and ``y_pred`` of shape ``(n, 1)`` are aligned to ``n``
    samples; any other shape mismatch raises ``ValueError``.

    Returns
    -------
    numpy.ndarray
        float64, shape ``y_pred.shape[:-1]`` (after the rank alignment).
    """
    y_true, y_pred = check_elementwise_inputs(y_true, y_pred)
    return np.asarray(np.mean(np.abs(y_true - y_pred), axis=-1))


def mean_absolute_error_gradient(y_true, y_pred):
    r"""Gradient of the mean absolute error: :math:`\operatorname{sign}(\hat y_j - y_j)/d`.

    ``d`` is the size of the last axis. At zero error the kink has no
    derivative; like TensorFlow's gradient of ``abs`` at 0 we return 0.
    """
    error = _aligned_error(y_true, y_pred)
    return (np.sign(error) / error.shape[-1]).reshape(np.shape(y_pred))


def mean_squared_error(y_true, y_pred):
    r"""Mean squared error per sample: :math:`L = \frac1d \sum_j (y_j - \hat y_j)^2`.

    Mean over the last axis (size ``d``); shapes as in :func:`mean_absolute_error`.
    """
    y_true, y_pred = check_elementwise_inputs(y_true, y_pred)
    return np.asarray(np.mean(np.square(y_true - y_pred), axis=-1))


def mean_squared_error_gradient(y_true, y_pred):
    r"""Gradient of the mean squared error: :math:`2(\hat y_j - y_j)/d`, ``d`` = last axis size."""
    error = _aligned_error(y_true, y_pred)
    return (2.0 * error / error.shape[-1]).reshape(np.shape(y_pred))


def root_mean_squared_error(y_true, y_pred):
    r"""Root mean squared error per sample: :math:`L = \sqrt{\frac1d \sum_j (y_j - \hat y_j)^2}`.

    Keras has no RMSE loss function; this is ``sqrt(mean_squared_error)`` for
    each sample. (The metric ``keras.metrics.RootMeanSquaredError`` instead
    takes the root of the mean over the whole batch.)
    """
    return np.asarray(np.sqrt(mean_squared_error(y_true, y_pred)))


def root_mean_squared_error_gradient(y_true, y_pred):
    r"""Gradient of the per-sample RMSE: :math:`(\hat y_j - y_j) / (d \cdot \mathrm{RMSE})`.

    Where a sample's RMSE is 0 (a perfect prediction) the loss has a kink,
    like ``|x|`` at 0. Autodiff returns NaN there (0/0); we return 0, which is
    a valid subgradient (the loss is a scaled norm of the error).
    """
    error = _aligned_error(y_true, y_pred)
    d = error.shape[-1]
    rmse = np.sqrt(np.mean(np.square(error), axis=-1, keepdims=True))
    gradient = np.divide(error, d * rmse, out=np.zeros_like(error), where=rmse > 0)
    return gradient.reshape(np.shape(y_pred))


# --- Huber (robust regression) -------------------------------------------------------------------

def check_delta(delta):
    """Return ``delta`` as a float; it must be a real number, finite and ``> 0``."""
    return check_number(delta, "delta", "a positive, finite number",
                        lambda value: math.isfinite(value) and value > 0)


def huber(y_true, y_pred, delta=1.0):
    r"""Huber loss per sample, as ``keras.losses.huber``: :math:`\frac1d \sum_j h_\delta(r_j)`.

    With the error :math:`r = \hat y - y` and the threshold :math:`\delta > 0`,

    .. math:: h_\delta(r) = \begin{cases} \tfrac12 r^2 & |r| \le \delta \\
              \delta\,(|r| - \tfrac12 \delta) & |r| > \delta; \end{cases}

    the two branches meet, with equal slopes, at :math:`|r| = \delta`. Note the
    :math:`\tfrac12`: inside the band Keras's Huber is HALF the squared error, so
    its slope there is :math:`r`, not the :math:`2r` of the MSE.

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


# --- log-cosh ------------------------------------------------------------------------------------

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


# --- pinball (quantile) loss ---------------------------------------------------------------------

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
