"""Making TensorFlow runs repeatable."""


def make_reproducible(seed=0):
    """Seed every random generator Keras uses and make TensorFlow ops deterministic.

    Calls ``keras.utils.set_random_seed(seed)`` (Python's ``random``, NumPy and
    TensorFlow) and ``tf.config.experimental.enable_op_determinism()``. Two
    runs on the same machine then give identical numbers. Runs on different
    CPUs may still differ in the last digits (oneDNN picks kernels by
    instruction set), which is why the book prints rounded numbers.

    Parameters
    ----------
    seed : int
        A non-negative integer.
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
