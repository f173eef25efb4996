r"""Temperature scaling: the cross-entropy of logits divided by a temperature, and its slope in it.

Dividing every logit by a temperature :math:`T > 0` before the softmax keeps
the predicted class and changes only the confidence (:math:`T > 1` softens
the probabilities, :math:`T < 1` sharpens them). Fitting :math:`T` on held-out
data by gradient descent needs :func:`temperature_gradient`.
"""

import math

import numpy as np

from ._validation import as_class_labels, as_float_array, check_number
from .losses import softmax


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

    For logits :math:`z_i` (shape ``(N, K)``), integer labels :math:`c_i` and
    :math:`T > 0`,

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
