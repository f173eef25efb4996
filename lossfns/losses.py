"""NumPy reference implementations of the ``keras.losses`` loss functions.

Each function mirrors the Keras 3 functional API of the same name: same
argument order ``(y_true, y_pred)``, same keywords and ONE LOSS PER SAMPLE
(the class/output axis is reduced, so ``(n, k)`` inputs give shape ``(n,)``
and 1-D inputs of shape ``(k,)`` are one sample, giving a 0-d array).
Everything is computed in float64; invalid input raises ``ValueError``.

Parameters shared by the losses
-------------------------------
y_true : array_like
    Targets: any values (regression), probabilities in [0, 1] (categorical,
    binary) or integer class labels (sparse).
y_pred : array_like
    Predictions: probabilities in [0, 1], or any real logits if ``from_logits``.
from_logits : bool, default False
label_smoothing : float in [0, 1], default 0.0
axis : int, default -1
    The class axis (categorical) or the axis averaged over (binary).
"""

import numpy as np

from ._validation import (
    as_float_array,
    check_binary_inputs,
    check_categorical_inputs,
    check_elementwise_inputs,
    check_label_smoothing,
    check_sparse_inputs,
    normalize_axis,
)

EPSILON = 1e-7
"""Keras's fuzz factor: probabilities are clipped to ``[EPSILON, 1 - EPSILON]``."""


def log_softmax(logits, axis=-1):
    r"""Logarithm of the softmax, computed stably.

    .. math:: \log\operatorname{softmax}(z)_k = (z_k - m) - \log\sum_j e^{z_j - m},
              \quad m = \max_j z_j

    Subtracting the maximum keeps every exponent ``<= 0``, so nothing
    overflows and the largest term of the sum is exactly 1 (no ``log 0``).

    Parameters
    ----------
    logits : array_like
        Unnormalised scores.
    axis : int, default -1
        The class axis.

    Returns
    -------
    numpy.ndarray
        Same shape as ``logits``.
    """
    logits = as_float_array(logits, "logits")
    axis = normalize_axis(axis, logits.ndim, name="logits")
    shifted = logits - logits.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax(logits, axis=-1):
    r"""Softmax along ``axis``:
    :math:`\operatorname{softmax}(z)_k = e^{z_k - m} / \sum_j e^{z_j - m}`.

    ``m = max_j z_j`` is subtracted for stability (it cancels mathematically).
    Computed as ``exp(log_softmax(logits, axis))``; same shape as ``logits``.
    """
    return np.exp(log_softmax(logits, axis=axis))


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


def mean_squared_error(y_true, y_pred):
    r"""Mean squared error per sample: :math:`L = \frac1d \sum_j (y_j - \hat y_j)^2`.

    Mean over the last axis (size ``d``); shapes as in :func:`mean_absolute_error`.
    """
    y_true, y_pred = check_elementwise_inputs(y_true, y_pred)
    return np.asarray(np.mean(np.square(y_true - y_pred), axis=-1))


def root_mean_squared_error(y_true, y_pred):
    r"""Root mean squared error per sample: :math:`L = \sqrt{\frac1d \sum_j (y_j - \hat y_j)^2}`.

    Keras has no RMSE loss function; this is ``sqrt(mean_squared_error)`` for
    each sample. (The metric ``keras.metrics.RootMeanSquaredError`` instead
    takes the root of the mean over the whole batch.)
    """
    return np.asarray(np.sqrt(mean_squared_error(y_true, y_pred)))


