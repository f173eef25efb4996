"""The pure helpers of .ci/benchmark.py: statistics, formatting, parsing, page rendering.

Nothing here is timed; the benchmark itself is run by hand (see chapters/performance.md).
"""

import importlib.util

import pytest

from colab_stand_in import install_url
from notebook_env import REPO_ROOT, chapter_notebooks

_SPEC = importlib.util.spec_from_file_location("benchmark", REPO_ROOT / ".ci" / "benchmark.py")
benchmark = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(benchmark)


def test_median_of_runs():
    assert benchmark.median([3.0, 1.0, 2.0]) == 2.0
    assert benchmark.median([1.0, 4.0]) == 2.5
    assert benchmark.median(iter([5])) == 5.0
    with pytest.raises(ValueError, match="no runs"):
        benchmark.median([])


@pytest.mark.parametrize("first, repeats, budget, expected", [
    (10.0, 3, 150.0, 3),   # cheap: every run
    (60.0, 3, 150.0, 2),   # slow: fewer
    (200.0, 3, 150.0, 1),  # slower than the budget: still once
    (200.0, 3, 0.0, 3),    # no budget
    (0.0, 5, 150.0, 5),
    (1.0, 1, 150.0, 1),
])
def test_slow_items_are_repeated_less(first, repeats, budget, expected):
    assert benchmark.repeat_count(first, repeats, budget) == expected


def test_measure_repeats_a_run_as_the_settings_allow():
    calls = []

    def run(seconds):
        calls.append(seconds)
        return seconds

    settings = benchmark.Settings(repeats=3, item_budget=150.0)
    assert benchmark.measure(lambda: run(10.0), settings) == [10.0, 10.0, 10.0]
    assert benchmark.measure(lambda: run(100.0), settings) == [100.0]
    assert len(calls) == 4


def test_formatting():
    assert benchmark.format_seconds(0.01234) == "12.3 ms"
    assert benchmark.format_seconds(4.56) == "4.6 s"
    assert benchmark.format_seconds(None) == "n/a"
    assert benchmark.format_bytes(1_234_567) == "1.23 MB"
    assert benchmark.format_bytes(45_600) == "46 kB"
    assert benchmark.format_bytes(12) == "12 B"
    assert [benchmark.verdict(v) for v in (True, False, None)] == ["pass", "miss", "n/a"]
    assert benchmark.runs_note([1.0]) == "1 run"
    assert benchmark.runs_note([1.0, 2.0, 3.0]) == "median of 3"


def test_markdown_table():
    table = benchmark.markdown_table(["a", "b"], [[1, "x|y"], ["", 2.5]])
    assert table.splitlines() == ["| a | b |", "|---|---|", "| 1 | x\\|y |", "|  | 2.5 |"]


def test_cpu_model_from_proc_cpuinfo():
    text = "processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags\t: fpu\n\nmodel name\t: other\n"
    assert benchmark.cpu_model(text) == "AMD EPYC 7B13"
    assert benchmark.cpu_model("processor : 0\n") == "unknown"


def test_the_mnist_chapter_gets_the_longer_limit():
    assert benchmark.chapter_limit('"lossfns.load_mnist()"') == 120.0
    assert benchmark.chapter_limit("keras.losses.MeanSquaredError()") == 30.0


def test_the_install_cell_is_parsed_into_pip_arguments():
    source = ('try:\n    import lossfns\nexcept ImportError:\n'
              '    %pip install --quiet "lossfns @ git+https://github.com/org/repo"\n')
    arguments = benchmark.pip_arguments(source)
    assert arguments == ["install", "--quiet", "lossfns @ git+https://github.com/org/repo"]
    assert install_url(source) == "https://github.com/org/repo"
    with pytest.raises(ValueError, match="%pip"):
        benchmark.pip_arguments("import lossfns")
    with pytest.raises(ValueError, match="git"):
        install_url('%pip install "lossfns"')


def test_every_chapter_has_an_install_cell_the_benchmark_can_read():
    for notebook in chapter_notebooks():
        source = benchmark.read_first_cell(notebook)
        assert benchmark.pip_arguments(source)[0] == "install", notebook.name
        assert install_url(source).startswith("https://github.com/"), notebook.name


