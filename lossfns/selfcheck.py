"""Self-checks for the exercises: run a student's function on unseen cases.

Each ``check_*`` function calls the student's implementation on a few cases
drawn from a private random generator (not the chapter's examples), compares
it with the reference in ``lossfns``, and either prints a one-line pass
message or raises ``SelfCheckFailed`` with a hint: which case, and which
property failed (shape, sign, sum instead of mean, stability, the values).
It never shows the expected numbers, only what went wrong.
"""

import numpy as np

from . import gradients, losses


class SelfCheckFailed(AssertionError):
    """A student's implementation failed a self-check; the message is the hint."""


def _regression_cases():
    rng = np.random.default_rng(20260611)
    cases = []
    for shape in [(4, 3), (5, 1), (2, 6)]:
        y_true = rng.normal(0.0, 2.0, size=shape)
        y_pred = y_true + rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.2, 3.0, size=shape)
        cases.append((f"y_true and y_pred of shape {shape}", (y_true, y_pred)))
    return cases


def _probability_cases():
    rng = np.random.default_rng(20260612)
    cases = []
    for samples, classes in [(4, 3), (3, 5), (6, 2)]:
        y_pred = rng.dirichlet(np.ones(classes), size=samples) * 0.9 + 0.1 / classes
        y_true = np.eye(classes)[rng.integers(0, classes, size=samples)]
        cases.append((f"{samples} samples, {classes} classes", (y_true, y_pred)))
    return cases


def _logit_cases(extreme=True):
    rng = np.random.default_rng(20260613)
    cases = []
    for samples, classes in [(4, 3), (3, 6)]:
        logits = rng.normal(0.0, 3.0, size=(samples, classes))
        y_true = np.eye(classes)[rng.integers(0, classes, size=samples)]
        cases.append((f"{samples} samples, {classes} classes", (y_true, logits)))
    if extreme:
        logits = np.array([[1000.0, -1000.0, 0.0], [-800.0, 900.0, 5.0]])
        cases.append(("logits of magnitude 1000", (np.eye(3)[[1, 1]], logits)))
    return cases


def _diagnose(got, expected, args, width):
    """Name the property in which ``got`` differs from ``expected`` (never the values)."""
    if got.shape != expected.shape:
        if expected.ndim < np.ndim(args[-1]):
            return (f"your result has shape {got.shape}, but one loss per sample means shape "
                    f"{expected.shape}. Reduce over the last axis only (axis=-1), not the batch.")
        return (f"your result has shape {got.shape}, but it needs one entry per input value: "
                f"shape {expected.shape}. Do not reduce anything.")
    if not np.all(np.isfinite(got)):
        return ("your result contains inf or nan. Exponentials of large numbers overflow: "
                "subtract the maximum logit before exponentiating (log-sum-exp).")
    if np.allclose(got, -expected, rtol=1e-5, atol=1e-8) and not np.allclose(expected, 0):
        return "your result has the wrong sign everywhere. Check the sign of the error or the log."
    if np.allclose(got, expected * 2, rtol=1e-5, atol=1e-8):
        return "your result is twice the right size. Check the constant factors."
    if np.allclose(got, expected / 2, rtol=1e-5, atol=1e-8):
        return "your result is half the right size. Did you drop the 2 that the square brings down?"
    if width > 1 and np.allclose(got, expected * width, rtol=1e-5, atol=1e-8):
        return f"your result is {width} times too large: it looks like a sum where a mean belongs."
    if width > 1 and np.allclose(got, expected / width, rtol=1e-5, atol=1e-8):
        return f"your result is {width} times too small: it looks like a mean where none belongs."
    return "the shape is right but the values are not. Re-derive the formula and compare term by term."


