"""The grader's outputs: a gradebook CSV and Gradescope's ``results.json``.

The CSV has one header row and one row per submission, no index column: ``submission`` (the
file name), then per exercise its score (0 or 1, empty when not graded automatically) and its
hint (empty when it passed), then ``total``, ``max_total`` and ``notes``. LMS gradebooks
(Canvas, Moodle, Blackboard) import such a file column by column.
"""

import csv
import json
import pathlib


def csv_rows(exercises, results):
    """The CSV as a list of rows, the header first."""
    header = ["submission"]
    for exercise in exercises:
        header += [exercise.label, f"{exercise.label} hint"]
    header += ["total", "max_total", "notes"]
    rows = [header]
    for result in results:
        row = [pathlib.Path(result.path).name]
        for exercise_result in result.exercises:
            score = "" if exercise_result.score is None else exercise_result.score
            hint = "" if exercise_result.score == 1 else exercise_result.output
            row += [score, hint]
        graded = sum(1 for e in result.exercises if e.score is not None)
        rows.append(row + [result.total, graded, "; ".join(result.notes)])
    return rows


def write_csv(path, exercises, results):
    with open(path, "w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(csv_rows(exercises, results))


def gradescope_results(result, isolation, others=()):
    """Gradescope's results.json content for one submission (``others``: the files not kept)."""
    tests = [{"name": e.label, "score": e.score or 0, "max_score": 0 if e.score is None else 1,
              "output": e.output} for e in result.exercises]
    output = [f"Graded {pathlib.Path(result.path).name} in a sandbox ({isolation})."]
    output += [f"Also found, not kept: {pathlib.Path(other.path).name} ({other.total} points)"
               for other in others]
    output += result.notes
    return {"score": result.total, "output": "\n".join(output), "tests": tests}


def write_gradescope(path, results, isolation):
    """results.json for the best of ``results`` (a student may upload several notebooks)."""
    best = max(results, key=lambda result: result.total)
    content = gradescope_results(best, isolation, [r for r in results if r is not best])
    pathlib.Path(path).write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
