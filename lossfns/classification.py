r"""Classification losses, each followed by its gradient.

The softmax and its log; categorical, sparse categorical and binary cross-entropy
(chapter 4); binary focal cross-entropy and the Kullback-Leibler divergence
(chapter 7, "Choosing and weighting a loss"); the hinge family; and the slope of
the cross-entropy in a softmax temperature (chapter 4).

Every loss mirrors the Keras 3 function of the same name: argument order
``(y_true, y_pred)``, the same keywords, ONE LOSS PER SAMPLE (the class or output
axis is reduced, so ``(n, k)`` inputs give shape ``(n,)`` and 1-D inputs of shape
``(k,)`` are one sample, giving a 0-d array), computed in float64; invalid input
raises ``ValueError`` naming the argument. Losses that pair each prediction with
one target (binary, focal, KL, hinge) line up ``(n,)`` against ``(n, 1)`` as ``n``
samples, as the Keras loss classes do.

Each ``*_gradient`` returns the derivative of the SUM of the per-sample losses
with respect to ``y_pred``, shaped like ``y_pred``: exactly what ``tf.GradientTape``
gives for ``tf.reduce_sum(keras.losses.<name>(y_true, y_pred))`` (where they
differ, the docstring says so and why).

Parameters shared by the losses
-------------------------------
y_true : array_like
    Targets: probabilities in [0, 1] (categorical, binary), integer class labels
    (sparse), or labels in {-1, 1} or {0, 1} (hinge).
y_pred : array_like
    Predictions: probabilities in [0, 1], or any real logits if ``from_logits``
    (any real scores for the hinge family).
from_logits : bool, default False
label_smoothing : float in [0, 1], default 0.0
axis : int, default -1
    The class axis (categorical) or the axis averaged over (binary).
"""

import math
from typing import NamedTuple

import numpy as np

from ._validation import (
    as_class_labels,
    as_float_array,
    check_binary_inputs,
    check_categorical_inputs,
    check_elementwise_inputs,
    check_label_smoothing,
    check_number,
    check_probabilities,
    check_sparse_inputs,
    normalize_axis,
)

EPSILON = 1e-7
"""Keras's fuzz factor (``keras.config.epsilon()``): probabilities are clipped to
``[EPSILON, 1 - EPSILON]``, and :func:`lossfns.poisson` adds it inside its log."""


def _inside_clip_range(values, upper=1.0 - EPSILON):
    # tf.clip_by_value is minimum() then maximum(), whose gradients use <= and
    # >=, so values exactly on a bound still pass the gradient through.
    return (values >= EPSILON) & (values <= upper)


# --- softmax -------------------------------------------------------------------------------------

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


# --- categorical cross-entropy -------------------------------------------------------------------

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


def categorical_crossentropy_gradient(
    y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1
):
    r"""Gradient of :func:`categorical_crossentropy`.

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


# --- sparse categorical cross-entropy ------------------------------------------------------------

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


def sparse_categorical_crossentropy_gradient(y_true, y_pred, from_logits=False, axis=-1):
    r"""Gradient of :func:`sparse_categorical_crossentropy`.

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


# --- binary cross-entropy ------------------------------------------------------------------------

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


