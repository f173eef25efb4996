"""The self-check of a loss written as a Keras class: the pinball loss of chapter 8 ("Reductions,
masks and writing your own loss") as a ``keras.losses.Loss`` subclass that can be saved and
loaded again.

It follows the conventions of :mod:`lossfns.selfcheck_regression`: unseen cases, one hint per
kind of mistake (never the expected numbers), a line ``PinballLoss: passed all N cases.`` when
every case passes, :class:`lossfns.SelfCheckFailed` otherwise. TensorFlow and Keras are imported
inside the check, so that importing :mod:`lossfns` still imports neither.
"""

import pathlib
import re
import tempfile

import numpy as np

from ._selfcheck_runner import SelfCheckFailed, diagnose, report
from .regression import pinball_loss

TITLE = "PinballLoss"

_SIDES = ("an under-prediction (y_pred below y_true) must cost tau per unit and an "
          "over-prediction 1 - tau: check the sign of the error and which side gets tau.")
_TAU_IGNORED = ("your loss gives the same values whatever tau it is given: store tau in "
                "__init__ (self.tau = tau) and use self.tau in call.")
_ALIGN = ("Keras hands call() y_true and y_pred exactly as given, and NumPy-style broadcasting "
          "pairs every target of shape (N,) with every prediction of shape (N, 1) in an (N, N) "
          "table. Keras's own losses read them as N samples: when the ranks differ by one, give "
          "the rank-1 array a trailing axis (ops.expand_dims(..., -1)) before subtracting.")
_KWARGS = ("your __init__ must accept the keyword arguments of keras.losses.Loss (name, "
           "reduction, dtype) and pass them on: def __init__(self, tau=..., **kwargs) with "
           "super().__init__(**kwargs).")
_CONFIG_TAU = ("the loss rebuilt with from_config(get_config()) lost its tau: get_config must "
               "return tau beside the base class's entries, "
               "{**super().get_config(), \"tau\": self.tau}.")
_CONFIG_BASE = ("the loss rebuilt with from_config(get_config()) lost its name or its reduction: "
                "get_config must start from super().get_config() and add tau to it.")
_SAVED_TAU = ("the model loaded from the .keras file computes its loss with another tau (the "
              "default?): Keras rebuilds the loss from get_config alone, so get_config must "
              "return tau and __init__ must accept it.")


class _Hint(Exception):
    """A case failed; the message is its hint."""


def _keras():
    from .book import import_tensorflow_quietly

    import_tensorflow_quietly()
    import keras

    return keras


def _no_numbers(error):
    """``TypeName: message``, without a message that could give numbers away."""
    message = str(error).splitlines()[0] if str(error) else ""
    if not message or re.search(r"\d\.\d|\.\d", message) or len(message) > 300:
        return type(error).__name__
    return f"{type(error).__name__}: {message}"


def _student_class(student_class, keras):
    """The class itself, from a class or from a function without arguments that returns it."""
    if isinstance(student_class, type):
        candidate = student_class
    elif callable(student_class) and not isinstance(student_class, keras.losses.Loss):
        try:
            candidate = student_class()
        except Exception as error:
            raise SelfCheckFailed(f"{TITLE}: your function raised {_no_numbers(error)}") from error
    else:
        raise SelfCheckFailed(f"{TITLE}: pass the class itself (or a function that returns it), "
                              "not an instance of it or its result.")
    if not (isinstance(candidate, type) and issubclass(candidate, keras.losses.Loss)):
        raise SelfCheckFailed(f"{TITLE}: expected a subclass of keras.losses.Loss "
                              "(class PinballLoss(keras.losses.Loss): ...), got "
                              f"{type(candidate).__name__}.")
    return candidate


def _array(value):
    from keras import ops

    return np.asarray(ops.convert_to_numpy(value), dtype=np.float64)


def _make(cls, **arguments):
    try:
        return cls(**arguments)
    except TypeError as error:
        raise _Hint(_KWARGS if set(arguments) - {"tau"} else
                    "your class cannot be made with PinballLoss(tau=...): give __init__ a tau "
                    f"argument ({_no_numbers(error)}).") from error


