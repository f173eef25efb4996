"""Turn a chapter's MyST Markdown into plain Markdown that Google Colab can show.

Colab renders CommonMark with LaTeX, not MyST. ``colab_notebook`` rewrites the markdown cells:
``{glue:text}`key:fmt``` becomes the value glued under ``key`` in the chapter's stored outputs,
formatted as myst-nb does; an ``{exercise}`` (``:label: X``) becomes ``**Exercise N**`` and its
body, numbered through the book in ``_toc.yml`` order as sphinx-exercise does; ``{solution-start}
X`` becomes ``**Solution to Exercise N**`` and ``{solution-end}`` disappears (with a cell left
empty); ``{ref}`X``` becomes ``Exercise N`` and ``{doc}`page``` a link to the published page
(GitHub Pages of ``repository.url``); ``(label)=`` targets are removed. Directives are fenced
with backticks and take no option but ``:label:`` and ``:class:``. LaTeX, links and code are left
alone. Anything else MyST-only raises ``ColabMarkdownError`` naming the notebook.
"""

import ast
import collections
import copy
import posixpath
import re

import nbformat
import yaml

from tools.common import REPO_ROOT

_DIRECTIVE_OPENING = re.compile(r"^\s{0,3}(?P<fence>`{3,})\{(?P<name>[\w-]+)\}\s*(?P<arg>.*)$")
_OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*?)\s*$")
# A role, or an inline code span (which MyST reads first: a role inside it is code).
_INLINE_CODE = r"(?<!`)(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`)"
_ROLE_OR_CODE = re.compile(r"\{(?P<name>[\w:-]+)\}`(?P<content>[^`]*)`|" + _INLINE_CODE, re.DOTALL)
_TARGET_LINE = re.compile(r"^\s{0,3}\([^()\s]+\)=\s*$")
_SECTION_TARGET = re.compile(r"^\s{0,3}\(([^()\s]+)\)=\s*\n#+\s+(.+)$", re.MULTILINE)
_MYST_ONLY = re.compile(r"\{glue|\{exercise|\{solution|```\{|:::\{|\{[\w:.-]+\}`|"
                        + _TARGET_LINE.pattern, re.MULTILINE)
_FORMAT_AS = {**dict.fromkeys("bcdoxX", int), **dict.fromkeys("eEfFgGn%", float), "s": str}

# url: the published book, ending in "/"; exercise_numbers: {label: number in the HTML book};
# titles: {docname ("chapters/performance"): the page's title}.
# sections: {label of a "(label)=" target before a heading: (docname, the heading's text)}.
Book = collections.namedtuple("Book", "url exercise_numbers titles sections",
                              defaults=[{}])
_Directive = collections.namedtuple("_Directive", "name argument options body")


class ColabMarkdownError(ValueError):
    """A notebook holds MyST that cannot be turned into plain Markdown faithfully."""


def published_url(url):
    """The GitHub Pages address of a GitHub repository: ``https://ORG.github.io/REPO/``."""
    match = re.fullmatch(r"https://github\.com/(?P<org>[^/]+)/(?P<repo>[^/]+?)(?:\.git)?/?",
                         url.strip())
    if match is None:
        raise ColabMarkdownError(f"repository.url is not https://github.com/ORG/REPO: {url}")
    return f"https://{match['org'].lower()}.github.io/{match['repo']}/"


