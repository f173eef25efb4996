"""lossfns.book: glue that works in the book and outside it."""

import numpy as np
import pytest

import lossfns
from lossfns.book import _plain_scalar


@pytest.mark.parametrize(
    "value, expected",
    [(np.float32(0.25), 0.25), (np.int64(3), 3), (2.5, 2.5), ("MAE", "MAE"), (np.array(1.5), 1.5)],
)
def test_glue_stores_plain_python_scalars(value, expected):
    stored = _plain_scalar("key", value)
    assert stored == expected and type(stored) is type(expected)
    assert lossfns.glue("key", value) is None


def test_glue_accepts_tensorflow_scalars():
    import tensorflow as tf

    assert _plain_scalar("key", tf.constant(0.5)) == 0.5


def test_glue_refuses_arrays():
    with pytest.raises(ValueError, match=r"glue 'key'.*shape \(2,\)"):
        lossfns.glue("key", np.array([1.0, 2.0]))


@pytest.mark.parametrize("value", [[1.0], None, True])
def test_glue_refuses_non_numbers(value):
    with pytest.raises(TypeError, match="glue 'key'"):
        lossfns.glue("key", value)
