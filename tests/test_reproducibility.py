"""lossfns.reproducibility: seeded, deterministic TensorFlow."""

import pytest
import tensorflow as tf

# TensorFlow 2.21 exports only enable_op_determinism; its counterparts live in the module that
# defines it (tf.config.experimental has no disable_op_determinism).
from tensorflow.python.framework import config as tf_config

import lossfns


@pytest.fixture
def op_determinism_restored():
    """Put op determinism back as it was, so that it cannot leak into this worker's other tests."""
    was_enabled = tf_config.is_op_determinism_enabled()
    yield
    if not was_enabled:
        tf_config.disable_op_determinism()


def test_same_seed_same_numbers(op_determinism_restored):
    lossfns.make_reproducible(7)
    assert tf_config.is_op_determinism_enabled()
    first = tf.random.normal((5,)).numpy()
    lossfns.make_reproducible(7)
    second = tf.random.normal((5,)).numpy()
    assert (first == second).all()


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True])
def test_bad_seed_is_named(seed, op_determinism_restored):
    with pytest.raises(ValueError, match="seed must be a non-negative int"):
        lossfns.make_reproducible(seed)
