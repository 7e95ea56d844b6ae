"""Manifest text made inert for the reader it is shown to.

Everything a report shows from the repository (a path, a service name, a value quoted in a detail,
a waiver reason, even a standard's title, since a pull request can change standards too) is
untrusted. Reports for people (text, GitHub annotations, Markdown) pass it through `visible` first,
so no byte of it can move a terminal's cursor, clear its screen, open a hyperlink, reorder the line
(bidi overrides) or start a new line that looks like a finding of its own. The Markdown and SARIF
helpers below add what their formats need on top. Data formats (JSON, JUnit, SARIF) keep the text
exact and leave the escaping to their serializers.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

# Other (control, format, surrogate) and the two Unicode line separators. Cc covers C0, DEL and C1
# (ESC starts ANSI/CSI/OSC sequences, 0x9B is a one-byte CSI); Cf holds the bidi overrides and
# isolates (U+202A-202E, U+2066-2069) and zero-width characters that hide text; Cs (lone
# surrogates, which a YAML "\ud800" escape produces) cannot even be encoded for output.
_ACTIVE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


@lru_cache(maxsize=4096)
def _is_active(char: str) -> bool:
    return unicodedata.category(char) in _ACTIVE_CATEGORIES


def escaped(char: str) -> str:
    """One character as its Python-style escape: `\\n`, `\\x1b`, `\\u202e`, `\\U0001f600`."""
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def visible(text: str) -> str:
    """`text` with every control, format or line-separator character shown as a Python-style escape.

    A newline becomes the two characters `\\n`, ESC becomes `\\x1b`, U+202E becomes `\\u202e`.
    Backslashes are left as they are: the result is for reading, and a value that spells `\\x1b`
    itself is harmless.
    """
    if text.isprintable():  # the common case: no work, no copy
        return text
    return "".join(escaped(c) if _is_active(c) else c for c in text)


# --------------------------------------------------------------------------- Markdown

_BACKTICK_RUN = re.compile(r"`+")


def markdown_code(text: str, *, in_table: bool = False) -> str:
    """`text` as a CommonMark inline code span: shown literally, never as markup.

    Chosen over backslash-escaping every punctuation character because a code span is inert on
    GitHub in every way that matters for a pull-request comment: CommonMark parses nothing inside
    it (no emphasis, links, images, HTML, entities, headings), GFM's autolink extension does not
    look inside it, and GitHub's own post-processing (@-mentions that notify people, #123 issue
    references, :emoji:) skips code elements, which backslash escapes cannot prevent. The fence is
    one backtick longer than the longest run inside (CommonMark: the span ends at the first run of
    equal length), padded with a space when the text starts or ends with a backtick or a space
    (CommonMark strips exactly one such space from each side). Line breaks cannot be escaped in a
    code span and would end a table row or an HTML block, so `visible` removes them first.

    In a GFM table row, cells are split on `|` before inlines are parsed, even inside code spans;
    GFM's `\\|` keeps a pipe in its cell and the renderer drops the backslash, inside code too.
    """
    shown = visible(text)
    if in_table:
        shown = shown.replace("|", "\\|")
    if not shown:
        return "` `"
    longest = max((len(run) for run in _BACKTICK_RUN.findall(shown)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if shown[0] in "` " or shown[-1] in "` " else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def html_code(text: str) -> str:
    """`text` for raw HTML in Markdown (a `<summary>` line): escaped, inside `<code>`.

    Markdown is not parsed inside an HTML block, so HTML escaping is all that applies there; the
    `<code>` element keeps GitHub's mention and reference linking away, as for `markdown_code`.
    """
    return f"<code>{html.escape(visible(text), quote=True)}</code>"


# --------------------------------------------------------------------------- SARIF

_SARIF_SPECIAL = re.compile(r"[\\\[\]]")


def sarif_text(text: str) -> str:
    """Plain text for a SARIF message: `[`, `]` and `\\` escaped with a backslash.

    SARIF 2.1.0 (3.11.6) gives plain-text messages one piece of syntax, the embedded link
    `[text](target)`, which viewers render as a hyperlink; escaped brackets are shown literally.
    Viewers unescape `\\\\`, `\\[` and `\\]`, so the reader sees the original text exactly.
    """
    return _SARIF_SPECIAL.sub(lambda m: "\\" + m.group(0), text)
