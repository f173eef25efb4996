"""Chapter 7's losses (log-cosh, pinball, focal, KL in lossfns.regression and
lossfns.classification) against keras.losses, tf.GradientTape and finite differences, and one
test per kind of bad input."""

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
from lossfns import classification, regression
from lossfns.classification import EPSILON
from test_losses import EXAMPLES, SHAPES, assert_matches_keras, float32_arrays

TAUS = st.sampled_from([0.05, 0.1, 0.5, 0.75, 0.9])
FOCAL = {"apply_class_balancing": st.booleans(), "alpha": st.sampled_from([0.0, 0.25, 0.8, 1.0]),
         "gamma": st.sampled_from([0.0, 0.5, 1.0, 2.0, 5.0]),
         "label_smoothing": st.sampled_from([0.0, 0.2])}
# Away from p = 0 and 1: there 1 - p_t can be exactly 0, where the slope of (1 - p_t)**gamma is
# 0 * inf for gamma = 0 in TensorFlow (nan) and infinite for gamma < 1 (see the tests below).
OPEN_PROBABILITY = (1e-3, 1 - 1e-3)


def keras_pinball(y_true, y_pred, tau):
    """The chapter's pinball loss in keras.ops (Keras ships none)."""
    error = y_true - y_pred
    return keras.ops.mean(keras.ops.maximum(tau * error, (tau - 1) * error), axis=-1)


KERAS = {
    "log_cosh": keras.losses.log_cosh,
    "pinball_loss": keras_pinball,
    "binary_focal_crossentropy": keras.losses.binary_focal_crossentropy,
    "kl_divergence": keras.losses.kl_divergence,
}
MODULE = {"log_cosh": regression, "pinball_loss": regression,
          "binary_focal_crossentropy": classification, "kl_divergence": classification}


def ours(name, gradient=False):
    return getattr(MODULE[name], f"{name}_gradient" if gradient else name)


def tape_gradient(name, y_true, y_pred, **kwargs):
    """d/dy_pred of tf.reduce_sum(<keras loss>(y_true, y_pred)), in float64."""
    variable = tf.Variable(np.asarray(y_pred, np.float64))
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(KERAS[name](np.asarray(y_true, np.float64), variable, **kwargs))
    return tape.gradient(total, variable).numpy()


def assert_matches_tape(name, y_true, y_pred, **kwargs):
    gradient = ours(name, gradient=True)(y_true, y_pred, **kwargs)
    assert gradient.shape == np.shape(y_pred) and gradient.dtype == np.float64
    np.testing.assert_allclose(gradient, tape_gradient(name, y_true, y_pred, **kwargs),
                               rtol=1e-5, atol=1e-5)


def test_exported():
    for name in ["log_cosh", "pinball_loss", "binary_focal_crossentropy", "kl_divergence"]:
        assert getattr(lossfns, name) is ours(name)
        assert getattr(lossfns, f"{name}_gradient") is ours(name, gradient=True)


# --- values against Keras ----------------------------------------------------------------------

@EXAMPLES
@given(data=st.data(), shape=SHAPES)
def test_log_cosh_matches_keras(data, shape):
    y_true = data.draw(float32_arrays(shape, -100, 100))
    y_pred = data.draw(float32_arrays(shape, -100, 100))
    assert_matches_keras(regression.log_cosh(y_true, y_pred), keras.losses.log_cosh(y_true, y_pred))


@EXAMPLES
@given(data=st.data(), shape=SHAPES, tau=TAUS)
def test_pinball_loss_matches_its_keras_ops_form(data, shape, tau):
    y_true = data.draw(float32_arrays(shape, -100, 100))
    y_pred = data.draw(float32_arrays(shape, -100, 100))
    assert_matches_keras(regression.pinball_loss(y_true, y_pred, tau),
                         keras_pinball(y_true, y_pred, tau))


