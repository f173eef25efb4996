"""Helpers for the book's notebooks that must also work outside the book."""

import contextlib
import math
import numbers
import os
import sys

# float32 carries about 7 significant digits and CPUs differ in the last of them; the prose never
# shows more than 5, so glued values keep 6 and the stored outputs carry no round-off.
GLUE_SIGNIFICANT_DIGITS = 6


def glue(name, value):
    """Store ``value`` under ``name`` for the book's prose, without displaying it.

    In the book, ``{glue:text}`name:.3f``` in a Markdown cell then shows the
    number the code computed. This wraps ``myst_nb.glue(..., display=False)``
    and converts NumPy and TensorFlow scalars to plain Python numbers (which the
    book's formatter needs). Where ``myst_nb`` is not installed, on Colab for
    instance, it does nothing: the value is already in the notebook's variables.

    Parameters
    ----------
    name : str
        The key the prose refers to.
    value : number or str
        A scalar. Arrays raise ``ValueError``, other types ``TypeError``. Floats are stored
        rounded to ``GLUE_SIGNIFICANT_DIGITS`` significant digits.

    Returns
    -------
    None
        Nothing, so that a cell ending in ``glue(...)`` displays nothing.
    """
    value = _plain_scalar(name, value)
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        return
    myst_glue(name, value, display=False)


def _plain_scalar(name, value):
    """``value`` as a Python ``int``, ``float`` or ``str``; arrays and other types refused."""
    if isinstance(value, str):
        return value
    if hasattr(value, "numpy"):
        value = value.numpy()
    if hasattr(value, "ndim") and value.ndim != 0:
        raise ValueError(f"glue {name!r}: value must be a scalar, got shape {value.shape}")
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"glue {name!r}: value must be a real number or str, got {value!r}")
    if isinstance(value, numbers.Integral):
        return int(value)
    return _round_significant(float(value), GLUE_SIGNIFICANT_DIGITS)


def _round_significant(value, digits):
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


@contextlib.contextmanager
def expect_error(*error_types):
    """Run a block that must fail, and print its error instead of stopping the notebook.

    The chapters show what goes wrong when an API is misused. On Colab, "Run all" stops at the
    first uncaught exception, so each demonstration runs inside this context manager: the
    exception is caught and shown as ``TypeName: message``. A block that does not raise is a
    broken demonstration and raises ``AssertionError``; an exception of another type than the
    expected ones is not caught.

    Parameters
    ----------
    *error_types : type
        One or more exception classes the block is expected to raise.

    Examples
    --------
    >>> with expect_error(ZeroDivisionError):
    ...     1 / 0
    ZeroDivisionError: division by zero
    """
    if not error_types:
        raise ValueError("error_types: name at least one exception class, e.g. ValueError")
    for error_type in error_types:
        if not (isinstance(error_type, type) and issubclass(error_type, BaseException)):
            raise TypeError(f"error_types: {error_type!r} is not an exception class")
    try:
        yield
    except error_types as error:
        print(f"{type(error).__name__}: {error}")
    else:
        names = " or ".join(error_type.__name__ for error_type in error_types)
        raise AssertionError(f"expected {names}, but the block ran without an error")


def import_tensorflow_quietly():
    """Import TensorFlow without the C++ log lines it writes while it loads.

    Sets ``TF_CPP_MIN_LOG_LEVEL=3`` (unless it is set already), which silences TensorFlow's
    later C++ messages, such as the ``NodeDef mentions attribute ...`` lines that ``fit`` can
    print. The lines written while the library loads (the oneDNN notice, the CUDA probe) do not
    obey that level in TensorFlow 2.21, and Jupyter shows whatever reaches the process's
    standard error in the cell's output. So TensorFlow is imported while file descriptor 2
    points to ``os.devnull``; Python errors still raise as usual. Call it in a notebook's first
    cell, before anything imports TensorFlow; afterwards it only sets the variable.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if "tensorflow" in sys.modules:
        return
    sys.stderr.flush()
    saved_stderr = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import tensorflow  # noqa: F401
    finally:
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
        os.close(devnull)
