"""lossfns.book: glue that works in the book and outside it."""

import os
import subprocess
import sys

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


def test_glue_keeps_six_significant_digits():
    assert _plain_scalar("key", np.float32(0.28768208)) == 0.287682
    assert _plain_scalar("key", 16.118095651) == 16.1181
    assert _plain_scalar("key", 0.0) == 0.0


def test_expect_error_prints_the_error_and_carries_on(capsys):
    with lossfns.expect_error(ValueError):
        lossfns.mean_absolute_error([1.0, 0.0, 2.0], [2.0, 3.0])
    printed = capsys.readouterr().out
    assert printed.startswith("ValueError: y_true has shape (3,) but y_pred has shape (2,)")


def test_expect_error_fails_when_nothing_goes_wrong():
    expected = pytest.raises(AssertionError, match="expected KeyError or ValueError")
    with expected, lossfns.expect_error(KeyError, ValueError):
        pass


def test_expect_error_lets_other_errors_through():
    with pytest.raises(ZeroDivisionError), lossfns.expect_error(ValueError):
        _ = 1 / 0


def test_expect_error_needs_an_exception_class():
    with pytest.raises(ValueError, match="error_types"), lossfns.expect_error():
        pass


@pytest.mark.parametrize("error_type", ["ValueError", int])
def test_expect_error_refuses_what_is_not_an_exception_class(error_type):
    with pytest.raises(TypeError, match="error_types"), lossfns.expect_error(error_type):
        pass


def test_tensorflow_imports_without_log_lines():
    # A fresh interpreter, as a notebook kernel is, with no log level set by the test suite.
    code = "import lossfns; lossfns.import_tensorflow_quietly(); import keras, tensorflow"
    env = {key: value for key, value in os.environ.items() if key != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, check=True)
    assert result.stderr == ""
