"""The escaping every report shares (checks/reporters/inert.py), over generated text of every kind.

Each property is checked on text drawn from all of Unicode, weighted towards the characters that
matter (controls, bidi, Markdown and SARIF syntax), with a bounded number of examples.
"""

from __future__ import annotations

import html
import unicodedata
from html.parser import HTMLParser

from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from test_hostile_reports import HOSTILE, sarif_unescape

from checks.reporters.inert import html_code, markdown_code, sarif_text, visible

SYNTAX = "\x00\x07\x08\t\n\r\x1b\x7f\x85\x9b\u200b\u200f\u202e\u2028\u2029\u2066\ufeff\ud800\udce9`*_~[]()!<>&|#\\%:,@ "
TEXT = st.text(st.sampled_from(SYNTAX) | st.characters(), max_size=60)
EXAMPLES = settings(max_examples=300, deadline=None)
RENDER = MarkdownIt("gfm-like")


class _Inline(HTMLParser):
    """Start tags, all text, and the text of each <code> and <td> element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text = ""
        self.code: list[str] = []
        self.cells: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._open.append(tag)
        if tag == "code":
            self.code.append("")
        elif tag == "td":
            self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        self._open.pop()

    def handle_data(self, data: str) -> None:
        self.text += data
        if "code" in self._open:
            self.code[-1] += data
        if "td" in self._open:
            self.cells[-1] += data


def _parse(rendered: str) -> _Inline:
    page = _Inline()
    page.feed(rendered)
    return page


@EXAMPLES
@given(TEXT)
@example("\x1b[2J\r\nforged:1:1: X [must] ok\u202e")
def test_visible_leaves_nothing_that_acts_and_changes_nothing_else(text: str) -> None:
    shown = visible(text)
    assert all(unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Zl", "Zp") for c in shown)
    # Printable text is untouched, so ordinary names and paths read as they are written.
    if text.isprintable():
        assert shown == text


@EXAMPLES
@given(TEXT)
@example("``` `")
@example(" ")
def test_a_code_span_shows_exactly_the_visible_text(text: str) -> None:
    page = _parse(RENDER.renderInline(markdown_code(text)))
    assert page.tags == ["code"]
    assert page.code == [_as_code(visible(text))]


def _as_code(shown: str) -> str:
    # CommonMark keeps a code span of spaces only as it is, padding included: the one inexact case.
    return f" {shown} " if shown.strip(" ") == "" and shown[:1] == " " else shown or " "


@EXAMPLES
@given(TEXT)
@example("a\\|b | c")
def test_a_code_span_stays_in_its_table_cell(text: str) -> None:
    table = f"| a | b |\n|---|---|\n| {markdown_code(text, in_table=True)} | end |\n"
    page = _parse(RENDER.render(table))
    assert page.tags == ["table", "thead", "tr", "th", "th", "tbody", "tr", "td", "code", "td"]
    assert page.code == [_as_code(visible(text))] and page.cells[1] == "end"


@EXAMPLES
@given(TEXT)
def test_html_code_is_one_code_element_with_the_visible_text(text: str) -> None:
    page = _parse(f"<summary>{html_code(text)}</summary>")
    assert page.tags == ["summary", "code"] and page.text == visible(text)
    assert html.unescape(html_code(text)[6:-7]) == visible(text)


@EXAMPLES
@given(TEXT)
def test_sarif_text_has_no_embedded_link_and_unescapes_to_the_original(text: str) -> None:
    assert sarif_unescape(sarif_text(text)) == text


def test_every_hostile_value_is_covered_by_the_properties() -> None:
    # The hand-picked values of the reporter tests hold the same properties.
    for value in HOSTILE.values():
        assert _parse(RENDER.renderInline(markdown_code(value))).tags == ["code"]
        assert sarif_unescape(sarif_text(value)) == value
