"""Build the HTML book, with or without the solutions.

    python -m tools.build_book                   # the book as published -> _build/html
    python -m tools.build_book --hide-solutions  # exercises only -> _build/questions-only/html

Any warning fails the build. Other options go to ``jupyter-book build``; ``--path-output DIR``
builds into ``DIR/_build/html``. The solutions-hidden build reads a temporary copy of
``_config.yml`` that sets sphinx-exercise's ``hide_solutions``, loads ``tools.hide_solutions``
and turns off the "suggest edit" button (it would open a chapter, solutions included).
"""

import argparse
import pathlib
import shutil
import subprocess
import sys
import tempfile

import yaml

from tools.common import REPO_ROOT, jupyter_book_build

QUESTIONS_ONLY = REPO_ROOT / "_build" / "questions-only"


def questions_only_config():
    """``_config.yml`` with every solution hidden, as a dict."""
    config = yaml.safe_load((REPO_ROOT / "_config.yml").read_text(encoding="utf-8"))
    config.setdefault("html", {})["use_edit_page_button"] = False
    sphinx = config.setdefault("sphinx", {})
    sphinx.setdefault("config", {})["hide_solutions"] = True
    # jupyter-book resolves these folders against the configuration's own, a temporary one.
    extensions = {name: str((REPO_ROOT / folder).resolve())
                  for name, folder in (sphinx.get("local_extensions") or {}).items()}
    sphinx["local_extensions"] = {**extensions, "tools.hide_solutions": str(REPO_ROOT)}
    return config


def build_questions_only(output, extra_arguments):
    """Build the book without solutions into ``output/_build/html``; return the exit code."""
    with tempfile.TemporaryDirectory(prefix="questions-only-") as folder:
        config = pathlib.Path(folder) / "_config.yml"
        config.write_text(yaml.safe_dump(questions_only_config(), sort_keys=False),
                          encoding="utf-8")
        command = jupyter_book_build("--config", str(config), "--path-output", str(output),
                                     *extra_arguments)
        return subprocess.run(command, cwd=REPO_ROOT, check=False).returncode


def main(arguments=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     epilog="Other options are passed on to jupyter-book build.")
    parser.add_argument("--hide-solutions", action="store_true",
                        help="leave every solution out (HTML in _build/questions-only/html)")
    parser.add_argument("--path-output", type=pathlib.Path,
                        help="build into PATH_OUTPUT/_build/html instead")
    options, extra = parser.parse_known_args(arguments)
    if not options.hide_solutions:
        if options.path_output:
            extra = ["--path-output", str(options.path_output), *extra]
        return subprocess.run(jupyter_book_build(*extra), cwd=REPO_ROOT, check=False).returncode
    # By default the work folder is kept, so that rebuilds are incremental.
    code = build_questions_only(options.path_output or QUESTIONS_ONLY / "work", extra)
    if code == 0 and options.path_output is None:
        shutil.rmtree(QUESTIONS_ONLY / "html", ignore_errors=True)
        shutil.copytree(QUESTIONS_ONLY / "work" / "_build" / "html", QUESTIONS_ONLY / "html")
        print(f"The book without solutions is in {QUESTIONS_ONLY / 'html'}")
    return code


if __name__ == "__main__":
    sys.exit(main())
