"""Figures for the book: a loss and its gradient, and a training history.

All figures share one style (``use_book_style``): the Okabe-Ito palette, which
stays distinguishable for the common forms of colour blindness, a white
background that reads on the light and the dark theme of the book, and a size
that fits the page.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np

#: Okabe & Ito (2008) colour-blind safe palette, black first.
OKABE_ITO = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")

BOOK_STYLE = {
    "figure.figsize": (7.0, 3.2),
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.prop_cycle": plt.cycler(
        color=OKABE_ITO[5:7] + OKABE_ITO[1:4] + OKABE_ITO[7:] + OKABE_ITO[:1]
    ),
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "lines.linewidth": 2.0,
    "savefig.bbox": "tight",
}


def use_book_style():
    """Apply the book's matplotlib style (``BOOK_STYLE``) to the current session."""
    plt.rcParams.update(BOOK_STYLE)


@dataclass
class LossCurve:
    """A loss and its gradient sampled on a grid of predictions.

    Attributes
    ----------
    predictions : ndarray, shape (n,)
    loss : ndarray, shape (n,)
        The per-sample loss at each prediction.
    autodiff_gradient, analytic_gradient : ndarray, shape (n,)
        :math:`\\partial \\ell / \\partial \\hat y` from ``tf.GradientTape`` and
        from the closed-form formula.
    y_true : float or None
        The ground truth the curve was drawn for (``None`` if unknown).
    """

    predictions: np.ndarray
    loss: np.ndarray
    autodiff_gradient: np.ndarray
    analytic_gradient: np.ndarray
    y_true: float | None = None

    @property
    def max_gradient_gap(self):
        """Largest absolute difference between the two gradients."""
        return float(np.max(np.abs(self.autodiff_gradient - self.analytic_gradient)))


def loss_curve(tf_loss, analytic_gradient, y_true, predictions):
    """Evaluate a loss and both of its gradients on a grid of predictions.

    Each grid point is one sample with one output: ``y_pred`` has shape
    ``(n, 1)`` and ``y_true`` is the scalar ground truth repeated ``n`` times,
    so the loss has shape ``(n,)`` and
    :math:`g_i = \\partial \\ell(y, \\hat y_i) / \\partial \\hat y_i`.

    Parameters
    ----------
    tf_loss : callable
        ``tf_loss(y_true, y_pred)`` returning one loss per sample, e.g.
        ``keras.losses.mean_squared_error``; differentiated with ``tf.GradientTape``.
    analytic_gradient : callable
        ``analytic_gradient(y_true, y_pred)`` with NumPy arrays, e.g.
        ``lossfns.mean_squared_error_gradient``.
    y_true : float
        The ground truth.
    predictions : array_like, shape (n,)
        The predictions to evaluate.
    """
    import tensorflow as tf

    grid = np.asarray(predictions, dtype=np.float64).reshape(-1)
    if grid.size == 0 or not np.all(np.isfinite(grid)):
        raise ValueError(f"predictions must be a non-empty finite 1-D grid, got shape {grid.shape}")
    targets = np.full((grid.size, 1), float(y_true))
    y_pred = tf.Variable(grid.reshape(-1, 1), dtype=tf.float32)
    with tf.GradientTape() as tape:
        loss = tf_loss(tf.constant(targets, tf.float32), y_pred)
        total = tf.reduce_sum(loss)
    autodiff = tape.gradient(total, y_pred)
    analytic = analytic_gradient(targets, grid.reshape(-1, 1))
    return LossCurve(
        predictions=grid,
        loss=np.asarray(loss, dtype=np.float64).reshape(-1),
        autodiff_gradient=np.asarray(autodiff, dtype=np.float64).reshape(-1),
        analytic_gradient=np.asarray(analytic, dtype=np.float64).reshape(-1),
        y_true=float(y_true),
    )


