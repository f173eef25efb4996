"""lossfns.regression's Huber loss against keras.losses, tf.GradientTape and finite differences."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import hypothesis.extra.numpy as hnp
import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given
from hypothesis import strategies as st

import lossfns
from lossfns.regression import check_delta, huber, huber_gradient
from test_losses import EXAMPLES, SHAPES, assert_matches_keras, float32_arrays

DELTAS = st.sampled_from([0.1, 0.5, 1.0, 1.35, 4.0])


def tape_gradient(y_true, y_pred, delta):
    """d/dy_pred of tf.reduce_sum(keras.losses.huber(y_true, y_pred, delta)), in float64."""
    variable = tf.Variable(np.asarray(y_pred, np.float64))
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(keras.losses.huber(np.asarray(y_true, np.float64), variable, delta))
    return tape.gradient(total, variable).numpy()


def test_exported():
    assert lossfns.huber is huber and lossfns.huber_gradient is huber_gradient


@EXAMPLES
@given(data=st.data(), shape=SHAPES, delta=DELTAS)
def test_huber_matches_the_keras_function(data, shape, delta):
    y_true = data.draw(float32_arrays(shape, -10, 10))
    y_pred = data.draw(float32_arrays(shape, -10, 10))
    assert_matches_keras(huber(y_true, y_pred, delta),
                         keras.losses.huber(y_true, y_pred, delta=delta))


@EXAMPLES
@given(data=st.data(), shape=SHAPES, delta=DELTAS)
def test_batch_mean_matches_the_keras_class(data, shape, delta):
    y_true = data.draw(float32_arrays(shape, -10, 10))
    y_pred = data.draw(float32_arrays(shape, -10, 10))
    batch_loss = keras.losses.Huber(delta=delta)(y_true, y_pred)
    np.testing.assert_allclose(huber(y_true, y_pred, delta).mean(), batch_loss,
                               rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("flip", [False, True], ids=["(n,) vs (n,1)", "(n,1) vs (n,)"])
def test_column_and_flat_vectors_give_one_loss_per_sample(flip):
    flat, column = np.array([0.0, 2.5, -1.0, 4.0]), np.array([[0.5], [0.0], [-1.2], [1.0]])
    y_true, y_pred = (column, flat) if flip else (flat, column)
    result = huber(y_true, y_pred, 1.5)
    assert result.shape == (4,)  # never the (4, 4) broadcast
    assert_matches_keras(result, keras.losses.huber(y_true, y_pred, delta=1.5))
    gradient = huber_gradient(y_true, y_pred, 1.5)
    assert gradient.shape == y_pred.shape
    expected = tape_gradient(y_true.reshape(4, 1), y_pred.reshape(4, 1), 1.5)
    np.testing.assert_allclose(gradient, expected.reshape(y_pred.shape), rtol=1e-12)


def test_inside_the_band_keras_huber_is_half_the_squared_error():
    # The 1/2 is Keras's convention: the slope inside the band is r, not the MSE's 2r.
    y_true, y_pred = np.array([[0.0, 1.0, -2.0]]), np.array([[0.3, 0.2, -2.9]])
    half_mse = 0.5 * lossfns.mean_squared_error(y_true, y_pred)
    np.testing.assert_allclose(huber(y_true, y_pred, 1.0), half_mse, rtol=1e-12)
    half_mse_gradient = 0.5 * lossfns.mean_squared_error_gradient(y_true, y_pred)
    np.testing.assert_allclose(huber_gradient(y_true, y_pred, 1.0), half_mse_gradient, rtol=1e-12)


def test_outside_the_band_the_gradient_is_plus_or_minus_delta():
    y_true, y_pred = np.zeros((1, 4)), np.array([[-30.0, -2.0, 2.0, 30.0]])
    np.testing.assert_allclose(huber_gradient(y_true, y_pred, 1.5), [[-1.5 / 4, -1.5 / 4,
                                                                      1.5 / 4, 1.5 / 4]])
    np.testing.assert_allclose(huber(y_true, y_pred, 1.5), [1.5 * (64.0 / 4 - 0.75)])


def test_at_exactly_delta_both_branches_agree_and_keras_takes_the_quadratic_one():
    y_true, y_pred = np.zeros((2, 1)), np.array([[-0.75], [0.75]])
    np.testing.assert_allclose(huber(y_true, y_pred, 0.75), [0.5 * 0.75**2] * 2, rtol=1e-15)
    np.testing.assert_allclose(huber_gradient(y_true, y_pred, 0.75), [[-0.75], [0.75]])
    np.testing.assert_allclose(tape_gradient(y_true, y_pred, 0.75), [[-0.75], [0.75]])


@EXAMPLES
@given(data=st.data(), shape=SHAPES, delta=DELTAS)
def test_gradient_matches_tape(data, shape, delta):
    y_true = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-10, 10)))
    y_pred = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-10, 10)))
    ours = huber_gradient(y_true, y_pred, delta)
    assert ours.shape == y_pred.shape and ours.dtype == np.float64
    np.testing.assert_allclose(ours, tape_gradient(y_true, y_pred, delta), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("delta", [0.3, 1.0, 2.5])
def test_gradient_agrees_with_finite_differences(delta):
    rng = np.random.default_rng(11)
    y_true = rng.normal(0.0, 2.0, size=(3, 4))
    size = rng.uniform(0.05, 4.0, size=(3, 4))
    size = np.where(np.abs(size - delta) < 1e-3, size + 0.01, size)  # off the seam
    y_pred = y_true + rng.choice([-1.0, 1.0], size=(3, 4)) * size
    step, numeric = 1e-6, np.zeros_like(y_pred)
    for index in np.ndindex(y_pred.shape):
        shift = np.zeros_like(y_pred)
        shift[index] = step
        numeric[index] = (huber(y_true, y_pred + shift, delta).sum()
                          - huber(y_true, y_pred - shift, delta).sum()) / (2 * step)
    np.testing.assert_allclose(huber_gradient(y_true, y_pred, delta), numeric,
                               rtol=1e-6, atol=1e-7)


# --- bad input: one test per kind, each a ValueError that names the argument ---------------

FUNCTIONS = [huber, huber_gradient]


@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize("delta", [0.0, -1.0], ids=["zero", "negative"])
def test_delta_that_is_not_positive_is_refused(function, delta):
    with pytest.raises(ValueError, match=r"delta must be a positive, finite number"):
        function(np.zeros(3), np.ones(3), delta)


@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize("delta", [np.nan, np.inf], ids=["nan", "inf"])
def test_delta_that_is_not_finite_is_refused(function, delta):
    with pytest.raises(ValueError, match=r"delta must be a positive, finite number"):
        function(np.zeros(3), np.ones(3), delta)


@pytest.mark.parametrize("delta", [True, "1.0", None], ids=["bool", "str", "None"])
def test_delta_that_is_not_a_number_is_refused(delta):
    with pytest.raises(ValueError, match=r"delta must be a positive, finite number"):
        check_delta(delta)


def test_delta_that_is_an_array_is_refused():
    with pytest.raises(ValueError, match=r"delta must be .*Pass one number, not an array"):
        huber(np.zeros(3), np.ones(3), np.array([1.0, 2.0]))


def test_numpy_and_plain_numbers_are_accepted_as_delta():
    for delta in (1, 1.0, np.float32(1.0), np.int64(1), np.array(1.0)):
        assert check_delta(delta) == 1.0


@pytest.mark.parametrize("function", FUNCTIONS)
def test_shapes_that_would_broadcast_are_refused(function):
    with pytest.raises(ValueError, match=r"y_true has shape \(4,\) but y_pred has shape \(4, 3\)"):
        function(np.zeros(4), np.zeros((4, 3)))


@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize("argument", ["y_true", "y_pred"])
def test_nan_in_an_input_is_refused(function, argument):
    arrays = {"y_true": np.zeros(3), "y_pred": np.ones(3)}
    arrays[argument][1] = np.nan
    with pytest.raises(ValueError, match=rf"{argument} contains 1 NaN or infinite value"):
        function(arrays["y_true"], arrays["y_pred"])


@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize("argument", ["y_true", "y_pred"])
def test_non_numeric_input_is_refused(function, argument):
    arrays = {"y_true": np.zeros(2), "y_pred": np.ones(2)}
    arrays[argument] = ["a", "b"]
    with pytest.raises(ValueError, match=rf"{argument} must be numeric"):
        function(arrays["y_true"], arrays["y_pred"])


@pytest.mark.parametrize("function", FUNCTIONS)
def test_empty_input_is_refused(function):
    with pytest.raises(ValueError, match=r"y_true is empty"):
        function(np.zeros((0,)), np.zeros((0,)))


@pytest.mark.parametrize("function", FUNCTIONS)
def test_scalar_input_is_refused(function):
    with pytest.raises(ValueError, match=r"y_pred must have at least 1 dimension"):
        function(np.zeros(1), 0.5)