def binary_crossentropy_gradient(
    y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1
):
    r"""Gradient of :func:`binary_crossentropy`.

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


# --- binary focal cross-entropy ------------------------------------------------------------------

def _check_focal_parameters(apply_class_balancing, alpha, gamma):
    is_bool = isinstance(apply_class_balancing, (bool, np.bool_))
    if not is_bool:  # a ValueError, like every other bad argument in lossfns
        raise ValueError(
            f"apply_class_balancing must be True or False, got {apply_class_balancing!r}.")
    return (check_number(alpha, "alpha", "a number in [0, 1]", lambda value: 0.0 <= value <= 1.0),
            check_number(gamma, "gamma", "a finite number >= 0",
                         lambda value: math.isfinite(value) and value >= 0.0))


class _FocalParts(NamedTuple):
    t: np.ndarray  # smoothed targets
    p: np.ndarray  # the probability: y_pred, or sigmoid(z)
    bce: np.ndarray
    u: np.ndarray  # 1 - p_t
    log_u: np.ndarray | None  # log(1 - p_t), from logits only
    log_q: np.ndarray | None  # log(1 - p) = log sigmoid(-z), from logits only
    weight: np.ndarray | float
    gamma: float
    y_pred: np.ndarray
    axis: int


def _focal_parts(y_true, y_pred, apply_class_balancing, alpha, gamma, from_logits,
                 label_smoothing, axis):
    r"""Checked inputs and the pieces both the loss and its gradient need.

    From logits, :math:`1 - p_t = t\,\sigma(-z) + (1 - t)\,\sigma(z)` and its log are
    computed from :math:`\log\sigma(\pm z) = -\log(1 + e^{\mp z})`, never as ``1 - p_t``:
    once the sigmoid rounds to 1 (:math:`z \gtrsim 37` in float64), that difference is 0.
    """
    alpha, gamma = _check_focal_parameters(apply_class_balancing, alpha, gamma)
    label_smoothing = check_label_smoothing(label_smoothing)
    y_true, y_pred, axis = check_binary_inputs(y_true, y_pred, from_logits, axis)
    t = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    log_u = log_q = None
    if from_logits:
        log_p, log_q = -np.logaddexp(0.0, -y_pred), -np.logaddexp(0.0, y_pred)
        p = np.exp(log_p)  # sigmoid, without overflow
        bce = np.maximum(y_pred, 0.0) - y_pred * t + np.log1p(np.exp(-np.abs(y_pred)))
        with np.errstate(divide="ignore"):  # log 0 = -inf for hard labels, a term of 0
            log_u = np.logaddexp(np.log(t) + log_q, np.log1p(-t) + log_p)
        u = np.exp(log_u)
    else:
        p = y_pred
        clipped = np.clip(p, EPSILON, 1.0 - EPSILON)
        bce = -(t * np.log(clipped) + (1.0 - t) * np.log1p(-clipped))
        u = 1.0 - (t * p + (1.0 - t) * (1.0 - p))  # 1 - p_t
    weight = alpha * t + (1.0 - alpha) * (1.0 - t) if apply_class_balancing else 1.0
    return _FocalParts(t, p, bce, u, log_u, log_q, weight, gamma, y_pred, axis)


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25,
                              gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1):
    r"""Binary focal cross-entropy, as ``keras.losses.binary_focal_crossentropy``.

    With smoothed targets :math:`t = y(1 - s) + s/2`, the predicted probability
    :math:`p` (``y_pred``, or :math:`\sigma(z)` from logits) and
    :math:`p_t = t p + (1 - t)(1 - p)`, the probability given to the target,

    .. math:: \ell = w\,(1 - p_t)^{\gamma}\,\mathrm{BCE}(t, p), \qquad
              w = \begin{cases} \alpha t + (1 - \alpha)(1 - t) & \text{class balancing} \\
              1 & \text{otherwise,} \end{cases}

    and :math:`L = \frac1d \sum_j \ell_j` over ``axis``. The factor
    :math:`(1 - p_t)^\gamma` shrinks the loss of examples that are already
    classified well; :math:`\gamma = 0` without balancing is the plain binary
    cross-entropy. As in Keras, :math:`\mathrm{BCE}` is computed from logits
    stably when ``from_logits=True`` and from the clipped probability otherwise,
    while :math:`p_t` uses the unclipped probability. From logits,
    :math:`1 - p_t = t\,\sigma(-z) + (1 - t)\,\sigma(z)`, which stays positive where
    Keras's ``1 - p_t`` rounds to 0 (the loss there is below 1e-16 either way).
    """
    parts = _focal_parts(
        y_true, y_pred, apply_class_balancing, alpha, gamma, from_logits, label_smoothing, axis)
    focal = parts.u**parts.gamma if parts.log_u is None else np.exp(parts.gamma * parts.log_u)
    return np.asarray(np.mean(parts.weight * focal * parts.bce, axis=parts.axis))


def binary_focal_crossentropy_gradient(y_true, y_pred, apply_class_balancing=False, alpha=0.25,
                                       gamma=2.0, from_logits=False, label_smoothing=0.0,
                                       axis=-1):
    r"""Gradient of :func:`binary_focal_crossentropy` with respect to ``y_pred``.

    With :math:`u = 1 - p_t`, :math:`\partial u / \partial p = 1 - 2t` and ``d``
    the size of ``axis``, from probabilities (clip mask :math:`m` on the BCE):

    .. math:: \frac{\partial L}{\partial p} = \frac{w}{d}\Big(\gamma u^{\gamma-1}(1 - 2t)\,
              \mathrm{BCE} + u^\gamma\, m\Big(-\frac{t}{p} + \frac{1-t}{1-p}\Big)\Big),

    and from logits, where :math:`\partial p/\partial z = p(1-p)` and the BCE's
    slope is :math:`p - t`:

    .. math:: \frac{\partial L}{\partial z} = \frac{w}{d}\Big(\gamma u^{\gamma-1}(1 - 2t)\,
              p(1-p)\,\mathrm{BCE} + u^\gamma (p - t)\Big).

    With :math:`\gamma = 0` the first term is 0.

    **From logits** the result is finite for every finite logit (checked up to
    :math:`|z| = 1000`) and every :math:`\gamma \ge 0`: :math:`u = t\sigma(-z) +
    (1-t)\sigma(z)`, :math:`p(1-p) = \sigma(z)\sigma(-z)` and :math:`p - t =
    (1-t)\sigma(z) - t\sigma(-z)` come from :math:`\log\sigma(\pm z)`, and the first
    term is :math:`(1-2t)\exp\big(\log\gamma + (\gamma-1)\log u + \log p(1-p) +
    \log\mathrm{BCE}\big)`. Computed as written, :math:`u` rounds to 0 once
    :math:`\sigma(z)` rounds to 1 (:math:`|z| \gtrsim 37` in float64), and for
    :math:`0 < \gamma < 1` the first term becomes :math:`\infty \cdot 0`: for
    targets ``[[1, 0]]``, logits ``[[40, -40]]`` and :math:`\gamma = 0.5` the true
    slopes are :math:`\mp 6.6 \cdot 10^{-27}`, while ``tf.GradientTape`` on
    ``keras.losses.binary_focal_crossentropy`` (Keras 3.15, float64) returns
    ``[[nan, nan]]`` (from :math:`|z| = 37`, and in float32 already at :math:`|z| = 30`).

    **From probabilities** :math:`u` is exact, and where it is exactly 0 (``y_pred``
    equal to a hard target) with :math:`0 < \gamma < 1` the slope really is
    infinite: the loss is :math:`\mathrm{BCE} \cdot u^\gamma` with the clipped
    :math:`\mathrm{BCE} > 0`, so ``-inf`` or ``inf`` is returned (the tape gives nan).
    """
    parts = _focal_parts(
        y_true, y_pred, apply_class_balancing, alpha, gamma, from_logits, label_smoothing, axis)
    t, p, bce, u, gamma = parts.t, parts.p, parts.bce, parts.u, parts.gamma
    if from_logits:
        q = np.exp(parts.log_q)  # 1 - p = sigmoid(-z), exact where p rounds to 1
        focal_term = 0.0
        if gamma:
            with np.errstate(divide="ignore"):  # a BCE that underflows to 0: log 0, a term of 0
                log_size = (math.log(gamma) + (gamma - 1.0) * parts.log_u
                            + np.log(p) + parts.log_q + np.log(bce))
            focal_term = (1.0 - 2.0 * t) * np.exp(log_size)
        elementwise = parts.weight * (focal_term
                                      + np.exp(gamma * parts.log_u) * ((1.0 - t) * p - t * q))
    else:
        with np.errstate(divide="ignore"):
            focal_slope = gamma * np.power(u, gamma - 1.0) if gamma else np.zeros_like(u)
        clipped = np.clip(p, EPSILON, 1.0 - EPSILON)
        inside = _inside_clip_range(p)
        bce_slope = np.where(inside, -t / clipped + (1.0 - t) / (1.0 - clipped), 0.0)
        with np.errstate(invalid="ignore"):
            elementwise = parts.weight * (focal_slope * (1.0 - 2.0 * t) * bce
                                          + u**gamma * bce_slope)
    gradient = elementwise / parts.y_pred.shape[parts.axis]
    return gradient.reshape(np.shape(y_pred))


# --- Kullback-Leibler divergence -----------------------------------------------------------------

def _kl_inputs(y_true, y_pred):
    y_true, y_pred = check_elementwise_inputs(y_true, y_pred)
    check_probabilities(y_true, "y_true")
    check_probabilities(y_pred, "y_pred")
    return y_true, y_pred


def kl_divergence(y_true, y_pred):
    r"""Kullback-Leibler divergence per sample, as ``keras.losses.kl_divergence``.

    Both arguments are clipped to :math:`[\epsilon, 1]` (``EPSILON``), then

    .. math:: L = \sum_k t_k \log\frac{t_k}{q_k}, \qquad
              t = \operatorname{clip}(y_\text{true}), \; q = \operatorname{clip}(y_\text{pred}),

    summed over the last axis; it is :math:`H(t, q) - H(t)`, the cross-entropy
    minus the target's own entropy, so it is 0 when :math:`q = t` and
    minimising it over :math:`q` minimises the cross-entropy. Unlike the
    cross-entropy in Keras, nothing is renormalised. Values must lie in
    ``[0, 1]``.
    """
    y_true, y_pred = _kl_inputs(y_true, y_pred)
    t = np.clip(y_true, EPSILON, 1.0)
    q = np.clip(y_pred, EPSILON, 1.0)
    return np.asarray(np.sum(t * np.log(t / q), axis=-1))


def kl_divergence_gradient(y_true, y_pred):
    r"""Gradient of the summed :func:`kl_divergence`: :math:`-t_k / q_k` where
    :math:`q_k \ge \epsilon`.

    Below the clip bound the prediction is replaced by :math:`\epsilon`, so the
    slope there is 0. Same shape as ``y_pred``.
    """
    aligned_true, aligned_pred = _kl_inputs(y_true, y_pred)
    t = np.clip(aligned_true, EPSILON, 1.0)
    q = np.clip(aligned_pred, EPSILON, 1.0)
    gradient = np.where(_inside_clip_range(aligned_pred, upper=1.0), -t / q, 0.0)
    return gradient.reshape(np.shape(y_pred))


# --- the hinge family ----------------------------------------------------------------------------

def _hinge_inputs(y_true, y_pred):
    """Aligned inputs, labels in {-1, 1}: labels all in {0, 1} become ``2 y - 1``, as in Keras."""
    y_true, y_pred = check_elementwise_inputs(y_true, y_pred)
    if np.isin(y_true, (0.0, 1.0)).all():
        return 2.0 * y_true - 1.0, y_pred
    if np.isin(y_true, (-1.0, 1.0)).all():
        return y_true, y_pred
    odd = y_true[~np.isin(y_true, (-1.0, 0.0, 1.0))]
    found = f"e.g. {odd[0]:g}" if odd.size else "both -1 and 0"
    raise ValueError(
        f"y_true must hold labels that are all in {{-1, 1}} or all in {{0, 1}}, but found "
        f"{found}. (Keras converts 0/1 labels to -1/1 only when EVERY label is 0 or 1, and "
        "otherwise uses the values as they are, without a word.)")


def _hinge_margin(y_true, y_pred):
    """``(labels in {-1, 1}, 1 - y * y_pred)`` after the checks."""
    labels, y_pred = _hinge_inputs(y_true, y_pred)
    return labels, 1.0 - labels * y_pred


def hinge(y_true, y_pred):
    r"""Hinge loss per sample, as ``keras.losses.hinge``.

    With labels :math:`y \in \{-1, 1\}` and scores :math:`\hat y` (any real numbers),

    .. math:: L = \frac1d \sum_j \max(1 - y_j \hat y_j,\, 0).

    A score on the right side of 0 by at least 1 (a margin of 1) costs nothing;
    anything less costs linearly. Labels all in :math:`\{0, 1\}` are first mapped
    to :math:`2y - 1`, as Keras does; labels neither all in :math:`\{-1, 1\}` nor all
    in :math:`\{0, 1\}` (a mix of -1, 0 and 1, or 0.5) are refused, where Keras
    would use them as they are.
    """
    _, margin = _hinge_margin(y_true, y_pred)
    return np.asarray(np.mean(np.maximum(margin, 0.0), axis=-1))


def hinge_gradient(y_true, y_pred):
    r"""Gradient of the summed :func:`hinge`: :math:`-y_j/d` where
    :math:`1 - y_j\hat y_j \ge 0`, else 0.

    At the kink (:math:`y_j \hat y_j = 1` exactly) any slope between :math:`-y_j/d`
    and 0 is a subgradient; we return :math:`-y_j/d`, which is what
    ``tf.GradientTape`` gives for ``keras.losses.hinge`` (``tf.maximum`` sends the
    gradient of a tie to its first argument, here the margin). Same shape as ``y_pred``.
    """
    labels, margin = _hinge_margin(y_true, y_pred)
    gradient = np.where(margin >= 0.0, -labels, 0.0) / margin.shape[-1]
    return gradient.reshape(np.shape(y_pred))


def squared_hinge(y_true, y_pred):
    r"""Squared hinge loss per sample, as ``keras.losses.squared_hinge``:
    :math:`L = \frac1d \sum_j \max(1 - y_j \hat y_j,\, 0)^2`.

    Labels as in :func:`hinge`. The square makes the loss smooth at the margin
    and punishes a large violation quadratically.
    """
    _, margin = _hinge_margin(y_true, y_pred)
    return np.asarray(np.mean(np.maximum(margin, 0.0) ** 2, axis=-1))


def squared_hinge_gradient(y_true, y_pred):
    r"""Gradient of the summed :func:`squared_hinge`:
    :math:`-2 y_j \max(1 - y_j\hat y_j, 0)/d`.

    Continuous: 0 at the margin itself (the tape gives 0 there too). Same shape as ``y_pred``.
    """
    labels, margin = _hinge_margin(y_true, y_pred)
    gradient = -2.0 * labels * np.maximum(margin, 0.0) / margin.shape[-1]
    return gradient.reshape(np.shape(y_pred))


def _categorical_hinge_inputs(y_true, y_pred):
    y_true, y_pred = check_elementwise_inputs(y_true, y_pred)
    if not np.isin(y_true, (0.0, 1.0)).all():
        odd = y_true[~np.isin(y_true, (0.0, 1.0))][0]
        raise ValueError(f"y_true must be one-hot (values 0 and 1 only), but found {odd:g}; "
                         "for labels in {-1, 1} use hinge.")
    ones = y_true.sum(axis=-1)
    if (ones != 1.0).any():
        raise ValueError(
            f"y_true must be one-hot along the last axis, exactly one 1 per sample, but "
            f"{int((ones != 1.0).sum())} sample(s) have {int(ones[ones != 1.0].flat[0])}.")
    return y_true, y_pred


def categorical_hinge(y_true, y_pred):
    r"""Categorical hinge loss per sample, exactly as ``keras.losses.categorical_hinge``.

    For one-hot :math:`y` and scores :math:`\hat y` over the last axis,

    .. math:: \text{pos} = \sum_k y_k \hat y_k, \qquad
              \text{neg} = \max_k\, (1 - y_k)\,\hat y_k, \qquad
              L = \max(\text{neg} - \text{pos} + 1,\, 0):

    the true class's score must beat every other score by a margin of 1. Note
    Keras's :math:`\max` runs over all classes with the true class's entry set to 0,
    so when every wrong score is negative :math:`\text{neg} = 0`, not the largest
    wrong score. This function reproduces that. ``y_true`` must be one-hot (0/1, one
    1 per sample).
    """
    y_true, y_pred = _categorical_hinge_inputs(y_true, y_pred)
    pos = np.sum(y_true * y_pred, axis=-1)
    neg = np.max((1.0 - y_true) * y_pred, axis=-1)
    return np.asarray(np.maximum(neg - pos + 1.0, 0.0))


def categorical_hinge_gradient(y_true, y_pred):
    r"""Gradient of the summed :func:`categorical_hinge` with respect to ``y_pred``.

    Where :math:`\text{neg} - \text{pos} + 1 \ge 0`,

    .. math:: \frac{\partial L}{\partial \hat y_j} = (1 - y_j)\, \frac{[j \in A]}{|A|} - y_j,

    :math:`A` being the classes where :math:`(1 - y_k)\hat y_k` reaches its maximum,
    and 0 elsewhere. This is what ``tf.GradientTape`` gives for
    ``keras.losses.categorical_hinge``: ``tf.reduce_max`` shares the gradient equally
    among tied maxima, and ``tf.maximum`` sends it to the margin at a tie with 0
    (the kink), so the slope there is the left one. Same shape as ``y_pred``.
    """
    aligned_true, aligned_pred = _categorical_hinge_inputs(y_true, y_pred)
    others = (1.0 - aligned_true) * aligned_pred
    neg = np.max(others, axis=-1, keepdims=True)
    pos = np.sum(aligned_true * aligned_pred, axis=-1, keepdims=True)
    at_max = others == neg
    share = at_max / at_max.sum(axis=-1, keepdims=True)
    gradient = np.where(neg - pos + 1.0 >= 0.0, (1.0 - aligned_true) * share - aligned_true, 0.0)
    return gradient.reshape(np.shape(y_pred))


# --- temperature scaling: the slope of the cross-entropy in a temperature ------------------------

def _check_temperature_inputs(logits, labels, temperature):
    temperature = check_number(temperature, "temperature", "a positive, finite number",
                               lambda value: math.isfinite(value) and value > 0)
    logits = as_float_array(logits, "logits")
    labels = as_float_array(labels, "labels")
    if logits.ndim != 2 or labels.shape != logits.shape[:1]:
        raise ValueError(
            f"logits has shape {logits.shape} and labels has shape {labels.shape}; need logits "
            "of shape (N, K) and one integer label per row, shape (N,).")
    return logits, as_class_labels(labels, logits.shape[1], "labels", "logits"), temperature


def temperature_gradient(logits, labels, temperature):
    r"""The derivative :math:`dJ/dT` of the temperature-scaled cross-entropy.

    Dividing every logit by a temperature :math:`T > 0` before the softmax keeps
    the predicted class and changes only the confidence (:math:`T > 1` softens
    the probabilities, :math:`T < 1` sharpens them); fitting :math:`T` on held-out
    data by gradient descent needs this slope. For logits :math:`z_i` (shape
    ``(N, K)``), integer labels :math:`c_i` and :math:`T > 0`,

    .. math:: J(T) = \frac1N \sum_i -\log \operatorname{softmax}(z_i / T)_{c_i}, \qquad
              \frac{dJ}{dT} = \frac{1}{N T^2} \sum_i \big(z_{i,c_i} - q_i^\top z_i\big),
              \quad q_i = \operatorname{softmax}(z_i / T),

    because :math:`-\log\operatorname{softmax}(z/T)_c = -z_c/T + \log\sum_k e^{z_k/T}`
    and the derivative of the log-sum-exp in :math:`T` is :math:`-q^\top z / T^2`.
    :math:`J(T)` is ``keras.losses.sparse_categorical_crossentropy(labels, logits / T,
    from_logits=True)`` averaged over the batch. The softmax subtracts each ROW's
    maximum (one maximum for the whole batch underflows rows that lie far below
    it), so the result is finite for logits of any size.

    Returns
    -------
    float
    """
    logits, labels, temperature = _check_temperature_inputs(logits, labels, temperature)
    q = softmax(logits / temperature)
    true_logit = np.take_along_axis(logits, labels[:, np.newaxis], axis=1)[:, 0]
    return float(np.mean(true_logit - np.sum(q * logits, axis=1)) / temperature**2)
