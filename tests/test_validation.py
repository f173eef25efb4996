"""Bad input raises ValueError naming the argument and what was wrong."""

import numpy as np
import pytest

import lossfns
from lossfns._validation import (
    align_ranks,
    as_class_labels,
    as_float_array,
    check_label_smoothing,
    normalize_axis,
)

REGRESSION = [
    lossfns.mean_absolute_error,
    lossfns.mean_squared_error,
    lossfns.root_mean_squared_error,
    lossfns.mean_absolute_error_gradient,
    lossfns.mean_squared_error_gradient,
    lossfns.root_mean_squared_error_gradient,
]
CATEGORICAL = [lossfns.categorical_crossentropy, lossfns.categorical_crossentropy_gradient]
SPARSE = [lossfns.sparse_categorical_crossentropy,
          lossfns.sparse_categorical_crossentropy_gradient]
BINARY = [lossfns.binary_crossentropy, lossfns.binary_crossentropy_gradient]
SMOOTHED = CATEGORICAL + BINARY
PROBABILISTIC = CATEGORICAL + SPARSE + BINARY
DENSE_TARGETS = REGRESSION + CATEGORICAL + BINARY  # y_true has y_pred's shape
ALL = DENSE_TARGETS + SPARSE


def name_of(function):
    return function.__name__


def valid_inputs(function):
    """A small valid (y_true, y_pred) pair for ``function``."""
    y_pred = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    if function in SPARSE:
        return np.array([2, 0]), y_pred
    return np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]), y_pred


@pytest.mark.parametrize("function", DENSE_TARGETS, ids=name_of)
def test_shapes_that_would_broadcast_are_refused(function):
    with pytest.raises(ValueError, match=r"y_true has shape \(4,\) but y_pred has shape \(4, 3\)"):
        function(np.zeros(4), np.full((4, 3), 0.5))


@pytest.mark.parametrize("function", REGRESSION + BINARY, ids=name_of)
def test_mismatch_left_after_the_keras_rank_alignment_is_refused(function):
    with pytest.raises(ValueError, match=r"y_true has shape \(2,\).*\(3, 2\).*2 and 6 values"):
        function(np.zeros(2), np.full((3, 2), 0.5))  # Keras's MAE broadcasts this to 3 losses


def test_equal_sizes_are_refused_without_suggesting_a_blind_reshape():
    with pytest.raises(ValueError, match=r"\(2, 3\) but y_pred has shape \(3, 2\).*as many "
                       r"values, but reshape one only if") as refusal:
        lossfns.mean_squared_error(np.zeros((2, 3)), np.zeros((3, 2)))
    assert "np.reshape" not in str(refusal.value)


@pytest.mark.parametrize("function", CATEGORICAL, ids=name_of)
def test_integer_labels_in_categorical_point_to_the_sparse_loss(function):
    with pytest.raises(ValueError, match=r"shape \(2,\).*use sparse_categorical_crossentropy"):
        function(np.array([0, 2]), np.full((2, 3), 0.3))


@pytest.mark.parametrize("function", CATEGORICAL, ids=name_of)
def test_class_count_mismatch_names_both_counts(function):
    with pytest.raises(ValueError, match="y_true has 4 classes along axis 1 but y_pred has 3"):
        function(np.full((2, 4), 0.25), np.full((2, 3), 0.3))


@pytest.mark.parametrize("function", SPARSE, ids=name_of)
def test_sparse_labels_need_one_label_per_sample(function):
    with pytest.raises(ValueError, match=r"y_true has shape \(3,\).*y_pred has shape \(2, 3\)"):
        function(np.array([0, 1, 2]), np.full((2, 3), 0.3))


@pytest.mark.parametrize("argument", ["y_true", "y_pred"])
@pytest.mark.parametrize("function", ALL, ids=name_of)
def test_nan_is_refused_with_count_and_first_index(function, argument):
    y_true, y_pred = valid_inputs(function)
    bad = (y_true if argument == "y_true" else y_pred).astype(float)
    bad.flat[-1] = np.nan
    inputs = (bad, y_pred) if argument == "y_true" else (y_true, bad)
    with pytest.raises(ValueError, match=rf"{argument} contains 1 NaN .*nan at index \("):
        function(*inputs)


@pytest.mark.parametrize("function", ALL, ids=name_of)
def test_infinity_is_refused(function):
    y_true, y_pred = valid_inputs(function)
    y_pred = y_pred.copy()
    y_pred[0, 1:] = [np.inf, -np.inf]
    with pytest.raises(ValueError, match=r"y_pred contains 2 NaN or infinite .*index \(0, 1\)"):
        function(y_true, y_pred)


@pytest.mark.parametrize("function", ALL, ids=name_of)
def test_empty_input_is_refused(function):
    with pytest.raises(ValueError, match=r"(y_true|y_pred) is empty \(shape \(0,"):
        function(np.zeros((0,)), np.zeros((0, 3)))


@pytest.mark.parametrize("function", REGRESSION, ids=name_of)
def test_scalars_are_refused(function):
    with pytest.raises(ValueError, match="y_true must have at least 1 dimension"):
        function(1.0, 2.0)


