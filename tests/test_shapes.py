"""lossfns.match_shapes: Keras's own rank alignment, checked against Keras, and a refusal that
names both shapes where Keras raises."""

import keras
import numpy as np
import pytest
from keras.src.losses.loss import squeeze_or_expand_to_same_rank

import lossfns
from lossfns import match_shapes

ALIGNED = [
    ((5,), (5, 1)),
    ((5, 1), (5,)),
    ((4, 3, 1), (4, 3)),
    ((4, 3), (4, 3, 1)),
    ((4, 3), (4, 3)),
    ((5,), (5,)),
    ((1,), ()),  # rank 1 against a scalar: the larger loses its last axis
]


@pytest.mark.parametrize(("true_shape", "pred_shape"), ALIGNED, ids=str)
def test_the_shapes_are_those_of_keras(true_shape, pred_shape):
    rng = np.random.default_rng(1)
    y_true, y_pred = rng.normal(size=true_shape), rng.normal(size=pred_shape)
    ours = match_shapes(y_true, y_pred)
    theirs = squeeze_or_expand_to_same_rank(keras.ops.convert_to_tensor(y_true),
                                            keras.ops.convert_to_tensor(y_pred))
    assert [a.shape for a in ours] == [tuple(t.shape) for t in theirs]
    for mine, keras_tensor in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(mine, keras.ops.convert_to_numpy(keras_tensor))


@pytest.mark.parametrize(("true_shape", "pred_shape"), ALIGNED[:6], ids=str)
def test_the_per_sample_losses_are_those_of_keras(true_shape, pred_shape):
    rng = np.random.default_rng(2)
    y_true = rng.normal(size=true_shape).astype(np.float32)
    y_pred = rng.normal(size=pred_shape).astype(np.float32)
    aligned_true, aligned_pred = match_shapes(y_true, y_pred)
    ours = np.mean(np.abs(aligned_true - aligned_pred), axis=-1)
    theirs = keras.losses.MeanAbsoluteError(reduction="none")(y_true, y_pred)
    assert ours.shape == tuple(theirs.shape)
    np.testing.assert_allclose(ours, keras.ops.convert_to_numpy(theirs), rtol=1e-6)


@pytest.mark.parametrize(("true_shape", "pred_shape"), [((2, 3), (3, 2)), ((4,), (2, 2)),
                                                        ((3,), (3, 2)), ((2,), (3, 1, 1))],
                         ids=str)
def test_shapes_keras_cannot_pair_are_refused_naming_both(true_shape, pred_shape):
    pattern = (rf"y_true has shape {true_shape} but y_pred has shape {pred_shape}"
               .replace("(", r"\(").replace(")", r"\)"))
    with pytest.raises(ValueError, match=pattern):
        match_shapes(np.zeros(true_shape), np.zeros(pred_shape))


@pytest.mark.parametrize(("true_shape", "pred_shape"), [((2, 3), (3, 2)), ((4,), (2, 2))],
                         ids=str)
def test_keras_raises_on_the_same_shapes(true_shape, pred_shape):
    with pytest.raises(Exception, match="(?i)incompatible shapes|broadcast"):
        keras.losses.MeanAbsoluteError()(np.zeros(true_shape), np.zeros(pred_shape))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_the_dtype_is_kept_and_lists_are_accepted(dtype):
    y_true, y_pred = match_shapes(np.arange(3, dtype=dtype)[:, None], np.arange(3, dtype=dtype))
    assert y_true.dtype == y_pred.dtype == dtype
    assert y_true.shape == y_pred.shape == (3, 1)
    listed = match_shapes([1.0, 2.0], [[1.0], [2.0]])
    assert all(isinstance(a, np.ndarray) and a.shape == (2, 1) for a in listed)


def test_it_is_the_rule_every_loss_uses():
    y_true, y_pred = np.array([[0.5], [1.0], [2.0]]), np.array([1.0, -0.5, 2.0])
    aligned_true, aligned_pred = match_shapes(y_true, y_pred)
    np.testing.assert_array_equal(lossfns.mean_absolute_error(y_true, y_pred),
                                  np.mean(np.abs(aligned_true - aligned_pred), axis=-1))
    assert lossfns.match_shapes is match_shapes
