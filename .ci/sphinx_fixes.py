"""A local Sphinx extension that fixes two console errors of the stock Jupyter Book 1.x theme.

1. sphinx-thebe 0.3.1 registers its inline configuration script (``const THEBE_JS_URL = ...``)
   on every ``env-before-read-docs`` event; Jupyter Book's build emits it more than once, so
   pages carry the script twice and the browser reports "Identifier 'THEBE_JS_URL' has already
   been declared". We drop exact duplicate scripts from each page.
2. pydata-sphinx-theme reports "Got invalid theme mode: ." when no ``default_mode`` is set; that
   one is fixed in ``_config.yml`` (``html_context.default_mode: auto``), not here.
"""


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


def setup(app):
    # After the other handlers, once every script of the page is in the list.
    app.connect("html-page-context", _drop_duplicate_scripts, priority=999)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
