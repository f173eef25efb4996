"""The Colab edition (colab/) and the Markdown that Colab is given.

* Colab renders no MyST: no notebook of ``colab/`` or ``student/`` holds any (the committed
  folders are checked against a fresh regeneration in ``test_student_edition.py``).
* A Colab notebook is its chapter with only the markdown rewritten.
* Each rendering rule of ``tools/colab_markdown.py``, on small made-up notebooks.

That the numbers and exercise numbers agree with the HTML book, and that the book's Colab button
opens ``colab/``, is checked on the built book in ``test_book_build.py``.
"""

import nbformat
import pytest
import yaml

from tools import colab_markdown
from tools.common import REPO_ROOT, chapter_notebooks

COLAB = REPO_ROOT / "colab"
STUDENT = REPO_ROOT / "student"
BOOK = colab_markdown.Book(
    url="https://org.github.io/repo/",
    exercise_numbers={"first": 1, "second": 2, "elsewhere": 7},
    titles={"chapters/one": "Chapter one", "chapters/performance": "Build and performance",
            "intro": "The book"},
)


def _notebook(*cells):
    """A notebook of ("md", source) and ("code", source, {glue key: repr}) cells."""
    notebook = nbformat.v4.new_notebook()
    for number, (kind, source, *glued) in enumerate(cells):
        if kind == "md":
            cell = nbformat.v4.new_markdown_cell(source)
        else:
            prefix = "application/papermill.record/"
            outputs = [
                nbformat.v4.new_output(
                    "display_data",
                    data={prefix + "text/plain": value},
                    metadata={"scrapbook": {"name": key, "mime_prefix": prefix}},
                )
                for key, value in (glued[0] if glued else {}).items()
            ]
            cell = nbformat.v4.new_code_cell(source, execution_count=number, outputs=outputs)
        cell.id = f"cell{number}"
        notebook.cells.append(cell)
    return notebook


def _rendered(*cells, book=BOOK, glue=None):
    """The markdown sources of the Colab version of a made-up chapter ``chapters/one``."""
    notebook = colab_markdown.colab_notebook(_notebook(*cells), "chapters/one", book, glue)
    return [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]


# --------------------------------------------------------------------------------------------
# What Colab is given.


