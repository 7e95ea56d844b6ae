"""What every site generator module shares: the context it reads, the pages it returns,
and the escaping helpers every manifest value goes through.

The generator modules live in this package (registry/playbook); the MkDocs hook
(site/hooks/generate.py, re-exporting registry/playbook/hooks.py) calls each one's `pages`.

Escaping rule: manifests are written by many people, so any value taken from one (names,
descriptions, supplier names, waiver reasons, evidence notes, URLs) is text, never markup.
`esc` makes it text; `link` only makes a link of an http(s) URL. Standards and patterns are
maintainers' content reviewed in pull requests, so their guidance may be rendered as Markdown.
"""

from __future__ import annotations

import html
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit


@dataclass(frozen=True)
class SiteContext:
    conn: sqlite3.Connection  # the index, read-only, row_factory = sqlite3.Row
    root: Path  # repository root
    as_of: str  # the index's as-of date (meta table)
    commit: str | None  # the index's commit (meta table)
    sample_councils: frozenset[str]
    site_url: str | None = None  # where the site is published (mkdocs.yml site_url), ending in /
    repo_url: str | None = None  # the registry's repository (mkdocs.yml extra.repo_url), for GitHub's "new file" page
    repo_branch: str = "main"  # the branch pull requests go to (mkdocs.yml extra.repo_branch)


WIDE = ("navigation", "toc")  # Page.hide for a page that is mostly tables


@dataclass
class Page:
    path: str  # docs-relative, e.g. "councils/kent.md"
    markdown: str  # small Markdown: title, intro, short tables
    # placeholder -> raw HTML, put into the final HTML after Markdown and search have run:
    # bulky tables skip Markdown parsing and the search index (400 councils x 250 services).
    html_blocks: dict[str, str] = field(default_factory=dict)
    title: str | None = None
    # Listed in the site's navigation beside its section's index page (standards, patterns,
    # schema pages); council pages are not, so every page does not carry 400 nav links.
    in_nav: bool = False
    # Material's per-page search boost: the pages people land on from everyday words (a service
    # type's page) rank above pages that merely mention one of the words (a council's badge).
    search_boost: float | None = None
    # Material's front matter `hide`: pages of wide tables give the side columns' width to their
    # content ("navigation", "toc"), so a table's key columns fit at 1,366 px.
    hide: tuple[str, ...] = ()


@dataclass
class Asset:
    path: str  # e.g. "badges/kent.svg"
    content: bytes


@dataclass
class Insert:
    """Generated Markdown for a hand-written page (site/docs/<path>), put where the page writes
    `placeholder(name)`: the prose stays in site/docs, the numbers come from the index."""

    path: str  # docs-relative, e.g. "index.md"
    name: str
    markdown: str


def esc(value: object) -> str:
    """`value` as HTML text (quotes too, so it is safe in attributes); None is empty."""
    if value is None:
        return ""
    return html.escape(str(value), quote=True)


_SAFE_SCHEMES = frozenset({"http", "https"})


def safe_url(value: str | None) -> str | None:
    """The URL when it is http(s) with a host, else None (javascript:, data:, relative ...)."""
    if not value:
        return None
    text = str(value).strip()
    # Browsers drop tabs and newlines inside URLs, so "java\tscript:" must not slip through.
    if any(ch in text for ch in "\t\r\n") or any(ord(ch) < 0x20 for ch in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in _SAFE_SCHEMES or not parts.netloc:
        return None
    return text


def link(url: str | None, text: object) -> str:
    """An <a> for an http(s) URL (both escaped); anything else is just the escaped text."""
    target = safe_url(url)
    label = esc(text if text not in (None, "") else url)
    if target is None:
        return label
    return f'<a href="{esc(target)}">{label}</a>'


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()|])")


def md_cell(value: object) -> str:
    """`value` escaped for a Markdown table cell: HTML-escaped, Markdown syntax and | made
    literal, newlines folded, so a manifest value can neither break the table nor add markup."""
    text = esc(value)
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    # After esc there is no < or > left; & and # are left alone so the entities esc made
    # (&#x27;) stay whole, and neither means anything inside a cell.
    return _MD_SPECIAL.sub(r"\\\1", text)


_PLACEHOLDER_NAME = re.compile(r"^[A-Za-z0-9_.:/-]+$")


def placeholder(name: str) -> str:
    """A token for `Page.html_blocks` that Markdown passes through untouched (an HTML
    comment); put it on a line of its own, with blank lines around it."""
    if not _PLACEHOLDER_NAME.match(name) or "--" in name:
        raise ValueError(f"placeholder name {name!r}: use letters, digits and _ . : / - (no '--')")
    return f"<!--sitegen:{name}-->"


SAMPLE_NOTICE = (
    '!!! warning "Sample data"\n'
    "    The councils' names and codes on this page are real, but their services, "
    "statuses and compliance results are invented sample data, shipped to show how the "
    "registry works. They say nothing about how any real council's services perform.\n"
)
