"""The gradients of the first chapters' losses (lossfns.regression, lossfns.classification) against
tf.GradientTape on the keras.losses functions."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import hypothesis.extra.numpy as hnp
import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

import lossfns
from lossfns import EPSILON

EXAMPLES = settings(max_examples=40, deadline=None)
SHAPES = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5)
CLASS_SHAPES = hnp.array_shapes(min_dims=1, max_dims=3, min_side=2, max_side=5)
REGRESSION = ["mean_absolute_error", "mean_squared_error", "root_mean_squared_error"]


def keras_loss(name):
    if name == "root_mean_squared_error":  # Keras has no RMSE loss function
        return lambda y_true, y_pred: tf.sqrt(keras.losses.mean_squared_error(y_true, y_pred))
    return getattr(keras.losses, name)


def tape_gradient(name, y_true, y_pred, **kwargs):
    """d/dy_pred of tf.reduce_sum(keras.losses.<name>(y_true, y_pred)).

    In float64, so that the comparison tests our formulas, not float32 rounding.
    """
    variable = tf.Variable(np.asarray(y_pred, np.float64))
    y_true = tf.constant(y_true if np.issubdtype(np.asarray(y_true).dtype, np.integer)
                         else np.asarray(y_true, np.float64))
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(keras_loss(name)(y_true, variable, **kwargs))
    return tape.gradient(total, variable).numpy()


def assert_matches_tape(name, y_true, y_pred, **kwargs):
    ours = getattr(lossfns, f"{name}_gradient")(y_true, y_pred, **kwargs)
    assert ours.shape == np.shape(y_pred) and ours.dtype == np.float64
    expected = tape_gradient(name, y_true, y_pred, **kwargs)
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-5)


def floats(shape, low, high):
    return hnp.arrays(np.float64, shape, elements=st.floats(low, high))


def probabilities(shape):
    # Away from 0 and 1 so that no renormalised value reaches a clip bound.
    return floats(shape, 0.01, 0.99)


@pytest.mark.parametrize("name", REGRESSION)
@EXAMPLES
@given(data=st.data(), shape=SHAPES)
def test_regression_gradients_match_tape(name, data, shape):
    y_true = data.draw(floats(shape, -10, 10))
    # Errors of size at least 0.01 keep MAE off its kink and RMSE off zero.
    size = data.draw(floats(shape, 0.01, 10))
    sign = data.draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([-1.0, 1.0])))
    assert_matches_tape(name, y_true, y_true + sign * size)


@pytest.mark.parametrize("name", REGRESSION + ["binary_crossentropy"])
@pytest.mark.parametrize("flip", [False, True], ids=["(n,) vs (n,1)", "(n,1) vs (n,)"])
def test_gradient_keeps_the_shape_of_y_pred_when_ranks_differ(name, flip):
    flat, column = np.array([0.1, 0.6, 0.3]), np.array([[0.8], [0.2], [0.5]])
    y_true, y_pred = (column, flat) if flip else (flat, column)
    ours = getattr(lossfns, f"{name}_gradient")(y_true, y_pred)
    # Keras's binary_crossentropy function refuses mixed ranks, so give the tape columns.
    expected = tape_gradient(name, y_true.reshape(3, 1), y_pred.reshape(3, 1))
    assert ours.shape == y_pred.shape
    np.testing.assert_allclose(ours, expected.reshape(y_pred.shape), rtol=1e-12)


@EXAMPLES
@given(data=st.data(), shape=CLASS_SHAPES, from_logits=st.booleans(),
       label_smoothing=st.sampled_from([0.0, 0.1, 1.0]))
def test_categorical_gradient_matches_tape(data, shape, from_logits, label_smoothing):
    axis = data.draw(st.integers(0, len(shape) - 1), label="axis")
    y_true = data.draw(floats(shape, 0.0, 1.0))
    y_pred = data.draw(floats(shape, -10, 10) if from_logits else probabilities(shape))
    if from_logits:  # TensorFlow assumes such targets sum to 1; see the test below
        y_true = (y_true + 0.01) / (y_true + 0.01).sum(axis=axis, keepdims=True)
    if label_smoothing:
        # Keras smooths with y_true.shape[-1] classes whatever the axis, so put it last.
        y_true, y_pred, axis = np.moveaxis(y_true, axis, -1), np.moveaxis(y_pred, axis, -1), -1
    assert_matches_tape("categorical_crossentropy", y_true, y_pred, axis=axis,
                        from_logits=from_logits, label_smoothing=label_smoothing)


@EXAMPLES
@given(data=st.data(), shape=CLASS_SHAPES, from_logits=st.booleans())
def test_sparse_gradient_matches_tape(data, shape, from_logits):
    labels = data.draw(hnp.arrays(np.int64, shape[:-1], elements=st.integers(0, shape[-1] - 1)))
    y_pred = data.draw(floats(shape, -10, 10) if from_logits else probabilities(shape))
    assert_matches_tape("sparse_categorical_crossentropy", labels, y_pred, from_logits=from_logits)


@EXAMPLES
@given(data=st.data(), shape=SHAPES, from_logits=st.booleans(),
       label_smoothing=st.sampled_from([0.0, 0.2, 1.0]))
def test_binary_gradient_matches_tape(data, shape, from_logits, label_smoothing):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1), label="axis")
    y_true = data.draw(floats(shape, 0.0, 1.0))
    y_pred = data.draw(floats(shape, -10, 10) if from_logits else probabilities(shape))
    assert_matches_tape("binary_crossentropy", y_true, y_pred, axis=axis,
                        from_logits=from_logits, label_smoothing=label_smoothing)


def test_tensorflow_logit_gradient_assumes_targets_sum_to_one():
    y_true, logits = np.array([[0.5, 0.0, 0.0]]), np.array([[1.0, 2.0, 3.0]])  # sums to 0.5
    ours = lossfns.categorical_crossentropy_gradient(y_true, logits, from_logits=True)
    p = lossfns.softmax(logits)
    np.testing.assert_allclose(ours, 0.5 * p - y_true, rtol=1e-12)
    tape = tape_gradient("categorical_crossentropy", y_true, logits, from_logits=True)
    np.testing.assert_allclose(tape, p - y_true, rtol=1e-12)  # the op's built-in gradient
    step, keras_loss_ = 1e-6, keras.losses.categorical_crossentropy
    shift = np.array([[step, 0.0, 0.0]])
    slope = (keras_loss_(y_true, logits + shift, from_logits=True)
             - keras_loss_(y_true, logits - shift, from_logits=True)) / (2 * step)
    np.testing.assert_allclose(float(slope[0]), ours[0, 0], rtol=1e-6)  # ours is the true slope


def test_mae_gradient_is_zero_at_zero_error_like_tensorflow():
    y_true, y_pred = np.array([[1.0, 2.0, 3.0]]), np.array([[1.0, 5.0, 0.0]])
    np.testing.assert_array_equal(lossfns.mean_absolute_error_gradient(y_true, y_pred),
                                  [[0.0, 1 / 3, -1 / 3]])
    assert_matches_tape("mean_absolute_error", y_true, y_pred)


def test_rmse_gradient_is_zero_where_autodiff_gives_nan():
    y_true = np.array([[1.0, 2.0], [0.0, 0.0]])
    y_pred = np.array([[1.0, 2.0], [3.0, 4.0]])  # a perfect first sample
    ours = lossfns.root_mean_squared_error_gradient(y_true, y_pred)
    tape = tape_gradient("root_mean_squared_error", y_true, y_pred)
    np.testing.assert_array_equal(ours[0], [0.0, 0.0])
    assert np.all(np.isnan(tape[0]))
    np.testing.assert_allclose(ours[1], tape[1], rtol=1e-12)


def test_keras_renormalisation_adds_one_to_the_textbook_gradient():
    y_true, y_pred = np.array([[0.0, 1.0, 0.0]]), np.array([[0.2, 0.5, 0.3]])
    ours = lossfns.categorical_crossentropy_gradient(y_true, y_pred)
    np.testing.assert_allclose(ours, -y_true / y_pred + 1.0, rtol=1e-12)
    assert_matches_tape("categorical_crossentropy", y_true, y_pred)


def test_logit_gradient_is_softmax_minus_one_hot_and_bounded():
    logits = np.array([[1e4, 0.0, -1e4]])
    for name, labels in (("categorical_crossentropy", [[0.0, 1.0, 0.0]]),
                         ("sparse_categorical_crossentropy", [1])):
        ours = getattr(lossfns, f"{name}_gradient")(labels, logits, from_logits=True)
        np.testing.assert_allclose(ours, [[1.0, -1.0, 0.0]], atol=1e-15)
    binary = lossfns.binary_crossentropy_gradient([[1.0, 0.0]], [[-1e4, 1e4]], from_logits=True)
    np.testing.assert_allclose(binary, [[-0.5, 0.5]])


@pytest.mark.parametrize("name", ["binary_crossentropy", "sparse_categorical_crossentropy"])
def test_clipping_blocks_the_gradient_only_strictly_outside_the_bounds(name):
    # tf.clip_by_value's gradient passes values ON a bound (minimum/maximum use <=, >=).
    y_pred = np.array([[0.0, EPSILON, 0.25, 1.0 - EPSILON, 1.0]])
    y_true = [1] if name.startswith("sparse") else [[1.0, 1.0, 0.0, 0.0, 0.0]]
    ours = getattr(lossfns, f"{name}_gradient")(y_true, y_pred)
    assert ours[0, 0] == 0.0 and ours[0, -1] == 0.0 and np.all(ours[0, 1:-1] != 0.0)
    assert_matches_tape(name, np.asarray(y_true), y_pred)


def test_categorical_gradient_at_the_clip_bounds_matches_tape():
    y_true = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.3, 0.3, 0.4]])
    y_pred = np.array([[0.0, 0.3, 0.7], [0.0, 2e-7, 0.0], [1.0, 0.0, 0.0]])
    assert_matches_tape("categorical_crossentropy", y_true, y_pred)


@pytest.mark.parametrize("name", REGRESSION + ["categorical_crossentropy", "binary_crossentropy",
                                               "sparse_categorical_crossentropy"])
def test_gradients_agree_with_finite_differences_of_our_losses(name):
    rng = np.random.default_rng(7)
    y_pred = rng.uniform(0.05, 0.95, size=(3, 4))
    y_true = rng.integers(0, 4, size=3) if name.startswith("sparse") else rng.uniform(size=(3, 4))
    loss = getattr(lossfns, name)
    step, numeric = 1e-6, np.zeros_like(y_pred)
    for index in np.ndindex(y_pred.shape):
        shift = np.zeros_like(y_pred)
        shift[index] = step
        numeric[index] = (loss(y_true, y_pred + shift).sum()
                          - loss(y_true, y_pred - shift).sum()) / (2 * step)
    analytic = getattr(lossfns, f"{name}_gradient")(y_true, y_pred)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-7)
