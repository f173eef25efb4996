"""Self-checks for the exercises: run a student's function on unseen cases.

Each ``check_*`` function calls the student's implementation on a few cases
drawn from a private random generator (not the chapter's examples), compares
it with the reference in ``lossfns``, and either prints a one-line pass
message or raises ``SelfCheckFailed`` with hints: which cases, and which
property failed (shape, sign, sum instead of mean, stability, the values).
It never shows the expected numbers, only what went wrong. Every case runs,
and each failing case gets the hint of its own result, so the message does not
depend on the order of the cases.
"""

import numpy as np

from ._selfcheck_runner import Case, SelfCheckFailed, run_check  # noqa: F401 (re-exported)
from .classification import categorical_crossentropy, log_softmax
from .regression import mean_absolute_error, mean_absolute_error_gradient


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
        cases.append(Case(f"{samples} samples, {classes} classes", (y_true, logits)))
    if extreme:
        logits = np.array([[1000.0, -1000.0, 0.0], [-800.0, 900.0, 5.0]])
        cases.append(Case("logits of magnitude 1000", (np.eye(3)[[1, 1]], logits),
                          "exponentials of logits this large overflow, and inf or nan follow: "
                          "subtract the maximum logit before exponentiating (log-sum-exp).",
                          control=(np.eye(3)[[1, 1]], logits / 200)))
    return cases


_LINE_UP = ("Keras reads them as one sample per row: it gives the rank-1 array a trailing axis "
            "(lossfns.match_shapes does the same) instead of reshaping one array into the other's "
            "shape, and without that NumPy broadcasts shapes (n,) and (n, 1) into an (n, n) table "
            "pairing every target with every prediction.")

_LINE_UP_GRADIENT = ("Keras lines them up by giving the rank-1 array a trailing axis "
                     "(lossfns.match_shapes does the same), and the gradient has one entry per "
                     "prediction, in y_pred's own shape: without lining them up NumPy broadcasts "
                     "shapes (n,) and (n, 1) into an (n, n) table.")

_REFUSE = ("Keras raises an error, because the shapes differ even after it lines up the ranks, "
           "and your function must raise too, but it returned a result: do not reshape or "
           "broadcast one array into the other's shape.")


def _shape_cases(*leading, hint=_LINE_UP):
    """``(n,)`` against ``(n, 1)`` and the reverse, both n samples as in Keras, and ``(2, 3)``
    against ``(3, 2)``, which Keras refuses; ``leading`` arguments (delta, tau) go first."""
    column_true, column_pred = _regression_cases()[1][1]  # both of shape (5, 1)
    rng = np.random.default_rng(20260618)
    control = (*leading, column_true, column_pred)
    return [
        Case("flat targets against a column of predictions",
             (*leading, column_true[:, 0], column_pred), hint, control, "shapes"),
        Case("a column of targets against flat predictions",
             (*leading, column_true, column_pred[:, 0]), hint, control, "shapes"),
        Case("shapes that Keras cannot pair",
             (*leading, rng.normal(size=(2, 3)), rng.normal(size=(3, 2))), _REFUSE,
             kind="raises"),
    ]


def _zero_error_case():
    """Some predictions exactly equal to their targets: the corner of ``|x|``."""
    y_true, control = _regression_cases()[0][1]
    y_pred = control.copy()
    y_pred[[0, 1, 3], [1, 0, 2]] = y_true[[0, 1, 3], [1, 0, 2]]
    hint = ("your gradient is wrong where the error is exactly zero, at the corner of |x|: "
            "error/|error| is zero over zero there, and >= or > gives the corner the slope of one "
            "side. Use the value the exercise asks for at the corner.")
    return Case("some predictions exactly equal to their targets", (y_true, y_pred), hint,
                control=(y_true, control))


def check_mean_absolute_error(student_fn):
    """Check ``student_fn(y_true, y_pred)``: mean over the last axis of ``|y_true - y_pred|``.

    ``y_true`` of shape (n,) against ``y_pred`` of shape (n, 1), and (n, 1) against (n,),
    are n samples (as Keras reads them); (2, 3) against (3, 2) must raise, as Keras does.
    """
    run_check("mean_absolute_error", student_fn, mean_absolute_error,
              _regression_cases() + _shape_cases())


