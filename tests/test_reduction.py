"""lossfns.reduce_losses against the reductions of keras.losses.Loss objects."""

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
from lossfns.reduction import REDUCTIONS, reduce_losses

EXAMPLES = settings(max_examples=40, deadline=None)


class GivenLosses(keras.losses.Loss):
    """A Keras loss whose per-sample losses are ``y_pred`` itself: it shows the reduction alone."""

    def call(self, y_true, y_pred):
        return y_pred


def keras_reduce(losses, sample_weight=None, reduction="sum_over_batch_size", mask=None):
    values = tf.constant(losses, tf.float64)
    if mask is not None:
        values._keras_mask = tf.constant(mask)  # what a Masking layer attaches to its output
    loss = GivenLosses(reduction=reduction, dtype="float64")
    return np.asarray(loss(np.zeros_like(losses), values, sample_weight=sample_weight))


def test_exported():
    assert lossfns.reduce_losses is reduce_losses


@pytest.mark.parametrize("reduction", REDUCTIONS)
@EXAMPLES
@given(data=st.data(), n=st.integers(1, 6), weighted=st.booleans(), masked=st.booleans(),
       column_weights=st.booleans())
def test_matches_keras(reduction, data, n, weighted, masked, column_weights):
    losses = data.draw(hnp.arrays(np.float64, (n,), elements=st.floats(0, 10)))
    weights = None
    if weighted:
        weights = data.draw(hnp.arrays(np.float64, (n,), elements=st.sampled_from([0.0, 0.5, 2.0])))
        weights = weights[:, np.newaxis] if column_weights else weights
    mask = data.draw(hnp.arrays(bool, (n,))) if masked else None
    expected = keras_reduce(losses, weights, reduction, mask)
    result = reduce_losses(losses, weights, reduction, mask)
    assert result.shape == expected.shape and result.dtype == np.float64
    np.testing.assert_allclose(result, expected, rtol=1e-12, atol=1e-12)


def test_a_zero_weight_still_counts_in_the_batch_size_but_a_mask_does_not():
    losses, weights, mask = np.array([1.0, 2.0, 3.0, 6.0]), np.array([1.0, 1.0, 1.0, 0.0]), None
    assert reduce_losses(losses, weights) == 6.0 / 4
    assert reduce_losses(losses, weights, "mean_with_sample_weight") == 6.0 / 3
    mask = np.array([True, True, True, False])
    assert reduce_losses(losses, mask=mask) == 6.0 / 3
    assert reduce_losses(losses, mask=mask, reduction="sum") == 6.0
    np.testing.assert_array_equal(reduce_losses(losses, weights, None), [1.0, 2.0, 3.0, 0.0])


def test_per_timestep_losses_with_per_sample_weights_match_keras():
    losses = np.arange(1.0, 7.0).reshape(2, 3)
    weights = np.array([[2.0], [0.5]])
    for reduction in REDUCTIONS:
        np.testing.assert_allclose(reduce_losses(losses, weights, reduction),
                                   keras_reduce(losses, weights, reduction), rtol=1e-12)


def test_everything_masked_gives_zero_like_keras():
    losses, mask = np.array([1.0, 2.0]), np.array([False, False])
    for reduction in ("sum_over_batch_size", "mean_with_sample_weight"):
        assert reduce_losses(losses, mask=mask, reduction=reduction) == 0.0
        assert keras_reduce(losses, mask=mask, reduction=reduction) == 0.0


def test_matches_a_real_keras_loss_with_sample_weights():
    rng = np.random.default_rng(2)
    y_true, y_pred = rng.normal(size=(5, 1)), rng.normal(size=(5, 1))
    weights = np.array([1.0, 0.0, 2.0, 0.0, 1.0])
    per_sample = lossfns.mean_squared_error(y_true, y_pred)
    for reduction in REDUCTIONS:
        expected = keras.losses.MeanSquaredError(reduction=reduction)(y_true, y_pred, weights)
        np.testing.assert_allclose(reduce_losses(per_sample, weights, reduction), expected,
                                   rtol=1e-6, atol=1e-7)


# --- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize("reduction", ["mean_over_batch", "auto", 0, True])
def test_unknown_reduction_is_refused(reduction):
    with pytest.raises(ValueError, match=r"reduction must be one of"):
        reduce_losses(np.ones(3), reduction=reduction)


def test_weights_that_do_not_broadcast_are_refused():
    with pytest.raises(ValueError, match=r"sample_weight has shape \(2,\), which does not"):
        reduce_losses(np.ones(3), np.ones(2))


def test_nan_weights_are_refused():
    with pytest.raises(ValueError, match=r"sample_weight contains 1 NaN"):
        reduce_losses(np.ones(3), np.array([1.0, np.nan, 1.0]))


def test_nan_losses_are_refused():
    with pytest.raises(ValueError, match=r"losses contains 1 NaN"):
        reduce_losses(np.array([1.0, np.nan]))


def test_a_mask_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError, match=r"mask has shape \(2,\) but the losses have shape \(3,\)"):
        reduce_losses(np.ones(3), mask=np.array([True, False]))


def test_a_mask_that_is_not_boolean_is_refused():
    with pytest.raises(ValueError, match=r"mask must hold booleans"):
        reduce_losses(np.ones(2), mask=np.array([0.5, 1.0]))
