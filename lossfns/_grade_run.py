"""Grading one submission, and a class of them in parallel.

For each exercise the trusted parent calls the unchanged ``lossfns.check_*`` with a proxy of the
student's function (:mod:`lossfns._sandbox`); the exercise scores 1 only if the check returns
without raising and the line it printed here, in the parent, is its pass line. What the
student's code prints never reaches that line: it runs in the child, whose output is discarded.
"""

import contextlib
import io
import multiprocessing.util
import os
from concurrent.futures import ProcessPoolExecutor
from typing import NamedTuple

from . import _grade_notebooks as notebooks
from . import _sandbox

NOT_GRADED = {
    "check_pinball_loss_class": (
        "not graded automatically: the exercise is a Keras class, which the sandbox cannot "
        "forward as a function (and TensorFlow inside it would cost seconds per student); "
        "run lossfns.check_pinball_loss_class on it in a container, or grade it by the rubric"),
}


class ExerciseResult(NamedTuple):
    """One exercise of one submission: score 0 or 1 (``None``: not graded), the check's
    output or hint, and a note for the notes column (``None`` if nothing happened)."""

    label: str
    score: int | None
    output: str
    note: str | None = None


class SubmissionResult(NamedTuple):
    """One submission: its path, a result per exercise, and notes about the whole file."""

    path: str
    exercises: list
    notes: list

    @property
    def total(self):
        return sum(result.score or 0 for result in self.exercises)


def _passed(output):
    """Whether the check's own output (printed in this process) ends with its pass line."""
    lines = output.strip().splitlines()
    return bool(lines) and "passed" in lines[-1]


def grade_exercise(sandbox, exercise, extraction):
    """The :class:`ExerciseResult` of one exercise, given its extracted source."""
    if exercise.check in NOT_GRADED:
        return ExerciseResult(exercise.label, None, NOT_GRADED[exercise.check])
    if extraction.source is None:
        return ExerciseResult(exercise.label, 0, extraction.note, extraction.note)
    import lossfns  # the trusted copy: the submission never runs in this process

    check = getattr(lossfns, exercise.check, None)
    if check is None:
        note = f"this lossfns has no {exercise.check}: update lossfns"
        return ExerciseResult(exercise.label, 0, note, note)
    worker = sandbox.worker()
    printed = io.StringIO()
    try:
        try:
            worker.load(extraction.source, exercise.function)
        except Exception as error:  # noqa: BLE001 - the student's code failed as it loaded
            note = f"loading {exercise.function} raised {type(error).__name__}: {error}"
            return ExerciseResult(exercise.label, 0, note, note)
        with contextlib.redirect_stdout(printed):
            check(_sandbox.proxy(worker, exercise.function))
    except _sandbox.SandboxFailure as failure:
        return ExerciseResult(exercise.label, 0, failure.note, failure.note)
    except lossfns.SelfCheckFailed as failed:  # the worker's death beats a hint built on it
        return ExerciseResult(exercise.label, 0, worker.dead or str(failed), worker.dead)
    except Exception as error:  # noqa: BLE001 - a result the check itself could not handle
        note = f"the check raised {type(error).__name__}: {error}"
        return ExerciseResult(exercise.label, 0, note, note)
    finally:
        worker.kill()
    if worker.dead:  # a check that caught the failure and passed regardless (it never does)
        return ExerciseResult(exercise.label, 0, worker.dead, worker.dead)
    if _passed(printed.getvalue()):
        reference = exercise.check.removeprefix("check_")
        flag = (f"passed by calling lossfns.{reference}, the reference it is checked against"
                if reference in notebooks.lossfns_names_used(extraction.source) else None)
        return ExerciseResult(exercise.label, 1, printed.getvalue().strip().splitlines()[-1],
                              flag)
    note = "the check returned without its pass line"
    return ExerciseResult(exercise.label, 0, note, note)


def grade_submission(sandbox, exercises, path):
    """The :class:`SubmissionResult` of the notebook at ``path``; never raises for a bad file."""
    try:
        bound, notes = notebooks.definitions(notebooks.code_cells(path))
    except notebooks.NotebookError as error:
        return SubmissionResult(str(path), [ExerciseResult(e.label, None if e.check in NOT_GRADED
                                                           else 0, str(error))
                                            for e in exercises], [str(error)])
    results = [grade_exercise(sandbox, exercise, notebooks.extract(bound, notes, exercise.function))
               for exercise in exercises]
    notes = [f"{result.label}: {result.note}" for result in results if result.note]
    return SubmissionResult(str(path), results, notes)


_SANDBOX = None  # one fork server per grading process, started on its first submission


def _grade_in_pool(exercises, path, options):
    global _SANDBOX
    if _SANDBOX is None:
        _SANDBOX = _sandbox.Sandbox(**options)
        # closed (its folder removed) when this pool process exits
        multiprocessing.util.Finalize(_SANDBOX, _SANDBOX.close, exitpriority=10)
    return grade_submission(_SANDBOX, exercises, path)


def grade_all(exercises, paths, jobs=None, **options):
    """:class:`SubmissionResult` of each path, in order, graded by ``jobs`` processes (default:
    the CPU count); ``options`` go to :class:`lossfns._sandbox.Sandbox`."""
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or len(paths) == 1:
        with _sandbox.Sandbox(**options) as sandbox:
            return [grade_submission(sandbox, exercises, path) for path in paths]
    with ProcessPoolExecutor(max_workers=min(jobs, len(paths))) as pool:
        return list(pool.map(_grade_in_pool, [exercises] * len(paths), paths,
                             [options] * len(paths)))


def isolation(**options):
    """The isolation level a :class:`lossfns._sandbox.Sandbox` with ``options`` reaches here."""
    if not options.get("isolate_network", True) or not _sandbox.namespace_prefix():
        return _sandbox.ISOLATION_PLAIN
    return _sandbox.ISOLATION_NAMESPACES
