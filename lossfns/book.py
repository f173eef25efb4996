"""Helpers for the book's notebooks that must also work outside the book."""

import numbers


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
        A scalar. Arrays raise ``ValueError``, other types ``TypeError``.

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
    return int(value) if isinstance(value, numbers.Integral) else float(value)