@EXAMPLES
@given(data=st.data(), shape=SHAPES, from_logits=st.booleans(), **FOCAL)
def test_binary_focal_crossentropy_matches_keras(data, shape, from_logits, **kwargs):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1), label="axis")
    y_true = data.draw(float32_arrays(shape, 0.0, 1.0))
    # Up to float32's 1 - EPSILON, as in tests/test_losses.py's binary cross-entropy test.
    y_pred = data.draw(float32_arrays(shape, -20, 20) if from_logits
                       else float32_arrays(shape, 0.0, float(np.float32(1 - EPSILON))))
    kwargs.update(from_logits=from_logits, axis=axis)
    assert_matches_keras(classification.binary_focal_crossentropy(y_true, y_pred, **kwargs),
                         keras.losses.binary_focal_crossentropy(y_true, y_pred, **kwargs))


@EXAMPLES
@given(data=st.data(), shape=SHAPES)
def test_kl_divergence_matches_keras(data, shape):
    y_true = data.draw(float32_arrays(shape, 0.0, 1.0))
    y_pred = data.draw(float32_arrays(shape, 0.0, 1.0))
    assert_matches_keras(classification.kl_divergence(y_true, y_pred),
                         keras.losses.kl_divergence(y_true, y_pred))


@pytest.mark.parametrize("flip", [False, True], ids=["(n,) vs (n,1)", "(n,1) vs (n,)"])
@pytest.mark.parametrize("name, keras_class", [
    ("log_cosh", keras.losses.LogCosh),
    ("binary_focal_crossentropy", keras.losses.BinaryFocalCrossentropy),
    ("kl_divergence", keras.losses.KLDivergence),
])
def test_column_and_flat_vectors_give_one_loss_per_sample_like_the_keras_class(
        name, keras_class, flip):
    flat = np.array([0.0, 0.25, 0.75, 0.5], np.float32)
    column = np.array([[0.2], [0.9], [0.4], [0.7]], np.float32)
    y_true, y_pred = (column, flat) if flip else (flat, column)
    result = ours(name)(y_true, y_pred)
    assert result.shape == (4,)  # never the (4, 4) broadcast
    assert_matches_keras(result, keras_class(reduction=None)(y_true, y_pred))


def test_pinball_loss_of_one_half_is_half_the_mae():
    y_true, y_pred = np.array([[0.0, 1.0, -2.0]]), np.array([[0.3, 0.2, -2.9]])
    np.testing.assert_allclose(regression.pinball_loss(y_true, y_pred, 0.5),
                               0.5 * lossfns.mean_absolute_error(y_true, y_pred), rtol=1e-12)


@pytest.mark.parametrize("tau", [0.1, 0.5, 0.9])
def test_the_constant_that_minimises_the_pinball_loss_is_the_tau_quantile(tau):
    targets = np.random.default_rng(3).exponential(size=201)
    grid = np.linspace(targets.min(), targets.max(), 4001)
    mean_loss = [regression.pinball_loss(targets, np.full(201, c), tau).item() for c in grid]
    quantile = np.quantile(targets, tau, method="inverted_cdf")
    best = regression.pinball_loss(targets, np.full(201, quantile), tau).item()
    assert best <= min(mean_loss) + 1e-12
    assert abs(grid[np.argmin(mean_loss)] - quantile) <= grid[1] - grid[0]


def test_log_cosh_is_finite_where_the_naive_formula_overflows():
    y_true, y_pred = np.zeros((1, 2)), np.array([[800.0, -1e4]])
    with np.errstate(over="ignore"):
        assert np.isinf(np.log(np.cosh(y_pred))).all()
    np.testing.assert_allclose(regression.log_cosh(y_true, y_pred),
                               [np.mean(np.abs(y_pred) - np.log(2))], rtol=1e-15)
    np.testing.assert_allclose(regression.log_cosh_gradient(y_true, y_pred), [[0.5, -0.5]])


def test_log_cosh_sits_between_half_the_square_and_the_absolute_error():
    error = np.linspace(-6, 6, 121)[:, np.newaxis]
    value = regression.log_cosh(np.zeros_like(error), error)
    assert np.all(value <= 0.5 * error[:, 0] ** 2 + 1e-15)
    assert np.all(value >= np.abs(error[:, 0]) - np.log(2) - 1e-15)


