"""Loading MNIST exactly as ``keras.datasets.mnist.load_data()`` returns it.

The book's machines have no network, so the loader can read a local copy
instead: set the environment variable ``LOSSFNS_MNIST_PATH`` to an ``.npz``
file with the arrays ``x_train``, ``y_train``, ``x_test`` and ``y_test``.
Either way the caller gets the same four arrays, so a notebook's output does
not depend on where the data came from.
"""

import contextlib
import io
import os

import numpy as np

MNIST_PATH_VARIABLE = "LOSSFNS_MNIST_PATH"

#: The keys, shapes and dtypes of the arrays ``load_mnist`` returns.
MNIST_LAYOUT = {
    "x_train": ((60000, 28, 28), np.uint8),
    "y_train": ((60000,), np.uint8),
    "x_test": ((10000, 28, 28), np.uint8),
    "y_test": ((10000,), np.uint8),
}


def load_mnist():
    """Return MNIST as ``((x_train, y_train), (x_test, y_test))``.

    The images are ``uint8`` arrays of shape ``(n, 28, 28)`` with pixel values
    0-255, the labels ``uint8`` arrays of shape ``(n,)`` with values 0-9;
    ``n`` is 60,000 for training and 10,000 for testing.

    Returns
    -------
    tuple
        ``((x_train, y_train), (x_test, y_test))``, the same structure, dtypes
        and values as ``keras.datasets.mnist.load_data()``.

    Raises
    ------
    ValueError
        If ``LOSSFNS_MNIST_PATH`` names a file that lacks a key or holds an
        array of the wrong shape or dtype.
    FileNotFoundError
        If ``LOSSFNS_MNIST_PATH`` names a file that does not exist.
    RuntimeError
        If the variable is unset and the Keras download fails; the message
        says how to use a local copy instead.
    """
    path = os.environ.get(MNIST_PATH_VARIABLE)
    arrays = read_mnist_npz(path) if path else _download_with_keras()
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def read_mnist_npz(path):
    """Read and check the four MNIST arrays from the ``.npz`` file at ``path``.

    Parameters
    ----------
    path : str or os.PathLike
        An ``.npz`` archive holding ``x_train``, ``y_train``, ``x_test`` and
        ``y_test`` with the layout in ``MNIST_LAYOUT``. Pickled objects are
        refused (``allow_pickle=False``).

    Returns
    -------
    dict
        The four arrays by name.
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"{MNIST_PATH_VARIABLE}={path!r} does not name a file. Point it at a local "
            "mnist.npz, or unset it to let Keras download MNIST."
        )
    arrays = {}
    with np.load(path, allow_pickle=False) as archive:
        missing = sorted(set(MNIST_LAYOUT) - set(archive.files))
        if missing:
            raise ValueError(
                f"{MNIST_PATH_VARIABLE}={path!r} lacks the arrays {missing}; "
                f"expected the keys {sorted(MNIST_LAYOUT)}."
            )
        for key, (shape, dtype) in MNIST_LAYOUT.items():
            array = archive[key]
            if array.shape != shape or array.dtype != dtype:
                raise ValueError(
                    f"{MNIST_PATH_VARIABLE}={path!r}: array {key!r} has shape {array.shape} "
                    f"and dtype {array.dtype}, expected shape {shape} and dtype "
                    f"{np.dtype(dtype)}."
                )
            arrays[key] = array
    return arrays


def _download_with_keras():
    from keras.datasets import mnist

    # Keras prints a download progress bar; keep it out of notebook outputs.
    progress = io.StringIO()
    try:
        with contextlib.redirect_stdout(progress), contextlib.redirect_stderr(progress):
            (x_train, y_train), (x_test, y_test) = mnist.load_data()
    except Exception as error:
        raise RuntimeError(
            "Could not download MNIST with keras.datasets.mnist.load_data() "
            f"({type(error).__name__}: {error}). Connect to the internet, or download "
            "mnist.npz once and set the environment variable "
            f"{MNIST_PATH_VARIABLE} to its path."
        ) from error
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
