r"""Losses designed from a likelihood, each followed by its gradient (chapter 6, "Designing a
loss from a likelihood"): each loss is the negative log-likelihood of a model of the target.

- :func:`gaussian_nll`: a normal distribution whose mean AND log-variance are predicted;
- :func:`poisson`: a Poisson distribution of counts with a predicted rate, as
  ``keras.losses.poisson``;
- :func:`student_t_nll`: a Student-t distribution (heavy tails) centred on the prediction.

As for every loss of ``lossfns``: one loss per sample, the mean over the last axis
(size ``d``) of an elementwise loss, computed in float64; ``y_true`` of shape ``(n,)``
against predictions of shape ``(n, 1)`` (and the reverse) is ``n`` samples, as in
Keras; invalid input raises ``ValueError`` naming the argument. Each ``*_gradient``
returns the derivative of the SUM of the per-sample losses with respect to each
prediction argument, shaped like that argument.
"""

import math

import numpy as np

from ._validation import as_float_array, check_elementwise_inputs, check_number
from .classification import EPSILON

_LOG_2PI = math.log(2.0 * math.pi)


# --- Gaussian with a predicted variance --------------------------------------------------------

def _gaussian_inputs(y_true, mean, log_variance):
    """Aligned ``(y_true, mean, log_variance)``; ``log_variance`` must have ``mean``'s shape."""
    log_variance = as_float_array(log_variance, "log_variance")
    if log_variance.shape != np.shape(mean):
        raise ValueError(
            f"log_variance has shape {log_variance.shape} but mean has shape {np.shape(mean)}; "
            "they must be equal: one predicted log-variance per predicted mean.")
    try:
        y_true, aligned_mean = check_elementwise_inputs(y_true, mean)
    except ValueError as error:  # name the argument by its name here, mean
        raise ValueError(str(error).replace("y_pred", "mean")) from error
    return y_true, aligned_mean, log_variance.reshape(aligned_mean.shape)


def gaussian_nll(y_true, mean, log_variance):
    r"""Negative log-likelihood of a normal distribution with predicted mean and log-variance.

    With :math:`\mu` = ``mean`` and :math:`s = \log\sigma^2` = ``log_variance``,
    elementwise

    .. math:: \ell = \tfrac12\Big(\log 2\pi + s + \frac{(y - \mu)^2}{e^{s}}\Big)
              = -\log \mathcal N(y;\, \mu, e^{s}),

    and :math:`L = \frac1d \sum_j \ell_j`. This is ``-scipy.stats.norm.logpdf(y, mean,
    np.exp(log_variance / 2))`` averaged over the last axis. Predicting the LOG of the
    variance keeps the variance positive for any output of a network; the term
    :math:`s` stops the model from claiming an infinite variance everywhere, the
    quotient from claiming a tiny one. With :math:`s` fixed at 0 it is half the
    squared error plus a constant. ``log_variance`` must have ``mean``'s shape; ``y_true``
    is lined up with ``mean`` as Keras lines up ``y_true`` and ``y_pred``.

    Returns
    -------
    numpy.ndarray
        float64, shape ``mean.shape[:-1]`` (after the rank alignment).
    """
    y_true, mean, log_variance = _gaussian_inputs(y_true, mean, log_variance)
    elementwise = 0.5 * (_LOG_2PI + log_variance + (y_true - mean) ** 2 * np.exp(-log_variance))
    return np.asarray(np.mean(elementwise, axis=-1))


def gaussian_nll_gradient(y_true, mean, log_variance):
    r"""Gradients of the summed :func:`gaussian_nll`: ``(d_mean, d_log_variance)``.

    .. math:: \frac{\partial L}{\partial \mu_j} = \frac{(\mu_j - y_j)\, e^{-s_j}}{d},
              \qquad
              \frac{\partial L}{\partial s_j}
              = \frac{1 - (y_j - \mu_j)^2 e^{-s_j}}{2d},

    ``d`` being the size of the last axis. The slope in :math:`s` is 0 where the
    predicted variance equals the squared error: that is the variance the loss
    teaches. Each array has the shape of its argument (``mean``'s).
    """
    original_shape = np.shape(mean)
    y_true, mean, log_variance = _gaussian_inputs(y_true, mean, log_variance)
    d = mean.shape[-1]
    precision = np.exp(-log_variance)
    d_mean = (mean - y_true) * precision / d
    d_log_variance = 0.5 * (1.0 - (y_true - mean) ** 2 * precision) / d
    return d_mean.reshape(original_shape), d_log_variance.reshape(original_shape)


# --- Poisson ---------------------------------------------------------------------------------

def _poisson_inputs(y_true, y_pred):
    y_true, y_pred = check_elementwise_inputs(y_true, y_pred)
    if y_pred.min() <= 0.0:
        raise ValueError(
            f"y_pred must hold rates, and rates must be positive, but found min={y_pred.min():g}; "
            "predict log-rates and pass their exponential (or end the model with a softplus).")
    if y_true.min() < 0.0:
        raise ValueError(
            f"y_true must hold counts, which are non-negative, but found min={y_true.min():g}.")
    return y_true, y_pred