def _compare(got, expected, args, hint=None):
    """Raise ``_Hint`` unless ``got`` agrees with ``expected``; ``hint`` replaces the generic
    diagnosis of a result of the right shape."""
    if got.shape == expected.shape and np.allclose(got, expected, rtol=1e-5, atol=1e-6):
        return
    if hint is not None and got.shape == expected.shape:
        raise _Hint(hint)
    raise _Hint(diagnose(got, expected, args, np.shape(args[-1])[-1] if np.ndim(args[-1]) else 1))


def _values_case(cls, tau, y_true, y_pred, edge_hint=None):
    """Per-sample losses (``reduction=None``) against :func:`lossfns.pinball_loss`."""
    got = _array(_make(cls, tau=tau, reduction=None)(y_true, y_pred))
    expected = pinball_loss(y_true, y_pred, tau)
    if got.shape == expected.shape and not np.allclose(got, expected, rtol=1e-5, atol=1e-6):
        if np.allclose(got, pinball_loss(y_true, y_pred, 1.0 - tau), rtol=1e-5, atol=1e-6):
            raise _Hint(_SIDES)
        other = _array(_make(cls, tau=0.5 if tau != 0.5 else 0.25, reduction=None)(y_true, y_pred))
        if np.allclose(got, other, rtol=1e-5, atol=1e-6):
            raise _Hint(_TAU_IGNORED)
    _compare(got, expected, (y_true, y_pred), edge_hint)


def _round_trip_case(cls, y_true, y_pred):
    loss = _make(cls, tau=0.8)
    try:
        rebuilt = cls.from_config(loss.get_config())
    except Exception as error:
        raise _Hint("from_config(get_config()) failed with "
                    f"{_no_numbers(error)}: get_config must return tau beside the base class's "
                    "entries, and __init__ must accept every key get_config returns.") from error
    expected = np.mean(pinball_loss(y_true, y_pred, 0.8))
    _compare(_array(rebuilt(y_true, y_pred)), np.asarray(expected), (y_true, y_pred), _CONFIG_TAU)


def _base_config_case(cls, y_true, y_pred):
    loss = _make(cls, tau=0.8, reduction="sum", name="upper_quantile")
    try:
        rebuilt = cls.from_config(loss.get_config())
    except Exception as error:
        raise _Hint(f"from_config(get_config()) failed with {_no_numbers(error)}: "
                    + _CONFIG_BASE) from error
    if rebuilt.name != "upper_quantile" or rebuilt.reduction != "sum":
        raise _Hint(_CONFIG_BASE)
    expected = np.sum(pinball_loss(y_true, y_pred, 0.8))
    _compare(_array(rebuilt(y_true, y_pred)), np.asarray(expected), (y_true, y_pred), _CONFIG_BASE)


def _saved_model_case(cls, keras, y_true, y_pred):
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss=_make(cls, tau=0.8))
    names = {cls.__name__: cls, keras.saving.get_registered_name(cls): cls}
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "pinball.keras"
        try:
            model.save(path)
        except Exception as error:
            raise _Hint(f"model.save failed with {_no_numbers(error)}: Keras saves a loss through "
                        "its get_config, which must return only plain values "
                        "(numbers, strings, lists).") from error
        try:
            loaded = keras.models.load_model(path, custom_objects=names)
        except Exception as error:
            raise _Hint(f"loading the saved model failed with {_no_numbers(error)}: Keras "
                        "rebuilds the loss as cls(**get_config()), so get_config must return "
                        "tau and __init__ must accept every key it returns.") from error
    if not isinstance(loaded.loss, cls):
        raise _Hint("the loaded model's loss is not an instance of your class: save a model "
                    "compiled with PinballLoss(tau=...).")
    expected = np.mean(pinball_loss(y_true, y_pred, 0.8))
    _compare(_array(loaded.loss(y_true, y_pred)), np.asarray(expected), (y_true, y_pred),
             _SAVED_TAU)


