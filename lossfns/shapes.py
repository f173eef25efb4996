"""Line up ``y_true`` and ``y_pred`` the way every Keras loss does, and refuse what is left.

One public function, :func:`match_shapes`. It is the rule behind every loss
in ``lossfns`` (through ``_validation.check_elementwise_inputs``) and the one the
chapters' solutions call, so that ``(N,)`` against ``(N, 1)`` is ``N`` samples
and never an ``(N, N)`` broadcast.
"""

import numpy as np

from ._validation import align_ranks, check_same_shape, refuse_complex


def match_shapes(y_true, y_pred):
    r"""Return ``(y_true, y_pred)`` as NumPy arrays of one shape, aligned as Keras aligns them.

    The rule is Keras's ``squeeze_or_expand_to_same_rank``: with ranks
    :math:`r_\text{true}` and :math:`r_\text{pred}`,

    - if :math:`|r_\text{true} - r_\text{pred}| = 1` and the array of larger rank has
      a last axis of size 1, then a smaller array of rank 1 gains a trailing
      axis (``(N,)`` against ``(N, 1)`` gives ``(N, 1)`` and ``(N, 1)``), and
      otherwise the larger array loses its last axis (``(N, d, 1)`` against
      ``(N, d)`` gives ``(N, d)`` and ``(N, d)``);
    - anything else is left as it is.

    If the two shapes still differ, ``ValueError`` names both, and neither
    array is reshaped or broadcast into the other. Keras raises for some of
    these pairs (``(2, 3)`` against ``(3, 2)``) and silently broadcasts others
    (``(2,)`` against ``(3, 2)``, ``(1, 4)`` against ``(4, 1)``). The values
    are neither copied nor cast: the dtype is kept (float32 stays float32);
    complex arrays are refused, as by every function of ``lossfns``.

    Examples
    --------
    >>> y_true, y_pred = match_shapes(np.zeros((5, 1)), np.zeros(5))
    >>> y_true.shape, y_pred.shape
    ((5, 1), (5, 1))
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    refuse_complex(y_true, "y_true")
    refuse_complex(y_pred, "y_pred")
    y_true, y_pred = align_ranks(y_true, y_pred)
    check_same_shape(y_true, y_pred)
    return y_true, y_pred
