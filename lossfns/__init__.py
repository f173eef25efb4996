"""lossfns: the companion package of the course book "Loss Functions in TensorFlow".

NumPy reference implementations of the Keras losses and their analytic
gradients, input checks with clear errors, an MNIST loader that works offline,
and the book's plotting helpers. Importing it has no side effects and does not
import TensorFlow.

Layout
------
Every public name is used flat, as ``lossfns.X``; the modules only group them.
One module per family of losses, each loss directly followed by its gradient:
:mod:`lossfns.regression` (MAE, MSE, RMSE, Huber, log-cosh, pinball),
:mod:`lossfns.classification` (softmax, the cross-entropies, focal, KL, the
hinge family, the temperature's slope, and ``EPSILON``) and
:mod:`lossfns.likelihood` (Gaussian and Student-t NLL, Poisson). Beside them:
:mod:`lossfns.shapes` and :mod:`lossfns.reduction` (how Keras lines up shapes and
reduces per-sample losses), the self-checks of the exercises
(``lossfns.selfcheck*``, run by :mod:`lossfns._selfcheck_runner`), the input checks
(:mod:`lossfns._validation`), and the book's helpers (:mod:`lossfns.book`,
:mod:`lossfns.data`, :mod:`lossfns.plots`, :mod:`lossfns.reproducibility`).
"""

from importlib import metadata

from .book import expect_error, glue, import_tensorflow_quietly
from .classification import (
    EPSILON,
    binary_crossentropy,
    binary_crossentropy_gradient,
    binary_focal_crossentropy,
    binary_focal_crossentropy_gradient,
    categorical_crossentropy,
    categorical_crossentropy_gradient,
    categorical_hinge,
    categorical_hinge_gradient,
    hinge,
    hinge_gradient,
    kl_divergence,
    kl_divergence_gradient,
    log_softmax,
    softmax,
    sparse_categorical_crossentropy,
    sparse_categorical_crossentropy_gradient,
    squared_hinge,
    squared_hinge_gradient,
    temperature_gradient,
)
from .data import load_mnist, read_mnist_npz
from .likelihood import (
    gaussian_nll,
    gaussian_nll_gradient,
    poisson,
    poisson_gradient,
    student_t_nll,
    student_t_nll_gradient,
)
from .plots import LossCurve, loss_curve, plot_history, plot_loss_and_gradient, use_book_style
from .reduction import reduce_losses
from .regression import (
    huber,
    huber_gradient,
    log_cosh,
    log_cosh_gradient,
    mean_absolute_error,
    mean_absolute_error_gradient,
    mean_squared_error,
    mean_squared_error_gradient,
    pinball_loss,
    pinball_loss_gradient,
    root_mean_squared_error,
    root_mean_squared_error_gradient,
)
from .reproducibility import make_reproducible
from .selfcheck import (
    SelfCheckFailed,
    check_categorical_crossentropy,
    check_log_softmax,
    check_mean_absolute_error,
    check_mean_absolute_error_gradient,
)
from .selfcheck_gradients import check_linear_model_gradient, check_temperature_gradient
from .selfcheck_keras import check_pinball_loss_class
from .selfcheck_likelihood import check_student_t_nll
from .selfcheck_regression import check_huber, check_log_cosh, check_pinball_loss
from .shapes import match_shapes

try:  # the one source of the version is pyproject.toml, read back from the installed metadata
    __version__ = metadata.version("lossfns")
except metadata.PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "EPSILON",
    "LossCurve",
    "SelfCheckFailed",
    "binary_crossentropy",
    "binary_crossentropy_gradient",
    "binary_focal_crossentropy",
    "binary_focal_crossentropy_gradient",
    "categorical_crossentropy",
    "categorical_crossentropy_gradient",
    "categorical_hinge",
    "categorical_hinge_gradient",
    "check_categorical_crossentropy",
    "check_huber",
    "check_linear_model_gradient",
    "check_log_cosh",
    "check_log_softmax",
    "check_mean_absolute_error",
    "check_mean_absolute_error_gradient",
    "check_pinball_loss",
    "check_pinball_loss_class",
    "check_student_t_nll",
    "check_temperature_gradient",
    "expect_error",
    "gaussian_nll",
    "gaussian_nll_gradient",
    "glue",
    "hinge",
    "hinge_gradient",
    "huber",
    "huber_gradient",
    "import_tensorflow_quietly",
    "kl_divergence",
    "kl_divergence_gradient",
    "load_mnist",
    "log_cosh",
    "log_cosh_gradient",
    "log_softmax",
    "loss_curve",
    "make_reproducible",
    "match_shapes",
    "mean_absolute_error",
    "mean_absolute_error_gradient",
    "mean_squared_error",
    "mean_squared_error_gradient",
    "pinball_loss",
    "pinball_loss_gradient",
    "plot_history",
    "plot_loss_and_gradient",
    "poisson",
    "poisson_gradient",
    "read_mnist_npz",
    "reduce_losses",
    "root_mean_squared_error",
    "root_mean_squared_error_gradient",
    "softmax",
    "sparse_categorical_crossentropy",
    "sparse_categorical_crossentropy_gradient",
    "squared_hinge",
    "squared_hinge_gradient",
    "student_t_nll",
    "student_t_nll_gradient",
    "temperature_gradient",
    "use_book_style",
]
