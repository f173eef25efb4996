"""Build the HTML book, with or without the solutions: the one command for either edition.

    python .ci/build_book.py                   # the book as published -> _build/html
    python .ci/build_book.py --hide-solutions  # without the solutions -> _build/questions-only/html

Both run ``jupyter-book build . -W -n --keep-going``, so any warning fails the build. Options
that this script does not know (``--all``, ``-v``, ...) are passed on to ``jupyter-book build``;
``--path-output DIR`` builds into ``DIR/_build/html`` instead (as jupyter-book does), which the
tests use to build in a temporary folder.

The solutions-hidden build uses a temporary configuration: ``_config.yml`` plus
``sphinx.config.hide_solutions: true``. That setting of sphinx-exercise 1.2.1 removes
``{solution}`` directives, but for *gated* solutions (``{solution-start}`` ... ``{solution-end}``)
it only drops the opening directive: the prose and code cells between the two markers stay on
the page, and the orphaned end marker then stops the HTML writer ("unknown node type:
solution_end_node", executablebooks/sphinx-exercise#89). So the temporary configuration also
loads this file as a Sphinx extension (see ``setup``): under ``hide_solutions`` it replaces the
opening directive by a marker and removes everything from the marker through its
``{solution-end}``.

The pages of that build must not lead back to the solutions either, so the extension also
replaces the chapter notebooks that the download button serves (``_sources/``) by their student
editions; the temporary configuration turns off the "suggest edit" button, which opens the
chapter's source on GitHub. Each chapter's Colab button opens the student edition
(``student/<chapter>.ipynb``) there, and the Colab edition (``colab/<chapter>.ipynb``) in the
default build: ``sphinx_fixes.py``, loaded by both builds, sets it. The default build does not
load this extension.
"""

import argparse
import pathlib
import shutil
import subprocess
import sys
import tempfile

import yaml
from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
CI_FOLDER = pathlib.Path(__file__).resolve().parent
QUESTIONS_ONLY = REPO_ROOT / "_build" / "questions-only"
JUPYTER_BOOK = "import sys; from jupyter_book.cli.main import main; sys.exit(main())"
STRICT = ["-W", "-n", "--keep-going"]

logger = logging.getLogger(__name__)


def questions_only_config(config_path=REPO_ROOT / "_config.yml"):
    """The book's configuration with every solution hidden.

    Parameters
    ----------
    config_path : pathlib.Path
        The book's ``_config.yml``.

    Returns
    -------
    dict
        Its content plus ``sphinx.config.hide_solutions: true``, this file as a local extension
        and ``html.use_edit_page_button: false``. Local extension folders are made absolute,
        because jupyter-book resolves them against the folder of the configuration file, which
        will be a temporary one.
    """
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config.setdefault("html", {})["use_edit_page_button"] = False
    sphinx = config.setdefault("sphinx", {})
    sphinx.setdefault("config", {})["hide_solutions"] = True
    local_extensions = {name: str((config_path.parent / folder).resolve())
                        for name, folder in (sphinx.get("local_extensions") or {}).items()}
    local_extensions[pathlib.Path(__file__).stem] = str(CI_FOLDER)
    sphinx["local_extensions"] = local_extensions
    return config


def run_jupyter_book(extra_arguments):
    """Run ``jupyter-book build <repo> -W -n --keep-going <extra_arguments>``; return its
    exit code."""
    command = [
        sys.executable, "-c", JUPYTER_BOOK, "build", str(REPO_ROOT), *STRICT, *extra_arguments
    ]
    return subprocess.run(command, cwd=REPO_ROOT, check=False).returncode


def build_questions_only(extra_arguments, path_output=None):
    """Build the book without solutions.

    Parameters
    ----------
    extra_arguments : list of str
        Further options for ``jupyter-book build``.
    path_output : pathlib.Path or None
        Build into ``path_output/_build/html``. By default the book is built in
        ``_build/questions-only/work`` (kept, so that rebuilds are incremental) and its HTML is
        then copied to ``_build/questions-only/html``.

    Returns
    -------
    int
        The exit code of jupyter-book (0 for a build without warnings).
    """
    output = path_output or QUESTIONS_ONLY / "work"
    with tempfile.TemporaryDirectory(prefix="questions-only-") as folder:
        config_path = pathlib.Path(folder) / "_config.yml"
        config_path.write_text(yaml.safe_dump(questions_only_config(), sort_keys=False),
                               encoding="utf-8")
        code = run_jupyter_book(["--config", str(config_path), "--path-output", str(output),
                                 *extra_arguments])
    if code == 0 and path_output is None:
        shutil.rmtree(QUESTIONS_ONLY / "html", ignore_errors=True)
        shutil.copytree(output / "_build" / "html", QUESTIONS_ONLY / "html")
        print(f"The book without solutions is in {QUESTIONS_ONLY / 'html'}")
    return code