def test_install_changes_from_dist_info_names():
    stack = {"numpy-2.4.6.dist-info", "matplotlib-3.11.2.dist-info"}
    before = {"pip-24.0.dist-info"}
    only_lossfns = benchmark.install_changes(before, before | {"lossfns-0.1.0.dist-info"}, stack)
    assert only_lossfns == {"installed": ["lossfns"], "replaced": [], "removed": []}
    after = before | {"lossfns-0.1.0.dist-info", "numpy-1.26.4.dist-info"}
    assert benchmark.install_changes(before, after, stack)["replaced"] == ["numpy"]
    upgraded_pip = benchmark.install_changes(before, {"pip-25.0.dist-info"}, stack)
    assert upgraded_pip == {"installed": ["pip"], "replaced": ["pip"], "removed": []}
    assert benchmark.distribution_names({"Typing_Extensions-4.0.dist-info"}) == {
        "typing-extensions"}


def test_page_weight_counts_the_page_and_its_images_apart_from_shared_assets(tmp_path):
    root = tmp_path / "html"
    (root / "chapters").mkdir(parents=True)
    (root / "_images").mkdir()
    (root / "_static").mkdir()
    (root / "_images" / "plot.png").write_bytes(b"x" * 1000)
    (root / "_images" / "other.png").write_bytes(b"x" * 50)  # not referenced
    (root / "_static" / "theme.css").write_bytes(b"x" * 300)
    (root / "_static" / "logo.png").write_bytes(b"x" * 20)
    page = root / "chapters" / "01.html"
    page.write_text(
        '<link rel="stylesheet" href="../_static/theme.css?v=1">'
        '<img src="../_images/plot.png"><img src="../_images/plot.png">'
        '<img src="../_static/logo.png"><img src="data:image/png;base64,AAAA">'
        '<img src="https://example.org/x.png"><img src="../_images/missing.png">'
        '<a href="02.html">next</a>', encoding="utf-8")
    weight = benchmark.page_weight(page, root)
    html_bytes = page.stat().st_size
    assert weight == {"html": html_bytes, "images": 1000, "image_count": 1,
                      "total": html_bytes + 1000, "shared": 320}


def test_race_summary():
    runs = [{"seconds": 3.0, "epoch": 5}, {"seconds": 5.0, "epoch": 5},
            {"seconds": 4.0, "epoch": 4}]
    summary = benchmark.race_summary(runs, epochs=6)
    assert summary == {"seconds": 4.0, "epoch": 5, "text": "4.0 s (epoch 5)"}
    missed = benchmark.race_summary(runs[:2] + [{"seconds": None, "epoch": None}], epochs=6)
    assert missed["seconds"] is None
    assert missed["text"] == "not reached in 6 epochs (2 of 3 runs did)"


def test_a_recipe_is_described_as_it_is_built():
    softmax = benchmark.Recipe("t", hidden=84, dropout=0.0, from_logits=False, batch_size=128,
                               learning_rate=0.005, cosine_decay=True, epochs=6)
    assert softmax.describe() == (
        "Flatten, Dense(84, relu), Dense(10, softmax); SparseCategoricalCrossentropy(); "
        "Adam, learning rate 0.005 with cosine decay to 0 over the 6 epochs; batch 128; "
        "at most 6 epochs")
    logits = benchmark.Recipe("t", hidden=128, dropout=0.2, from_logits=True, batch_size=32,
                              learning_rate=0.001, cosine_decay=False, epochs=5)
    assert logits.describe() == (
        "Flatten, Dense(128, relu), Dropout(0.2), Dense(10) logits; "
        "SparseCategoricalCrossentropy(from_logits=True); Adam, learning rate 0.001; batch 32; "
        "at most 5 epochs")


def test_command_line():
    settings, page = benchmark.parse_arguments(["--repeats", "2", "--skip", "tests", "colab"])
    assert settings.repeats == 2 and page == benchmark.PAGE
    assert settings.sections == ("chapters", "build", "weight", "mnist", "losses")
    settings, page = benchmark.parse_arguments(["--only", "mnist", "losses", "--no-page"])
    assert settings.sections == ("mnist", "losses") and page is None
    with pytest.raises(SystemExit):
        benchmark.parse_arguments(["--skip", "nonsense"])


MACHINE = {"date": "2026-01-02 03:04 UTC", "cores": "2", "cpu": "Test CPU",
           "python": "3.11.7", "versions": {"tensorflow": "2.21.0", "keras": "3.15.1",
                                            "numpy": "2.4.6", "jupyter-book": "1.0.4.post1"}}