def test_focal_loss_with_gamma_zero_is_weighted_binary_crossentropy():
    rng = np.random.default_rng(5)
    y_true, logits = rng.integers(0, 2, size=(6, 3)).astype(float), rng.normal(0, 3, size=(6, 3))
    plain = lossfns.binary_crossentropy(y_true, logits, from_logits=True)
    focal = classification.binary_focal_crossentropy(y_true, logits, gamma=0.0, from_logits=True)
    np.testing.assert_allclose(focal, plain, rtol=1e-12)
    balanced = classification.binary_focal_crossentropy(
        y_true, logits, apply_class_balancing=True, alpha=0.5, gamma=0.0, from_logits=True)
    np.testing.assert_allclose(balanced, 0.5 * plain, rtol=1e-12)


def test_kl_divergence_is_cross_entropy_minus_entropy():
    rng = np.random.default_rng(6)
    t, q = rng.dirichlet(np.ones(4), size=5), rng.dirichlet(np.ones(4), size=5)
    entropy = -np.sum(t * np.log(t), axis=-1)
    np.testing.assert_allclose(classification.kl_divergence(t, q),
                               lossfns.categorical_crossentropy(t, q) - entropy, rtol=1e-9)
    np.testing.assert_allclose(classification.kl_divergence(t, t), 0.0, atol=1e-15)


# --- gradients against tf.GradientTape and finite differences ---------------------------------

# TensorFlow's CPU kernels flush subnormal numbers to zero: an error of -5e-324 is 0 to the tape,
# which then takes the other side of the pinball loss's kink. Such inputs test TensorFlow, not us.
FLOAT64 = st.floats(-50, 50, allow_subnormal=False)

@EXAMPLES
@given(data=st.data(), shape=SHAPES)
def test_log_cosh_gradient_matches_tape(data, shape):
    y_true = data.draw(hnp.arrays(np.float64, shape, elements=FLOAT64))
    y_pred = data.draw(hnp.arrays(np.float64, shape, elements=FLOAT64))
    assert_matches_tape("log_cosh", y_true, y_pred)


@EXAMPLES
@given(data=st.data(), shape=SHAPES, tau=TAUS)
def test_pinball_loss_gradient_matches_tape(data, shape, tau):
    y_true = data.draw(hnp.arrays(np.float64, shape, elements=FLOAT64))
    y_pred = data.draw(hnp.arrays(np.float64, shape, elements=FLOAT64))
    assert_matches_tape("pinball_loss", y_true, y_pred, tau=tau)


def test_pinball_loss_gradient_at_zero_error_is_minus_tau_like_the_tape():
    y_true, y_pred = np.array([[1.0, 2.0, 3.0]]), np.array([[1.0, 5.0, 0.0]])
    np.testing.assert_allclose(regression.pinball_loss_gradient(y_true, y_pred, 0.9),
                               [[-0.3, 0.1 / 3, -0.3]])
    assert_matches_tape("pinball_loss", y_true, y_pred, tau=0.9)


@EXAMPLES
@given(data=st.data(), shape=SHAPES, from_logits=st.booleans(), **FOCAL)
def test_binary_focal_crossentropy_gradient_matches_tape(data, shape, from_logits, **kwargs):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1), label="axis")
    y_true = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(0, 1)))
    low, high = (-20, 20) if from_logits else OPEN_PROBABILITY
    y_pred = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(low, high)))
    assert_matches_tape("binary_focal_crossentropy", y_true, y_pred,
                        from_logits=from_logits, axis=axis, **kwargs)


def test_focal_gradient_at_and_beyond_the_clip_bounds_matches_tape():
    # Outside the clip range the BCE is constant, but the focal factor still has a slope.
    y_true = np.array([[0.3, 0.7, 1.0, 0.0, 0.5]])
    y_pred = np.array([[0.0, 1.0, EPSILON, 1.0 - EPSILON, 1.0]])
    for gamma in (1.0, 2.0, 3.5):
        assert_matches_tape("binary_focal_crossentropy", y_true, y_pred, gamma=gamma)