def _cases(cls, keras):
    """``(label, zero-argument function raising _Hint, label of its control or None)``."""
    rng = np.random.default_rng(20261203)
    column_true = rng.normal(size=(5, 1)).round(2)
    column_pred = (column_true + rng.choice([-1.0, 1.0], size=(5, 1))
                   * rng.uniform(0.2, 2.0, size=(5, 1))).round(2)
    wide_true = rng.normal(size=(5, 3)).round(2)
    wide_pred = (wide_true + rng.choice([-1.0, 1.0], size=(5, 3))
                 * rng.uniform(0.2, 2.0, size=(5, 3))).round(2)
    columns = "targets and predictions of shape (5, 1)"
    return [
        (f"tau of one half, {columns}", lambda: _values_case(cls, 0.5, column_true, column_pred),
         None),
        (f"tau near 1, {columns}", lambda: _values_case(cls, 0.9, column_true, column_pred),
         None),
        (f"tau near 0, {columns}", lambda: _values_case(cls, 0.2, column_true, column_pred),
         None),
        ("three outputs per sample, shape (5, 3)",
         lambda: _values_case(cls, 0.7, wide_true, wide_pred), None),
        ("y_true of shape (5,) and y_pred of shape (5, 1)",
         lambda: _values_case(cls, 0.3, column_true[:, 0], column_pred, _ALIGN),
         "column"),
        ("y_true of shape (5, 1) and y_pred of shape (5,)",
         lambda: _values_case(cls, 0.3, column_true, column_pred[:, 0], _ALIGN),
         "column"),
        ("the default reduction: the mean over the samples",
         lambda: _compare(_array(_make(cls, tau=0.3)(wide_true, wide_pred)),
                          np.asarray(np.mean(pinball_loss(wide_true, wide_pred, 0.3))),
                          (wide_true, wide_pred)), None),
        ("from_config(get_config()) keeps tau",
         lambda: _round_trip_case(cls, column_true, column_pred), "column"),
        ("from_config(get_config()) keeps the name and the reduction",
         lambda: _base_config_case(cls, column_true, column_pred), "column"),
        ("a compiled model saved to a .keras file and loaded keeps tau",
         lambda: _saved_model_case(cls, keras, column_true, column_pred), "column"),
    ], {"column": lambda: _values_case(cls, 0.3, column_true, column_pred)}


def _run(case):
    """The case's hint, or ``None`` if it passes; and the student's exception, if any."""
    try:
        case()
    except _Hint as hint:
        return str(hint), hint.__cause__
    except Exception as error:  # noqa: BLE001 - any failure is reported as a hint
        return f"your class raised {_no_numbers(error)}", error
    return None, None


def check_pinball_loss_class(student_class):
    r"""Check a ``keras.losses.Loss`` subclass ``PinballLoss(tau=..., **kwargs)``.

    ``student_class`` is the class, or a function without arguments that returns it. Its
    per-sample losses (``reduction=None``) must be the mean over the last axis of
    :math:`\max(\tau e, (\tau - 1) e)` with :math:`e = y - \hat y`, for several ``tau`` and
    shapes, ``(N,)`` against ``(N, 1)`` read as N samples (as Keras's own losses align them);
    the default reduction must be their mean; ``from_config(get_config())`` must keep tau, the
    name and the reduction; and a small model compiled with it, saved to a ``.keras`` file and
    loaded again (with ``custom_objects`` naming the class, so a registered class passes as well
    as an unregistered one) must compute the same loss. Prints
    ``PinballLoss: passed all N cases.`` or raises :class:`lossfns.SelfCheckFailed` with a hint
    for each failing case.
    """
    keras = _keras()
    cls = _student_class(student_class, keras)
    cases, controls = _cases(cls, keras)
    failures, cause = {}, None
    for label, case, control in cases:
        hint, error = _run(case)
        if hint is None:
            continue
        if control is not None and error is None and _run(controls[control])[0] is not None:
            # the values are wrong everywhere: report that, not the edge this case tests
            hint = _run(controls[control])[0]
        failures.setdefault(hint, []).append(label)
        cause = cause or error
    report(TITLE, len(cases), failures, cause)