def categorical_crossentropy(
    y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1
):
    r"""Categorical cross-entropy per sample, as ``keras.losses.categorical_crossentropy``.

    With ``K`` classes along ``axis`` and smoothing ``s``, the targets become
    :math:`t = y(1 - s) + s/K`. Then, from logits ``z``,

    .. math:: L = -\sum_k t_k \log\operatorname{softmax}(z)_k   \quad (\text{stable log-softmax}),

    and from probabilities ``p`` (renormalised, then clipped, like Keras)

    .. math:: q = \operatorname{clip}\Big(\frac{p}{\sum_j p_j},
              \epsilon, 1-\epsilon\Big), \qquad L = -\sum_k t_k \log q_k .

    ``y_true`` and ``y_pred`` must have the same shape, values in ``[0, 1]``
    (``y_pred`` only when ``from_logits=False``). Keras takes ``K`` from
    ``y_true.shape[-1]`` even when ``axis`` is another axis; here ``K`` is the
    size of the class axis, so the two agree whenever ``axis=-1``.

    Returns
    -------
    numpy.ndarray
        float64, ``y_pred``'s shape without ``axis``.
    """
    label_smoothing = check_label_smoothing(label_smoothing)
    y_true, y_pred, axis = check_categorical_inputs(y_true, y_pred, from_logits, axis)
    targets = y_true * (1.0 - label_smoothing) + label_smoothing / y_true.shape[axis]
    if from_logits:
        log_probabilities = log_softmax(y_pred, axis=axis)
    else:
        normalised = y_pred / y_pred.sum(axis=axis, keepdims=True)
        log_probabilities = np.log(np.clip(normalised, EPSILON, 1.0 - EPSILON))
    return np.asarray(-np.sum(targets * log_probabilities, axis=axis))


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1):
    r"""Cross-entropy with integer labels, as ``keras.losses.sparse_categorical_crossentropy``.

    For label ``y`` and logits ``z``: :math:`L = -\log\operatorname{softmax}(z)_y`.
    From probabilities Keras clips first and uses :math:`\log q` as logits,
    so the renormalisation happens AFTER the clip (unlike the categorical loss):

    .. math:: q = \operatorname{clip}(p, \epsilon, 1-\epsilon), \qquad
              L = -\log q_y + \log\sum_k q_k .

    ``y_true`` holds one label in ``[0, K)`` per sample (shape
    ``y_pred.shape[:-1]``, or that with a trailing 1); only ``axis=-1`` is
    supported, as in Keras.
    """
    labels, y_pred = check_sparse_inputs(y_true, y_pred, from_logits, axis)
    if from_logits:
        log_probabilities = log_softmax(y_pred)
    else:
        clipped = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
        log_probabilities = np.log(clipped) - np.log(clipped.sum(axis=-1, keepdims=True))
    picked = np.take_along_axis(log_probabilities, labels[..., np.newaxis], axis=-1)
    return np.asarray(-picked[..., 0])


def binary_crossentropy(
    y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1
):
    r"""Binary cross-entropy, averaged over ``axis``, as ``keras.losses.binary_crossentropy``.

    Targets are smoothed towards 1/2: :math:`t = y(1 - s) + s/2`. Elementwise,
    from probabilities (clipped to ``[EPSILON, 1 - EPSILON]``)

    .. math:: \ell = -\big(t \log p + (1 - t) \log(1 - p)\big),

    and from logits, in the overflow-free form of the same quantity,

    .. math:: \ell = \max(z, 0) - z t + \log(1 + e^{-|z|}).

    The loss is the mean of :math:`\ell` over ``axis`` (size ``d``):
    :math:`L = \frac1d \sum_j \ell_j`. Ranks are aligned as for
    :func:`mean_absolute_error` (as the ``BinaryCrossentropy`` class does;
    Keras's function itself refuses ``(n,)`` against ``(n, 1)``).
    In float32, Keras's upper clip bound rounds to ``1 - 1.19e-7``, so there
    predicting 1 for a negative costs 15.94, not :math:`-\log\epsilon = 16.12`.
    """
    label_smoothing = check_label_smoothing(label_smoothing)
    y_true, y_pred, axis = check_binary_inputs(y_true, y_pred, from_logits, axis)
    targets = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        elementwise = (
            np.maximum(y_pred, 0.0)
            - y_pred * targets
            + np.log1p(np.exp(-np.abs(y_pred)))
        )
    else:
        p = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
        elementwise = -(targets * np.log(p) + (1.0 - targets) * np.log1p(-p))
    return np.asarray(np.mean(elementwise, axis=axis))
