"""Turn a notebook's MyST Markdown into plain Markdown that Google Colab can show.

Colab renders CommonMark with LaTeX, not MyST: a glued number, an exercise or a cross-reference
shows there as raw syntax. ``colab_notebook`` rewrites the markdown cells of a notebook:

* ``{glue:text}`key:fmt``` becomes the number ``key`` formatted with ``fmt``, taken from the
  glue outputs that myst-nb stored in the notebook's code cells (as the HTML book shows it);
* ``{exercise}`` (label ``X``) becomes ``**Exercise N**`` followed by its body, numbered as
  sphinx-exercise numbers them in the HTML book: through the whole book, in the order of
  ``_toc.yml``;
* ``{solution-start} X`` and ``{solution} X`` become ``**Solution to Exercise N**``, and
  ``{solution-end}`` disappears (a markdown cell left empty is dropped);
* ``{ref}`X``` to an exercise becomes ``Exercise N``; ``{doc}`page``` becomes a Markdown link to
  that page of the published book (GitHub Pages of ``repository.url`` in ``_config.yml``);
* ``(label)=`` targets, invisible in the book, are removed.

LaTeX, ordinary Markdown links and code (inline code included) are left as they are. Anything
else that only MyST understands (another directive or role, a glue key that was never stored)
raises ``ColabMarkdownError`` naming the notebook, rather than reaching Colab as raw text.
"""

import ast
import copy
import dataclasses
import pathlib
import posixpath
import re

import nbformat
import yaml

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent

# An opening directive fence of MyST: three or more backticks or colons, then {name}.
_DIRECTIVE_OPENING = re.compile(
    r"^\s{0,3}(?P<fence>`{3,}|:{3,})\{(?P<name>[\w-]+)\}\s*(?P<argument>.*)$"
)
_OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*)$")
# A role, or an inline code span (which MyST reads first: a role inside it is code).
_INLINE_CODE = r"(?<!`)(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`)"
_ROLE_OR_CODE = re.compile(r"\{(?P<name>[\w:-]+)\}`(?P<content>[^`]*)`|" + _INLINE_CODE, re.DOTALL)
_EXPLICIT_TARGET = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)
_TARGET_LINE = re.compile(r"^\s{0,3}\([^()\s]+\)=\s*$")
_MYST_ONLY = re.compile(
    r"\{glue|\{exercise|\{solution|```\{|:::\{|\{[\w:.-]+\}`|^\s{0,3}\([^()\s]+\)=\s*$",
    re.MULTILINE,
)
_GLUE_RECORD = "text/plain"
_FORMAT_AS = {**dict.fromkeys("bcdoxX", int), **dict.fromkeys("eEfFgGn%", float), "s": str}
_EXERCISE_OPENINGS = ("exercise", "exercise-start")
_ENDS = ("exercise-end", "solution-end")


class ColabMarkdownError(ValueError):
    """A notebook holds MyST that cannot be turned into plain Markdown faithfully."""


@dataclasses.dataclass(frozen=True)
class Book:
    """What rendering needs to know about the whole book.

    Attributes
    ----------
    url : str
        The published book's address, ending in ``/``.
    exercise_numbers : dict
        Every exercise label of the book and its number in the HTML book.
    titles : dict
        Every page's docname (``chapters/performance``) and its title.
    """

    url: str
    exercise_numbers: dict
    titles: dict


@dataclasses.dataclass(frozen=True)
class _Directive:
    name: str
    argument: str
    options: dict
    body: str


def published_url(repository_url):
    """The GitHub Pages address of a GitHub repository: ``https://ORG.github.io/REPO/``."""
    match = re.fullmatch(r"https://github\.com/(?P<org>[^/]+)/(?P<repo>[^/]+?)(?:\.git)?/?",
                         repository_url.strip())
    if match is None:
        raise ColabMarkdownError(f"repository.url {repository_url!r} is not https://github.com/ORG/REPO")
    return f"https://{match['org'].lower()}.github.io/{match['repo']}/"


def _toc_docnames(entry):
    """Every page of a table of contents, in reading order (the order Sphinx numbers in)."""
    if isinstance(entry, list):
        return [name for item in entry for name in _toc_docnames(item)]
    if not isinstance(entry, dict):
        return []
    own = [re.sub(r"\.(md|ipynb)$", "", entry[key]) for key in ("root", "file")
           if isinstance(entry.get(key), str)]
    return own + [name for key in ("parts", "chapters", "sections")
                  for name in _toc_docnames(entry.get(key))]