def read_book(root=REPO_ROOT):
    """The ``Book`` of a repository, from ``_config.yml``, ``_toc.yml`` and its pages."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    toc = (root / "_toc.yml").read_text(encoding="utf-8")
    numbers, titles, sections, count = {}, {}, {}, 0
    for entry in re.findall(r"^[\s-]*(?:root|file):\s*(\S+)", toc, re.MULTILINE):
        docname = re.sub(r"\.(md|ipynb)$", "", entry)
        path = root / f"{docname}.ipynb"
        texts = ([cell.source for cell in nbformat.read(path, as_version=4).cells
                  if cell.cell_type == "markdown"] if path.is_file()
                 else [path.with_suffix(".md").read_text(encoding="utf-8")])
        titles[docname] = next((line[2:].strip() for text in texts for line in text.splitlines()
                                if line.startswith("# ")), "")
        for text in texts:
            for label, heading in _SECTION_TARGET.findall(text):
                sections[label] = (docname, heading.strip())
        for label in (label for text in texts for label in exercise_labels(text)):
            count += 1  # an exercise without a label has a number too
            numbers[label] = count
    numbers.pop("", None)
    return Book(published_url(config["repository"]["url"]), numbers, titles, sections)


def _split(text):
    """Yield the lines of ``text`` outside directives, and a ``_Directive`` for each directive."""
    lines = iter(text.splitlines())
    for line in lines:
        opening = _DIRECTIVE_OPENING.match(line)
        if opening is None:
            yield line
            continue
        options, body = {}, []
        for line in lines:  # a directive never closed ends with its text, as in MyST
            if line.strip().startswith(opening["fence"]) and set(line.strip()) == {"`"}:
                break
            if option := (None if body else _OPTION.match(line)):
                options[option["key"]] = option["value"]
            else:
                body.append(line)
        yield _Directive(opening["name"], opening["arg"].strip(), options,
                         "\n".join(body).strip("\n"))


def exercise_labels(text):
    """The labels of the exercises in a Markdown text, in order ("" for one without a label)."""
    return [piece.options.get("label", "") for piece in _split(text)
            if isinstance(piece, _Directive) and piece.name == "exercise"]


def glue_values(notebook):
    """Every value glued in a notebook, as ``{key: repr of the value}`` (myst-nb's text/plain)."""
    glued = [(output.metadata.scrapbook, output.get("data", {})) for cell in notebook.cells
             for output in cell.get("outputs", []) if "scrapbook" in output.get("metadata", {})]
    return {record["name"]: data[key] for record, data in glued
            if (key := record.get("mime_prefix", "") + "text/plain") in data}


class _Renderer:
    """Renders the markdown of one notebook; ``name`` is its docname, named in errors."""

    def __init__(self, name, book, glue):
        self.name, self.book, self.glue = name, book, glue

    def error(self, message):
        return ColabMarkdownError(f"{self.name}: {message}")

    def markdown(self, text):
        """``text`` rendered: its directives (as blocks between blank lines), then its roles."""
        lines = []
        for piece in _split(text):
            if isinstance(piece, _Directive):
                block = self.directive(piece)
                if lines and lines[-1].strip():
                    lines.append("")
                lines += block.splitlines() + [""] if block else []
            elif not _TARGET_LINE.match(piece):
                lines.append(piece)
        return _ROLE_OR_CODE.sub(self.role, "\n".join(lines))

    def exercise_number(self, label, what):
        if label not in self.book.exercise_numbers:
            raise self.error(f"{what} {label!r} is no exercise label of the book")
        return self.book.exercise_numbers[label]

    def directive(self, directive):
        unknown = set(directive.options) - {"label", "class"}
        if unknown or directive.body.startswith("---"):
            raise self.error(f"the options of {{{directive.name}}} "
                             f"({', '.join(sorted(unknown)) or '---'}) have no plain Markdown form")
        if directive.name == "solution-end":
            return ""
        if directive.name == "exercise":
            number = self.exercise_number(directive.options.get("label", ""), "{exercise} label")
            title = f" ({directive.argument})" if directive.argument else ""
            header = f"**Exercise {number}{title}**"
        elif directive.name == "solution-start":
            number = self.exercise_number(directive.argument, "{solution-start}")
            header = f"**Solution to Exercise {number}**"
        else:
            raise self.error(f"the directive {{{directive.name}}} has no plain Markdown form")
        return f"{header}\n\n{directive.body}" if directive.body else header

    def role(self, match):
        name, content = match["name"], match["content"]
        if match["ticks"]:
            return match[0]  # inline code stays as it is
        if name == "glue:text" and "::" not in content:
            key, _, spec = content.rpartition(":") if ":" in content else (content, "", "")
            if key not in self.glue:
                raise self.error(f"no glue output named {key!r} (run the chapter to store it)")
            try:  # as myst-nb does: a Python literal, made int or float by the format's type
                value = ast.literal_eval(self.glue[key])
                return format(_FORMAT_AS.get(spec[-1:], lambda same: same)(value), spec)
            except (SyntaxError, TypeError, ValueError) as error:
                raise self.error(f"glue {key!r}: cannot format {self.glue[key]} with {spec!r} "
                                 f"({error})") from None
        if name == "ref":
            label = content.strip()
            if label in self.book.sections and label not in self.book.exercise_numbers:
                page, heading = self.book.sections[label]
                return f"[{heading}]({self.book.url}{page}.html#{label})"
            return f"Exercise {self.exercise_number(label, '{ref}')}"
        if name == "doc":
            page = posixpath.normpath(posixpath.join(posixpath.dirname(self.name),
                                                     content.strip())).lstrip("/")
            if page not in self.book.titles:
                raise self.error(f"{{doc}}`{content}` is no page of the book")
            return f"[{self.book.titles[page] or page}]({self.book.url}{page}.html)"
        raise self.error(f"the role {{{name}}}`{content}` has no plain Markdown form")


def colab_notebook(notebook, name, book, glue=None):
    """A copy of ``notebook`` (docname ``name``, in ``book``) with its markdown cells rendered and
    those left empty dropped; ``glue`` defaults to the values stored in the notebook itself."""
    renderer = _Renderer(name, book, glue_values(notebook) if glue is None else glue)
    rendered = copy.deepcopy(notebook)
    for cell in rendered.cells:
        source = renderer.markdown(cell.source) if cell.cell_type == "markdown" else cell.source
        cell.source = cell.source if source == cell.source else source.strip("\n")
    rendered.cells = [cell for cell in rendered.cells
                      if cell.source.strip() or cell.cell_type != "markdown"]
    left = myst_left_in(rendered)
    if left:
        raise renderer.error("MyST that Colab cannot show is left:\n" + "\n".join(left))
    return rendered


def myst_left_in(notebook):
    """``cell N: <line>`` for each markdown line of ``notebook`` with MyST-only syntax in it."""
    return [f"cell {number}: {line.strip()}" for number, cell in enumerate(notebook.cells)
            if cell.cell_type == "markdown"
            for line in cell.source.splitlines()
            if _MYST_ONLY.search(re.sub(_INLINE_CODE, "``", line))]
