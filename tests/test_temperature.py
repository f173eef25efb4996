"""lossfns.temperature_gradient: dJ/dT of the temperature-scaled cross-entropy, checked against
tf.GradientTape on Keras's own loss and against finite differences, finite for huge logits."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import lossfns
from lossfns import temperature_gradient

HUGE = np.array([[1000.0, 998.0, 1003.0], [997.0, 1001.0, 1000.0], [-1000.0, -1004.0, -999.0]])

CASES = {
    "T = 1, K = 4": (np.random.default_rng(0).normal(0, 3, (6, 4)), [0, 1, 2, 3, 0, 1], 1.0),
    "T < 1, K = 10": (np.random.default_rng(1).normal(0, 3, (5, 10)), [9, 0, 3, 3, 7], 0.3),
    "T > 1, K = 2": (np.random.default_rng(2).normal(0, 3, (8, 2)), [0, 1] * 4, 4.0),
    "logits near +1000 and -1000": (HUGE, [2, 0, 1], 1.0),
    "logits near +1000 and -1000, T < 1": (HUGE, [0, 1, 2], 0.25),
}


def objective(logits, labels, temperature):
    """J(T), the mean of lossfns's per-sample loss, for the finite differences."""
    return np.mean(lossfns.sparse_categorical_crossentropy(
        np.asarray(labels), np.asarray(logits) / temperature, from_logits=True))


def tape_gradient(logits, labels, temperature):
    temperature = tf.Variable(temperature, dtype=tf.float64)
    with tf.GradientTape() as tape:
        losses = keras.losses.sparse_categorical_crossentropy(
            tf.constant(labels), tf.constant(logits, dtype=tf.float64) / temperature,
            from_logits=True)
        loss = tf.reduce_mean(losses)
    assert losses.dtype == tf.float64
    return float(tape.gradient(loss, temperature))


@pytest.mark.parametrize("case", CASES)
def test_it_agrees_with_the_tape_on_keras_loss(case):
    logits, labels, temperature = CASES[case]
    ours = temperature_gradient(logits, labels, temperature)
    assert np.isfinite(ours)
    np.testing.assert_allclose(ours, tape_gradient(logits, labels, temperature), rtol=1e-9,
                               atol=1e-12)


@pytest.mark.parametrize("case", CASES)
def test_it_agrees_with_finite_differences(case):
    logits, labels, temperature = CASES[case]
    step = 1e-5 * temperature
    numeric = (objective(logits, labels, temperature + step)
               - objective(logits, labels, temperature - step)) / (2 * step)
    np.testing.assert_allclose(temperature_gradient(logits, labels, temperature), numeric,
                               rtol=1e-5, atol=1e-7)


def test_one_maximum_for_the_whole_batch_would_not_do():
    """The reason for the per-row shift: shifted by the batch's maximum, the row near -1000
    underflows to all zeros."""
    shifted = HUGE - HUGE.max()
    with np.errstate(all="ignore"):
        assert np.exp(shifted[2]).sum() == 0.0
    assert np.isfinite(temperature_gradient(HUGE, [0, 1, 2], 1.0))


def test_it_returns_a_python_float_and_checks_its_inputs():
    logits, labels, _ = CASES["T = 1, K = 4"]
    assert type(temperature_gradient(logits, labels, 2)) is float
    for bad in (0.0, -1.0, float("inf"), np.array([1.0, 2.0]), True):
        with pytest.raises(ValueError, match="temperature must be a positive, finite number"):
            temperature_gradient(logits, labels, bad)
    with pytest.raises(ValueError, match=r"logits has shape \(6, 4\) and labels has shape \(5,\)"):
        temperature_gradient(logits, labels[:5], 1.0)
    with pytest.raises(ValueError, match=r"labels must hold class labels in \[0, 3\] because "
                       "logits has 4 classes"):
        temperature_gradient(logits, [4, 0, 0, 0, 0, 0], 1.0)
    with pytest.raises(ValueError, match="labels must contain integer class labels"):
        temperature_gradient(logits, [0.5, 0, 0, 0, 0, 0], 1.0)
    with_nan = logits.copy()
    with_nan[1, 2] = np.nan
    with pytest.raises(ValueError, match=r"logits contains 1 NaN .* at index \(1, 2\)"):
        temperature_gradient(with_nan, labels, 1.0)