def test_focal_gradient_where_one_minus_p_t_is_zero():
    y_true, y_pred = np.array([[1.0, 0.0]]), np.array([[1.0, 0.0]])
    for gamma in (1.0, 2.0):
        assert_matches_tape("binary_focal_crossentropy", y_true, y_pred, gamma=gamma)
    gradient = classification.binary_focal_crossentropy_gradient(y_true, y_pred, gamma=0.5)
    assert np.isinf(gradient).all()  # (1 - p_t)**0.5 has an infinite slope at 0
    gradient = classification.binary_focal_crossentropy_gradient(y_true, y_pred, gamma=0.0)
    assert np.all(gradient == 0.0)  # plain BCE, whose slope is clipped away (the tape: 0 * inf)


@EXAMPLES
@given(data=st.data(), shape=SHAPES)
def test_kl_divergence_gradient_matches_tape(data, shape):
    y_true = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(0, 1)))
    y_pred = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(0, 1)))
    assert_matches_tape("kl_divergence", y_true, y_pred)


def test_kl_divergence_gradient_is_zero_below_the_clip_bound():
    y_true, y_pred = np.array([[0.5, 0.5, 0.0]]), np.array([[0.0, EPSILON, 1.0]])
    gradient = classification.kl_divergence_gradient(y_true, y_pred)
    assert gradient[0, 0] == 0.0 and gradient[0, 1] == -0.5 / EPSILON
    assert_matches_tape("kl_divergence", y_true, y_pred)


FINITE_DIFFERENCE_CASES = [
    ("log_cosh", {}),
    ("pinball_loss", {"tau": 0.8}),
    ("binary_focal_crossentropy", {"gamma": 2.0, "apply_class_balancing": True}),
    ("binary_focal_crossentropy", {"gamma": 1.5, "from_logits": True, "label_smoothing": 0.1}),
    ("kl_divergence", {}),
]


@pytest.mark.parametrize("name, kwargs", FINITE_DIFFERENCE_CASES)
def test_gradients_agree_with_finite_differences(name, kwargs):
    rng = np.random.default_rng(8)
    y_true = rng.uniform(size=(3, 4))
    y_pred = rng.uniform(0.05, 0.95, size=(3, 4))
    if name == "pinball_loss":  # keep every error away from the kink at 0
        y_pred = y_true + rng.choice([-1.0, 1.0], size=(3, 4)) * rng.uniform(0.05, 1, size=(3, 4))
    loss, step, numeric = ours(name), 1e-6, np.zeros_like(y_pred)
    for index in np.ndindex(y_pred.shape):
        shift = np.zeros_like(y_pred)
        shift[index] = step
        numeric[index] = (loss(y_true, y_pred + shift, **kwargs).sum()
                          - loss(y_true, y_pred - shift, **kwargs).sum()) / (2 * step)
    np.testing.assert_allclose(ours(name, gradient=True)(y_true, y_pred, **kwargs), numeric,
                               rtol=1e-6, atol=1e-7)


# --- bad input: one test per kind, each a ValueError that names the argument ------------------

ALL = [ours(name, gradient) for name in KERAS for gradient in (False, True)]
PROBABILITY_FUNCTIONS = [f for f in ALL if f.__module__.endswith("classification")]


@pytest.mark.parametrize("function", ALL, ids=lambda f: f.__name__)
def test_shapes_that_would_broadcast_are_refused(function):
    with pytest.raises(ValueError, match=r"y_true has shape \(4,\) but y_pred has shape \(4, 3\)"):
        function(np.zeros(4), np.full((4, 3), 0.5))


