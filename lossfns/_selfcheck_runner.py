"""How a self-check runs: every case, each failing one reported with the hint of its own result.

Used by :mod:`lossfns.selfcheck`, :mod:`lossfns.selfcheck_regression`,
:mod:`lossfns.selfcheck_likelihood` and :mod:`lossfns.selfcheck_gradients`, which hold the
cases. A case passes when the
student's result has the reference's shape and agrees with it to ``rtol=1e-5``
(a ``"raises"`` case: when the student's function raises); a failing case gets its own hint
(never the expected numbers), so the message is the same whatever the order of
the cases and whatever the other cases did.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class SelfCheckFailed(AssertionError):
    """A student's implementation failed a self-check; the message is the hint."""

    __module__ = "lossfns"  # tracebacks name it by its public name, lossfns.SelfCheckFailed


class Case(NamedTuple):
    """One case: ``student_fn(*args)`` must agree with the reference.

    ``hint`` names the edge this case tests and replaces the generic diagnosis of
    a result of the right shape; given ``control`` (the same inputs without that
    edge), only if the function is right on ``control``, so that the hint never
    blames the edge for a mistake the function makes everywhere. A function that
    raises on a case with a ``control`` it passes gets the hint after the exception
    (``math.gamma`` raises ``OverflowError`` where ``scipy.special.gamma`` returns inf).

    ``kind`` is ``"value"`` (the default), ``"shapes"`` or ``"raises"``; the last two
    take ``y_true`` and ``y_pred`` to be the last two arguments. A ``"shapes"`` case
    tests how the two shapes are lined up: every hint it gives starts with both
    shapes, and its own hint applies whatever the shape of the result. A
    ``"raises"`` case passes only if the function raises (any exception, as Keras
    does for shapes it cannot pair); a function that returns gets ``hint``.
    """

    label: str
    args: tuple
    hint: str | None = None
    control: tuple | None = None
    kind: str = "value"


def _shapes_named(args):
    """``"for y_true of shape (5, 1) and y_pred of shape (5,), "``: the start of a shape hint."""
    return (f"for y_true of shape {np.shape(args[-2])} and y_pred of shape "
            f"{np.shape(args[-1])}, ")


def diagnose(got, expected, args, width, shape_hint=None, diagnoses=()):
    """Name the property in which ``got`` differs from ``expected`` (never the values).

    ``shape_hint(got, expected, args)``, if given, explains a result of the wrong shape; each
    of ``diagnoses`` (same arguments, a hint or ``None``) is tried after the shape and the
    finiteness, before the generic sign and factor tests.
    """
    if got.shape != expected.shape:
        if shape_hint is not None:
            return shape_hint(got, expected, args)
        if expected.ndim < max(np.ndim(a) for a in args[-2:]):
            return (f"your result has shape {got.shape}, but one loss per sample means shape "
                    f"{expected.shape}. Reduce over the last axis only (axis=-1), not the batch.")
        return (f"your result has shape {got.shape}, but it needs one entry per input value: "
                f"shape {expected.shape}. Do not reduce anything.")
    if not np.all(np.isfinite(got)):
        return ("your result contains inf or nan. Look for an exponential that overflows, "
                "a log of 0 or a division by 0.")
    for diagnosis in diagnoses:
        hint = diagnosis(got, expected, args)
        if hint is not None:
            return hint
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
    return ("the shape is right but the values are not. "
            "Re-derive the formula and compare term by term.")


def _call(student_fn, args):
    """``(result as float64, None)``, or ``(None, exception)`` if the student's code raised."""
    try:  # on copies, so that no case can corrupt another (numbers stay numbers)
        copies = [np.copy(a) if isinstance(a, np.ndarray) else a for a in args]
        return np.asarray(student_fn(*copies), dtype=np.float64), None
    except Exception as error:  # noqa: BLE001 - any failure is reported as a hint
        return None, error


def _agrees(got, expected):
    return got.shape == expected.shape and np.allclose(got, expected, rtol=1e-5, atol=1e-8)


def _passes(student_fn, reference_fn, args):
    got, error = _call(student_fn, args)
    return error is None and _agrees(got, np.asarray(reference_fn(*args), dtype=np.float64))


def _case_hint(student_fn, reference_fn, case, width, **diagnosis):
    """``(hint, exception or None)`` for a failing case, ``(None, None)`` for a passing one."""
    got, error = _call(student_fn, case.args)
    start = _shapes_named(case.args) if case.kind in ("shapes", "raises") else ""
    if case.kind == "raises":
        return (None, None) if error is not None else (start + case.hint, None)
    if error is not None:
        raised = start + f"your function raised {type(error).__name__}: {error}"
        if case.hint and case.kind == "value" and case.control is not None and _passes(
                student_fn, reference_fn, case.control):  # it raises only at this case's edge
            raised += ". " + case.hint[0].upper() + case.hint[1:]
        return raised, error
    expected = np.asarray(reference_fn(*case.args), dtype=np.float64)
    if _agrees(got, expected):
        return None, None
    right_elsewhere = case.control is None or _passes(student_fn, reference_fn, case.control)
    if case.hint and right_elsewhere and case.kind == "shapes":
        if got.shape != expected.shape:
            start += (f"your result has shape {got.shape} where Keras's has shape "
                      f"{expected.shape}: ")
        return start + case.hint, None
    if case.hint and right_elsewhere and got.shape == expected.shape:
        return case.hint, None
    return start + diagnose(got, expected, case.args, width(case.args), **diagnosis), None


def run_check(title, student_fn, reference_fn, cases, width=lambda args: args[-1].shape[-1],
              shape_hint=None, diagnoses=()):
    """Run every case (``Case`` or a tuple of its fields); print a pass or raise
    ``SelfCheckFailed``.

    ``width(args)`` is the factor by which a sum exceeds the mean it replaces; ``shape_hint``
    and ``diagnoses`` refine :func:`diagnose` for one check.

    The message names each failing case with its own hint (cases sharing a hint on one line), so
    whatever the order of the cases, each keeps its hint. Where the student's function raised,
    the first such exception is the ``__cause__`` (``raise ... from``), so that the traceback
    still shows the line of the student's code that failed.
    """
    cases = [Case(*case) for case in cases]
    failures, cause = {}, None
    for case in cases:
        hint, error = _case_hint(student_fn, reference_fn, case, width,
                                 shape_hint=shape_hint, diagnoses=diagnoses)
        if hint is not None:
            failures.setdefault(hint, []).append(case.label)
            cause = cause or error
    report(title, len(cases), failures, cause)


def report(title, case_count, failures, cause=None):
    """Print the pass line, or raise ``SelfCheckFailed`` listing ``failures`` (``{hint: [case
    labels]}``) with ``cause``, the first exception the student's code raised, as its cause."""
    if not failures:
        print(f"{title}: passed all {case_count} cases.")
        return
    lines = [", ".join(f"case '{label}'" for label in labels) + f": {hint}"
             for hint, labels in failures.items()]
    failed = sum(len(labels) for labels in failures.values())
    if failed == 1:
        raise SelfCheckFailed(f"{title}: {lines[0]}") from cause
    raise SelfCheckFailed(f"{title}: {failed} of {case_count} cases failed:\n"
                          + "\n".join(f"- {line}" for line in lines)) from cause
