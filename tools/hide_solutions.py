"""The Sphinx extension of the book without solutions (``tools.build_book --hide-solutions``).

sphinx-exercise's ``hide_solutions`` removes ``{solution}`` directives, but of a gated solution
(``{solution-start}`` ... ``{solution-end}``) it drops only the opening directive: the cells in
between stay on the page, and the orphaned end marker stops the HTML writer ("unknown node type:
solution_end_node", executablebooks/sphinx-exercise#89). Here the opening directive leaves a
marker instead, and a transform removes everything from the marker through its end marker. The
download button then serves each chapter's student edition instead of the chapter.
"""

import pathlib

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from tools import editions

logger = logging.getLogger(__name__)


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
    for docname in sorted(app.env.found_docs):
        copied = pathlib.Path(app.outdir) / "_sources" / f"{docname}.ipynb"
        if copied.is_file() and str(app.env.doc2path(docname)).endswith(".ipynb"):
            copied.write_text(editions.student_notebook_text(app.env.doc2path(docname)),
                              encoding="utf-8")


def setup(app):
    """Sphinx entry point of the solutions-hidden build (loaded by its temporary _config.yml)."""
    app.setup_extension("sphinx_exercise")  # ours must replace its directive, not the reverse
    from sphinx_exercise.directive import SolutionStartDirective

    app.add_node(hidden_gated_solution)
    app.add_directive("solution-start", _make_hiding_solution_start(SolutionStartDirective),
                      override=True)
    app.add_transform(RemoveHiddenGatedSolutions)
    app.connect("build-finished", _ship_the_student_edition_as_source)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
