"""Grade students' notebooks with the book's self-checks, in a sandbox.

``python -m lossfns.grade EDITION SUBMISSIONS... --csv grades.csv [--gradescope results.json]``
grades each submission (a notebook) against the exercises of ``EDITION``, a chapter's student
edition: every ``lossfns.check_X(my_fn)`` self-check cell there is one exercise. Only the
definition of each exercise's function, with the imports, helpers and constants it uses, is
taken from a submission and run, in a locked-down child process (:mod:`lossfns._sandbox`); the
unchanged check runs here and decides the score.

``python -m lossfns.grade EDITION --gradescope-autograder autograder.zip`` writes a Gradescope
autograder for that chapter instead (:mod:`lossfns._grade_autograder`).
"""

import argparse
import sys

from . import _grade_autograder, _grade_notebooks, _grade_report, _grade_run, _sandbox


def parser():
    commands = argparse.ArgumentParser(prog="python -m lossfns.grade",
                                       description=__doc__.split("\n\n")[0])
    commands.add_argument("edition", help="the chapter's student edition (.ipynb)")
    commands.add_argument("submissions", nargs="*", help="the students' notebooks (.ipynb)")
    commands.add_argument("--csv", help="write the gradebook CSV here")
    commands.add_argument("--gradescope", metavar="RESULTS_JSON",
                          help="write Gradescope's results.json here (one student's files)")
    commands.add_argument("--gradescope-autograder", metavar="PATH",
                          help="write a Gradescope autograder (a folder, or PATH.zip) and exit")
    commands.add_argument("--jobs", type=int, default=None,
                          help="submissions graded at once (default: the CPU count)")
    commands.add_argument("--timeout", type=float, default=_sandbox.DEFAULT_TIMEOUT,
                          help="seconds each call of a student's function may take "
                               f"(default {_sandbox.DEFAULT_TIMEOUT:g})")
    return commands


def main(arguments=None):
    """Run the command line; 0 once every submission is graded (whatever the grades), 2 on a
    usage error."""
    commands = parser()
    options = commands.parse_args(arguments)
    if options.gradescope_autograder:
        written = _grade_autograder.write_autograder(options.edition,
                                                     options.gradescope_autograder)
        print(f"Gradescope autograder written: {written}")
        return 0
    if not options.submissions:
        commands.error("submissions: give at least one notebook to grade")
    if not (options.csv or options.gradescope):
        commands.error("--csv or --gradescope: say where to write the grades")
    if options.timeout <= 0:
        commands.error(f"--timeout: must be positive, not {options.timeout:g}")
    try:
        exercises = _grade_notebooks.exercises(options.edition)
    except _grade_notebooks.NotebookError as error:
        commands.error(f"edition: {error}")
    results = _grade_run.grade_all(exercises, options.submissions, jobs=options.jobs,
                                   timeout=options.timeout)
    isolation = _grade_run.isolation()
    if options.csv:
        _grade_report.write_csv(options.csv, exercises, results)
    if options.gradescope:
        _grade_report.write_gradescope(options.gradescope, results, isolation)
    graded = sum(1 for e in exercises if e.check not in _grade_run.NOT_GRADED)
    print(f"Sandbox: {isolation}")
    for result in results:
        notes = f"  ({'; '.join(result.notes)})" if result.notes else ""
        print(f"{result.total}/{graded}  {result.path}{notes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
