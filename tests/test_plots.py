"""lossfns.plots: the loss-and-gradient figure and the training-history figure."""

import matplotlib

matplotlib.use("Agg")

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

import lossfns


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize(
    "tf_loss, gradient",
    [
        (keras.losses.mean_squared_error, lossfns.mean_squared_error_gradient),
        (keras.losses.mean_absolute_error, lossfns.mean_absolute_error_gradient),
    ],
)
def test_loss_curve_agrees_with_gradient_tape(tf_loss, gradient):
    curve = lossfns.loss_curve(tf_loss, gradient, y_true=1.5, predictions=np.linspace(-2, 5, 71))
    assert curve.loss.shape == curve.autodiff_gradient.shape == (71,)
    assert curve.max_gradient_gap < 1e-5
    assert curve.loss[np.argmin(np.abs(curve.predictions - 1.5))] == pytest.approx(0.0, abs=1e-6)


def test_a_wrong_gradient_shows_up_as_a_gap():
    def off_by_sign(y_true, y_pred):
        return -lossfns.mean_squared_error_gradient(y_true, y_pred)

    curve = lossfns.loss_curve(keras.losses.mean_squared_error, off_by_sign, 0.0, [1.0, 2.0])
    assert curve.max_gradient_gap == pytest.approx(8.0, rel=1e-6)


def test_loss_curve_rejects_a_bad_grid():
    with pytest.raises(ValueError, match="predictions"):
        lossfns.loss_curve(keras.losses.mean_squared_error,
                           lossfns.mean_squared_error_gradient, 0.0, [0.0, np.nan])


def test_plot_loss_and_gradient_labels_both_panels_and_marks_the_truth():
    lossfns.use_book_style()
    curve = lossfns.loss_curve(keras.losses.mean_squared_error,
                               lossfns.mean_squared_error_gradient, 2.0, np.linspace(0, 4, 9))
    assert curve.y_true == 2.0  # the curve keeps its ground truth: no second copy needed
    _fig, axes = lossfns.plot_loss_and_gradient(curve, name="MSE")
    assert [a.get_ylabel() for a in axes] == [
        "loss", "gradient $\\partial \\ell / \\partial \\hat{y}$"]
    for axis in axes:
        assert axis.get_xlabel() and axis.get_legend() is not None
        labels = [t.get_text() for t in axis.get_legend().get_texts()]
        assert "ground truth $y = 2$" in labels
        assert axis.get_lines()[-1].get_xdata()[0] == 2.0
    assert len(axes[1].get_lines()) == 3


def test_plot_loss_and_gradient_still_takes_the_ground_truth_but_not_another_one():
    curve = lossfns.loss_curve(keras.losses.mean_squared_error,
                               lossfns.mean_squared_error_gradient, 2.0, np.linspace(0, 4, 9))
    _fig, axes = lossfns.plot_loss_and_gradient(curve, 2.0)  # the older call, same figure
    assert axes[0].get_lines()[-1].get_xdata()[0] == 2.0
    with pytest.raises(ValueError, match=r"y_true=1\.0, but the curve was drawn for y_true=2"):
        lossfns.plot_loss_and_gradient(curve, 1.0)


def test_a_curve_built_by_hand_needs_its_ground_truth():
    grid = np.linspace(-1.0, 1.0, 5)
    curve = lossfns.LossCurve(grid, grid**2, 2 * grid, 2 * grid)
    assert curve.y_true is None
    with pytest.raises(ValueError, match="pass the ground truth as y_true"):
        lossfns.plot_loss_and_gradient(curve)
    _fig, axes = lossfns.plot_loss_and_gradient(curve, 0.0)
    assert axes[1].get_lines()[-1].get_xdata()[0] == 0.0


def test_plot_history_draws_training_and_validation_per_epoch():
    history = {"loss": [2.0, 1.0, 0.5], "val_loss": [2.1, 1.2, 0.9],
               "acc": [0.5, 0.7, 0.8], "val_acc": [0.45, 0.6, 0.7]}
    _fig, axes = lossfns.plot_history(history, metric="acc")
    assert [a.get_ylabel() for a in axes] == ["loss", "acc"]
    x_values, y_values = axes[0].get_lines()[1].get_data()
    assert list(x_values) == [1, 2, 3] and list(y_values) == [2.1, 1.2, 0.9]


def test_plot_history_needs_a_loss():
    with pytest.raises(ValueError, match="history has no 'loss' entry"):
        lossfns.plot_history({"acc": [0.1]})


def test_plot_history_names_a_missing_metric_and_the_ones_it_has():
    history = {"loss": [2.0, 1.0], "val_loss": [2.1, 1.2], "acc": [0.5, 0.7], "val_acc": [0.4, 0.6]}
    with pytest.raises(KeyError, match=r"no metric 'accuracy'; it has \['acc'\]"):
        lossfns.plot_history(history, metric="accuracy")


def test_plot_history_draws_the_loss_alone_with_metric_none():
    _fig, axes = lossfns.plot_history({"loss": [2.0, 1.0]}, metric=None)
    assert [a.get_ylabel() for a in axes] == ["loss"]
    with pytest.raises(KeyError, match=r"no metric 'acc'; it has \[\]"):
        lossfns.plot_history({"loss": [2.0, 1.0]})