def _markdown_of(path):
    """The Markdown texts of a page: a notebook's markdown cells, or a Markdown file."""
    if path.suffix == ".ipynb":
        notebook = nbformat.read(path, as_version=4)
        return [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    return [path.read_text(encoding="utf-8")]


def _title(texts):
    return next((line[2:].strip() for text in texts for line in text.splitlines()
                 if line.startswith("# ")), "")


def read_book(root=REPO_ROOT):
    """The ``Book`` of a repository: from ``_config.yml``, ``_toc.yml`` and the pages.

    Exercises are numbered through the pages of ``_toc.yml`` in order, then through any chapter
    notebook the table of contents leaves out (a draft, which the HTML book does not show).
    """
    root = pathlib.Path(root)
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    pages = _toc_docnames(yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8")))
    drafts = [f"chapters/{path.stem}" for path in sorted((root / "chapters").glob("*.ipynb"))
              if f"chapters/{path.stem}" not in pages]
    numbers, titles, count = {}, {}, 0
    for docname in pages + drafts:
        path = next((root / f"{docname}{suffix}" for suffix in (".ipynb", ".md")
                     if (root / f"{docname}{suffix}").is_file()), None)
        if path is None:
            continue
        texts = _markdown_of(path)
        if docname in pages:
            titles[docname] = _title(texts)
        for label in (label for text in texts for label in exercise_labels(text)):
            count += 1  # an exercise without a label has a number too
            if label:
                numbers[label] = count
    return Book(published_url(config["repository"]["url"]), numbers, titles)


def _split(text):
    """Yield the lines of ``text`` that lie outside MyST directives, and a ``_Directive`` for
    each."""
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        opening = _DIRECTIVE_OPENING.match(lines[index])
        index += 1
        if opening is None:
            yield lines[index - 1]
            continue
        fence, options, body = opening["fence"], {}, []
        while index < len(lines) and (option := _OPTION.match(lines[index])):
            options[option["key"]] = option["value"].strip()
            index += 1
        while index < len(lines):  # a directive never closed ends with its text, as in MyST
            line = lines[index]
            index += 1
            if line.strip() and set(line.strip()) == {fence[0]} and len(line.strip()) >= len(fence):
                break
            body.append(line)
        body = "\n".join(body).strip("\n")
        yield _Directive(opening["name"], opening["argument"].strip(), options, body)


def exercise_labels(text):
    """The labels of the exercises in a Markdown text, in order ("" for one without a label)."""
    return [piece.options.get("label", "") for piece in _split(text)
            if isinstance(piece, _Directive) and piece.name in _EXERCISE_OPENINGS]


def glue_values(notebook):
    """Every value glued in a notebook, as ``{key: repr of the value}`` (myst-nb's text/plain)."""
    values = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            record = output.get("metadata", {}).get("scrapbook")
            text = record and output.get("data", {}).get(
                record.get("mime_prefix", "") + _GLUE_RECORD
            )
            if text is not None:
                values[record["name"]] = text
    return values


class _Renderer:
    """Renders the markdown cells of one notebook; ``name`` is the notebook's docname."""

    def __init__(self, name, book, glue):
        self.name, self.book, self.glue = name, book, glue

    def error(self, message):
        return ColabMarkdownError(f"{self.name}: {message}")

    def markdown(self, text):
        """``text`` rendered: its directives, then its roles."""
        return _ROLE_OR_CODE.sub(self.role, self.blocks(text))

    def blocks(self, text):
        """``text`` with its directives (and those in their bodies) rendered, its roles not yet."""
        lines = []
        for piece in _split(text):
            if isinstance(piece, str):
                if not _TARGET_LINE.match(piece):
                    lines.append(piece)
                continue
            block = self.directive(piece)
            if lines and lines[-1].strip():
                lines.append("")  # a directive is a block of its own: blank lines around it
            if block:
                lines += block.splitlines() + [""]
        return "\n".join(lines)

    def exercise_number(self, label, what):
        if label not in self.book.exercise_numbers:
            raise self.error(f"{what} {label!r} is no exercise label of the book")
        return self.book.exercise_numbers[label]

    def directive(self, directive):
        unknown = set(directive.options) - {"label", "class"}
        if unknown or directive.body.startswith("---"):
            shown = ", ".join(sorted(unknown)) or "---"
            raise self.error(f"the options of {{{directive.name}}} ({shown}) "
                             "have no plain Markdown form")
        if directive.name in _ENDS:
            return ""
        if directive.name in _EXERCISE_OPENINGS:
            if not directive.options.get("label"):
                raise self.error(
                    f"an {{{directive.name}}} without :label: (give every exercise one)"
                )
            number = self.exercise_number(
                directive.options["label"], f"the {{{directive.name}}} label"
            )
            title = f" ({directive.argument})" if directive.argument else ""
            header = f"**Exercise {number}{title}**"
        elif directive.name in ("solution", "solution-start"):
            number = self.exercise_number(directive.argument, f"{{{directive.name}}}")
            header = f"**Solution to Exercise {number}**"
        else:
            raise self.error(f"the directive {{{directive.name}}} has no plain Markdown form: "
                             "render it in .ci/colab_markdown.py")
        body = self.blocks(directive.body).strip("\n")
        return f"{header}\n\n{body}" if body else header

    def role(self, match):
        if match["ticks"]:
            return match[0]  # inline code stays as it is
        name, content = match["name"], match["content"]
        if name == "glue:text" and "::" not in content:
            return self.glued_text(content)
        if name in ("ref", "doc"):
            explicit = _EXPLICIT_TARGET.match(content)
            text, target = (explicit["text"], explicit["target"]) if explicit else ("", content)
            if name == "ref":
                number = self.exercise_number(target.strip(), "{ref}")
                return text or f"Exercise {number}"
            return self.page_link(text, target.strip())
        raise self.error(f"the role {{{name}}}`{content}` has no plain Markdown form: "
                         "render it in .ci/colab_markdown.py")

    def glued_text(self, content):
        key, _, format_spec = content.rpartition(":") if ":" in content else (content, "", "s")
        if key not in self.glue:
            raise self.error(
                f"no glue output named {key!r} (run the chapter and store its outputs)"
            )
        try:
            value = ast.literal_eval(self.glue[key])
        except (SyntaxError, ValueError):
            raise self.error(f"the glued value of {key!r}, {self.glue[key]!r}, is not a Python "
                             "literal") from None
        convert = _FORMAT_AS.get(format_spec[-1:], lambda x: x) if format_spec else str
        try:
            return format(convert(value), format_spec)
        except (TypeError, ValueError) as error:
            raise self.error(f"glue {key!r}: cannot format {value!r} with {format_spec!r} "
                             f"({error})") from None

    def page_link(self, text, target):
        page = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(posixpath.dirname(self.name), target))
        if page not in self.book.titles:
            raise self.error(f"{{doc}}`{target}` is no page of the book")
        return f"[{text or self.book.titles[page] or page}]({self.book.url}{page}.html)"


def colab_notebook(notebook, name, book, glue=None):
    """A copy of a notebook with every markdown cell in plain Markdown (see the module docstring).

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        The notebook; it is not modified.
    name : str
        Its docname in the book (``chapters/01_what_are_loss_functions``): named in errors and
        the base of relative ``{doc}`` links.
    book : Book
        The book it belongs to (``read_book()``).
    glue : dict or None
        The glued values (``glue_values``), by default those stored in ``notebook`` itself.
        Pass the chapter's when ``notebook`` has lost the cells that glue them.

    Returns
    -------
    nbformat.NotebookNode
        The copy: markdown cells rendered, markdown cells left empty dropped, every other cell and
        all metadata unchanged.

    Raises
    ------
    ColabMarkdownError
        If a markdown cell holds MyST this module cannot render: an unknown glue key, directive,
        role, label or page.
    """
    renderer = _Renderer(name, book, glue_values(notebook) if glue is None else glue)
    rendered = copy.deepcopy(notebook)
    cells = []
    for cell in rendered.cells:
        if cell.cell_type == "markdown":
            source = renderer.markdown(cell.source)
            if source != cell.source:
                cell.source = source.strip("\n")
            if not cell.source.strip():
                continue
        cells.append(cell)
    rendered.cells = cells
    left = myst_left_in(rendered)
    if left:
        raise renderer.error("MyST that Colab cannot show is left:\n" + "\n".join(left))
    return rendered


def myst_left_in(notebook):
    """Every piece of MyST-only syntax in a notebook's markdown cells, as readable lines.

    Looks for ``{glue``, ``{exercise``, ``{solution``, directive fences (`````{``, ``:::{``), roles
    (``{name}`` followed by a backtick) and ``(label)=`` targets, outside inline code.

    Returns
    -------
    list of str
        ``cell N: <the line>`` for each line holding one; empty when Colab can show every cell.
    """
    return [f"cell {number}: {line.strip()}" for number, cell in enumerate(notebook.cells)
            if cell.cell_type == "markdown"
            for line in cell.source.splitlines()
            if _MYST_ONLY.search(re.sub(_INLINE_CODE, "``", line))]
