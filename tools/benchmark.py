"""What readers and contributors wait for, measured: prints each figure, then the targets' verdicts,
and renders ``chapters/performance.md`` from ``tools/benchmark_page.md`` once every section ran:
``python -m tools.benchmark [--repeats N] [--only SECTION ...] [--no-page]``."""

import argparse
import collections
import importlib.metadata
import os
import pathlib
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

from tools.colab_stand_in import install_url, make_colab_stand_in
from tools.common import (
    REPO_ROOT,
    build_book,
    chapter_notebooks,
    notebook_environment,
    read_html,
    read_notebook,
    run_notebook,
)

SECTIONS = ("chapters", "colab", "build", "weight", "tests", "grading")  # in the order they run
PAGE = REPO_ROOT / "chapters" / "performance.md"
TEMPLATE = pathlib.Path(__file__).with_name("benchmark_page.md")
MNIST_CHAPTER = "05_loss_functions_in_practice"
ITEM_BUDGET = 150.0  # seconds all runs of one chapter may take: a slow one is run fewer times
# Every target, stated once: the verdicts and the page read these numbers, in these words.
TARGETS = {"chapter_seconds": 30.0, "mnist_chapter_seconds": 120.0, "installs": ["lossfns"],
           "page_megabytes": 1.5, "test_ratio": 1.5, "grading_seconds": 60.0,
           "grading_submissions": 200}
TARGET_TEXT = {
    "chapters": "each chapter from a cold kernel under {chapter_seconds:g} s, `" + MNIST_CHAPTER
                + "` under {mnist_chapter_seconds:g} s",
    "colab": "the Colab install cell installs {installs[0]} and nothing else",
    "weight": "no chapter page with its images over {page_megabytes:g} MB",
    "tests": "the test command's wall time at most {test_ratio:g} times its critical path",
    "grading": "{grading_submissions} submissions graded in under {grading_seconds:g} s",
}


def measure(run, repeats, budget=ITEM_BUDGET):
    """Seconds of up to ``repeats`` calls of ``run``, fewer if they would exceed ``budget``."""
    runs = [run()]
    while len(runs) < repeats and sum(runs) + max(runs) <= budget:
        runs.append(run())
    return runs


def timed(function, *arguments, **keywords):
    """``(value, seconds)`` of one call."""
    started = time.perf_counter()
    return function(*arguments, **keywords), time.perf_counter() - started


def say(section, item, figure):
    print(f"{section:<9} {item:<40} {figure}", flush=True)


def megabytes(size):
    return f"{size / 1e6:.2f} MB"


def chapter_limit(name):
    return TARGETS["mnist_chapter_seconds" if name == MNIST_CHAPTER else "chapter_seconds"]


def pip_arguments(cell_source):
    """The arguments of an install cell's ``%pip`` line as pip gets them (``%pip`` dropped)."""
    return shlex.split(re.search(r"^\s*%pip\s+(.+)$", cell_source, flags=re.MULTILINE).group(1))


def install_changes(before, after, stack):
    """``(installed, replaced)`` distributions, from sets of ``*.dist-info`` folder names."""
    def names(folders):
        return {re.sub(r"[-_.]+", "-", folder.split("-")[0]).lower() for folder in folders}
    installed = names(set(after) - set(before))
    return sorted(installed), sorted(installed & (names(before) | names(stack)))


def page_weight(page):
    """``(HTML bytes, image bytes, image count)`` of a page: local ``<img src>`` but _static's."""
    images = {(page.parent / urllib.parse.unquote(parts.path)).resolve() for parts in map(
        urllib.parse.urlsplit, read_html(page).images) if not (parts.scheme or parts.netloc)}
    images = {path for path in images if path.is_file() and "_static" not in path.parts}
    return page.stat().st_size, sum(path.stat().st_size for path in images), len(images)


def critical_path(chapter_seconds):
    """``(slowest, half the sum, their maximum)`` of the chapters' cold runs (two workers)."""
    slowest, half = max(chapter_seconds.values()), sum(chapter_seconds.values()) / 2
    return slowest, half, max(slowest, half)


def ratio_figures(results):
    """``(figures as text, test wall time / critical path)``; ``({}, None)`` if either is gone."""
    if "chapters" not in results or "tests" not in results:
        return {}, None
    figures = (results["tests"]["seconds"], *critical_path(results["chapters"]["seconds"]))
    names = ("test_time", "slowest_chapter", "half_sum", "critical_path")
    ratio = figures[0] / figures[-1]
    return {**{n: f"{f:.1f} s" for n, f in zip(names, figures)}, "ratio": f"{ratio:.2f}"}, ratio


