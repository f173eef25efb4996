"""The hinge family of lossfns.classification against keras.losses (values) and tf.GradientTape
(gradients, kinks and ties included), central finite differences, shapes and bad labels."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
import pytest
import tensorflow as tf

import lossfns
from lossfns import classification

SHAPES = [(6,), (5, 3), (2, 3, 4)]
BINARY = ["hinge", "squared_hinge"]
ALL = BINARY + ["categorical_hinge"]


def ours(name, gradient=False):
    return getattr(lossfns, f"{name}_gradient" if gradient else name)


def tape_gradient(name, y_true, y_pred):
    variable = tf.Variable(np.asarray(y_pred, np.float64))
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(getattr(keras.losses, name)(np.asarray(y_true, np.float64),
                                                          variable))
    return tape.gradient(total, variable).numpy()


def labels(shape, kind, seed=0):
    rng = np.random.default_rng(seed)
    if kind == "one-hot":
        return np.eye(shape[-1])[rng.integers(0, shape[-1], size=shape[:-1])]
    return rng.choice([-1.0, 1.0] if kind == "-1/1" else [0.0, 1.0], size=shape)


def scores(shape, seed=1):
    return np.random.default_rng(seed).normal(0.0, 1.5, size=shape)


def cases(name):
    kinds = ["one-hot"] if name == "categorical_hinge" else ["-1/1", "0/1"]
    return [(shape, kind) for shape in SHAPES for kind in kinds
            if not (name == "categorical_hinge" and len(shape) == 1)]


def all_cases():
    return [(name, shape, kind) for name in ALL for shape, kind in cases(name)]


def test_exported():
    for name in ALL:
        assert ours(name) is getattr(classification, name)
        assert ours(name, gradient=True) is getattr(classification, f"{name}_gradient")
        assert name in lossfns.__all__ and f"{name}_gradient" in lossfns.__all__


@pytest.mark.parametrize("name, shape, kind", all_cases())
def test_matches_keras(name, shape, kind):
    y_true, y_pred = labels(shape, kind), scores(shape).astype(np.float32)
    got = ours(name)(y_true, y_pred)
    assert got.dtype == np.float64 and got.shape == shape[:-1]
    np.testing.assert_allclose(got, getattr(keras.losses, name)(y_true, y_pred),
                               rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name, shape, kind", all_cases())
def test_gradient_matches_the_tape_and_finite_differences(name, shape, kind):
    y_true, y_pred = labels(shape, kind, seed=2), scores(shape, seed=3)
    gradient = ours(name, gradient=True)(y_true, y_pred)
    assert gradient.shape == shape and gradient.dtype == np.float64
    np.testing.assert_allclose(gradient, tape_gradient(name, y_true, y_pred), rtol=1e-12,
                               atol=1e-15)
    numeric = np.zeros_like(y_pred)
    for index in np.ndindex(shape):  # random scores: no kink within the step
        up, down = y_pred.copy(), y_pred.copy()
        up[index] += 1e-6
        down[index] -= 1e-6
        numeric[index] = (ours(name)(y_true, up).sum() - ours(name)(y_true, down).sum()) / 2e-6
    np.testing.assert_allclose(gradient, numeric, rtol=1e-5, atol=1e-7)


def test_zero_one_labels_become_minus_one_and_one():
    y_pred = scores((4, 3))
    zero_one = labels((4, 3), "0/1")
    for name in BINARY:
        np.testing.assert_array_equal(ours(name)(zero_one, y_pred),
                                      ours(name)(2 * zero_one - 1, y_pred))


@pytest.mark.parametrize("name", BINARY)
def test_gradient_at_the_kink_is_what_the_tape_gives(name):
    # Margins exactly 1 (y * y_pred = 1) for the first two entries, 0.5 for the third.
    y_true, y_pred = np.array([[1.0, -1.0, 1.0]]), np.array([[1.0, -1.0, 0.5]])
    gradient = ours(name, gradient=True)(y_true, y_pred)
    tape = tape_gradient(name, y_true, y_pred)
    np.testing.assert_array_equal(gradient, tape)
    expected_kink = [-1 / 3, 1 / 3] if name == "hinge" else [0.0, 0.0]  # -y/d, or 0 if squared
    np.testing.assert_allclose(gradient[0, :2], expected_kink)


@pytest.mark.parametrize("y_pred", [
    [[0.5, 0.3, 0.3]],   # two wrong classes tie for the maximum: the tape shares it
    [[1.3, 0.3, 0.1]],   # margin exactly 0: the kink
    [[0.5, -0.3, -0.1]],  # every wrong score negative: Keras's max picks the true class's 0
    [[0.5, 0.0, -0.1]],  # a wrong score of 0 ties with that 0
    [[3.0, 0.2, 0.1]],   # margin met: no gradient
])
def test_categorical_hinge_matches_the_tape_at_ties_and_kinks(y_pred):
    y_true, y_pred = np.array([[1.0, 0.0, 0.0]]), np.array(y_pred)
    np.testing.assert_array_equal(lossfns.categorical_hinge_gradient(y_true, y_pred),
                                  tape_gradient("categorical_hinge", y_true, y_pred))
    np.testing.assert_allclose(lossfns.categorical_hinge(y_true, y_pred),
                               keras.losses.categorical_hinge(y_true, y_pred), rtol=1e-12)


@pytest.mark.parametrize("name", ALL)
def test_flat_targets_against_a_column_are_samples(name):
    kind = "one-hot" if name == "categorical_hinge" else "-1/1"
    shape = (5, 1)
    y_true, y_pred = labels(shape, kind), scores(shape)
    per_sample = ours(name)(y_true, y_pred)
    assert per_sample.shape == (5,)
    np.testing.assert_array_equal(ours(name)(y_true[:, 0], y_pred), per_sample)
    np.testing.assert_array_equal(ours(name)(y_true, y_pred[:, 0]), per_sample)
    assert ours(name, gradient=True)(y_true, y_pred[:, 0]).shape == (5,)
    with pytest.raises(ValueError, match="y_true has shape"):
        ours(name)(np.ones((2, 3)), np.ones((3, 2)))


@pytest.mark.parametrize("bad, found", [
    ([-1.0, 0.0, 1.0, 1.0], "both -1 and 0"),
    ([0.0, 0.5, 1.0, 1.0], "e.g. 0.5"),
    ([2.0, 1.0, 1.0, -1.0], "e.g. 2"),
])
@pytest.mark.parametrize("name", BINARY)
def test_labels_outside_the_allowed_sets_are_refused(name, bad, found):
    for function in (ours(name), ours(name, gradient=True)):
        with pytest.raises(ValueError, match=r"y_true must hold labels that are all in \{-1, 1\} "
                                             rf"or all in \{{0, 1\}}, but found {found}"):
            function(bad, [0.1, 0.2, 0.3, 0.4])


@pytest.mark.parametrize("bad, message", [
    ([[1.0, -1.0, -1.0]], "values 0 and 1 only"),
    ([[0.7, 0.3, 0.0]], "values 0 and 1 only"),
    ([[1.0, 1.0, 0.0]], "exactly one 1 per sample"),
    ([[0.0, 0.0, 0.0]], "exactly one 1 per sample"),
])
def test_categorical_hinge_needs_one_hot_targets(bad, message):
    for function in (lossfns.categorical_hinge, lossfns.categorical_hinge_gradient):
        with pytest.raises(ValueError, match=f"y_true must be one-hot.*{message}"):
            function(bad, [[0.1, 0.2, 0.3]])


@pytest.mark.parametrize("name", ALL)
def test_nan_and_complex_scores_are_refused(name):
    y_true = [[1.0, 0.0]]
    with pytest.raises(ValueError, match="y_pred contains 1 NaN"):
        ours(name)(y_true, [[np.nan, 0.5]])
    with pytest.raises(ValueError, match="y_pred holds complex numbers"):
        ours(name)(y_true, np.array([[1j, 0.5]]))
