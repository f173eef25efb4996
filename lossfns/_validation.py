"""Input checks behind every public function of ``lossfns`` (private: not part of the API).

Every check raises ``ValueError`` with a message that names the argument
(``y_true``, ``y_pred``, ``axis``, ``label_smoothing``, ``delta``, ...) and what was
wrong. ``check_elementwise_inputs`` serves every loss that pairs each prediction
with a target of the same shape (regression, Huber, log-cosh, pinball, binary,
focal, KL, hinge, and the likelihood losses); ``check_categorical_inputs`` and
``check_sparse_inputs`` the two cross-entropies over classes; ``check_number`` every
scalar parameter.
"""

import operator

import numpy as np


def refuse_complex(array, name):
    """Raise unless ``array`` (already a NumPy array) is real: casting would drop the imaginary
    part with only a ``ComplexWarning``."""
    if np.iscomplexobj(array):
        raise ValueError(f"{name} holds complex numbers (dtype {array.dtype}); losses are "
                         "defined for real numbers only: pass the real part (or np.abs) "
                         "yourself if that is what you mean.")


def as_float_array(values, name, allow_scalar=False):
    """Convert ``values`` to a non-empty, finite float64 array; complex values are refused.

    Parameters
    ----------
    values : array_like
        Numbers to convert.
    name : str
        Argument name used in error messages.
    allow_scalar : bool, default False
        Whether a 0-d result is acceptable; otherwise at least 1-D is required.
    """
    try:
        array = np.asarray(values)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be numeric: {error}") from error
    refuse_complex(array, name)
    try:
        array = array.astype(np.float64, copy=False)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be numeric: {error}") from error
    if array.ndim == 0 and not allow_scalar:
        raise ValueError(f"{name} must have at least 1 dimension, got the scalar {values!r}.")
    if array.size == 0:
        raise ValueError(f"{name} is empty (shape {array.shape}); need at least one value.")
    non_finite = ~np.isfinite(array)
    if non_finite.any():
        first = tuple(int(i) for i in np.argwhere(non_finite)[0])
        raise ValueError(
            f"{name} contains {int(non_finite.sum())} NaN or infinite value(s); "
            f"the first is {array[first]} at index {first}."
        )
    return array


def align_ranks(y_true, y_pred):
    """Keras's ``squeeze_or_expand_to_same_rank`` for two arrays.

    If the ranks differ by exactly one and the larger array's last dimension
    is 1, then a rank-1 smaller array gains a trailing axis, otherwise the
    larger array loses its last axis. Anything else is returned unchanged.
    This is why ``y_true`` of shape ``(n,)`` and ``y_pred`` of shape
    ``(n, 1)`` give ``n`` losses, not an ``(n, n)`` broadcast.
    """
    if y_pred.ndim == y_true.ndim + 1 and y_pred.shape[-1] == 1:
        if y_true.ndim == 1:
            return y_true[:, np.newaxis], y_pred
        return y_true, y_pred[..., 0]
    if y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1] == 1:
        if y_pred.ndim == 1:
            return y_true, y_pred[:, np.newaxis]
        return y_true[..., 0], y_pred
    return y_true, y_pred


def check_same_shape(y_true, y_pred):
    """Refuse shapes that differ (NumPy would silently broadcast them), naming both."""
    if y_true.shape != y_pred.shape:
        if y_true.size == y_pred.size:
            hint = ("they hold as many values, but reshape one only if you know its values are "
                    "laid out in the other's order.")
        else:
            hint = f"they hold {y_true.size} and {y_pred.size} values."
        raise ValueError(
            f"y_true has shape {y_true.shape} but y_pred has shape {y_pred.shape}; "
            f"they must be equal (no broadcasting): {hint}"
        )


def normalize_axis(axis, ndim, name="y_pred"):
    """Return ``axis`` as an index in ``[0, ndim)``; refuse non-integers and out-of-range values."""
    try:
        index = operator.index(axis)
    except TypeError as error:
        raise ValueError(f"axis must be an int, got {axis!r}.") from error
    if not -ndim <= index < ndim:
        raise ValueError(
            f"axis must be an int in [{-ndim}, {ndim - 1}] for {name} with "
            f"{ndim} dimension(s), got axis={axis!r}."
        )
    return index % ndim


def check_number(value, name, requirement, is_allowed):
    """Return ``value`` as a float if it is one real number that ``is_allowed``; else ValueError."""
    message = f"{name} must be {requirement}, got {value!r}."
    if np.ndim(value) != 0:
        raise ValueError(message + " Pass one number, not an array.")
    try:
        number = float(value)
    except (TypeError, ValueError) as error:
        raise ValueError(message) from error
    if isinstance(value, (bool, np.bool_, str)) or not is_allowed(number):
        raise ValueError(message)
    return number


def check_label_smoothing(label_smoothing):
    """Return ``label_smoothing`` as a float, which must lie in ``[0, 1]``."""
    return check_number(label_smoothing, "label_smoothing", "a number in [0, 1]",
                        lambda value: 0.0 <= value <= 1.0)


