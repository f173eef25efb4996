"""The binary focal cross-entropy and its gradient where the sigmoid saturates: finite and right
for logits up to |z| = 1000 and every gamma, checked against mpmath at 60 digits (where float64
cannot follow) and against tf.GradientTape on Keras's loss (where the tape is finite)."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
import pytest
import tensorflow as tf

from lossfns import binary_focal_crossentropy, binary_focal_crossentropy_gradient

mpmath = pytest.importorskip("mpmath")


def exact_loss(t, z, gamma, weight=1):
    """w (t sigmoid(-z) + (1 - t) sigmoid(z))^gamma BCE(t, sigmoid(z)), at mpmath's precision."""
    z = mpmath.mpf(z)
    sigmoid = 1 / (1 + mpmath.exp(-z))
    one_minus_p_t = t * (1 - sigmoid) + (1 - t) * sigmoid
    bce = mpmath.log(1 + mpmath.exp(z)) - z * t  # softplus(z) - z t
    return weight * one_minus_p_t**gamma * bce


def exact_slope(t, z, gamma, weight=1):
    with mpmath.workdps(60):
        return mpmath.diff(lambda x: exact_loss(mpmath.mpf(t), x, gamma, weight), z)


def as_float(value):
    return float(value)  # below about 1e-308 this is 0.0 or a subnormal, as float64 must give


def test_the_example_of_the_issue():
    gradient = binary_focal_crossentropy_gradient([[1, 0]], [[40.0, -40.0]], gamma=0.5,
                                                  from_logits=True)
    np.testing.assert_allclose(gradient[0, 0], -6.567e-27, rtol=1e-3)
    np.testing.assert_allclose(gradient, [[as_float(exact_slope(1, 40, 0.5)) / 2,
                                           as_float(exact_slope(0, -40, 0.5)) / 2]], rtol=1e-10)


def test_keras_returns_nan_there():
    """What the docstring says of Keras 3.15: nan for both entries, in float64 and float32."""
    for dtype in (tf.float64, tf.float32):
        logits = tf.Variable([[40.0, -40.0]], dtype=dtype)
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(keras.losses.binary_focal_crossentropy(
                tf.constant([[1.0, 0.0]], dtype), logits, gamma=0.5, from_logits=True))
        assert np.isnan(tape.gradient(loss, logits).numpy()).all()


LOGITS = [-1000.0, -700.0, -100.0, -40.0, -37.0, 37.0, 40.0, 100.0, 700.0, 1000.0]


@pytest.mark.parametrize("gamma", [0.25, 0.5, 0.9, 1.0, 2.0])
@pytest.mark.parametrize("target", [0.0, 1.0, 0.05, 0.3])
def test_the_gradient_is_finite_and_exact_on_saturated_logits(target, gamma):
    gradient = binary_focal_crossentropy_gradient(np.full((1, len(LOGITS)), target),
                                                  np.array([LOGITS]), gamma=gamma,
                                                  from_logits=True)
    assert np.isfinite(gradient).all()
    exact = [as_float(exact_slope(target, z, gamma)) / len(LOGITS) for z in LOGITS]
    np.testing.assert_allclose(gradient[0], exact, rtol=1e-9, atol=1e-300)


@pytest.mark.parametrize("gamma", [0.5, 2.0])
def test_the_loss_is_exact_on_saturated_logits(gamma):
    targets = np.array([[1.0, 0.0, 1.0, 0.0]])
    logits = np.array([[40.0, -40.0, 700.0, -700.0]])
    losses = binary_focal_crossentropy(targets.T, logits.T, gamma=gamma, from_logits=True)
    with mpmath.workdps(60):
        exact = [as_float(exact_loss(t, z, gamma)) for t, z in zip(targets[0], logits[0],
                                                                    strict=True)]
    np.testing.assert_allclose(losses, exact, rtol=1e-10, atol=1e-300)


def test_smoothing_and_class_balancing_stay_finite_and_exact():
    targets, logits = np.array([[1.0, 0.0, 1.0]]), np.array([[1000.0, -1000.0, -60.0]])
    gradient = binary_focal_crossentropy_gradient(
        targets, logits, apply_class_balancing=True, alpha=0.25, gamma=0.5, from_logits=True,
        label_smoothing=0.1)
    smoothed = targets * 0.9 + 0.05
    weights = 0.25 * smoothed + 0.75 * (1 - smoothed)
    exact = [as_float(exact_slope(mpmath.mpf(float(t)), z, 0.5, mpmath.mpf(float(w)))) / 3
             for t, z, w in zip(smoothed[0], logits[0], weights[0], strict=True)]
    np.testing.assert_allclose(gradient[0], exact, rtol=1e-9)


def tape_slopes(targets, logits, gamma):
    variable = tf.Variable(logits, dtype=tf.float64)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(keras.losses.binary_focal_crossentropy(
            tf.constant(targets, tf.float64), variable, gamma=gamma, from_logits=True))
    return tape.gradient(loss, variable).numpy()


@pytest.mark.parametrize("gamma", [0.25, 0.5, 0.9])
def test_it_agrees_with_the_tape_where_the_tape_is_finite(gamma):
    logits = np.array([[-15.0, -8.0, -2.0, -0.1, 0.0, 0.3, 3.0, 9.0, 15.0]])
    for target in (0.0, 1.0, 0.4):
        targets = np.full_like(logits, target)
        tape = tape_slopes(targets, logits, gamma)
        assert np.isfinite(tape).all()
        np.testing.assert_allclose(binary_focal_crossentropy_gradient(
            targets, logits, gamma=gamma, from_logits=True), tape, rtol=1e-7, atol=1e-300)


def test_from_probabilities_an_exact_hit_has_an_infinite_slope():
    """From probabilities, 1 - p_t is exact. Where it is 0 and gamma < 1 the loss behaves like
    BCE * u**gamma (the clipped BCE is positive), whose slope is infinite: +-inf, not nan, which
    the tape gives. Just off the target the slope is finite."""
    gradient = binary_focal_crossentropy_gradient([[1.0, 0.0]], [[1.0, 0.0]], gamma=0.5)
    assert gradient.tolist() == [[-np.inf, np.inf]]
    variable = tf.Variable([[1.0, 0.0]], dtype=tf.float64)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(keras.losses.binary_focal_crossentropy(
            tf.constant([[1.0, 0.0]], tf.float64), variable, gamma=0.5))
    assert np.isnan(tape.gradient(loss, variable).numpy()).all()
    near = binary_focal_crossentropy_gradient([[1.0, 0.0]], [[1 - 1e-12, 1e-12]], gamma=0.5)
    assert np.isfinite(near).all() and near[0, 0] < 0 < near[0, 1]
