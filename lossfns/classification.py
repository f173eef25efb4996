r"""Binary focal cross-entropy and the Kullback-Leibler divergence, as in ``keras.losses``.

Same conventions as :mod:`lossfns.losses` (one loss per sample, float64,
``ValueError`` naming the argument) and :mod:`lossfns.gradients` (each
``*_gradient`` is the derivative of the SUM of the per-sample losses with
respect to ``y_pred``, shaped like ``y_pred``). Ranks are aligned as the Keras
loss classes do (``(n,)`` against ``(n, 1)`` is ``n`` samples).
"""

import math

import numpy as np

from ._validation import (
    check_binary_inputs,
    check_elementwise_inputs,
    check_label_smoothing,
    check_number,
    check_probabilities,
)
from .losses import EPSILON


def _inside_clip_range(values, upper=1.0 - EPSILON):
    # tf.clip_by_value passes the gradient of values ON a bound (it uses <= and >=).
    return (values >= EPSILON) & (values <= upper)


def _check_focal_parameters(apply_class_balancing, alpha, gamma):
    is_bool = isinstance(apply_class_balancing, (bool, np.bool_))
    if not is_bool:  # a ValueError, like every other bad argument in lossfns
        raise ValueError(
            f"apply_class_balancing must be True or False, got {apply_class_balancing!r}.")
    return (check_number(alpha, "alpha", "a number in [0, 1]", lambda value: 0.0 <= value <= 1.0),
            check_number(gamma, "gamma", "a finite number >= 0",
                         lambda value: math.isfinite(value) and value >= 0.0))


def _focal_parts(y_true, y_pred, apply_class_balancing, alpha, gamma, from_logits,
                 label_smoothing, axis):
    """Checked inputs and the pieces both the loss and its gradient need."""
    alpha, gamma = _check_focal_parameters(apply_class_balancing, alpha, gamma)
    label_smoothing = check_label_smoothing(label_smoothing)
    y_true, y_pred, axis = check_binary_inputs(y_true, y_pred, from_logits, axis)
    t = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        p = np.exp(-np.logaddexp(0.0, -y_pred))  # sigmoid, without overflow
        bce = np.maximum(y_pred, 0.0) - y_pred * t + np.log1p(np.exp(-np.abs(y_pred)))
    else:
        p = y_pred
        clipped = np.clip(p, EPSILON, 1.0 - EPSILON)
        bce = -(t * np.log(clipped) + (1.0 - t) * np.log1p(-clipped))
    u = 1.0 - (t * p + (1.0 - t) * (1.0 - p))  # 1 - p_t
    weight = alpha * t + (1.0 - alpha) * (1.0 - t) if apply_class_balancing else 1.0
    return t, p, bce, u, weight, gamma, y_pred, axis


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
    while :math:`p_t` uses the unclipped probability.
    """
    _, _, bce, u, weight, gamma, _, axis = _focal_parts(
        y_true, y_pred, apply_class_balancing, alpha, gamma, from_logits, label_smoothing, axis)
    return np.asarray(np.mean(weight * u**gamma * bce, axis=axis))


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

    With :math:`\gamma = 0` the first term is 0. Where :math:`u = 0` and
    :math:`0 < \gamma < 1` the slope is infinite (``inf``, as autodiff gives).
    """
    t, p, bce, u, weight, gamma, aligned_pred, axis = _focal_parts(
        y_true, y_pred, apply_class_balancing, alpha, gamma, from_logits, label_smoothing, axis)
    with np.errstate(divide="ignore"):
        focal_slope = gamma * np.power(u, gamma - 1.0) if gamma else np.zeros_like(u)
    if from_logits:
        dp = p * (1.0 - p)
        bce_slope = p - t
    else:
        dp = 1.0
        clipped = np.clip(p, EPSILON, 1.0 - EPSILON)
        inside = _inside_clip_range(p)
        bce_slope = np.where(inside, -t / clipped + (1.0 - t) / (1.0 - clipped), 0.0)
    with np.errstate(invalid="ignore"):
        elementwise = weight * (focal_slope * (1.0 - 2.0 * t) * dp * bce + u**gamma * bce_slope)
    gradient = elementwise / aligned_pred.shape[axis]
    return gradient.reshape(np.shape(y_pred))


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
