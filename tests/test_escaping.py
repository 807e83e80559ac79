"""The output-encoding helpers of planner.views.escape, one per context, on generated hostile text.

Each property decodes the output the way its context does (an HTML parser, a JSON/JavaScript string reader,
plotly's entity rules, a Markdown renderer) and checks that the reader gets back exactly the text, as
``visible_text`` shows it, and nothing else: no tag, no attribute, no end of the script.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser

import jinja2
import mistune
from hypothesis import example, given, settings
from hypothesis import strategies as st

from planner.views.escape import (
    html_attr,
    html_text,
    js_string,
    looks_like_formula,
    markdown_text,
    plotly_text,
    visible_text,
)

# Pieces a careful tester types into a spreadsheet cell.
HOSTILE_PIECES = [
    "<script>alert(1)</script>", "</script>", "<img src=x onerror=alert(1)>", "<b>", "</b>", "<br>", "<!--",
    "-->", "]]>", '"', "'", "`", "${alert(1)}", "%{y}", "{{7*7}}", "{% if 1 %}", "{#", "{0}", "\\", "\\n",
    "\\N", ";", ",", "&", "&amp;",
    "&lt;", "&#60;", "\n", "\r\n", "\r", "\t", "\x00", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\u2029",
    "\ufeff", "\ufffe", "=", "=HYPERLINK(\"http://evil\",\"x\")", "+", "-", "@", "*", "_", "#", "[x](y)",
    "|", "~", " ", "    ", "é", "日本", "😀",
]
# Any character but lone surrogates (text read from UTF-8 files never holds one), mixed with those pieces.
hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=4)), max_size=8).map("".join)

XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


class _Reader(HTMLParser):
    """What a browser's parser makes of an HTML fragment: tags, attributes and text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs

    def handle_endtag(self, tag):
        self.tags.append("/" + tag)

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.comments.append(data)


def read_html(fragment: str) -> _Reader:
    reader = _Reader()
    reader.feed(fragment)
    reader.close()
    return reader


@settings(max_examples=300, deadline=None)  # no timing: the machine may be busy
@given(hostile_text)
@example("a\r\nb\rc\x00\x1f\x7f\t\n")
def test_visible_text_keeps_line_breaks_and_tabs_and_shows_every_other_control_character(text):
    shown = visible_text(text)
    assert XML_INVALID.search(shown) is None
    assert visible_text(shown) == shown  # applying it twice changes nothing
    assert shown.count("\n") == text.count("\n") + text.count("\r") - text.count("\r\n")
    assert shown.count("\t") == text.count("\t")
    if XML_INVALID.search(text) is None:
        assert shown == text  # ordinary text is left alone


def test_visible_text_examples():
    assert visible_text("a\r\nb\rc") == "a\nb\nc"
    assert visible_text("bell\x07 nul\x00 esc\x1b del\x7f") == "bell\u2407 nul\u2400 esc\u241b del\u2421"
    assert visible_text("\ufffe\uffff") == "\ufffd\ufffd"
    assert visible_text(42) == "42"


@settings(max_examples=300, deadline=None)  # no timing: the machine may be busy
@given(hostile_text)
def test_html_text_is_read_back_as_exactly_the_text(text):
    assert not {"{", "}"} & set(html_text(text))  # maps are Jinja-rendered again (planner.views.escape)
    reader = read_html(f"<td>{html_text(text)}</td>")
    assert reader.tags == ["td", "/td"] and reader.comments == []
    assert "".join(reader.text) == visible_text(text)


@settings(max_examples=300, deadline=None)  # no timing: the machine may be busy
@given(hostile_text)
def test_html_attr_is_read_back_as_exactly_the_value(text):
    for quote in ('"', "'"):
        reader = read_html(f"<a title={quote}{html_attr(text)}{quote} href=#>x</a>")
        assert reader.tags == ["a", "/a"]
        assert reader.attrs == [("title", visible_text(text)), ("href", "#")]


@settings(max_examples=300, deadline=None)  # no timing: the machine may be busy
@given(hostile_text)
def test_js_string_is_one_string_literal_that_cannot_end_the_script(text):
    literal = js_string(text)
    assert json.loads(literal) == visible_text(text)
    assert literal.startswith('"') and literal.endswith('"')
    # nothing an HTML parser sees inside a <script> (end tag, comment), no quote that ends a JS string
    # delimited otherwise, no line terminator: only printable ASCII
    assert re.fullmatch(r'"[\x20-\x7e]*"', literal)
    assert not {"<", ">", "&", "'", "{", "}"} & set(literal)
    assert jinja2.Template(f"x = {literal};").render() == f"x = {literal};"  # what branca does to a script
    reader = read_html(f"<script>var x = {literal};</script><p>after</p>")
    assert reader.tags == ["script", "/script", "p", "/p"]


def _plotly_decodes(text: str) -> str:
    """What plotly.js shows for a label: <br> is a line break, the entities it knows are decoded
    (svg_text_utils: &amp; &lt; &gt; and numeric references, among a few others)."""
    return html.unescape(text.replace("<br>", "\n"))


@settings(max_examples=300, deadline=None)  # no timing: the machine may be busy
@given(hostile_text)
def test_plotly_text_has_no_tag_but_line_breaks_and_decodes_to_the_text(text):
    label = plotly_text(text)
    assert "<" not in label.replace("<br>", "")
    assert ">" not in label.replace("<br>", "")
    assert _plotly_decodes(label) == visible_text(text)


def _rendered_text(markdown: str) -> tuple[list[str], str]:
    reader = read_html(mistune.html(markdown))
    return [t for t in reader.tags if t not in ("p", "/p", "br", "/br")], "".join(reader.text)


@settings(max_examples=300, deadline=None)  # no timing: the machine may be busy
@given(hostile_text)
@example("# title\n---\n1. item\n    code\n> quote\n<b>x</b> *a* _b_ `c` [l](http://x) ![i](x)\n")
def test_markdown_text_renders_as_the_text_and_nothing_else(text):
    tags, shown = _rendered_text(markdown_text(text))
    assert tags == []  # no heading, list, code, link, image, emphasis or raw HTML
    expected = visible_text(text).replace("\u00a0", " ")
    # a Markdown renderer drops blanks at the start and end of a paragraph and before a line break
    assert re.sub(r"\s+", " ", shown).strip() == re.sub(r"\s+", " ", expected).strip()


def test_formula_like_text_is_recognised_as_owasp_lists_it():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")'):
        assert looks_like_formula(text)
    for value in ("1+1", " =1", "Review visit", "", -1, 3.5, None):
        assert not looks_like_formula(value)
