"""lossfns.reproducibility: seeded, deterministic TensorFlow."""

import pytest
import tensorflow as tf

import lossfns


def test_same_seed_same_numbers():
    lossfns.make_reproducible(7)
    first = tf.random.normal((5,)).numpy()
    lossfns.make_reproducible(7)
    second = tf.random.normal((5,)).numpy()
    assert (first == second).all()


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True])
def test_bad_seed_is_named(seed):
    with pytest.raises(ValueError, match="seed must be a non-negative int"):
        lossfns.make_reproducible(seed)
