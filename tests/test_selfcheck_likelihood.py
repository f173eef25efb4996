"""lossfns.check_student_t_nll (chapter 6's exercise): right answers pass, typical mistakes fail
with the right hint, and no message ever shows a reference value."""

import math
import re
import traceback

import numpy as np
import pytest
import scipy.special
import scipy.stats
from test_selfcheck import ORDERS, hints_by_case

import lossfns
from lossfns import _selfcheck_runner, selfcheck_likelihood
from lossfns.selfcheck_likelihood import check_student_t_nll


def _constant(dof, scale):
    return (math.lgamma(dof / 2) - math.lgamma((dof + 1) / 2)
            + 0.5 * math.log(dof * math.pi) + math.log(scale))


def correct(y_true, y_pred, dof, scale):
    y_true, y_pred = lossfns.match_shapes(y_true, y_pred)
    r = (y_true - y_pred) / scale
    return np.mean(_constant(dof, scale) + (dof + 1) / 2 * np.log1p(r**2 / dof), axis=-1)


def with_scipy(y_true, y_pred, dof, scale):
    y_true, y_pred = lossfns.match_shapes(y_true, y_pred)
    return np.mean(-scipy.stats.t.logpdf(y_true, dof, loc=y_pred, scale=scale), axis=-1)


def by_hand(y_true, y_pred, dof, scale):
    # Lined up by hand, log(1 + r^2/dof) written with np.log, gammaln from scipy.
    if np.ndim(y_true) == np.ndim(y_pred) - 1:
        y_true = y_true[..., np.newaxis]
    elif np.ndim(y_pred) == np.ndim(y_true) - 1:
        y_pred = y_pred[..., np.newaxis]
    r = (y_true - y_pred) / scale  # (2, 3) against (3, 2): NumPy raises, as Keras does
    constant = (scipy.special.gammaln(dof / 2) - scipy.special.gammaln((dof + 1) / 2)
                + np.log(np.sqrt(dof * np.pi) * scale))
    return np.mean(constant + (dof + 1) / 2 * np.log(1 + r**2 / dof), axis=-1)


def with_math_gamma(y_true, y_pred, dof, scale):
    # math.gamma raises OverflowError past 171.
    y_true, y_pred = lossfns.match_shapes(y_true, y_pred)
    r = (y_true - y_pred) / scale
    norm = math.gamma((dof + 1) / 2) / (math.gamma(dof / 2) * math.sqrt(dof * math.pi) * scale)
    return np.mean(-math.log(norm) + (dof + 1) / 2 * np.log1p(r**2 / dof), axis=-1)


def with_scipy_gamma(y_true, y_pred, dof, scale):
    # scipy.special.gamma returns inf past 171: inf / inf = nan.
    y_true, y_pred = lossfns.match_shapes(y_true, y_pred)
    r = (y_true - y_pred) / scale
    norm = (scipy.special.gamma((dof + 1) / 2)
            / (scipy.special.gamma(dof / 2) * np.sqrt(dof * np.pi) * scale))
    return np.mean(-np.log(norm) + (dof + 1) / 2 * np.log1p(r**2 / dof), axis=-1)


def log_of_the_power(y_true, y_pred, dof, scale):
    # The density's kernel computed first: it underflows to 0 for huge errors.
    y_true, y_pred = lossfns.match_shapes(y_true, y_pred)
    r = (y_true - y_pred) / scale
    return np.mean(_constant(dof, scale) - np.log((1 + r**2 / dof) ** (-(dof + 1) / 2)), axis=-1)


def without_log_scale(y_true, y_pred, dof, scale):
    return correct(y_true, y_pred, dof, scale) - math.log(scale)


def error_not_divided_by_the_scale(y_true, y_pred, dof, scale):
    return correct(y_true, y_pred, dof, 1.0) + math.log(scale)


def unaligned(y_true, y_pred, dof, scale):
    # Right for equal shapes; for (n,) with (n, 1) NumPy broadcasts to an (n, n) table.
    r = (y_true - y_pred) / scale
    return np.mean(_constant(dof, scale) + (dof + 1) / 2 * np.log1p(r**2 / dof), axis=-1)


CORRECT = [correct, with_scipy, by_hand]