def full_results():
    """Made-up measurements of every section, in the shapes the benchmark produces."""
    race = [{"seconds": 2.5, "epoch": 4, "accuracies": [0.95, 0.97, 0.974, 0.9761]}]
    quick = [{"seconds": 12.25, "epoch": 5, "accuracies": [0.96, 0.97, 0.971, 0.974, 0.977]}]
    never = [{"seconds": None, "epoch": None, "accuracies": [0.93, 0.97]}]
    recipes = [(benchmark.BOOK_RECIPE, race), (benchmark.QUICKSTART, quick),
               (benchmark.CHAPTER_RECIPE, never)]
    return {
        "chapters": {"rows": [
            {"name": "01_intro", "limit": 30.0, "runs": [12.0, 11.0, 13.0], "error": None},
            {"name": "05_mnist", "limit": 120.0, "runs": [130.5], "error": None},
            {"name": "06_broken", "limit": 30.0, "runs": [], "error": "CellExecutionError: x"},
        ], "total": 142.5},
        "build": {"runs": [8.25, 8.75], "ok": True},
        "tests": {"runs": [412.0], "returncode": 0, "summary": "321 passed in 411.9s"},
        "colab": {"runs": [6.5], "ok": True, "importable": True, "command": "pip install x",
                  "changes": {"installed": ["lossfns"], "replaced": [], "removed": []}},
        "weight": {"rows": [{"name": "01_intro", "missing": False, "html": 91_000, "images": 78_000,
                             "image_count": 2, "total": 169_000, "shared": 3_370_000},
                            {"name": "05_mnist", "missing": True}],
                   "shared": 3_370_000, "static_total": 30_950_000},
        "mnist": {"recipes": [{"recipe": r, "runs": runs, "final": runs[0]["accuracies"][-1],
                               **benchmark.race_summary(runs, r.epochs)} for r, runs in recipes],
                  "ratio": 2.5 / 12.25},
        "losses": {"rows": [{"name": "mean_squared_error", "shape": (100000, 10),
                             "lossfns": [0.004, 0.003], "keras": [0.002, 0.002], "agree": True}]},
    }


def render(results):
    return benchmark.render_page(results, MACHINE, benchmark.Settings(repeats=3), elapsed=600.0)


def test_the_page_is_generated_from_the_measurements():
    page = render(full_results())
    assert page.count("# Build and performance") == 1
    assert [line for line in page.splitlines() if line.startswith("# ")] == [
        "# Build and performance"]
    assert "2 CPU cores (Test CPU), Python 3.11.7, tensorflow 2.21.0, keras 3.15.1" in page
    assert "jupyter-book 1.0.4.post1" in page and "2026-01-02 03:04 UTC" in page
    assert "took 10.0 minutes" in page
    assert "| `01_intro` | 12.0 s | median of 3 | < 30 s | pass |" in page
    assert "| `05_mnist` | 130.5 s | 1 run | < 120 s | miss |" in page
    assert "| `06_broken` | failed |" in page and "| **total** | 142.5 s |" in page
    assert "| book build | 8.5 s | median of 2 |" in page
    assert "| packages installed | 1: lossfns | pass |" in page
    assert "| `01_intro` | 91 kB | 2 | 78 kB | 169 kB | pass |" in page
    assert "3.37 MB" in page and "30.95 MB" in page
    assert "| 2.5 s (epoch 4) | 97.61% | 1 run |" in page  # accuracy when stopped, runs
    assert "Ratio (a)/(b) = 0.20: the target of at most 0.5 is met." in page
    assert "| `mean_squared_error` | 3.5 ms | 2.0 ms | 1.75 | median of 2 | yes |" in page
    assert "Not measured" not in page


def test_the_targets_table_gives_a_verdict_for_each_target():
    page = render(full_results())
    targets = page.split("## Targets", 1)[1].split("\n## ", 1)[0]
    assert "| every chapter under 30 s, the MNIST chapter under 120 s | 1 of 3 chapters | miss |" \
        in targets
    assert "| whole test command under 5 minutes | 412.0 s | miss |" in targets
    assert "(a)/(b) = 0.20 | pass |" in targets and "heaviest 169 kB | pass |" in targets
    assert "installs only lossfns | 1 installed: lossfns | pass |" in targets


def test_a_missed_race_target_says_by_how_much():
    results = full_results()
    results["mnist"]["ratio"] = 0.6
    assert "is missed by 20%" in render(results)


def test_skipped_and_failed_sections_are_said_to_be_unmeasured():
    page = render({"mnist": {"failed": "RuntimeError: no data"}})
    assert page.count("# Build and performance") == 1
    assert "failed in this run* (RuntimeError: no data)" in page
    assert page.count("*Not measured in this run*") == 4  # + build and tests in a table
    assert "`python .ci/benchmark.py --only chapters --no-page`" in page
    assert "| whole test command under 5 minutes | not measured | n/a |" in page
    assert page.count("| not measured | n/a |") == 5


def test_the_page_has_no_dollar_signs_for_mathjax_to_misread():
    assert "$" not in render(full_results()) and "$" not in render({})
