"""Complex arrays are refused by every public loss, gradient and helper of lossfns, with a
ValueError that names the argument (NumPy alone would drop the imaginary part with a warning)."""

import warnings

import numpy as np
import pytest

import lossfns

TARGETS = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
PROBABILITIES = np.array([[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]])
LABELS = np.array([1, 0])
PAIR = {"y_true": TARGETS, "y_pred": PROBABILITIES}

# Each public function that takes arrays: (its valid keyword arguments, the array arguments).
ARRAY_FUNCTIONS = {
    **{name: (PAIR, ("y_true", "y_pred")) for name in [
        "mean_absolute_error", "mean_squared_error", "root_mean_squared_error", "huber",
        "log_cosh", "pinball_loss", "binary_crossentropy", "binary_focal_crossentropy",
        "categorical_crossentropy", "kl_divergence", "match_shapes", "hinge", "squared_hinge",
        "categorical_hinge", "poisson"]},
    "gaussian_nll": ({"y_true": TARGETS, "mean": PROBABILITIES, "log_variance": PROBABILITIES},
                     ("y_true", "mean", "log_variance")),
    "student_t_nll": ({**PAIR, "dof": 3.0, "scale": 0.5}, ("y_true", "y_pred")),
    "sparse_categorical_crossentropy": ({"y_true": LABELS, "y_pred": PROBABILITIES},
                                        ("y_true", "y_pred")),
    "softmax": ({"logits": PROBABILITIES}, ("logits",)),
    "log_softmax": ({"logits": PROBABILITIES}, ("logits",)),
    "temperature_gradient": ({"logits": PROBABILITIES, "labels": LABELS, "temperature": 1.5},
                             ("logits", "labels")),
    "reduce_losses": ({"losses": np.array([0.5, 1.0]), "sample_weight": np.array([1.0, 2.0])},
                      ("losses", "sample_weight")),
}
for _name in list(ARRAY_FUNCTIONS):
    if f"{_name}_gradient" in lossfns.__all__:
        ARRAY_FUNCTIONS[f"{_name}_gradient"] = ARRAY_FUNCTIONS[_name]

# Public names that take no loss inputs (or a student's function, or a file).
NOT_ARRAY_FUNCTIONS = {"EPSILON", "LossCurve", "SelfCheckFailed", "expect_error", "glue",
                       "import_tensorflow_quietly", "load_mnist", "read_mnist_npz", "loss_curve",
                       "make_reproducible", "plot_history", "plot_loss_and_gradient",
                       "use_book_style"}

CASES = [(name, argument) for name, (_, arguments) in ARRAY_FUNCTIONS.items()
         for argument in arguments]


def test_every_public_function_is_covered():
    public = {name for name in lossfns.__all__ if not name.startswith("check_")}
    assert public - NOT_ARRAY_FUNCTIONS == set(ARRAY_FUNCTIONS)


@pytest.mark.parametrize(("name", "argument"), CASES, ids=lambda x: x)
def test_the_valid_inputs_are_accepted(name, argument):
    inputs, _ = ARRAY_FUNCTIONS[name]
    getattr(lossfns, name)(**inputs)


@pytest.mark.parametrize(("name", "argument"), CASES, ids=lambda x: x)
def test_complex_input_is_refused_naming_the_argument(name, argument):
    inputs, _ = ARRAY_FUNCTIONS[name]
    complex_inputs = {**inputs, argument: inputs[argument] + 0.5j}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ComplexWarning on the way
        with pytest.raises(ValueError, match=rf"^{argument} holds complex numbers"):
            getattr(lossfns, name)(**complex_inputs)


@pytest.mark.parametrize("values", [np.array([1 + 0j, 2 + 0j]), [1.0, 2j], (1 + 0j,)], ids=str)
def test_a_zero_imaginary_part_is_refused_too(values):
    with pytest.raises(ValueError, match="^y_pred holds complex numbers"):
        lossfns.mean_absolute_error(np.ones(len(values)), values)


def test_the_example_of_the_issue():
    """It returned 1.42 (the real parts) with only a ComplexWarning."""
    with pytest.raises(ValueError, match=r"y_pred holds complex numbers \(dtype complex128\)"):
        lossfns.mean_squared_error(np.array([[0.5, -1, 2]]),
                                   np.array([[0.4 + 0.5j, 1 + 0.5j, 2.5 + 0.5j]]))
    assert np.isclose(lossfns.mean_squared_error([[0.5, -1, 2]], [[0.4, 1, 2.5]]), 1.42)