@pytest.mark.parametrize("path", sorted(COLAB.glob("*.ipynb")) + sorted(STUDENT.glob("*.ipynb")),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_colab_bound_notebook_holds_no_myst(path):
    left = colab_markdown.myst_left_in(nbformat.read(path, as_version=4))
    assert not left, "Colab would show this as raw text:\n" + "\n".join(left)


@pytest.mark.parametrize("source", [
    "{glue:text}`x:.2f`", "{glue}`x`", "```{exercise}", ":::{solution-start} a", "{ref}`a`",
    "{doc}`page`", "see {numref}`fig`", "(my-target)=", "```{note}",
], ids=str)
def test_myst_left_in_finds_myst_only_syntax(source):
    notebook = _notebook(("md", "Plain text."), ("md", f"Before.\n{source}\nAfter."))
    assert colab_markdown.myst_left_in(notebook) == [f"cell 1: {source}"]


@pytest.mark.parametrize("path", chapter_notebooks(), ids=lambda p: p.name)
def test_a_colab_notebook_is_its_chapter_with_only_the_markdown_rewritten(path):
    chapter = nbformat.read(path, as_version=4)
    colab = nbformat.read(COLAB / path.name, as_version=4)
    assert colab.metadata == chapter.metadata
    assert colab.cells[0] == chapter.cells[0], "the hidden Colab install cell must stay first"
    assert ([cell for cell in colab.cells if cell.cell_type != "markdown"]
            == [cell for cell in chapter.cells if cell.cell_type != "markdown"])
    by_id = {cell.id: cell for cell in chapter.cells}
    assert [cell.id for cell in colab.cells] == [cell.id for cell in chapter.cells if cell.id in
                                                 {c.id for c in colab.cells}]
    for cell in colab.cells:
        original = by_id[cell.id]
        if not colab_markdown.myst_left_in(_notebook(("md", original.source))):
            assert cell == original, "a markdown cell without MyST must reach Colab unchanged"
    dropped = [by_id[i].source for i in set(by_id) - {cell.id for cell in colab.cells}]
    assert all("{solution-end}" in source for source in dropped), dropped


# --------------------------------------------------------------------------------------------
# The rendering rules.


@pytest.mark.parametrize("role, value, shown", [
    ("{glue:text}`x:.4f`", "0.16666667", "0.1667"),
    ("{glue:text}`x:.1%`", "0.9608", "96.1%"),
    ("{glue:text}`x:.0f`", "177", "177"),
    ("{glue:text}`x:,d`", "12000.0", "12,000"),
    ("{glue:text}`x`", "177.25", "177.25"),
    ("{glue:text}`x`", "'a glued word'", "a glued word"),
], ids=["4 decimals", "percent", "int as float format", "float as int format", "no format",
        "a string"])
def test_a_glued_number_is_formatted_as_the_book_shows_it(role, value, shown):
    sources = _rendered(("code", "glue('x', value)", {"x": value}), ("md", f"It is {role}."))
    assert sources == [f"It is {shown}."]


def test_glued_numbers_can_come_from_the_chapter_rather_than_the_notebook():
    # The student edition has lost the solution cells that glue some numbers.
    assert _rendered(("md", "{glue:text}`x:.1f`"), glue={"x": "2.25"}) == ["2.2"]


@pytest.mark.parametrize("cells, problem", [
    ([("code", "glue('y', 1)", {"y": "1"}), ("md", "Lost: {glue:text}`missing_key:.2f`.")],
     "chapters/one: no glue output named 'missing_key'"),
    ([("code", "glue('x', array)", {"x": "array([1, 2])"}), ("md", "{glue:text}`x:.2f`")],
     r"chapters/one: glue 'x': cannot format array\(\[1, 2\]\)"),
    ([("code", "glue('x', 'word')", {"x": "'word'"}), ("md", "{glue:text}`x:.2f`")],
     "chapters/one: glue 'x': cannot format"),
    ([("md", "{glue}`x`")], r"chapters/one: the role \{glue\}`x`"),
    ([("md", "{glue:md}`x`")], r"chapters/one: the role \{glue:md\}`x`"),
    ([("md", "{glue:text}`other_notebook::x:.2f`")], r"the role \{glue:text\}`other_notebook::x"),
], ids=["missing key", "not a literal", "wrong format", "glue", "glue:md", "from another notebook"])
def test_a_glue_that_cannot_be_rendered_faithfully_is_an_error(cells, problem):
    with pytest.raises(colab_markdown.ColabMarkdownError, match=problem):
        _rendered(*cells)


EXERCISE = """\
## Exercises

```{exercise}
:label: first

Predict $\\operatorname{softmax}(z)$.
```
Text after the exercise."""


def test_exercises_are_numbered_as_in_the_book():
    book = colab_markdown.Book(BOOK.url, {}, BOOK.titles)
    chapter = _notebook(("md", EXERCISE), ("md", "````{exercise} A title\n:label: second\n````"))
    book.exercise_numbers.update({label: number for number, label in enumerate(
        [label for cell in chapter.cells for label in colab_markdown.exercise_labels(cell.source)],
        start=5)})
    rendered = colab_markdown.colab_notebook(chapter, "chapters/one", book)
    sources = [cell.source for cell in rendered.cells]
    assert sources == [("## Exercises\n\n**Exercise 5**\n\n"
                        "Predict $\\operatorname{softmax}(z)$.\n\n"
                        "Text after the exercise."), "**Exercise 6 (A title)**"]


def test_exercise_labels_lists_the_exercises_in_order():
    assert colab_markdown.exercise_labels(EXERCISE + "\n```{exercise}\n```\n" + EXERCISE.replace(
        "first", "third")) == ["first", "", "third"]


def test_the_book_numbers_its_exercises_through_the_table_of_contents():
    book = colab_markdown.read_book()
    labels = [label for path in chapter_notebooks()
              for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "markdown"
              for label in colab_markdown.exercise_labels(cell.source)]
    assert labels, "no exercise in the chapters"
    assert book.exercise_numbers == {label: number for number, label in enumerate(labels, 1)}


@pytest.mark.parametrize("source, problem", [
    ("```{exercise}\nNo label.\n```", "label '' is no exercise label"),
    ("```{exercise}\n:label: unknown\n```", "'unknown' is no exercise label"),
    ("```{exercise}\n:label: first\n:nonumber:\n```", r"options of \{exercise\} \(nonumber\)"),
    ("```{solution-start} unknown\n```", "'unknown' is no exercise label"),
    ("```{solution} first\nA solution that is not gated.\n```",
     r"the directive \{solution\} has no plain Markdown form"),
    ("```{note}\nA note.\n```", r"the directive \{note\} has no plain Markdown form"),
    (":::{exercise}\n:label: first\n:::", "MyST that Colab cannot show is left"),
], ids=["no label", "unknown label", "unknown option", "unknown solution label",
        "non-gated solution", "another directive", "colon fence"])
def test_a_directive_that_cannot_be_rendered_faithfully_is_an_error(source, problem):
    with pytest.raises(colab_markdown.ColabMarkdownError, match=problem):
        _rendered(("md", source))


def test_a_gated_solution_gets_a_heading_and_loses_its_end_marker():
    sources = _rendered(
        ("md", "```{solution-start} second\n:class: dropdown\n```\nThe prose of the solution."),
        ("code", "print('the solution code')"),
        ("md", "```{solution-end}\n```"),
        ("md", "```{solution-start} first\n:class: dropdown\n```"),
        ("md", "The last words.\n```{solution-end}\n```"),
    )
    assert sources == ["**Solution to Exercise 2**\n\nThe prose of the solution.",
                       "**Solution to Exercise 1**", "The last words."]


def test_a_reference_to_an_exercise_becomes_its_number():
    sources = _rendered(("md", "As {ref}`second` shows, and {ref}`elsewhere` too."))
    assert sources == ["As Exercise 2 shows, and Exercise 7 too."]


@pytest.mark.parametrize("source, target", [
    ("(a-section)=\n## A section\n\nSee {ref}`a-section`.", "a-section"),
    ("See {ref}`that one <second>`.", "that one <second>"),
], ids=["a section", "an explicit title"])
def test_a_reference_to_anything_but_an_exercise_label_is_an_error(source, target):
    with pytest.raises(colab_markdown.ColabMarkdownError) as error:
        _rendered(("md", source))
    assert f"chapters/one: {{ref}} '{target}' is no exercise label" in str(error.value)


def test_a_reference_to_a_labelled_heading_becomes_a_link_to_it_in_the_published_book():
    book = BOOK._replace(sections={"a-section": ("chapters/one", "A section")})
    sources = _rendered(("md", "(a-section)=\n## A section\n\nSee {ref}`a-section`."),
                        book=book)
    assert sources == ["## A section\n\nSee [A section]"
                       "(https://org.github.io/repo/chapters/one.html#a-section)."]


def test_read_book_finds_the_labelled_headings_of_the_chapters():
    sections = colab_markdown.read_book().sections
    assert sections["ch6-recipe"] == ("chapters/06_designing_a_loss_from_a_likelihood",
                                      "The recipe")


def test_a_target_disappears_as_in_the_book():
    assert _rendered(("md", "(a-section)=\n## A section")) == ["## A section"]


def test_a_page_reference_becomes_a_link_to_the_published_page():
    source = "The page {doc}`performance` times it; see {doc}`/intro` and {doc}`../intro`."
    site = "https://org.github.io/repo/"
    expected = (f"The page [Build and performance]({site}chapters/performance.html) times it; see "
                f"[The book]({site}intro.html) and [The book]({site}intro.html).")
    assert _rendered(("md", source)) == [expected]


def test_a_reference_to_a_page_outside_the_book_is_an_error():
    with pytest.raises(colab_markdown.ColabMarkdownError, match=r"\{doc\}`missing` is no page"):
        _rendered(("md", "See {doc}`missing`."))


def test_the_published_book_is_github_pages_of_the_repository_in_config():
    config = yaml.safe_load((REPO_ROOT / "_config.yml").read_text(encoding="utf-8"))
    org, repo = config["repository"]["url"].removeprefix("https://github.com/").strip("/").split("/")
    assert colab_markdown.read_book().url == f"https://{org.lower()}.github.io/{repo}/"
    assert colab_markdown.published_url("https://github.com/A-Fork/book.git") == (
        "https://a-fork.github.io/book/")
    with pytest.raises(colab_markdown.ColabMarkdownError, match="is not https://github.com"):
        colab_markdown.published_url("https://gitlab.com/org/repo")


def test_latex_links_and_code_are_left_alone():
    source = ("Softmax $\\operatorname{softmax}(z)_k = e^{z_k} / \\sum_j e^{z_j}$, a\n"
              "[link](https://example.org/{x}) and `code {x}`, ``{glue:text}`shown` `` as code.\n\n"
              "$$\n\\frac{a}{b}\n$$\n\n```python\nprint({1: 2})\n```")
    assert _rendered(("md", source)) == [source]