def _outcome(results, section, failed):
    """``(measured, met, or None if not measured)`` for the target of ``section``."""
    if section in failed or section not in results:
        return ("the section failed", False) if section in failed else ("not measured", None)
    result = results[section]
    if section == "chapters":
        slow = [name for name, s in result["seconds"].items() if s >= chapter_limit(name)]
        return f"{len(result['seconds']) - len(slow)} of {len(result['seconds'])} on time", not slow
    if section == "colab":
        return (f"installed: {', '.join(result['installed']) or 'nothing'}",
                result["installed"] == TARGETS["installs"])
    if section == "weight":
        total, name = max((page + images, n) for n, (page, images, _) in result["pages"].items())
        return f"`{name}`: {megabytes(total)}", total <= TARGETS["page_megabytes"] * 1e6
    if section == "grading":
        return (f"{result['seconds']:.1f} s for {result['submissions']}",
                result["submissions"] >= TARGETS["grading_submissions"]
                and result["seconds"] < TARGETS["grading_seconds"])
    if (ratio := ratio_figures(results)[1]) is None:
        return "not measured: needs the chapters in the same run", None
    broken = " (the tests failed)" if result["returncode"] else ""
    return f"{ratio:.2f}{broken}", not broken and ratio <= TARGETS["test_ratio"]


def verdicts(results, failed=()):
    """``[target, measured, pass/miss/n/a]`` for each target; a section in ``failed`` misses."""
    return [[target.format(**TARGETS), text, {None: "n/a", True: "pass", False: "miss"}[met]]
            for section, target in TARGET_TEXT.items()
            for text, met in [_outcome(results, section, failed)]]


def table(headers, rows):
    lines = [headers, ["---"] * len(headers), *rows]
    return "\n".join("| " + " | ".join(str(cell) for cell in line) + " |" for line in lines)


def render_page(results, machine, repeats):
    """The page from the template; each field of a section this run left out: "not measured"."""
    fields = collections.defaultdict(lambda: "not measured", machine, **ratio_figures(results)[0],
                                     repeats=repeats, budget=f"{ITEM_BUDGET:g}")
    fields["targets"] = table(["target", "measured", "verdict"], verdicts(results))
    if chapters := results.get("chapters"):
        fields["chapters"] = table(["chapter", "cold run", "runs", "target"], [
            [f"`{name}`", f"{seconds:.1f} s", chapters["runs"][name],
             f"under {chapter_limit(name):g} s"] for name, seconds in chapters["seconds"].items()])
    if colab := results.get("colab"):
        fields.update(colab_command=colab["command"], colab_time=f"{colab['seconds']:.1f} s",
                      installed=", ".join(colab["installed"]) or "nothing",
                      replaced=", ".join(colab["replaced"]) or "nothing")
    if build := results.get("build"):
        fields["build_time"] = f"{build['seconds']:.1f} s"
    if weight := results.get("weight"):
        fields["weight"] = table(["chapter page", "HTML", "images", "page with images"], [
            [f"`{name}`", megabytes(page), f"{count}: {megabytes(images)}",
             megabytes(page + images)] for name, (page, images, count) in weight["pages"].items()])
    if tests := results.get("tests"):
        fields.update(test_summary=tests["summary"], test_time=f"{tests['seconds']:.1f} s")
    if grading := results.get("grading"):
        fields.update(grading_time=f"{grading['seconds']:.1f} s",
                      grading_submissions=grading["submissions"])
    return TEMPLATE.read_text(encoding="utf-8").format_map(fields)