def _shaped_like_y_pred(got, expected, args):
    return (f"your result has shape {got.shape}, but the gradient has one entry per "
            f"prediction, the shape of y_pred: {expected.shape}. Do not reduce anything.")


def check_mean_absolute_error_gradient(student_fn):
    """Check ``student_fn(y_true, y_pred)``: :math:`\\operatorname{sign}(\\hat y - y)/d`,
    0 where the error is exactly 0 (TensorFlow's choice of subgradient), shaped like
    ``y_pred``; shapes are lined up and refused as in :func:`check_mean_absolute_error`."""
    run_check("mean_absolute_error_gradient", student_fn,
              mean_absolute_error_gradient,
              _regression_cases() + [_zero_error_case()] + _shape_cases(hint=_LINE_UP_GRADIENT),
              shape_hint=_shaped_like_y_pred)


def _near_zero_probability_cases():
    """Probabilities of exactly 0, and far below the clip bound: a plain ``log`` gives nan or
    inf."""
    zero_on_a_wrong_class = (np.eye(3)[[1, 2]], np.array([[0.2, 0.8, 0.0], [0.0, 0.4, 0.6]]))
    zero_on_the_true_class = (np.eye(3)[[0, 1]], np.array([[0.0, 0.3, 0.7], [0.1, 0.0, 0.9]]))
    tiny = 1e-12
    tiny_on_the_true_class = (np.eye(3)[[0, 2]],
                              np.array([[tiny, 0.6, 0.4 - tiny], [0.5, 0.5 - tiny, tiny]]))
    keep_log_from_zero = ("Keep the logarithm away from 0 the way Keras does: clip y_pred into "
                          "[EPSILON, 1 - EPSILON] before the log, as the exercise says.")

    def case(label, args, hint):  # control: every probability moved away from 0
        y_true, y_pred = args
        away = (y_pred + 0.1) / (1.0 + 0.1 * y_pred.shape[-1])
        return Case(label, args, hint + " " + keep_log_from_zero, control=(y_true, away))

    return [
        case("a probability of exactly 0 on a wrong class", zero_on_a_wrong_class,
             "with a probability of exactly 0 NumPy computes 0 * log 0 = nan, but a class whose "
             "target is 0 must add nothing to the loss."),
        case("a probability of exactly 0 on the true class", zero_on_the_true_class,
             "log 0 is -inf, but Keras never returns an infinite loss: a certain mistake costs a "
             "large, finite amount."),
        case("a true-class probability far below the clip bound", tiny_on_the_true_class,
             "below the clip bound lossfns.EPSILON Keras's loss stops growing, because the "
             "probability is clipped first."),
    ]


def check_categorical_crossentropy(student_fn):
    """Check ``student_fn(y_true, y_pred)``: :math:`-\\sum_k y_k \\log q_k` per sample.

    ``y_true`` is one-hot and ``y_pred`` holds probabilities that sum to one,
    some of them exactly 0 or far below ``EPSILON``. As in Keras and
    :func:`lossfns.categorical_crossentropy`, ``y_pred`` is clipped into
    ``[EPSILON, 1 - EPSILON]`` before the log: a zero on a wrong class adds
    nothing (not ``0 * log 0 = nan``) and a zero on the true class costs
    ``-log EPSILON`` (not ``inf``). No case has a true-class probability above
    ``1 - EPSILON``, so leaving out the upper clip is not penalised.
    """
    run_check("categorical_crossentropy", student_fn, categorical_crossentropy,
              _probability_cases() + _near_zero_probability_cases())


def check_log_softmax(student_fn):
    """Check ``student_fn(logits)``: a log-softmax over the last axis that is stable for huge
    logits."""
    cases = [case._replace(args=case.args[1:], control=case.control and case.control[1:])
             for case in _logit_cases()]  # the logits alone
    run_check("log_softmax", student_fn, log_softmax, cases)