def poisson(y_true, y_pred):
    r"""Poisson loss per sample, exactly as ``keras.losses.poisson``.

    For counts :math:`y \ge 0` and predicted rates :math:`\lambda > 0`, elementwise

    .. math:: \ell = \lambda - y \log(\lambda + \epsilon),

    and :math:`L = \frac1d \sum_j \ell_j` (Keras's :math:`\epsilon` = ``EPSILON`` =
    1e-7). Up to the :math:`\epsilon` this is the negative log-likelihood of the
    count under a Poisson distribution of rate :math:`\lambda`,
    :math:`-\log\big(\lambda^y e^{-\lambda} / y!\big)`, minus :math:`\log y!`, which
    does not depend on the prediction: so the loss is not 0 at its minimum
    :math:`\lambda = y`. Rates ``<= 0`` and negative counts are refused (Keras
    returns a number, or nan, without a word).
    """
    y_true, y_pred = _poisson_inputs(y_true, y_pred)
    return np.asarray(np.mean(y_pred - y_true * np.log(y_pred + EPSILON), axis=-1))


def poisson_gradient(y_true, y_pred):
    r"""Gradient of the summed :func:`poisson`:
    :math:`\frac1d\big(1 - \frac{y_j}{\lambda_j + \epsilon}\big)`, shaped like ``y_pred``.

    It is 0 where the rate equals the count (up to :math:`\epsilon`), negative
    where the rate is too low.
    """
    aligned_true, aligned_pred = _poisson_inputs(y_true, y_pred)
    gradient = (1.0 - aligned_true / (aligned_pred + EPSILON)) / aligned_pred.shape[-1]
    return gradient.reshape(np.shape(y_pred))


# --- Student-t -------------------------------------------------------------------------------

def _check_positive(value, name):
    return check_number(value, name, "a positive, finite number",
                        lambda number: math.isfinite(number) and number > 0)


def _log1p_square(a):
    r""":math:`\log(1 + a^2)` without squaring a huge :math:`a`:
    :math:`2\log|a| + \log(1 + a^{-2})` for :math:`|a| > 1`."""
    size = np.abs(a)
    with np.errstate(divide="ignore"):  # log 0 sits only in the branch not taken
        large = 2.0 * np.log(size) + np.log1p((1.0 / np.maximum(size, 1.0)) ** 2)
    return np.where(size > 1.0, large, np.log1p(np.minimum(size, 1.0) ** 2))


def student_t_nll(y_true, y_pred, dof, scale=1.0):
    r"""Negative log-likelihood of a Student-t distribution centred on the prediction.

    With :math:`\nu` = ``dof`` degrees of freedom, scale :math:`s` and
    :math:`r = (y - \hat y)/s`, elementwise

    .. math:: \ell = -\log\Gamma\big(\tfrac{\nu+1}{2}\big) + \log\Gamma\big(\tfrac{\nu}{2}\big)
              + \tfrac12\log(\nu\pi) + \log s
              + \tfrac{\nu+1}{2}\log\Big(1 + \frac{r^2}{\nu}\Big),

    and :math:`L = \frac1d \sum_j \ell_j`: ``-scipy.stats.t.logpdf(y_true, dof,
    loc=y_pred, scale=scale)`` averaged over the last axis. For large errors the
    loss grows like :math:`(\nu + 1)\log|r|`, only logarithmically, so outliers
    pull far less than in the squared error; as :math:`\nu \to \infty` it tends to
    the Gaussian NLL with variance :math:`s^2`.

    Computed stably: the last term is :math:`\tfrac{\nu+1}{2}\big(2\log a +
    \log(1 + a^{-2})\big)` with :math:`a = |r|/\sqrt\nu > 1` (the density
    :math:`(1 + r^2/\nu)^{-(\nu+1)/2}` underflows to 0, and :math:`r^2` overflows
    to inf, long before the loss is large), and the Gamma functions enter through
    ``math.lgamma``. ``dof`` and ``scale`` are positive finite numbers.
    """
    dof, scale = _check_positive(dof, "dof"), _check_positive(scale, "scale")
    y_true, y_pred = check_elementwise_inputs(y_true, y_pred)
    constant = (math.lgamma(dof / 2.0) - math.lgamma((dof + 1.0) / 2.0)
                + 0.5 * math.log(dof * math.pi) + math.log(scale))
    a = (y_true - y_pred) / (scale * math.sqrt(dof))
    return np.asarray(np.mean(constant + 0.5 * (dof + 1.0) * _log1p_square(a), axis=-1))


def student_t_nll_gradient(y_true, y_pred, dof, scale=1.0):
    r"""Gradient of the summed :func:`student_t_nll` with respect to ``y_pred``.

    .. math:: \frac{\partial L}{\partial \hat y_j}
              = -\frac{(\nu + 1)\, r_j}{d\, s\, (\nu + r_j^2)},
              \qquad r_j = \frac{y_j - \hat y_j}{s},

    computed as :math:`1/(\nu/r + r)` for :math:`|r| > 1`, so that no :math:`r^2`
    overflows. It is largest in size at :math:`|r| = \sqrt\nu` and falls back to 0
    for huge errors: an outlier barely moves the prediction. Same shape as ``y_pred``.
    """
    dof, scale = _check_positive(dof, "dof"), _check_positive(scale, "scale")
    aligned_true, aligned_pred = check_elementwise_inputs(y_true, y_pred)
    r = (aligned_true - aligned_pred) / scale
    large = np.abs(r) > 1.0
    big, small = np.where(large, r, 1.0), np.where(large, 0.0, r)
    ratio = np.where(large, 1.0 / (dof / big + big), small / (dof + small**2))
    gradient = -(dof + 1.0) * ratio / (scale * aligned_pred.shape[-1])
    return gradient.reshape(np.shape(y_pred))
