r"""Binary focal cross-entropy and the Kullback-Leibler divergence, as in ``keras.losses``.

Same conventions as :mod:`lossfns.losses` (one loss per sample, float64,
``ValueError`` naming the argument) and :mod:`lossfns.gradients` (each
``*_gradient`` is the derivative of the SUM of the per-sample losses with
respect to ``y_pred``, shaped like ``y_pred``). Ranks are aligned as the Keras
loss classes do (``(n,)`` against ``(n, 1)`` is ``n`` samples).
"""

import math
from typing import NamedTuple

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


# --- the hinge family --------------------------------------------------------------------------

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