@pytest.mark.parametrize("function", ALL, ids=lambda f: f.__name__)
@pytest.mark.parametrize("argument", ["y_true", "y_pred"])
def test_nan_in_an_input_is_refused(function, argument):
    arrays = {"y_true": np.zeros(3), "y_pred": np.full(3, 0.5)}
    arrays[argument][1] = np.nan
    with pytest.raises(ValueError, match=rf"{argument} contains 1 NaN or infinite value"):
        function(arrays["y_true"], arrays["y_pred"])


@pytest.mark.parametrize("function", ALL, ids=lambda f: f.__name__)
@pytest.mark.parametrize("argument", ["y_true", "y_pred"])
def test_non_numeric_input_is_refused(function, argument):
    arrays = {"y_true": np.zeros(2), "y_pred": np.full(2, 0.5)}
    arrays[argument] = ["a", "b"]
    with pytest.raises(ValueError, match=rf"{argument} must be numeric"):
        function(arrays["y_true"], arrays["y_pred"])


@pytest.mark.parametrize("function", ALL, ids=lambda f: f.__name__)
def test_empty_input_is_refused(function):
    with pytest.raises(ValueError, match=r"y_true is empty"):
        function(np.zeros((0,)), np.zeros((0,)))


@pytest.mark.parametrize("function", ALL, ids=lambda f: f.__name__)
def test_scalar_input_is_refused(function):
    with pytest.raises(ValueError, match=r"y_pred must have at least 1 dimension"):
        function(np.zeros(1), 0.5)


@pytest.mark.parametrize("function", PROBABILITY_FUNCTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("argument", ["y_true", "y_pred"])
def test_values_outside_zero_one_are_refused(function, argument):
    arrays = {"y_true": np.array([0.0, 1.0]), "y_pred": np.array([0.2, 0.8])}
    arrays[argument] = np.array([-0.5, 1.5])
    with pytest.raises(ValueError, match=rf"{argument} must contain probabilities in \[0, 1\]"):
        function(arrays["y_true"], arrays["y_pred"])


@pytest.mark.parametrize("function", [classification.binary_focal_crossentropy,
                                      classification.binary_focal_crossentropy_gradient])
def test_logits_are_accepted_with_from_logits_only(function):
    function(np.array([0.0, 1.0]), np.array([-3.0, 7.0]), from_logits=True)
    with pytest.raises(ValueError, match=r"if these are logits, pass from_logits=True"):
        function(np.array([0.0, 1.0]), np.array([-3.0, 7.0]))


@pytest.mark.parametrize("function", [regression.pinball_loss, regression.pinball_loss_gradient])
@pytest.mark.parametrize("tau", [0.0, 1.0, -0.2, 1.5, np.nan, True, "0.5", None, [0.1, 0.9]],
                         ids=["0", "1", "negative", "above 1", "nan", "bool", "str", "None",
                              "list"])
def test_tau_outside_the_open_unit_interval_is_refused(function, tau):
    with pytest.raises(ValueError, match=r"tau must be a number strictly between 0 and 1"):
        function(np.zeros(3), np.ones(3), tau)


@pytest.mark.parametrize("function", [classification.binary_focal_crossentropy,
                                      classification.binary_focal_crossentropy_gradient])
@pytest.mark.parametrize("argument, value, message", [
    ("alpha", 1.5, r"alpha must be a number in \[0, 1\]"),
    ("alpha", "0.25", r"alpha must be a number in \[0, 1\]"),
    ("gamma", -1.0, r"gamma must be a finite number >= 0"),
    ("gamma", np.inf, r"gamma must be a finite number >= 0"),
    ("gamma", [1.0, 2.0], r"gamma must be a finite number >= 0"),
    ("apply_class_balancing", "yes", r"apply_class_balancing must be True or False"),
    ("label_smoothing", 2.0, r"label_smoothing must be a number in \[0, 1\]"),
    ("axis", 3, r"axis must be an int in \[-1, 0\]"),
])
def test_bad_focal_parameters_are_refused(function, argument, value, message):
    with pytest.raises(ValueError, match=message):
        function(np.array([0.0, 1.0]), np.array([0.2, 0.8]), **{argument: value})