@pytest.mark.parametrize("function", PROBABILISTIC, ids=name_of)
def test_predictions_outside_zero_one_suggest_from_logits(function):
    y_true, _ = valid_inputs(function)
    logits = np.array([[-1.5, 0.2, 3.0], [0.1, 0.2, 0.3]])
    with pytest.raises(ValueError, match=r"y_pred .*min=-1\.5 and max=3.*from_logits=True"):
        function(y_true, logits)
    function(y_true, logits, from_logits=True)  # the same values are fine as logits


@pytest.mark.parametrize("function", SMOOTHED, ids=name_of)
def test_targets_outside_zero_one_are_refused(function):
    with pytest.raises(ValueError, match=r"y_true .*min=0 and max=2; targets must be in \[0, 1\]"):
        function(np.array([[0.0, 2.0, 0.0]]), np.array([[0.2, 0.3, 0.5]]), from_logits=True)


@pytest.mark.parametrize("function", CATEGORICAL, ids=name_of)
def test_probabilities_summing_to_zero_are_refused(function):
    with pytest.raises(ValueError, match="y_pred sums to 0 along axis 1 for 1 sample"):
        function(np.eye(2), np.array([[0.0, 0.0], [0.5, 0.5]]))


@pytest.mark.parametrize("function", SPARSE, ids=name_of)
@pytest.mark.parametrize(("labels", "message"), [
    ([-1, 0], r"y_true must hold class labels in \[0, 2\] because y_pred has 3 classes, .*min=-1"),
    ([3, 0], r"y_true must hold class labels in \[0, 2\] because y_pred has 3 classes, .*max=3"),
    ([1.5, 0], r"y_true must contain integer class labels, .*1 non-integer .*e\.g\. 1\.5"),
])
def test_bad_sparse_labels_are_refused(function, labels, message):
    with pytest.raises(ValueError, match=message):
        function(np.array(labels), np.full((2, 3), 0.3))


@pytest.mark.parametrize("function", SPARSE, ids=name_of)
def test_whole_number_float_labels_are_accepted(function):
    y_pred = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    np.testing.assert_array_equal(function(np.array([2.0, 0.0]), y_pred),
                                  function(np.array([2, 0]), y_pred))


@pytest.mark.parametrize("function", SPARSE, ids=name_of)
def test_sparse_supports_only_the_last_axis_like_keras(function):
    y_true, y_pred = valid_inputs(function)
    with pytest.raises(ValueError, match="axis=0 is not supported.*only supports axis=-1"):
        function(y_true, y_pred, axis=0)
    function(y_true, y_pred, axis=1)  # the last axis, spelled positively


@pytest.mark.parametrize("axis", [2, -3, 1.0, "1"])
@pytest.mark.parametrize("function", CATEGORICAL + BINARY, ids=name_of)
def test_invalid_axis_is_refused(function, axis):
    y_true, y_pred = valid_inputs(function)
    with pytest.raises(ValueError, match=r"axis must be an int"):
        function(y_true, y_pred, axis=axis)


@pytest.mark.parametrize("label_smoothing", [-0.1, 1.5, float("nan"), True, "0.1", None])
@pytest.mark.parametrize("function", SMOOTHED, ids=name_of)
def test_label_smoothing_outside_zero_one_is_refused(function, label_smoothing):
    y_true, y_pred = valid_inputs(function)
    with pytest.raises(ValueError, match=r"label_smoothing must be a number in \[0, 1\], got "):
        function(y_true, y_pred, label_smoothing=label_smoothing)


def test_non_numeric_input_is_refused():
    with pytest.raises(ValueError, match="y_pred must be numeric"):
        lossfns.mean_squared_error([1.0, 2.0], ["a", "b"])


@pytest.mark.parametrize(("true_shape", "pred_shape", "aligned"), [
    ((4,), (4, 1), ((4, 1), (4, 1))),  # the rank-1 side gains a trailing axis
    ((4, 1), (4,), ((4, 1), (4, 1))),
    ((2, 3), (2, 3, 1), ((2, 3), (2, 3))),  # otherwise the trailing 1 is squeezed
    ((2, 3, 1), (2, 3), ((2, 3), (2, 3))),
    ((4,), (4, 3), ((4,), (4, 3))),  # left alone: the later shape check refuses it
    ((3,), (3,), ((3,), (3,))),
])
def test_align_ranks_mirrors_keras(true_shape, pred_shape, aligned):
    y_true, y_pred = align_ranks(np.zeros(true_shape), np.zeros(pred_shape))
    assert (y_true.shape, y_pred.shape) == aligned


def test_helpers_return_clean_values():
    array = as_float_array([1, 2], "y_true")
    assert array.dtype == np.float64 and array.shape == (2,)
    assert as_float_array(3, "y_true", allow_scalar=True).shape == ()
    assert normalize_axis(-1, 3) == 2 and normalize_axis(np.int64(1), 3) == 1
    assert check_label_smoothing(np.float32(0.5)) == 0.5
    labels = as_class_labels(np.array([0.0, 2.0]), num_classes=3)
    assert labels.dtype == np.int64 and labels.tolist() == [0, 2]


@pytest.mark.parametrize("function", [lossfns.softmax, lossfns.log_softmax], ids=name_of)
def test_softmax_checks_its_logits(function):
    with pytest.raises(ValueError, match="logits contains 1 NaN"):
        function([0.0, np.nan])
    with pytest.raises(ValueError, match=r"axis must be an int in \[-1, 0\] for logits"):
        function([0.0, 1.0], axis=1)