def _run_check(title, student_fn, reference_fn, cases, width=lambda args: args[-1].shape[-1]):
    for label, args in cases:
        try:
            got = np.asarray(student_fn(*[np.copy(a) for a in args]), dtype=np.float64)
        except Exception as error:  # noqa: BLE001 - any failure is reported as a hint
            raise SelfCheckFailed(
                f"{title}: case '{label}': your function raised {type(error).__name__}: {error}"
            ) from None
        expected = np.asarray(reference_fn(*args), dtype=np.float64)
        if got.shape != expected.shape or not np.allclose(got, expected, rtol=1e-5, atol=1e-8):
            raise SelfCheckFailed(f"{title}: case '{label}': {_diagnose(got, expected, args, width(args))}")
    print(f"{title}: passed all {len(cases)} cases.")


def check_mean_absolute_error(student_fn):
    """Check ``student_fn(y_true, y_pred)``: mean over the last axis of ``|y_true - y_pred|``."""
    _run_check("mean_absolute_error", student_fn, losses.mean_absolute_error, _regression_cases())


def check_mean_absolute_error_gradient(student_fn):
    """Check ``student_fn(y_true, y_pred)``: :math:`\\operatorname{sign}(\\hat y - y)/d`."""
    _run_check("mean_absolute_error_gradient", student_fn,
               gradients.mean_absolute_error_gradient, _regression_cases())


def check_mean_squared_error(student_fn):
    """Check ``student_fn(y_true, y_pred)``: mean over the last axis of ``(y_true - y_pred)**2``."""
    _run_check("mean_squared_error", student_fn, losses.mean_squared_error, _regression_cases())


def check_mean_squared_error_gradient(student_fn):
    """Check ``student_fn(y_true, y_pred)``: :math:`2(\\hat y - y)/d`."""
    _run_check("mean_squared_error_gradient", student_fn,
               gradients.mean_squared_error_gradient, _regression_cases())


def check_categorical_crossentropy(student_fn):
    """Check ``student_fn(y_true, y_pred)``: :math:`-\\sum_k y_k \\log \\hat y_k` per sample.

    ``y_true`` is one-hot and ``y_pred`` holds probabilities that sum to one
    and stay away from 0 and 1, so no clipping is involved.
    """
    _run_check("categorical_crossentropy", student_fn,
               losses.categorical_crossentropy, _probability_cases())


def check_log_softmax(student_fn):
    """Check ``student_fn(logits)``: a log-softmax over the last axis that is stable for huge logits."""
    cases = [(label, (logits,)) for label, (_, logits) in _logit_cases()]
    _run_check("log_softmax", student_fn, losses.log_softmax, cases)


def check_softmax_crossentropy_gradient(student_fn):
    """Check ``student_fn(y_true, logits)``: the gradient of the cross-entropy from logits,
    :math:`\\operatorname{softmax}(z) - y` for one-hot ``y``, stable for huge logits."""

    def reference(y_true, logits):
        return gradients.categorical_crossentropy_gradient(y_true, logits, from_logits=True)

    _run_check("softmax_crossentropy_gradient", student_fn, reference, _logit_cases())


def _line_fit_cases():
    rng = np.random.default_rng(20260614)
    cases = []
    for size, w, b in [(8, 1.0, 0.0), (30, -2.0, 2.0), (5, 3.0, -1.0)]:
        x = rng.uniform(-2.0, 2.0, size=size)
        y = 2.0 * x - 1.0 + rng.normal(0.0, 0.5, size=size)
        cases.append((f"{size} points, w = {w:g}, b = {b:g}", (x, y, w, b)))
    return cases


def check_line_fit_gradient(student_fn):
    """Check ``student_fn(x, y, w, b)`` returning :math:`(\\partial J/\\partial w, \\partial J/\\partial b)`
    for :math:`J = \\frac{1}{N}\\sum_i (w x_i + b - y_i)^2`: :math:`\\frac{2}{N}\\sum_i r_i x_i` and
    :math:`\\frac{2}{N}\\sum_i r_i` with the residuals :math:`r_i = w x_i + b - y_i`."""

    def reference(x, y, w, b):
        residuals = w * x + b - y
        return np.array([2 * np.mean(residuals * x), 2 * np.mean(residuals)])

    _run_check("line_fit_gradient", student_fn, reference, _line_fit_cases(),
               width=lambda args: args[0].size)
