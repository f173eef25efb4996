r"""How a ``keras.losses.Loss`` object turns per-sample losses into the number it returns.

A Keras loss object computes one loss per sample, :math:`\ell_i`, and then
reduces them with optional sample weights :math:`w_i` (and a mask, when the
prediction carries one). :func:`reduce_losses` does the same in NumPy, so that
the chapters can check Keras's numbers by hand.
"""

import numpy as np

from ._validation import align_ranks, as_float_array

#: The values ``keras.losses.Loss(reduction=...)`` accepts.
REDUCTIONS = ("sum_over_batch_size", "mean", "sum", "mean_with_sample_weight", "none", None)


def check_reduction(reduction):
    """Return ``reduction`` if it is one of ``REDUCTIONS``; ``ValueError`` otherwise."""
    if not (reduction is None or isinstance(reduction, str)) or reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {list(REDUCTIONS)}, got {reduction!r}.")
    return reduction


def _as_mask(mask, shape):
    values = np.asarray(mask)
    if values.shape != shape:
        raise ValueError(f"mask has shape {values.shape} but the losses have shape {shape}; "
                         "a mask marks each loss as kept (True) or masked (False).")
    if values.dtype != bool and not np.isin(values, (0, 1)).all():
        raise ValueError("mask must hold booleans (or 0 and 1), one per loss.")
    return values.astype(bool)


def reduce_losses(losses, sample_weight=None, reduction="sum_over_batch_size", mask=None):
    r"""Reduce per-sample losses exactly as a Keras 3 loss object does.

    With losses :math:`\ell_i`, weights :math:`w_i` (1 if not given) and
    :math:`N` the number of losses (masked ones included),

    .. math::
        \texttt{"sum"}: \sum_i w_i \ell_i, \qquad
        \texttt{"sum\_over\_batch\_size"} = \texttt{"mean"}: \frac1N \sum_i w_i \ell_i, \qquad
        \texttt{"mean\_with\_sample\_weight"}: \frac{\sum_i w_i \ell_i}{\sum_i w_i},

    and ``"none"`` or ``None`` return the weighted losses :math:`w_i \ell_i`
    unreduced. A sample with weight 0 still counts in :math:`N`. A mask is
    different: under ``"sum_over_batch_size"`` (and ``"mean"``) Keras divides
    by the number of KEPT losses :math:`N_\text{kept}` (it gives kept losses the
    weight :math:`w_i N / N_\text{kept}`); under the other reductions a masked
    loss simply gets weight 0. A zero divisor gives 0, as Keras's
    ``divide_no_nan`` does.

    Parameters
    ----------
    losses : array_like
        Per-sample losses, e.g. ``keras.losses.MeanSquaredError(reduction=None)(...)``.
    sample_weight : array_like, optional
        One weight per loss; shape ``(n,)`` against ``(n, 1)`` is aligned as Keras
        does, and otherwise the weights must broadcast to the losses' shape.
    reduction : str or None, default "sum_over_batch_size"
    mask : array_like of bool, optional
        Same shape as ``losses``; ``False`` drops a loss.

    Returns
    -------
    numpy.ndarray
        float64: 0-d for a reduction, the losses' shape for ``"none"``/``None``.
    """
    reduction = check_reduction(reduction)
    values = as_float_array(losses, "losses")
    weights = None if sample_weight is None else as_float_array(sample_weight, "sample_weight")
    if mask is not None:  # merged into the weights first, as Keras's apply_mask does
        kept = _as_mask(mask, values.shape)
        if reduction in ("sum_over_batch_size", "mean"):
            mask_weight = np.where(kept, values.size / kept.sum() if kept.any() else 0.0, 0.0)
        else:
            mask_weight = kept.astype(np.float64)
        if weights is not None:
            weights, mask_weight = align_ranks(weights, mask_weight)
            weights = weights * mask_weight
        else:
            weights = mask_weight
    if weights is not None:
        weights, values = align_ranks(weights, values)
        try:
            values = values * np.broadcast_to(weights, values.shape)
        except ValueError as error:
            raise ValueError(f"sample_weight has shape {weights.shape}, which does not "
                             f"broadcast to the losses' shape {values.shape}.") from error
    if reduction in ("none", None):
        return np.asarray(values)
    total = values.sum()
    if reduction == "sum":
        return np.asarray(total)
    divisor = values.size
    if reduction == "mean_with_sample_weight" and weights is not None:
        divisor = weights.sum()  # the weights as given, not broadcast (as in Keras)
    return np.asarray(total / divisor if divisor != 0 else 0.0)
