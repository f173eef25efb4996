"""lossfns.data: the MNIST loader, on the real MNIST file when it is available."""

import hashlib
import os

import numpy as np
import pytest

import lossfns
from lossfns import data

MNIST_PATH = os.environ.get(data.MNIST_PATH_VARIABLE)
# SHA-256 of array.tobytes(), from the README that ships with the offline copy.
EXPECTED_SHA256 = {
    "x_train": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
    "y_train": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
    "x_test": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    "y_test": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
}
needs_mnist = pytest.mark.skipif(
    not MNIST_PATH,
    reason=f"{data.MNIST_PATH_VARIABLE} is not set and ../shared/data/mnist.npz is missing",
)


@needs_mnist
def test_load_mnist_returns_the_keras_layout_and_values():
    (x_train, y_train), (x_test, y_test) = lossfns.load_mnist()
    arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    for key, (shape, dtype) in data.MNIST_LAYOUT.items():
        assert arrays[key].shape == shape and arrays[key].dtype == dtype
        assert hashlib.sha256(arrays[key].tobytes()).hexdigest() == EXPECTED_SHA256[key]
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def _write_npz(path, **overrides):
    arrays = {key: np.zeros(shape, dtype) for key, (shape, dtype) in data.MNIST_LAYOUT.items()}
    arrays.update(overrides)
    np.savez(path, **{k: v for k, v in arrays.items() if v is not None})
    return path


def test_reads_a_well_formed_file(tmp_path, monkeypatch):
    path = _write_npz(tmp_path / "mnist.npz", y_test=np.full(10000, 7, np.uint8))
    monkeypatch.setenv(data.MNIST_PATH_VARIABLE, str(path))
    (x_train, _), (_, y_test) = lossfns.load_mnist()
    assert x_train.shape == (60000, 28, 28) and int(y_test[0]) == 7


def test_missing_file_says_which_variable_and_path(tmp_path, monkeypatch):
    monkeypatch.setenv(data.MNIST_PATH_VARIABLE, str(tmp_path / "nowhere.npz"))
    with pytest.raises(FileNotFoundError, match="LOSSFNS_MNIST_PATH=.*nowhere.npz"):
        lossfns.load_mnist()


def test_missing_key_is_named(tmp_path, monkeypatch):
    path = _write_npz(tmp_path / "m.npz", y_test=None)
    monkeypatch.setenv(data.MNIST_PATH_VARIABLE, str(path))
    with pytest.raises(ValueError, match=r"lacks the arrays \['y_test'\]"):
        lossfns.load_mnist()


@pytest.mark.parametrize(
    "key, array, detail",
    [
        ("x_test", np.zeros((10000, 28, 27), np.uint8), r"shape \(10000, 28, 27\)"),
        ("y_train", np.zeros(60000, np.int64), "dtype int64"),
    ],
)
def test_wrong_shape_or_dtype_is_named(tmp_path, monkeypatch, key, array, detail):
    path = _write_npz(tmp_path / "m.npz", **{key: array})
    monkeypatch.setenv(data.MNIST_PATH_VARIABLE, str(path))
    with pytest.raises(ValueError, match=f"'{key}' has .*{detail}"):
        lossfns.load_mnist()


def test_pickled_objects_are_refused(tmp_path, monkeypatch):
    path = _write_npz(tmp_path / "m.npz", x_train=np.array([{"a": 1}], dtype=object))
    monkeypatch.setenv(data.MNIST_PATH_VARIABLE, str(path))
    with pytest.raises(ValueError, match="allow_pickle"):
        lossfns.load_mnist()


def test_failed_download_tells_the_user_what_to_do(monkeypatch, tmp_path):
    # Stand in for a machine without network: the Keras loader itself fails.
    from keras.datasets import mnist

    def no_network(*args, **kwargs):
        print("Downloading data from https://example.invalid/mnist.npz")
        raise OSError("network is unreachable")

    monkeypatch.delenv(data.MNIST_PATH_VARIABLE, raising=False)
    monkeypatch.setattr(mnist, "load_data", no_network)
    with pytest.raises(RuntimeError, match="set the environment variable LOSSFNS_MNIST_PATH"):
        lossfns.load_mnist()


def test_download_progress_is_not_printed(monkeypatch, capsys):
    from keras.datasets import mnist

    def quiet_fake_download(*args, **kwargs):
        print("11490434/11490434 ━━━━━━━━━━━━━━━━━━━━ 1s 0us/step")
        return (np.zeros((1, 28, 28), np.uint8), np.zeros(1, np.uint8)), (
            np.zeros((1, 28, 28), np.uint8),
            np.zeros(1, np.uint8),
        )

    monkeypatch.delenv(data.MNIST_PATH_VARIABLE, raising=False)
    monkeypatch.setattr(mnist, "load_data", quiet_fake_download)
    lossfns.load_mnist()
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