def plot_loss_and_gradient(curve, y_true=None, *, name="loss", xlabel="prediction $\\hat{y}$",
                           axes=None):
    """Draw a ``LossCurve``: the loss on the left, its two gradients on the right.

    The ground truth :math:`y` is marked with a vertical line in both panels;
    the analytic gradient is dashed over the autodiff one, so where they agree
    the two lines coincide.

    Parameters
    ----------
    curve : LossCurve
        From :func:`loss_curve`, which records the ground truth in ``curve.y_true``.
    y_true : float, optional
        The ground truth; by default ``curve.y_true``. Needed only for a curve made
        without one, and refused if it differs from the curve's own.

    Returns
    -------
    (Figure, ndarray of Axes)
    """
    y_true = _ground_truth(curve, y_true)
    if axes is None:
        fig, axes = plt.subplots(1, 2, layout="constrained")
    else:
        fig = axes[0].figure
    loss_axis, gradient_axis = axes
    loss_axis.plot(curve.predictions, curve.loss, label=name)
    loss_axis.set(xlabel=xlabel, ylabel="loss", title=f"{name}")
    gradient_axis.plot(curve.predictions, curve.autodiff_gradient, label="tf.GradientTape")
    gradient_axis.plot(curve.predictions, curve.analytic_gradient, "--", label="analytic formula")
    gradient_axis.set(xlabel=xlabel, ylabel="gradient $\\partial \\ell / \\partial \\hat{y}$",
                      title=f"gradient of {name}")
    for axis in axes:
        axis.axvline(y_true, color=OKABE_ITO[0], linestyle=":", linewidth=1.2,
                     label=f"ground truth $y = {y_true:g}$")
        axis.legend(loc="best")
    return fig, axes


def _ground_truth(curve, y_true):
    """The ground truth to mark: ``curve.y_true``, unless only ``y_true`` knows it."""
    if y_true is None:
        if curve.y_true is None:
            raise ValueError("curve.y_true is None: pass the ground truth as y_true.")
        return curve.y_true
    if curve.y_true is not None and not np.isclose(float(y_true), curve.y_true):
        raise ValueError(f"y_true={y_true!r}, but the curve was drawn for y_true={curve.y_true:g}; "
                         "leave y_true out to mark the curve's own.")
    return float(y_true)


def plot_history(history, metric="acc", *, title=None):
    """Plot a training history: the loss and one metric per epoch.

    Parameters
    ----------
    history : keras.callbacks.History or dict
        ``model.fit(...)``'s return value, or its ``.history`` dict mapping
        ``"loss"``, ``"val_loss"``, ``metric`` and ``"val_" + metric`` to lists.
    metric : str or None
        The metric to draw in the second panel (as named in ``compile``'s
        ``metrics``, e.g. ``"acc"`` or ``"accuracy"``); ``None`` draws the loss alone.

    Returns
    -------
    (Figure, ndarray of Axes)

    Raises
    ------
    ValueError
        If the history has no ``"loss"``.
    KeyError
        If it has no ``metric``; the message lists the metrics it has.
    """
    logs = getattr(history, "history", history)
    if "loss" not in logs:
        raise ValueError(f"history has no 'loss' entry; its keys are {sorted(logs)}")
    if metric is not None and metric not in logs:
        available = sorted(key for key in logs if key != "loss" and not key.startswith("val_"))
        raise KeyError(f"history has no metric {metric!r}; it has {available} (its keys are "
                       f"{sorted(logs)}). Pass one of them as metric, or metric=None for the "
                       "loss alone.")
    panels = ["loss"] + ([] if metric is None else [metric])
    fig, axes = plt.subplots(1, len(panels), layout="constrained", squeeze=False)
    for axis, key in zip(axes[0], panels):
        epochs = np.arange(1, len(logs[key]) + 1)
        axis.plot(epochs, logs[key], marker="o", label="training")
        if f"val_{key}" in logs:
            axis.plot(epochs, logs[f"val_{key}"], marker="s", label="validation")
        axis.set(xlabel="epoch", ylabel=key, title=key if title is None else f"{title}: {key}")
        axis.set_xticks(epochs)
        axis.legend(loc="best")
    return fig, axes[0]