WRONG = [
    (with_math_gamma, "raised OverflowError"),
    (with_math_gamma, "Work with log-Gamma"),
    (with_scipy_gamma, "Work with log-Gamma"),
    (log_of_the_power, "Take the log before the power"),
    (without_log_scale, "log(scale) belongs in each loss"),
    (error_not_divided_by_the_scale, "divide the error by the scale"),
    (unaligned, "(n, n) table"),
    (lambda t, p, dof, scale: np.sum(correct(t, p, dof, scale)), "shape ()"),
    (lambda t, p, dof, scale: -correct(t, p, dof, scale), "wrong sign"),
    (lambda t, p, dof, scale: lossfns.match_shapes(t, p)[0].shape[-1]
     * correct(t, p, dof, scale), "a sum where a mean belongs"),
    (lambda t, p, dof, scale: correct(t, p, dof, scale) + 1, "the values are not"),
]

EDGE_CASES = [
    (with_math_gamma, "a million degrees of freedom (nearly Gaussian)"),
    (with_scipy_gamma, "a million degrees of freedom (nearly Gaussian)"),
    (log_of_the_power, "errors of 1e10 to 1e14"),
    (without_log_scale, "a scale above 1"),
    (unaligned, "flat targets against a column of predictions"),
]


@pytest.mark.parametrize("solution", CORRECT, ids=lambda f: f.__name__)
def test_a_correct_solution_passes(solution, capsys):
    check_student_t_nll(solution)
    assert capsys.readouterr().out == "student_t_nll: passed all 9 cases.\n"


def failure_message(function):
    with pytest.raises(lossfns.SelfCheckFailed) as failure, np.errstate(all="ignore"):
        check_student_t_nll(function)
    return str(failure.value)


@pytest.mark.parametrize("mistake, hint", WRONG, ids=lambda x: getattr(x, "__name__", x))
def test_a_typical_mistake_fails_with_its_hint(mistake, hint):
    message = failure_message(mistake)
    assert hint in message and "case '" in message
    # No reference value leaks: the message holds no number with a decimal point.
    assert not re.search(r"\d\.\d", message), message


@pytest.mark.parametrize("mistake, edge_case", EDGE_CASES, ids=lambda x: getattr(x, "__name__", x))
def test_a_naive_formula_fails_only_at_its_edge(mistake, edge_case):
    message = failure_message(mistake)
    assert f"case '{edge_case}'" in message
    assert "case 'dof 4, scale 1'" not in message  # right on the ordinary cases


def test_shapes_keras_cannot_pair_must_raise():
    def broadcasting(y_true, y_pred, dof, scale):
        y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
        if y_true.shape != y_pred.shape:
            y_true = np.reshape(y_true, y_pred.shape)  # (2, 3) into (3, 2): no error
        return correct(y_true, y_pred, dof, scale)

    message = failure_message(broadcasting)
    assert "case 'shapes that Keras cannot pair'" in message
    assert "must raise too" in message


def test_a_stub_fails_clearly_and_keeps_the_traceback_of_the_students_line():
    def stub(y_true, y_pred, dof, scale):
        raise NotImplementedError("write your implementation here")

    with pytest.raises(lossfns.SelfCheckFailed, match="raised NotImplementedError") as failure:
        check_student_t_nll(stub)
    cause = failure.value.__cause__
    assert isinstance(cause, NotImplementedError)
    assert traceback.extract_tb(cause.__traceback__)[-1].name == "stub"
    assert "9 of 9 cases failed" not in str(failure.value)  # the raises case passes: 8 of 9
    assert "8 of 9 cases failed" in str(failure.value)
    assert "Work with log-Gamma" not in str(failure.value)  # it raises everywhere


def test_the_arguments_arrive_in_the_students_order():
    seen = []

    def spy(y_true, y_pred, dof, scale):
        seen.append((np.shape(y_true), np.shape(y_pred), dof, scale))
        return correct(y_true, y_pred, dof, scale)

    check_student_t_nll(spy)
    assert {(dof, scale) for *_, dof, scale in seen} >= {(4.0, 1.0), (1e6, 1.0), (5.0, 2.5)}





@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("mistake", [with_math_gamma, log_of_the_power, without_log_scale,
                                     unaligned], ids=lambda f: f.__name__)
def test_each_case_gets_the_same_hint_in_any_order(mistake, order, monkeypatch):
    in_order = failure_message(mistake)
    run_check = _selfcheck_runner.run_check

    def reordered(title, student_fn, reference_fn, cases, **options):
        return run_check(title, student_fn, reference_fn, ORDERS[order](list(cases)), **options)

    monkeypatch.setattr(selfcheck_likelihood, "run_check", reordered)
    assert hints_by_case(failure_message(mistake)) == hints_by_case(in_order) != {}


def test_exported():
    assert lossfns.check_student_t_nll is check_student_t_nll
    assert "check_student_t_nll" in lossfns.__all__
