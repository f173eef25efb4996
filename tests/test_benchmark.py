"""The pure parts of tools/benchmark.py: reading the install cell, the test command's critical
path, page weight, the verdicts and the page. Nothing here is timed."""

import pytest

from tools import benchmark
from tools.colab_stand_in import install_url
from tools.common import chapter_notebooks, read_notebook

CHAPTERS = [notebook.stem for notebook in chapter_notebooks()]


@pytest.mark.parametrize("notebook", chapter_notebooks(), ids=lambda path: path.stem)
def test_the_install_cell_installs_lossfns_from_the_repository_and_nothing_else(notebook):
    cell = read_notebook(notebook).cells[0].source
    command, *rest = benchmark.pip_arguments(cell)
    assert command == "install"
    # Options may only make pip quieter: none may upgrade or reinstall what Colab has.
    assert all(option in ("-q", "--quiet") for option in rest if option.startswith("-"))
    assert [argument for argument in rest if not argument.startswith("-")] == [
        f"lossfns @ git+{install_url(cell)}"]


def test_the_critical_path_is_the_slowest_chapter_or_half_the_sum():
    assert benchmark.critical_path({"a": 50.0, "b": 10.0, "c": 10.0}) == (50.0, 35.0, 50.0)
    assert benchmark.critical_path({"a": 20.0, "b": 20.0, "c": 20.0}) == (20.0, 30.0, 30.0)


def test_the_ratio_needs_the_chapters_and_the_tests_of_one_run():
    chapters = {"seconds": {"a": 20.0, "b": 20.0, "c": 20.0}, "runs": {"a": 3, "b": 3, "c": 3}}
    tests = {"seconds": 45.0, "summary": "9 passed in 44.0s", "returncode": 0}
    texts, ratio = benchmark.ratio_figures({"chapters": chapters, "tests": tests})
    assert ratio == pytest.approx(1.5)
    assert texts["critical_path"] == "30.0 s" and texts["ratio"] == "1.50"
    assert benchmark.ratio_figures({"tests": tests}) == ({}, None)


def test_install_changes_names_what_pip_added_and_what_it_replaced():
    stack = {"numpy-2.4.6.dist-info", "matplotlib-3.11.2.dist-info"}
    before = {"pip-24.0.dist-info"}
    after = before | {"lossfns-0.1.0.dist-info"}
    assert benchmark.install_changes(before, after, stack) == (["lossfns"], [])
    after |= {"numpy-1.26.4.dist-info", "Typing_Extensions-4.0.dist-info"}
    assert benchmark.install_changes(before, after, stack) == (
        ["lossfns", "numpy", "typing-extensions"], ["numpy"])


def test_page_weight_counts_the_page_and_each_of_its_own_images_once(tmp_path):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "_images").mkdir()
    (tmp_path / "_images" / "plot.png").write_bytes(b"x" * 1000)
    (tmp_path / "_images" / "unused.png").write_bytes(b"x" * 50)
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "theme.css").write_bytes(b"x" * 300)
    (tmp_path / "_static" / "logo.png").write_bytes(b"x" * 20)  # shared: cached after a page
    page = tmp_path / "chapters" / "01.html"
    page.write_text(
        '<link rel="stylesheet" href="../_static/theme.css"><img src="../_images/plot.png">'
        '<img alt="again" src="../_images/plot.png"><img src="data:image/png;base64,AAAA">'
        '<img src="../_static/logo.png">'
        '<img src="https://example.org/x.png"><img src="../_images/missing.png">'
        '<a href="../_images/unused.png">a link, not an image</a>', encoding="utf-8")
    assert benchmark.page_weight(page) == (page.stat().st_size, 1000, 1)


def complete_results(chapter_seconds=10.0):
    """Made-up results of every section, in the shapes the benchmark produces; the test command
    takes as long as its critical path."""
    seconds = dict.fromkeys(CHAPTERS, chapter_seconds)
    return {
        "chapters": {"seconds": seconds, "runs": dict.fromkeys(CHAPTERS, 3)},
        "colab": {"seconds": 4.0, "installed": ["lossfns"], "replaced": [],
                  "command": "pip install 'lossfns @ git+https://github.com/o/r'"},
        "build": {"seconds": 30.0, "html": None},
        "weight": {"pages": dict.fromkeys(CHAPTERS, (90_000, 150_000, 3))},
        "tests": {"seconds": benchmark.critical_path(seconds)[2], "summary": "9 passed in 9.9s",
                  "returncode": 0},
        "grading": {"seconds": 12.0, "submissions": benchmark.TARGETS["grading_submissions"]},
    }


def test_the_targets_table_gives_a_verdict_for_each_target():
    fast = benchmark.verdicts(complete_results(chapter_seconds=1.0))
    assert len(fast) == len(benchmark.TARGET_TEXT)
    assert [verdict for _, _, verdict in fast] == ["pass"] * len(fast)
    slow = complete_results(chapter_seconds=benchmark.TARGETS["chapter_seconds"] + 1)
    slow["colab"]["installed"] = ["lossfns", "numpy"]
    slow["weight"]["pages"][CHAPTERS[0]] = (benchmark.TARGETS["page_megabytes"] * 1e6, 1, 1)
    slow["tests"]["seconds"] = 100 * sum(slow["chapters"]["seconds"].values())
    slow["grading"]["seconds"] = benchmark.TARGETS["grading_seconds"]
    assert [verdict for _, _, verdict in benchmark.verdicts(slow)] == ["miss"] * len(fast)
    assert {verdict for _, _, verdict in benchmark.verdicts({})} == {"n/a"}
    failed = benchmark.verdicts({}, failed=["colab"])
    assert [verdict for _, _, verdict in failed].count("miss") == 1


def test_only_the_mnist_chapter_gets_the_longer_time():
    results = complete_results(chapter_seconds=1.0)
    results["chapters"]["seconds"][benchmark.MNIST_CHAPTER] = benchmark.TARGETS[
        "chapter_seconds"] + 1
    row = list(benchmark.TARGET_TEXT).index("chapters")
    assert benchmark.verdicts(results)[row][2] == "pass"
    other = next(name for name in CHAPTERS if name != benchmark.MNIST_CHAPTER)
    results["chapters"]["seconds"][other] = benchmark.TARGETS["chapter_seconds"] + 1
    assert benchmark.verdicts(results)[row][2] == "miss"


MACHINE = {"date": "2026-01-02 03:04 UTC", "machine": "Test CPU, 2 cores, Python 3.11.7"}


def test_the_page_fills_every_field_from_a_complete_run():
    page = benchmark.render_page(complete_results(), MACHINE, repeats=3)
    assert page.startswith("# Build and performance\n")
    assert "{" not in page and "}" not in page and "$" not in page
    assert "not measured" not in page
    assert all(f"`{name}`" in page for name in CHAPTERS)


def test_a_section_left_out_of_the_run_says_so():
    results = complete_results()
    del results["chapters"]
    page = benchmark.render_page(results, MACHINE, repeats=3)
    chapters = page.split("## Each chapter from a cold kernel", 1)[1].split("\n## ", 1)[0]
    assert "not measured" in chapters
    ratio = next(line for line in page.splitlines() if line.startswith("| ratio of wall time"))
    assert "not measured" in ratio
    assert "{" not in page and "$" not in page
