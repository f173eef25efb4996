"""lossfns.likelihood (chapter 6's losses): values against keras.losses.poisson and scipy.stats
log-densities, gradients against tf.GradientTape and central finite differences, shapes, and
one test per kind of bad input."""

import math
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
import pytest
import scipy.stats
import tensorflow as tf

import lossfns
from lossfns import likelihood

RNG = np.random.default_rng(20260701)
SHAPES = [(6,), (5, 3), (2, 3, 4)]
DOF_SCALE = [(1.0, 1.0), (3.0, 0.5), (30.0, 2.0), (1e6, 1.3)]


def samples(shape, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(0.0, 2.0, size=shape), rng.normal(0.0, 2.0, size=shape)


def central_difference(f, x, step=1e-6):
    """d/dx of the scalar f at every entry of x."""
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[index] += step
        down[index] -= step
        gradient[index] = (f(up) - f(down)) / (2 * step)
    return gradient


def tape_gradients(loss, *arrays):
    """Gradients of tf.reduce_sum(loss(*arrays)) wrt every argument after the first (float64)."""
    variables = [tf.Variable(np.asarray(a, np.float64)) for a in arrays[1:]]
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(loss(tf.constant(np.asarray(arrays[0], np.float64)), *variables))
    return [g.numpy() for g in tape.gradient(total, variables)]


def tf_gaussian_nll(y, mean, log_variance):
    return tf.reduce_mean(0.5 * (math.log(2 * math.pi) + log_variance
                                 + tf.square(y - mean) * tf.exp(-log_variance)), axis=-1)


def tf_student_t_nll(dof, scale):
    def loss(y, y_pred):
        r = (y - y_pred) / scale
        constant = (math.lgamma(dof / 2) - math.lgamma((dof + 1) / 2)
                    + 0.5 * math.log(dof * math.pi) + math.log(scale))
        return tf.reduce_mean(constant + 0.5 * (dof + 1) * tf.math.log1p(r * r / dof), axis=-1)
    return loss


def test_exported():
    for name in ["gaussian_nll", "poisson", "student_t_nll"]:
        assert getattr(lossfns, name) is getattr(likelihood, name)
        assert getattr(lossfns, f"{name}_gradient") is getattr(likelihood, f"{name}_gradient")
        assert name in lossfns.__all__ and f"{name}_gradient" in lossfns.__all__


# --- Gaussian NLL ------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", SHAPES)
def test_gaussian_nll_is_the_normal_log_density(shape):
    y, mean = samples(shape)
    log_variance = RNG.uniform(-3, 3, size=shape)
    expected = -scipy.stats.norm.logpdf(y, mean, np.exp(log_variance / 2)).mean(axis=-1)
    got = lossfns.gaussian_nll(y, mean, log_variance)
    assert got.dtype == np.float64 and got.shape == shape[:-1]
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_gaussian_nll_with_unit_variance_is_half_the_mse_plus_a_constant():
    y, mean = samples((5, 3))
    np.testing.assert_allclose(lossfns.gaussian_nll(y, mean, np.zeros((5, 3))),
                               0.5 * lossfns.mean_squared_error(y, mean)
                               + 0.5 * math.log(2 * math.pi), rtol=1e-12)


@pytest.mark.parametrize("shape", SHAPES)
def test_gaussian_nll_gradient_matches_the_tape_and_finite_differences(shape):
    y, mean = samples(shape, seed=1)
    log_variance = RNG.uniform(-2, 2, size=shape)
    d_mean, d_log_variance = lossfns.gaussian_nll_gradient(y, mean, log_variance)
    assert d_mean.shape == d_log_variance.shape == shape
    tape_mean, tape_log_variance = tape_gradients(tf_gaussian_nll, y, mean, log_variance)
    np.testing.assert_allclose(d_mean, tape_mean, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(d_log_variance, tape_log_variance, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(d_mean, central_difference(
        lambda m: lossfns.gaussian_nll(y, m, log_variance).sum(), mean), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(d_log_variance, central_difference(
        lambda s: lossfns.gaussian_nll(y, mean, s).sum(), log_variance), rtol=1e-5, atol=1e-7)


def test_gaussian_nll_lines_up_flat_targets_with_columns():
    y, mean = samples((5, 1))
    log_variance = RNG.uniform(-1, 1, size=(5, 1))
    per_sample = lossfns.gaussian_nll(y, mean, log_variance)
    assert per_sample.shape == (5,)
    np.testing.assert_array_equal(lossfns.gaussian_nll(y[:, 0], mean, log_variance), per_sample)
    np.testing.assert_array_equal(lossfns.gaussian_nll(y, mean[:, 0], log_variance[:, 0]),
                                  per_sample)
    d_mean, d_log_variance = lossfns.gaussian_nll_gradient(y, mean[:, 0], log_variance[:, 0])
    assert d_mean.shape == d_log_variance.shape == (5,)


@pytest.mark.parametrize("log_variance_shape", [(5,), (1, 3), (5, 3, 1), (3, 5)])
def test_gaussian_nll_refuses_a_log_variance_of_another_shape(log_variance_shape):
    y, mean = samples((5, 3))
    with pytest.raises(ValueError, match=r"log_variance has shape .* but mean has shape"):
        lossfns.gaussian_nll(y, mean, np.zeros(log_variance_shape))
    with pytest.raises(ValueError, match="log_variance"):
        lossfns.gaussian_nll_gradient(y, mean, np.zeros(log_variance_shape))


def test_gaussian_nll_refuses_mismatched_targets_naming_mean():
    with pytest.raises(ValueError, match="mean has shape"):
        lossfns.gaussian_nll(np.zeros((2, 3)), np.zeros((3, 2)), np.zeros((3, 2)))


@pytest.mark.parametrize("argument", ["y_true", "mean", "log_variance"])
def test_gaussian_nll_refuses_nan(argument):
    arrays = dict(zip(["y_true", "mean", "log_variance"], samples((4, 2)) + (np.zeros((4, 2)),)))
    arrays[argument][1, 1] = np.nan
    with pytest.raises(ValueError, match=f"{argument} contains 1 NaN"):
        lossfns.gaussian_nll(**arrays)


# --- Poisson -----------------------------------------------------------------------------------

def poisson_samples(shape, seed=2):
    rng = np.random.default_rng(seed)
    return (rng.poisson(3.0, size=shape).astype(np.float32),
            rng.uniform(0.05, 8.0, size=shape).astype(np.float32))


@pytest.mark.parametrize("shape", SHAPES)
def test_poisson_matches_keras(shape):
    counts, rates = poisson_samples(shape)
    got = lossfns.poisson(counts, rates)
    assert got.dtype == np.float64 and got.shape == shape[:-1]
    np.testing.assert_allclose(got, keras.losses.poisson(counts, rates), rtol=1e-6, atol=1e-6)


def test_poisson_keeps_kerass_epsilon():
    # At a tiny rate log(rate + 1e-7) and log(rate) differ: the loss is Keras's, not the textbook's
    counts, rates = np.array([2.0]), np.array([1e-7])
    assert lossfns.poisson(counts, rates) == pytest.approx(1e-7 - 2 * math.log(2e-7))
    np.testing.assert_allclose(lossfns.poisson(counts, rates),
                               keras.losses.poisson(counts, rates), rtol=1e-6)


def test_poisson_is_the_poisson_nll_without_log_factorial():
    counts, rates = poisson_samples((4, 3))
    counts, rates = counts.astype(np.float64), rates.astype(np.float64)
    nll = -scipy.stats.poisson.logpmf(counts, rates) - scipy.special.gammaln(counts + 1)
    # The epsilon moves each term by y log(1 + eps / rate) <= y eps / rate, and no more.
    gap = np.abs(lossfns.poisson(counts, rates) - nll.mean(axis=-1))
    assert np.all(gap <= (counts * lossfns.EPSILON / rates).mean(axis=-1) + 1e-12)


@pytest.mark.parametrize("shape", SHAPES)
def test_poisson_gradient_matches_the_tape_and_finite_differences(shape):
    counts, rates = (a.astype(np.float64) for a in poisson_samples(shape, seed=3))
    gradient = lossfns.poisson_gradient(counts, rates)
    assert gradient.shape == shape
    (tape,) = tape_gradients(keras.losses.poisson, counts, rates)
    np.testing.assert_allclose(gradient, tape, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(gradient, central_difference(
        lambda r: lossfns.poisson(counts, r).sum(), rates), rtol=1e-5, atol=1e-7)


def test_poisson_lines_up_flat_targets_with_columns():
    counts, rates = poisson_samples((5, 1))
    np.testing.assert_array_equal(lossfns.poisson(counts[:, 0], rates),
                                  lossfns.poisson(counts, rates))
    np.testing.assert_array_equal(lossfns.poisson(counts, rates[:, 0]),
                                  lossfns.poisson(counts, rates))
    assert lossfns.poisson_gradient(counts, rates[:, 0]).shape == (5,)
    with pytest.raises(ValueError, match="y_true has shape"):
        lossfns.poisson(np.ones((2, 3)), np.ones((3, 2)))


@pytest.mark.parametrize("rate", [0.0, -0.5])
def test_poisson_refuses_non_positive_rates(rate):
    for function in (lossfns.poisson, lossfns.poisson_gradient):
        with pytest.raises(ValueError, match="y_pred.*rates must be positive"):
            function([1.0, 2.0], [1.0, rate])


def test_poisson_refuses_negative_counts_and_nan():
    with pytest.raises(ValueError, match="y_true must hold counts, which are non-negative"):
        lossfns.poisson([1.0, -1.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="y_pred contains 1 NaN"):
        lossfns.poisson([1.0, 1.0], [1.0, np.nan])
    with pytest.raises(ValueError, match="y_true contains 1 NaN or infinite"):
        lossfns.poisson([np.inf, 1.0], [1.0, 1.0])


# --- Student-t NLL -----------------------------------------------------------------------------

@pytest.mark.parametrize("dof, scale", DOF_SCALE)
@pytest.mark.parametrize("shape", SHAPES)
def test_student_t_nll_is_the_t_log_density(shape, dof, scale):
    y, y_pred = samples(shape, seed=4)
    expected = -scipy.stats.t.logpdf(y, dof, loc=y_pred, scale=scale).mean(axis=-1)
    got = lossfns.student_t_nll(y, y_pred, dof, scale)
    assert got.dtype == np.float64 and got.shape == shape[:-1]
    np.testing.assert_allclose(got, expected, rtol=1e-9)


def test_student_t_nll_default_scale_is_one():
    y, y_pred = samples((3, 2))
    np.testing.assert_array_equal(lossfns.student_t_nll(y, y_pred, 4.0),
                                  lossfns.student_t_nll(y, y_pred, 4.0, 1.0))


def test_student_t_nll_is_finite_for_huge_errors():
    y = np.array([[1e200, -1e250, 3e300]])
    loss = lossfns.student_t_nll(y, np.zeros((1, 3)), 2.5, 0.7)
    # 2 log|r| + log(1 + nu / r^2) as exact as float64 allows; scipy's logpdf overflows here.
    r = np.abs(y) / 0.7
    exact = (math.lgamma(1.25) - math.lgamma(1.75) + 0.5 * math.log(2.5 * math.pi)
             + math.log(0.7) + 1.75 * (2 * np.log(r) - math.log(2.5)))
    np.testing.assert_allclose(loss, exact.mean(axis=-1), rtol=1e-14)
    gradient = lossfns.student_t_nll_gradient(y, np.zeros((1, 3)), 2.5, 0.7)
    assert np.all(np.isfinite(gradient)) and np.all(np.abs(gradient) < 1e-199)


def test_student_t_nll_with_many_degrees_of_freedom_is_nearly_gaussian():
    y, y_pred = samples((5, 3))
    gaussian = lossfns.gaussian_nll(y, y_pred, np.full((5, 3), 2 * math.log(1.5)))
    np.testing.assert_allclose(lossfns.student_t_nll(y, y_pred, 1e8, 1.5), gaussian, rtol=1e-6)


@pytest.mark.parametrize("dof, scale", DOF_SCALE)
@pytest.mark.parametrize("shape", SHAPES)
def test_student_t_nll_gradient_matches_the_tape_and_finite_differences(shape, dof, scale):
    y, y_pred = samples(shape, seed=5)
    gradient = lossfns.student_t_nll_gradient(y, y_pred, dof, scale)
    assert gradient.shape == shape
    (tape,) = tape_gradients(tf_student_t_nll(dof, scale), y, y_pred)
    np.testing.assert_allclose(gradient, tape, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(gradient, central_difference(
        lambda p: lossfns.student_t_nll(y, p, dof, scale).sum(), y_pred), rtol=1e-5, atol=1e-7)


def test_student_t_nll_lines_up_flat_targets_with_columns():
    y, y_pred = samples((5, 1))
    per_sample = lossfns.student_t_nll(y, y_pred, 3.0, 2.0)
    assert per_sample.shape == (5,)
    np.testing.assert_array_equal(lossfns.student_t_nll(y[:, 0], y_pred, 3.0, 2.0), per_sample)
    np.testing.assert_array_equal(lossfns.student_t_nll(y, y_pred[:, 0], 3.0, 2.0), per_sample)
    assert lossfns.student_t_nll_gradient(y[:, 0], y_pred, 3.0).shape == (5, 1)
    with pytest.raises(ValueError, match="y_true has shape"):
        lossfns.student_t_nll(np.ones((2, 3)), np.ones((3, 2)), 3.0)


@pytest.mark.parametrize("name", ["dof", "scale"])
@pytest.mark.parametrize("value", [0.0, -1.0, np.inf, np.nan, "3", [1.0, 2.0], True])
def test_student_t_nll_refuses_bad_dof_and_scale(name, value):
    arguments = {"dof": 3.0, "scale": 1.0, name: value}
    for function in (lossfns.student_t_nll, lossfns.student_t_nll_gradient):
        with pytest.raises(ValueError, match=f"{name} must be a positive, finite number"):
            function([0.0, 1.0], [0.5, 0.5], **arguments)


def test_student_t_nll_refuses_nan():
    with pytest.raises(ValueError, match="y_pred contains 1 NaN"):
        lossfns.student_t_nll([0.0, 1.0], [np.nan, 0.5], 3.0)


@pytest.mark.parametrize("function", [lossfns.gaussian_nll, lossfns.poisson,
                                      lossfns.student_t_nll])
def test_complex_inputs_are_refused(function):
    extra = {lossfns.gaussian_nll: (np.zeros(2),), lossfns.student_t_nll: (3.0,)}.get(function, ())
    with pytest.raises(ValueError, match="y_true holds complex numbers"):
        function(np.array([1 + 1j, 2.0]), np.ones(2), *extra)
