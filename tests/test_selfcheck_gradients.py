"""lossfns.check_linear_model_gradient and lossfns.check_temperature_gradient: right answers pass
(float32 too), typical mistakes get their own hint, and no message shows a number."""

import re

import numpy as np
import pytest

import lossfns
from lossfns import check_linear_model_gradient, check_temperature_gradient


def linear_gradient(X, y, w):
    return 2 / len(y) * X.T @ (X @ w - y)


def linear_gradient_by_loops(X, y, w):
    gradient = [0.0] * len(w)
    for row, target in zip(X, y, strict=True):
        residual = sum(x * v for x, v in zip(row, w, strict=True)) - target
        for j, x in enumerate(row):
            gradient[j] += 2 * residual * x / len(y)
    return gradient


def linear_gradient_in_float32(X, y, w):
    X, y, w = (np.asarray(a, dtype=np.float32) for a in (X, y, w))
    return np.float32(2 / len(y)) * X.T @ (X @ w - y)


def stable_temperature_gradient(logits, labels, temperature):
    scaled = logits / temperature
    shifted = scaled - scaled.max(axis=1, keepdims=True)
    q = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    true_logit = logits[np.arange(len(labels)), labels]
    return np.mean(true_logit - np.sum(q * logits, axis=1)) / temperature**2


def naive_temperature_gradient(logits, labels, temperature):
    exponentials = np.exp(logits / temperature)
    q = exponentials / exponentials.sum(axis=1, keepdims=True)
    true_logit = logits[np.arange(len(labels)), labels]
    return np.mean(true_logit - np.sum(q * logits, axis=1)) / temperature**2


def batch_max_temperature_gradient(logits, labels, temperature):
    scaled = logits / temperature
    shifted = scaled - scaled.max()  # one maximum for the whole batch
    q = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    true_logit = logits[np.arange(len(labels)), labels]
    return np.mean(true_logit - np.sum(q * logits, axis=1)) / temperature**2


def per_sample(function):
    def wrong(logits, labels, temperature):
        return function(logits, labels, temperature) + 0 * logits[:, 0]
    return wrong


def scaled(function, factor):
    return lambda *args: factor(*args) * np.asarray(function(*args), dtype=np.float64)


CORRECT = [
    (check_linear_model_gradient, linear_gradient),
    (check_linear_model_gradient, linear_gradient_by_loops),
    (check_linear_model_gradient, linear_gradient_in_float32),
    (check_temperature_gradient, stable_temperature_gradient),
    (check_temperature_gradient, lossfns.temperature_gradient),
]

WRONG = [
    (check_linear_model_gradient, scaled(linear_gradient, lambda *a: -1), "wrong sign"),
    (check_linear_model_gradient, scaled(linear_gradient, lambda *a: 0.5), "drop the 2"),
    (check_linear_model_gradient, scaled(linear_gradient, lambda X, y, w: len(y)),
     "sum where a mean belongs"),
    (check_linear_model_gradient, scaled(linear_gradient, lambda X, y, w: len(y) / len(w)),
     "averaged over the weights"),
    (check_linear_model_gradient, lambda X, y, w: linear_gradient(X, y, w)[:, None],
     "one entry per weight"),
    (check_linear_model_gradient, lambda X, y, w: np.sum(linear_gradient(X, y, w)),
     "one entry per weight"),
    (check_linear_model_gradient, lambda X, y, w: 2 / len(y) * X @ (X @ w - y),
     "raised ValueError"),
    (check_temperature_gradient, scaled(stable_temperature_gradient, lambda *a: -1),
     "wrong sign"),
    (check_temperature_gradient, scaled(stable_temperature_gradient, lambda z, c, t: t**2),
     "off by a power of T"),
    (check_temperature_gradient, scaled(stable_temperature_gradient, lambda z, c, t: t),
     "off by a power of T"),
    (check_temperature_gradient, scaled(stable_temperature_gradient, lambda z, c, t: len(c)),
     "sum where a mean belongs"),
    (check_temperature_gradient, per_sample(stable_temperature_gradient),
     "one number for the whole batch"),
    (check_temperature_gradient, naive_temperature_gradient, "each row's own maximum"),
    (check_temperature_gradient, batch_max_temperature_gradient, "each row's own maximum"),
]


@pytest.mark.parametrize("check, solution", CORRECT, ids=lambda x: getattr(x, "__name__", ""))
def test_a_correct_solution_passes(check, solution, capsys):
    check(solution)
    assert re.fullmatch(r"\w+: passed all \d+ cases\.\n", capsys.readouterr().out)


@pytest.mark.parametrize("check, mistake, hint", WRONG, ids=lambda x: getattr(x, "__name__", x))
def test_a_typical_mistake_fails_with_its_hint(check, mistake, hint):
    with pytest.raises(lossfns.SelfCheckFailed, match=re.escape(hint)) as failure, \
            np.errstate(all="ignore"):
        check(mistake)
    assert not re.search(r"\d\.\d", str(failure.value)), failure.value


@pytest.mark.parametrize("naive", [naive_temperature_gradient, batch_max_temperature_gradient])
def test_an_unstable_softmax_fails_only_the_huge_logits(naive):
    with pytest.raises(lossfns.SelfCheckFailed) as failure, np.errstate(all="ignore"):
        check_temperature_gradient(naive)
    message = str(failure.value)
    assert message.startswith("temperature_gradient: case 'logits near +1000 and near -1000"), \
        message


def test_a_power_of_t_is_not_blamed_where_t_is_one():
    with pytest.raises(lossfns.SelfCheckFailed) as failure:
        check_temperature_gradient(scaled(stable_temperature_gradient, lambda z, c, t: t**2))
    assert "case 'T = 1" not in str(failure.value)
    assert "3 of 5 cases failed" in str(failure.value)


def test_the_temperature_arrives_as_a_python_number():
    seen = []

    def spy(logits, labels, temperature):
        seen.append(type(temperature))
        return stable_temperature_gradient(logits, labels, temperature)

    check_temperature_gradient(spy)
    assert set(seen) == {float}


def test_the_cases_cover_what_the_exercises_promise():
    from lossfns.selfcheck_gradients import _linear_model_cases, _temperature_cases
    shapes = [case.args[0].shape for case in _linear_model_cases()]
    assert any(d == 1 for _, d in shapes) and all(n != d for n, d in shapes)
    assert any(n < d for n, d in shapes)
    assert any(case.args[0].dtype == np.float32 for case in _linear_model_cases())
    temperatures = [case.args[2] for case in _temperature_cases()]
    assert 1.0 in temperatures and min(temperatures) < 1 < max(temperatures)
    assert {2, 10} <= {case.args[0].shape[1] for case in _temperature_cases()}