def machine_description():
    """``{'date': ..., 'machine': ...}``: when, and on what, this run measured."""
    cpu = re.findall(r"^model name\s*:\s*(.+)$", pathlib.Path("/proc/cpuinfo").read_text(), re.M)
    versions = ", ".join(f"{name} {importlib.metadata.version(name)}"
                         for name in ("tensorflow", "keras", "numpy", "jupyter-book"))
    return {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": f"{cpu[0]}, "
            f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, {versions}"}


def bench_chapters(repeats, scratch, results):
    def cold_run(notebook):  # a fresh kernel started in an empty folder
        with tempfile.TemporaryDirectory(dir=scratch) as folder:
            return timed(run_notebook, read_notebook(notebook), folder)[1]
    seconds, runs = {}, {}
    for notebook in chapter_notebooks():
        times = measure(lambda n=notebook: cold_run(n), repeats)
        seconds[notebook.stem], runs[notebook.stem] = statistics.median(times), len(times)
        say("chapters", notebook.stem, f"{seconds[notebook.stem]:.1f} s (median of {len(times)})")
    return {"seconds": seconds, "runs": runs}


def bench_colab(repeats, scratch, results):
    cell = read_notebook(chapter_notebooks()[0]).cells[0].source
    arguments = pip_arguments(cell)
    stand_in = make_colab_stand_in(pathlib.Path(tempfile.mkdtemp(dir=scratch)), install_url(cell))
    before = {path.name for path in stand_in.venv_site.glob("*.dist-info")}
    _, seconds = timed(subprocess.run, [str(stand_in.python), "-m", "pip", arguments[0],
                                        "--no-cache-dir", *arguments[1:]],
                       env=stand_in.env, check=True)  # pip's own output shows what went wrong
    installed, replaced = install_changes(
        before, {path.name for path in stand_in.venv_site.glob("*.dist-info")},
        {path.name for path in stand_in.stack.glob("*.dist-info")})
    say("colab", "pip " + " ".join(arguments[:-1]) + " lossfns@git",
        f"{seconds:.1f} s; installed {installed}, replaced {replaced}")
    return {"seconds": seconds, "installed": installed, "replaced": replaced,
            "command": "pip " + shlex.join(arguments)}


def bench_build(repeats, scratch, results):
    (done, html), seconds = timed(build_book, tempfile.mkdtemp(dir=scratch))
    if done.returncode:
        raise RuntimeError(f"the book build failed: {(done.stdout + done.stderr)[-1000:]}")
    say("build", "jupyter-book build -W -n --keep-going", f"{seconds:.1f} s")
    return {"seconds": seconds, "html": html}


def bench_weight(repeats, scratch, results):
    html = (results.get("build") or bench_build(1, scratch, results))["html"]
    pages = {n.stem: page_weight(html / "chapters" / f"{n.stem}.html") for n in chapter_notebooks()}
    for name, (page, images, count) in pages.items():
        say("weight", name, f"{megabytes(page + images)} ({count} images)")
    return {"pages": pages}


def bench_tests(repeats, scratch, results):
    done, seconds = timed(subprocess.run, [sys.executable, "-m", "pytest"], cwd=REPO_ROOT,
                          capture_output=True, text=True, check=False)  # main set the env
    summary = (done.stdout.strip().splitlines() or ["no output"])[-1].strip("= ")
    say("tests", "python -m pytest", f"{seconds:.1f} s: {summary}")
    return {"seconds": seconds, "summary": summary, "returncode": done.returncode}


def bench_grading(repeats, scratch, results, submissions=TARGETS["grading_submissions"]):
    """Seconds ``python -m lossfns.grade`` takes for a class of ``submissions`` notebooks of
    chapter 2 (two exercises; half solved, a quarter with a wrong MAE, a quarter stubs), on every
    core of this machine; no TensorFlow is imported."""
    import ast

    import nbformat

    from lossfns import grade

    chapter = REPO_ROOT / "chapters" / "02_mean_absolute_error.ipynb"
    edition = REPO_ROOT / "student" / chapter.name
    solutions = {ast.parse(cell.source).body[0].name: cell.source
                 for cell in nbformat.read(chapter, as_version=4).cells
                 if "solution-implementation" in cell.metadata.get("tags", [])}
    wrong = ("import numpy as np\ndef my_mean_absolute_error(y_true, y_pred):\n"
             "    return np.mean(np.abs(y_true - y_pred))\n")
    folder = pathlib.Path(tempfile.mkdtemp(dir=scratch))
    for number in range(submissions):
        notebook = nbformat.read(edition, as_version=4)
        for cell in notebook.cells:
            defined = re.match(r"def (\w+)\(", cell.source) if cell.cell_type == "code" else None
            if defined and defined[1] in solutions and number % 4 != 3:
                cell.source = solutions[defined[1]]
                if number % 4 == 2 and defined[1] == "my_mean_absolute_error":
                    cell.source = wrong
        nbformat.write(notebook, folder / f"student_{number:03d}.ipynb")
    paths = [str(path) for path in sorted(folder.glob("*.ipynb"))]
    seconds = measure(lambda: timed(grade.main, [str(edition), *paths, "--csv",
                                                 str(folder / "grades.csv")])[1], repeats)
    median = statistics.median(seconds)
    say("grading", f"{submissions} submissions of chapter 2", f"{median:.1f} s on "
        f"{os.cpu_count()} cores (median of {len(seconds)})")
    return {"seconds": median, "submissions": submissions}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.benchmark", description=__doc__)
    parser.add_argument("--repeats", type=int, default=3, help="cold runs of each chapter")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=SECTIONS, metavar="SECTION",
                        help="the sections to run (default: all): " + ", ".join(SECTIONS))
    parser.add_argument("--no-page", action="store_true", help="print only; write no page")
    arguments = parser.parse_args(argv)
    os.environ.update(notebook_environment())
    results, failed = {}, []
    with tempfile.TemporaryDirectory(prefix="benchmark-") as scratch:
        for section in (s for s in SECTIONS if s in arguments.only):
            try:
                results[section] = globals()[f"bench_{section}"](
                    arguments.repeats, pathlib.Path(scratch), results)
            except Exception as error:  # noqa: BLE001 - a broken section must not lose the rest
                failed.append(section)
                say(section, "FAILED", " ".join(f"{type(error).__name__}: {error}".split()))
    for name, text in ratio_figures(results)[0].items():
        say("ratio", name, text)
    for target, measured, verdict in verdicts(results, failed):
        print(f"{verdict:<5} {target}: {measured}", flush=True)
    if write := not arguments.no_page and len(results) == len(SECTIONS):
        PAGE.write_text(render_page(results, machine_description(), arguments.repeats), "utf-8")
    print(PAGE.relative_to(REPO_ROOT), "written" if write else "left alone")


if __name__ == "__main__":
    main()
