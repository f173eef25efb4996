"""A Sphinx extension fixing what the stock Jupyter Book 1.x theme gets wrong for this book.

1. sphinx-thebe 0.3.1 adds its inline script (``const THEBE_JS_URL = ...``) once per
   ``env-before-read-docs`` event, which Jupyter Book emits more than once: the browser then
   reports "Identifier 'THEBE_JS_URL' has already been declared". Duplicate scripts are dropped.
2. The Colab button would open the chapter itself, whose MyST Colab shows as raw syntax. It opens
   the chapter's Colab edition, ``colab/<chapter>.ipynb``, instead, or its student edition when
   the solutions are hidden (``python -m tools.build_book --hide-solutions``).
"""

import pathlib

from sphinx.util import logging

logger = logging.getLogger(__name__)


def _drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    seen, unique = set(), []
    for script in context.get("script_files", []):
        # The two copies differ only in filename None versus "": compare what the page shows.
        attributes = tuple(sorted(getattr(script, "attributes", {}).items()))
        key = (getattr(script, "filename", script) or "", attributes)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    # In place: Sphinx's own handlers append per-page scripts (MathJax) to this very list.
    context["script_files"][:] = unique


def _colab_edition_of(app, docname):
    """The notebook a chapter page's Colab button opens, relative to the book; None for other
    pages."""
    if not str(app.env.doc2path(docname)).endswith(".ipynb"):
        return None
    folder = "student" if getattr(app.config, "hide_solutions", False) else "colab"
    edition = pathlib.Path(folder) / f"{pathlib.PurePosixPath(docname).name}.ipynb"
    if not (pathlib.Path(app.srcdir) / edition).is_file():
        logger.warning("%s has no %s edition: run python -m tools.editions",
                       docname, folder, location=docname)
        return None
    return edition.as_posix()


def _launch_the_colab_edition(app, pagename, templatename, context, doctree):
    """Point the page's Colab button at the chapter's Colab (or student) edition."""
    edition = _colab_edition_of(app, pagename)
    if edition is None:
        return
    chapter_path = f"{pagename}.ipynb"
    groups = [context.get("header_buttons", [])]
    while groups:
        for button in groups.pop():
            groups.append(button.get("buttons", []))
            url = button.get("url", "")
            if "colab.research.google.com" in url and url.endswith(chapter_path):
                button["url"] = url[:-len(chapter_path)] + edition


def setup(app):
    # After the other handlers, once every script of the page is in the list.
    app.connect("html-page-context", _drop_duplicate_scripts, priority=999)
    # After sphinx-book-theme has made its buttons (priority 501).
    app.connect("html-page-context", _launch_the_colab_edition, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