def main(arguments=None):
    """Build the book; ``arguments`` as on the command line (default ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code of jupyter-book.
    """
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="Other options are passed on to jupyter-book build.")
    parser.add_argument("--hide-solutions", action="store_true",
                        help="leave every solution out (HTML in _build/questions-only/html)")
    parser.add_argument("--path-output", type=pathlib.Path, default=None,
                        help="build into PATH_OUTPUT/_build/html instead")
    options, extra_arguments = parser.parse_known_args(arguments)
    if options.hide_solutions:
        return build_questions_only(extra_arguments, options.path_output)
    if options.path_output is not None:
        extra_arguments = ["--path-output", str(options.path_output), *extra_arguments]
    return run_jupyter_book(extra_arguments)


# The Sphinx extension, loaded only by the solutions-hidden build.


class hidden_gated_solution(nodes.Element):
    """Stands where a ``{solution-start}`` was, until the gated solution is removed."""


def _make_hiding_solution_start(base):
    class HidingSolutionStart(base):
        """``{solution-start}`` that, under ``hide_solutions``, leaves the transform a marker."""

        def run(self):
            result = super().run()  # also records the start in sphinx-exercise's gate registry
            if not self.env.app.config.hide_solutions:
                return result
            marker = hidden_gated_solution(label=self.arguments[0])
            self.set_source_info(marker)
            return [marker]

    return HidingSolutionStart


class RemoveHiddenGatedSolutions(SphinxTransform):
    """Remove each hidden gated solution: its marker, the nodes after it, and its end marker."""

    default_priority = 5  # before sphinx-exercise merges gated directives (priority 10)

    def apply(self):
        from sphinx_exercise.nodes import solution_end_node

        if not self.config.hide_solutions:
            return
        for marker in list(self.document.findall(hidden_gated_solution)):
            siblings = marker.parent.children
            start = siblings.index(marker)
            end = next((i for i in range(start, len(siblings))
                        if isinstance(siblings[i], solution_end_node)), None)
            if end is None:
                logger.warning("hidden solution %s: no {solution-end} at the same level; its "
                               "content would show", marker["label"], location=marker)
                marker.parent.remove(marker)
                continue
            del marker.parent[start:end + 1]
        for stray in list(self.document.findall(solution_end_node)):
            logger.warning("a {solution-end} without its {solution-start}", location=stray)
            stray.parent.remove(stray)


def _ship_the_student_edition_as_source(app, exception):
    """Replace each chapter notebook under ``_sources/`` (the download button) by its student
    edition."""
    if exception is not None or not app.config.hide_solutions or app.builder.format != "html":
        return
    import make_student_edition  # beside this file, on sys.path as a local extension folder

    for docname in sorted(app.env.found_docs):
        copied = pathlib.Path(app.outdir) / "_sources" / f"{docname}.ipynb"
        if copied.is_file() and str(app.env.doc2path(docname)).endswith(".ipynb"):
            copied.write_text(make_student_edition.student_notebook_text(app.env.doc2path(docname)),
                              encoding="utf-8")


def setup(app):
    """Sphinx entry point of the solutions-hidden build (listed in its temporary config)."""
    app.setup_extension("sphinx_exercise")  # ours must replace its directive, not the reverse
    from sphinx_exercise.directive import SolutionStartDirective

    app.add_node(hidden_gated_solution)
    app.add_directive("solution-start", _make_hiding_solution_start(SolutionStartDirective),
                      override=True)
    app.add_transform(RemoveHiddenGatedSolutions)
    app.connect("build-finished", _ship_the_student_edition_as_source)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    sys.exit(main())
