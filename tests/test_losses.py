"""The first chapters' losses (in lossfns.regression and lossfns.classification) against
keras.losses, plus the numerical claims the book makes."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import hypothesis.extra.numpy as hnp
import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lossfns
from lossfns import EPSILON

EXAMPLES = settings(max_examples=40, deadline=None)
SHAPES = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5)
CLASS_SHAPES = hnp.array_shapes(min_dims=1, max_dims=3, min_side=2, max_side=5)
CERTAIN_MISTAKE = -np.log(EPSILON)  # about 16.118: -log of a probability clipped to EPSILON
# In float32, 1 - EPSILON rounds to 1 - 1.19e-7, so Keras clips 1 - p to 1.19e-7, not 1e-7.
FLOAT32_TOP = float(np.float32(1 - EPSILON))


def float32_arrays(shape, low, high):
    elements = st.floats(low, high, width=32, allow_subnormal=False)
    return hnp.arrays(np.float32, shape, elements=elements)


def assert_matches_keras(actual, expected):
    # Keras computes in float32 (about 7 significant digits), lossfns in
    # float64, hence rtol=1e-6. Near-zero losses also need an absolute floor:
    # a certain, correct prediction costs -log(1 - 1e-7) = 1.0e-7 in float64
    # but -log(float32(1 - 1e-7)) = 1.2e-7 in float32: 20% apart, yet only
    # 2e-8 apart in absolute terms.
    expected = np.asarray(expected)
    assert isinstance(actual, np.ndarray) and actual.dtype == np.float64
    assert actual.shape == expected.shape
    np.testing.assert_allclose(actual, expected, rtol=1e-6, atol=1e-6)


def probabilities(data, shape, axis=-1):
    """Probabilities in [0, 1] (exact 0 and 1 included) that need not sum to 1."""
    values = data.draw(float32_arrays(shape, 0.0, 1.0))
    all_zero = np.all(values == 0, axis=axis, keepdims=True)
    return np.where(all_zero, np.float32(1.0), values)  # keep every sample renormalisable


def targets(data, shape, axis=-1):
    """One-hot targets along ``axis``, or soft targets in [0, 1]."""
    if data.draw(st.booleans(), label="one_hot"):
        labels = data.draw(hnp.arrays(np.int64, shape, elements=st.integers(0, 100)))
        hot = labels == labels.max(axis=axis, keepdims=True)
        return (hot & (np.cumsum(hot, axis=axis) == 1)).astype(np.float32)
    return data.draw(float32_arrays(shape, 0.0, 1.0))


@pytest.mark.parametrize("name", ["mean_absolute_error", "mean_squared_error"])
@EXAMPLES
@given(data=st.data(), shape=SHAPES)
def test_regression_losses_match_keras(name, data, shape):
    y_true = data.draw(float32_arrays(shape, -100, 100))
    y_pred = data.draw(float32_arrays(shape, -100, 100))
    expected = getattr(keras.losses, name)(y_true, y_pred)
    assert_matches_keras(getattr(lossfns, name)(y_true, y_pred), expected)


@EXAMPLES
@given(data=st.data(), shape=SHAPES)
def test_root_mean_squared_error_is_root_of_keras_mse_per_sample(data, shape):
    y_true = data.draw(float32_arrays(shape, -100, 100))
    y_pred = data.draw(float32_arrays(shape, -100, 100))
    expected = np.sqrt(keras.losses.mean_squared_error(y_true, y_pred))
    assert_matches_keras(lossfns.root_mean_squared_error(y_true, y_pred), expected)


def test_root_mean_squared_error_differs_from_the_keras_metric():
    y_true, y_pred = np.zeros((2, 1)), np.array([[1.0], [3.0]])
    metric = keras.metrics.RootMeanSquaredError()
    metric.update_state(y_true, y_pred)
    np.testing.assert_allclose(float(metric.result()), np.sqrt(5.0), rtol=1e-6)  # root of mean
    np.testing.assert_allclose(lossfns.root_mean_squared_error(y_true, y_pred), [1.0, 3.0])


@pytest.mark.parametrize("flip", [False, True], ids=["(n,) vs (n,1)", "(n,1) vs (n,)"])
@pytest.mark.parametrize("name", ["mean_absolute_error", "mean_squared_error"])
@settings(max_examples=15, deadline=None)
@given(data=st.data(), n=st.integers(1, 6))
def test_column_and_flat_vectors_give_one_loss_per_sample(name, flip, data, n):
    flat = data.draw(float32_arrays((n,), -10, 10))
    column = data.draw(float32_arrays((n, 1), -10, 10))
    y_true, y_pred = (column, flat) if flip else (flat, column)
    result = getattr(lossfns, name)(y_true, y_pred)
    assert result.shape == (n,)  # never the (n, n) broadcast
    assert_matches_keras(result, getattr(keras.losses, name)(y_true, y_pred))


def test_rank_difference_inside_the_sample_is_squeezed_like_keras():
    y_true, y_pred = np.ones((2, 3), np.float32), np.zeros((2, 3, 1), np.float32)
    result = lossfns.mean_squared_error(y_true, y_pred)
    assert_matches_keras(result, keras.losses.mean_squared_error(y_true, y_pred))
    assert result.shape == (2,)


@EXAMPLES
@given(data=st.data(), shape=CLASS_SHAPES, from_logits=st.booleans(),
       label_smoothing=st.sampled_from([0.0, 0.1, 1.0]))
def test_categorical_crossentropy_matches_keras(data, shape, from_logits, label_smoothing):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1), label="axis")
    y_true = targets(data, shape, axis)
    y_pred = (data.draw(float32_arrays(shape, -20, 20)) if from_logits
              else probabilities(data, shape, axis))
    kwargs = {"from_logits": from_logits, "label_smoothing": label_smoothing}
    if label_smoothing and axis % len(shape) != len(shape) - 1:
        # Keras smooths with K = y_true.shape[-1] whatever the axis (see the
        # test below); with the class axis moved last, K is the class count.
        y_true, y_pred, axis = np.moveaxis(y_true, axis, -1), np.moveaxis(y_pred, axis, -1), -1
    # TensorFlow's softmax_cross_entropy_with_logits fails for negative axes
    # other than -1 (tf.range(0, axis) is empty), so Keras gets axis >= 0.
    keras_axis = axis % len(shape)
    expected = keras.losses.categorical_crossentropy(y_true, y_pred, axis=keras_axis, **kwargs)
    result = lossfns.categorical_crossentropy(y_true, y_pred, axis=axis, **kwargs)
    assert_matches_keras(result, expected)


def test_keras_smooths_labels_with_the_last_axis_size_not_the_class_axis():
    rng = np.random.default_rng(0)
    y_true = np.zeros((2, 3, 4), np.float32)
    y_true[:, 0, :] = 1.0  # one-hot along axis 1 (3 classes)
    y_pred = rng.uniform(0.1, 1.0, size=(2, 3, 4)).astype(np.float32)
    ours = lossfns.categorical_crossentropy(y_true, y_pred, label_smoothing=0.3, axis=1)
    keras_result = np.asarray(
        keras.losses.categorical_crossentropy(y_true, y_pred, label_smoothing=0.3, axis=1))
    q = np.clip(y_pred / y_pred.sum(axis=1, keepdims=True), EPSILON, 1 - EPSILON)
    smoothed_by_last_axis = y_true * 0.7 + 0.3 / 4
    np.testing.assert_allclose(keras_result, -(smoothed_by_last_axis * np.log(q)).sum(1), rtol=1e-5)
    assert not np.allclose(ours, keras_result)


@EXAMPLES
@given(data=st.data(), shape=CLASS_SHAPES, from_logits=st.booleans(),
       label_form=st.sampled_from(["int", "float", "trailing 1"]))
def test_sparse_categorical_crossentropy_matches_keras(data, shape, from_logits, label_form):
    labels = data.draw(hnp.arrays(np.int64, shape[:-1], elements=st.integers(0, shape[-1] - 1)))
    if label_form == "float":
        labels = labels.astype(np.float32)  # whole numbers such as 2.0 are accepted
    elif label_form == "trailing 1":
        labels = labels[..., np.newaxis]
    y_pred = (data.draw(float32_arrays(shape, -20, 20)) if from_logits
              else probabilities(data, shape))
    expected = keras.losses.sparse_categorical_crossentropy(labels, y_pred, from_logits=from_logits)
    result = lossfns.sparse_categorical_crossentropy(labels, y_pred, from_logits=from_logits)
    assert_matches_keras(result, expected)


@EXAMPLES
@given(data=st.data(), shape=SHAPES, from_logits=st.booleans(),
       label_smoothing=st.sampled_from([0.0, 0.2, 1.0]), hard=st.booleans())
def test_binary_crossentropy_matches_keras(data, shape, from_logits, label_smoothing, hard):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1), label="axis")
    if hard:
        y_true = data.draw(hnp.arrays(np.float32, shape, elements=st.sampled_from([0.0, 1.0])))
    else:
        y_true = data.draw(float32_arrays(shape, 0.0, 1.0))
    # Above FLOAT32_TOP float32 Keras clips 1 - p differently; see the p = 1 test below.
    y_pred = (data.draw(float32_arrays(shape, -20, 20)) if from_logits
              else data.draw(float32_arrays(shape, 0.0, FLOAT32_TOP)))
    kwargs = {"from_logits": from_logits, "label_smoothing": label_smoothing, "axis": axis}
    expected = keras.losses.binary_crossentropy(y_true, y_pred, **kwargs)
    assert_matches_keras(lossfns.binary_crossentropy(y_true, y_pred, **kwargs), expected)


@pytest.mark.parametrize("flip", [False, True], ids=["(n,) vs (n,1)", "(n,1) vs (n,)"])
def test_binary_crossentropy_aligns_ranks_like_the_keras_loss_class(flip):
    flat = np.array([0.0, 0.25, 0.75, 0.5], np.float32)
    column = np.array([[0.2], [0.9], [0.4], [0.7]], np.float32)
    y_true, y_pred = (column, flat) if flip else (flat, column)
    keras_loss = keras.losses.BinaryCrossentropy(reduction=None)
    result = lossfns.binary_crossentropy(y_true, y_pred)
    assert result.shape == (4,)
    assert_matches_keras(result, keras_loss(y_true, y_pred))


@pytest.mark.parametrize("name", ["categorical_crossentropy", "binary_crossentropy"])
def test_rank_one_input_is_one_sample(name):
    y_true, y_pred = np.array([0.0, 1.0, 0.0]), np.array([0.2, 0.5, 0.3])
    result = getattr(lossfns, name)(y_true, y_pred)
    assert result.shape == () and isinstance(result, np.ndarray)
    assert_matches_keras(result, getattr(keras.losses, name)(y_true, y_pred))
    sparse = lossfns.sparse_categorical_crossentropy(1, y_pred)
    assert sparse.shape == ()
    np.testing.assert_allclose(sparse, -np.log(0.5))


def test_a_certain_mistake_costs_minus_log_epsilon():
    np.testing.assert_allclose(CERTAIN_MISTAKE, 16.118, atol=1e-3)
    cases = [
        ("categorical_crossentropy", [[0, 1]], [[1, 0]]),
        ("binary_crossentropy", [[1], [1]], [[0], [0]]),
        ("sparse_categorical_crossentropy", [1], [[1, 0]]),
    ]
    for name, y_true, y_pred in cases:
        y_true, y_pred = np.array(y_true), np.array(y_pred, np.float32)
        result = getattr(lossfns, name)(y_true, y_pred)
        np.testing.assert_allclose(result, CERTAIN_MISTAKE, rtol=1e-9)
        assert_matches_keras(result, getattr(keras.losses, name)(y_true, y_pred))


def test_a_certain_correct_prediction_still_costs_about_epsilon():
    result = lossfns.categorical_crossentropy([[0, 1]], [[0, 1]])
    np.testing.assert_allclose(result, [-np.log1p(-EPSILON)], rtol=1e-8)


def test_predicting_one_for_a_negative_costs_less_in_float32_keras():
    y_true, y_pred = np.array([[0.0]]), np.array([[1.0]])
    np.testing.assert_allclose(lossfns.binary_crossentropy(y_true, y_pred), [CERTAIN_MISTAKE])
    in_float64 = keras.losses.binary_crossentropy(y_true, y_pred)  # float64 in, float64 out
    assert_matches_keras(lossfns.binary_crossentropy(y_true, y_pred), in_float64)
    in_float32 = keras.losses.binary_crossentropy(y_true.astype("float32"),
                                                  y_pred.astype("float32"))
    np.testing.assert_allclose(in_float32, [-np.log(1 - FLOAT32_TOP)], rtol=1e-6)
    np.testing.assert_allclose(in_float32, [15.942], atol=1e-3)


def test_sparse_renormalises_after_clipping_but_categorical_before():
    y_pred = np.array([[0.0, 0.5]], np.float32)  # class 0 certain to be wrong
    sparse = lossfns.sparse_categorical_crossentropy(np.array([0]), y_pred)
    categorical = lossfns.categorical_crossentropy([[1.0, 0.0]], y_pred)
    np.testing.assert_allclose(sparse, -np.log(EPSILON / (0.5 + EPSILON)), rtol=1e-12)
    np.testing.assert_allclose(categorical, CERTAIN_MISTAKE, rtol=1e-12)
    expected = keras.losses.sparse_categorical_crossentropy(np.array([0]), y_pred)
    assert_matches_keras(sparse, expected)


def test_large_logits_are_finite_and_exact():
    logits = np.array([[1e4, 0.0, -1e4]])
    for result in (
        lossfns.categorical_crossentropy([[0, 1, 0]], logits, from_logits=True),
        lossfns.sparse_categorical_crossentropy([1], logits, from_logits=True),
        lossfns.binary_crossentropy([[1.0]], [[-1e4]], from_logits=True),
    ):
        np.testing.assert_allclose(result, [1e4], rtol=1e-15)
    assert np.all(np.isfinite(lossfns.log_softmax(logits)))
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        naive_log_softmax = np.log(np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True))
    assert not np.all(np.isfinite(naive_log_softmax))  # exp(1e4) overflows: inf/inf = nan


@EXAMPLES
@given(logits=hnp.arrays(np.float64, CLASS_SHAPES, elements=st.floats(-50, 50)))
def test_softmax_is_a_distribution_and_log_softmax_its_log(logits):
    probabilities_ = lossfns.softmax(logits)
    np.testing.assert_allclose(probabilities_.sum(axis=-1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(np.exp(lossfns.log_softmax(logits)), probabilities_, rtol=1e-12)
    np.testing.assert_allclose(lossfns.softmax(logits + 123.0), probabilities_, rtol=1e-9)


def test_softmax_along_another_axis_matches_keras():
    logits = np.random.default_rng(1).normal(size=(2, 3, 4)).astype(np.float32)
    for axis in (0, 1, -1):
        expected = keras.ops.convert_to_numpy(keras.ops.softmax(logits, axis=axis))
        np.testing.assert_allclose(lossfns.softmax(logits, axis=axis), expected, rtol=1e-5)
