"""Analytic gradients of the losses in :mod:`lossfns.losses`.

Each function returns an array of ``y_pred``'s original shape holding the
derivative of the SUM of the per-sample losses with respect to ``y_pred``.
Samples are independent, so entry ``(i, j)`` is
:math:`\\partial L_i / \\partial \\hat y_{ij}`: exactly what ``tf.GradientTape``
gives for ``tf.reduce_sum(keras.losses.<name>(y_true, y_pred))``.
Arguments and input checks are those of the matching loss.
"""

import numpy as np

from ._validation import (
    check_binary_inputs,
    check_categorical_inputs,
    check_elementwise_inputs,
    check_label_smoothing,
    check_sparse_inputs,
)
from .losses import EPSILON, softmax


def _aligned_error(y_true, y_pred):
    """Return ``y_pred - y_true`` after Keras's rank alignment."""
    aligned_true, aligned_pred = check_elementwise_inputs(y_true, y_pred)
    return aligned_pred - aligned_true


def _inside_clip_range(values):
    # tf.clip_by_value is minimum() then maximum(), whose gradients use <= and
    # >=, so values exactly on a bound still pass the gradient through.
    return (values >= EPSILON) & (values <= 1.0 - EPSILON)


def mean_absolute_error_gradient(y_true, y_pred):
    r"""Gradient of the mean absolute error: :math:`\operatorname{sign}(\hat y_j - y_j)/d`.

    ``d`` is the size of the last axis. At zero error the kink has no
    derivative; like TensorFlow's gradient of ``abs`` at 0 we return 0.
    """
    error = _aligned_error(y_true, y_pred)
    return (np.sign(error) / error.shape[-1]).reshape(np.shape(y_pred))


def mean_squared_error_gradient(y_true, y_pred):
    r"""Gradient of the mean squared error: :math:`2(\hat y_j - y_j)/d`, ``d`` = last axis size."""
    error = _aligned_error(y_true, y_pred)
    return (2.0 * error / error.shape[-1]).reshape(np.shape(y_pred))


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


def categorical_crossentropy_gradient(
    y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1
):
    r"""Gradient of :func:`lossfns.losses.categorical_crossentropy`.

    With smoothed targets :math:`t = y(1-s) + s/K`, from logits:

    .. math:: \frac{\partial L}{\partial z_j} = \operatorname{softmax}(z)_j \sum_k t_k - t_j

    (``softmax - one_hot`` when the targets sum to 1; bounded by 1 in size).
    TensorFlow's tape returns ``softmax - t`` even when they do not sum to 1,
    which is not the slope of the loss Keras returns; this formula is.
    From probabilities, following Keras through the renormalisation
    :math:`q = p/S`, :math:`S = \sum_k p_k`, and the clip (mask
    :math:`m_k = [\epsilon \le q_k \le 1-\epsilon]`):

    .. math:: w_k = -\frac{t_k m_k}{q_k}, \qquad
              \frac{\partial L}{\partial p_j} = \frac1S\Big(w_j - \sum_k w_k q_k\Big).

    For ``p`` summing to 1, no clipping and targets summing to 1 this is
    :math:`-t_j/p_j + 1`: the textbook :math:`-t_j/p_j` plus a constant 1
    that the renormalisation adds (scaling ``p`` leaves ``q`` unchanged, so
    the gradient is orthogonal to ``p``: :math:`\sum_j p_j \partial L/\partial p_j = 0`).
    """
    label_smoothing = check_label_smoothing(label_smoothing)
    y_true, y_pred, axis = check_categorical_inputs(y_true, y_pred, from_logits, axis)
    targets = y_true * (1.0 - label_smoothing) + label_smoothing / y_true.shape[axis]
    if from_logits:
        return softmax(y_pred, axis=axis) * targets.sum(axis=axis, keepdims=True) - targets
    total = y_pred.sum(axis=axis, keepdims=True)
    normalised = y_pred / total
    weights = np.divide(
        -targets,
        normalised,
        out=np.zeros_like(normalised),
        where=_inside_clip_range(normalised),
    )
    return (weights - np.sum(weights * normalised, axis=axis, keepdims=True)) / total


def sparse_categorical_crossentropy_gradient(y_true, y_pred, from_logits=False, axis=-1):
    r"""Gradient of :func:`lossfns.losses.sparse_categorical_crossentropy`.

    From logits: :math:`\operatorname{softmax}(z)_j - [j = y]`. From probabilities, with
    :math:`q = \operatorname{clip}(p, \epsilon, 1-\epsilon)`, :math:`Q = \sum_k q_k`
    and the clip mask :math:`m_j = [\epsilon \le p_j \le 1-\epsilon]`:

    .. math:: \frac{\partial L}{\partial p_j} = m_j\Big(\frac1Q - \frac{[j = y]}{q_j}\Big).
    """
    labels, y_pred = check_sparse_inputs(y_true, y_pred, from_logits, axis)
    one_hot = labels[..., np.newaxis] == np.arange(y_pred.shape[-1])
    if from_logits:
        return softmax(y_pred) - one_hot
    clipped = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
    gradient = 1.0 / clipped.sum(axis=-1, keepdims=True) - one_hot / clipped
    return np.where(_inside_clip_range(y_pred), gradient, 0.0)


def binary_crossentropy_gradient(
    y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1
):
    r"""Gradient of :func:`lossfns.losses.binary_crossentropy`.

    With smoothed targets :math:`t = y(1-s) + s/2` and ``d`` the size of ``axis``,
    from logits:

    .. math:: \frac{\partial L}{\partial z_j} = \frac{\sigma(z_j) - t_j}{d},

    and from probabilities (clipped, with the clip mask :math:`m_j`):

    .. math:: \frac{\partial L}{\partial p_j}
              = \frac{m_j}{d}\Big(-\frac{t_j}{p_j} + \frac{1-t_j}{1-p_j}\Big).
    """
    label_smoothing = check_label_smoothing(label_smoothing)
    aligned_true, aligned_pred, axis = check_binary_inputs(
        y_true, y_pred, from_logits, axis
    )
    targets = aligned_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        # sigmoid(z) = exp(-log(1 + e^{-z})), which never overflows.
        elementwise = np.exp(-np.logaddexp(0.0, -aligned_pred)) - targets
    else:
        p = np.clip(aligned_pred, EPSILON, 1.0 - EPSILON)
        elementwise = np.where(
            _inside_clip_range(aligned_pred),
            -targets / p + (1.0 - targets) / (1.0 - p),
            0.0,
        )
    gradient = elementwise / aligned_pred.shape[axis]
    return gradient.reshape(np.shape(y_pred))