def check_probabilities(array, name):
    """Raise unless every value of ``array`` lies in ``[0, 1]``."""
    low, high = array.min(), array.max()
    if low < 0.0 or high > 1.0:
        hint = "targets must be in [0, 1] (one-hot or soft labels)."
        if name == "y_pred":
            hint = "if these are logits, pass from_logits=True."
        raise ValueError(
            f"{name} must contain probabilities in [0, 1], but found min={low:g} "
            f"and max={high:g}; {hint}"
        )


def as_class_labels(y_true, num_classes, name="y_true", scores="y_pred"):
    """Convert integer-valued ``y_true`` to int64 class indices in ``[0, num_classes)``.

    Whole-number floats such as ``2.0`` are accepted because Keras casts
    them; ``1.5`` is refused because Keras would silently truncate it to 1.
    ``name`` and ``scores`` are the names of the labels and of the class scores in messages.
    """
    fractional = y_true != np.round(y_true)
    if fractional.any():
        raise ValueError(
            f"{name} must contain integer class labels, but found {int(fractional.sum())} "
            f"non-integer value(s), e.g. {y_true[fractional][0]}."
        )
    if y_true.min() < 0 or y_true.max() >= num_classes:
        raise ValueError(
            f"{name} must hold class labels in [0, {num_classes - 1}] because {scores} has "
            f"{num_classes} classes, but found min={y_true.min():g} and max={y_true.max():g}."
        )
    return y_true.astype(np.int64)


def check_elementwise_inputs(y_true, y_pred):
    """Convert, align ranks as Keras does, and require equal shapes: one target per prediction."""
    y_true = as_float_array(y_true, "y_true")
    y_pred = as_float_array(y_pred, "y_pred")
    y_true, y_pred = align_ranks(y_true, y_pred)
    check_same_shape(y_true, y_pred)
    return y_true, y_pred


def check_categorical_inputs(y_true, y_pred, from_logits, axis):
    """Validate inputs of categorical cross-entropy; return ``(y_true, y_pred, axis)``."""
    y_true = as_float_array(y_true, "y_true")
    y_pred = as_float_array(y_pred, "y_pred")
    axis = normalize_axis(axis, y_pred.ndim)
    if y_true.ndim == y_pred.ndim - 1:
        raise ValueError(
            f"y_true has shape {y_true.shape} but y_pred has shape {y_pred.shape}; for one "
            "integer label per sample use sparse_categorical_crossentropy (or one-hot y_true)."
        )
    if (
        y_true.ndim == y_pred.ndim
        and y_true.shape[axis] != y_pred.shape[axis]
        and np.delete(y_true.shape, axis).tolist() == np.delete(y_pred.shape, axis).tolist()
    ):
        raise ValueError(
            f"y_true has {y_true.shape[axis]} classes along axis {axis} but y_pred "
            f"has {y_pred.shape[axis]} (shapes {y_true.shape} and {y_pred.shape})."
        )
    check_same_shape(y_true, y_pred)
    check_probabilities(y_true, "y_true")
    if not from_logits:
        check_probabilities(y_pred, "y_pred")
        zero_sums = y_pred.sum(axis=axis) == 0
        if zero_sums.any():
            raise ValueError(
                f"y_pred sums to 0 along axis {axis} for {int(zero_sums.sum())} "
                "sample(s), which cannot be renormalised into probabilities."
            )
    return y_true, y_pred, axis


def check_sparse_inputs(y_true, y_pred, from_logits, axis):
    """Validate inputs of sparse categorical cross-entropy; return ``(labels, y_pred)``.

    A trailing length-1 axis of ``y_true`` is squeezed (as Keras does), after
    which ``y_true.shape`` must equal ``y_pred.shape[:-1]``.
    """
    y_true = as_float_array(y_true, "y_true", allow_scalar=True)
    y_pred = as_float_array(y_pred, "y_pred")
    if normalize_axis(axis, y_pred.ndim) != y_pred.ndim - 1:
        raise ValueError(
            f"axis={axis} is not supported: like Keras, sparse categorical "
            "cross-entropy only supports axis=-1 (the last axis of y_pred)."
        )
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    if y_true.shape != y_pred.shape[:-1]:
        raise ValueError(
            f"y_true has shape {y_true.shape} but y_pred has shape {y_pred.shape}; "
            f"y_true needs one integer label per sample, i.e. shape {y_pred.shape[:-1]}."
        )
    if not from_logits:
        check_probabilities(y_pred, "y_pred")
    return as_class_labels(y_true, y_pred.shape[-1]), y_pred


def check_binary_inputs(y_true, y_pred, from_logits, axis):
    """Validate inputs of binary cross-entropy; return ``(y_true, y_pred, axis)``."""
    y_true, y_pred = check_elementwise_inputs(y_true, y_pred)
    axis = normalize_axis(axis, y_pred.ndim)
    check_probabilities(y_true, "y_true")
    if not from_logits:
        check_probabilities(y_pred, "y_pred")
    return y_true, y_pred, axis
