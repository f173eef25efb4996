"""``lossfns.check_pinball_loss_class``: a right class passes, each typical mistake gets its own
hint, no message gives a number away, and importing lossfns still imports no TensorFlow."""

import re
import subprocess
import sys

import pytest

import lossfns

keras = pytest.importorskip("keras")
ops = keras.ops

DECIMAL_NUMBER = re.compile(r"\d*\.\d+")


def _aligned(y_true, y_pred):
    if len(y_true.shape) == len(y_pred.shape) - 1:
        y_true = ops.expand_dims(y_true, axis=-1)
    elif len(y_pred.shape) == len(y_true.shape) - 1:
        y_pred = ops.expand_dims(y_pred, axis=-1)
    return y_true, y_pred


class RightPinball(keras.losses.Loss):
    def __init__(self, tau=0.5, name="pinball_loss", **kwargs):
        super().__init__(name=name, **kwargs)
        self.tau = float(tau)

    def call(self, y_true, y_pred):
        y_true, y_pred = _aligned(y_true, y_pred)
        error = y_true - y_pred
        return ops.mean(ops.maximum(self.tau * error, (self.tau - 1) * error), axis=-1)

    def get_config(self):
        return {**super().get_config(), "tau": self.tau}


@keras.saving.register_keras_serializable(package="test_selfcheck_keras")
class RegisteredPinball(RightPinball):
    pass


class TauNotInConfig(RightPinball):
    def get_config(self):
        return super(RightPinball, self).get_config()


class NoBaseConfig(RightPinball):
    def get_config(self):
        return {"tau": self.tau}


class TauIgnored(RightPinball):
    def call(self, y_true, y_pred):
        y_true, y_pred = _aligned(y_true, y_pred)
        error = y_true - y_pred
        return ops.mean(ops.maximum(0.5 * error, -0.5 * error), axis=-1)


class SidesSwapped(RightPinball):
    def call(self, y_true, y_pred):
        y_true, y_pred = _aligned(y_true, y_pred)
        error = y_pred - y_true
        return ops.mean(ops.maximum(self.tau * error, (self.tau - 1) * error), axis=-1)


class NotAligned(RightPinball):
    def call(self, y_true, y_pred):
        error = y_true - y_pred
        return ops.mean(ops.maximum(self.tau * error, (self.tau - 1) * error), axis=-1)


class OneNumberPerBatch(RightPinball):
    def call(self, y_true, y_pred):
        return ops.mean(super().call(y_true, y_pred))


class NoKeywordArguments(RightPinball):
    def __init__(self, tau=0.5):
        super().__init__()
        self.tau = float(tau)


class NotALoss:
    pass


def _failure(student):
    with pytest.raises(lossfns.SelfCheckFailed) as failure:
        lossfns.check_pinball_loss_class(student)
    message = str(failure.value)
    assert not DECIMAL_NUMBER.search(message), message
    return message


@pytest.mark.parametrize("student", [RightPinball, RegisteredPinball, lambda: RightPinball],
                         ids=["unregistered class", "registered class", "function returning it"])
def test_a_right_class_passes(student, capsys):
    lossfns.check_pinball_loss_class(student)
    printed = capsys.readouterr().out.strip()
    assert re.fullmatch(r"PinballLoss: passed all \d+ cases\.", printed), printed


@pytest.mark.parametrize(("student", "hint"), [
    (TauNotInConfig, "lost its tau"),
    (NoBaseConfig, "super().get_config()"),
    (TauIgnored, "whatever tau"),
    (SidesSwapped, "which side gets tau"),
    (NotAligned, "trailing axis"),
    (OneNumberPerBatch, "one loss per sample"),
    (NoKeywordArguments, "**kwargs"),
], ids=lambda value: value.__name__ if isinstance(value, type) else None)
def test_each_mistake_gets_its_hint(student, hint):
    message = _failure(student)
    assert hint in message, message


def test_a_saved_model_that_forgets_tau_is_caught():
    message = _failure(TauNotInConfig)
    assert "a compiled model saved to a .keras file" in message
    assert "another tau" in message


def test_not_a_loss_and_an_unwritten_exercise_are_reported():
    assert "subclass of keras.losses.Loss" in _failure(NotALoss)
    assert "pass the class itself" in _failure(RightPinball())

    def stub():
        raise NotImplementedError("Exercise ch8-implement-pinball-class: write it here.")

    message = _failure(stub)
    assert "NotImplementedError" in message and "ch8-implement-pinball-class" in message


def test_importing_lossfns_imports_neither_tensorflow_nor_keras():
    code = ("import sys, lossfns, lossfns.selfcheck_keras; "
            "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))")
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout.strip()
    assert printed == "[]"
