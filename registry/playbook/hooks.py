"""The MkDocs hook (site/hooks/generate.py re-exports it): the site's generated pages, from the index.

The index (`standards index build`, schema in registry/index/schema.sql) is read from
STANDARDS_INDEX, by default <repository>/build/index.sqlite. When that default is missing
or stale it is built first, so a plain `mkdocs build -f site/mkdocs.yml --strict` works on a
fresh clone; an index named in STANDARDS_INDEX is used as it is if it is healthy (the
benchmark points it at a generated tree's index, with STANDARDS_ROOT at that tree).

Every generator module in registry/playbook returns Pages (and Assets) from `pages(ctx)`. The
pages are made once, in on_config, because the navigation has to be expanded with them
before MkDocs builds it; on_files adds them as generated files; on_post_page swaps each
page's html_blocks placeholders for their HTML, after Markdown and the search index have
seen the page, so bulky tables cost neither.
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
import sqlite3
from pathlib import Path
from types import ModuleType
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page as MkPage

from checks import codes
from registry.index.build import prepare_index
from registry.index.connection import connect_readonly
from registry.index.health import has_current_schema
from registry.index.settings import DEFAULT_INDEX, ENV_INDEX, ENV_ROOT
from registry.playbook import councils, dashboard, describe, home, insights, mergers, patterns, schema, standards
from registry.playbook.common import Asset, Insert, Page, SiteContext, placeholder
from registry.playbook.doc_constants import fill

log = logging.getLogger("mkdocs.hooks.generate")  # under "mkdocs", so `standards site build` collects it

# Every generator, in the order their pages are added. Listed, not discovered, so a stray
# module never becomes part of the site.
GENERATORS: tuple[ModuleType, ...] = (
    standards,
    patterns,
    schema,
    councils,
    dashboard,
    insights,
    mergers,
    describe,
    home,
)


class _State:
    conn: sqlite3.Connection | None = None
    pages: dict[str, Page] = {}  # noqa: RUF012 - one build at a time
    assets: list[Asset] = []  # noqa: RUF012
    inserts: dict[str, list[Insert]] = {}  # noqa: RUF012 - hand-written page -> its generated parts


STATE = _State()


def _repo_root(config: MkDocsConfig) -> Path:
    if os.environ.get(ENV_ROOT):
        return Path(os.environ[ENV_ROOT]).resolve()
    return Path(config.config_file_path).resolve().parent.parent


def _open_index(root: Path) -> sqlite3.Connection:
    named = os.environ.get(ENV_INDEX)
    index = Path(named).resolve() if named else root / DEFAULT_INDEX
    try:
        if not named or not has_current_schema(index):
            state = prepare_index(root, index)
            if state != "current":
                log.info("index %s was %s, so it was built", index, state)
    except Exception as exc:  # the index build reports its own problem; MkDocs shows it
        raise PluginError(f"could not build the registry index {index}: {exc}") from exc
    return connect_readonly(index)


def _context(
    conn: sqlite3.Connection, root: Path, site_url: str | None = None, repo: tuple[str | None, str] = (None, "main")
) -> SiteContext:
    meta = {row["key"]: row["value"] for row in conn.execute("SELECT key, value FROM meta")}
    sample = frozenset(row["id"] for row in conn.execute("SELECT id FROM councils WHERE sample = 1"))
    return SiteContext(
        conn=conn,
        root=root,
        as_of=meta.get("as_of", ""),
        commit=meta.get("commit") or None,
        sample_councils=sample,
        site_url=site_url.rstrip("/") + "/" if site_url else None,
        repo_url=repo[0].rstrip("/") if repo[0] else None,
        repo_branch=repo[1],
    )


def _with_title(page: Page) -> str:
    if page.title is None:
        return page.markdown
    # MkDocs' templates print page.title without escaping (in <title>, the header, the nav and the
    # footer links), so a title holding a manifest's value must be escaped here. JSON strings are
    # YAML strings, so any title is then safe in the front matter too.
    boost = f"search:\n  boost: {page.search_boost}\n" if page.search_boost else ""
    hide = "".join(f"  - {part}\n" for part in page.hide)
    hide = f"hide:\n{hide}" if hide else ""
    title = json.dumps(html.escape(page.title, quote=False))
    return f"---\ntitle: {title}\n{boost}{hide}---\n\n{page.markdown}"


def _expand_nav(nav: list[Any], extra: dict[str, list[str]]) -> list[Any]:
    """Put each generated in-nav page right after its folder's index.md in the nav."""
    out: list[Any] = []
    for item in nav:
        if isinstance(item, dict):
            item = {key: _expand_nav(value, extra) if isinstance(value, list) else value for key, value in item.items()}
        out.append(item)
        target = item if isinstance(item, str) else next(iter(item.values())) if isinstance(item, dict) else None
        if isinstance(target, str) and target.endswith("index.md"):
            out.extend(extra.get(target.rsplit("/", 1)[0] if "/" in target else "", []))
    return out


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    root = _repo_root(config)
    if STATE.conn is not None:
        STATE.conn.close()
    STATE.conn = _open_index(root)
    repo = (config.extra.get("repo_url"), str(config.extra.get("repo_branch") or "main"))
    ctx = _context(STATE.conn, root, config.site_url, repo)
    pages: dict[str, Page] = {}
    assets: list[Asset] = []
    inserts: dict[str, list[Insert]] = {}
    for module in GENERATORS:
        for item in module.pages(ctx):
            if isinstance(item, Asset):
                assets.append(item)
                continue
            if isinstance(item, Insert):
                inserts.setdefault(item.path, []).append(item)
                continue
            if item.path in pages:
                raise PluginError(f"{module.__name__} generated {item.path}, which another generator already made")
            pages[item.path] = item
    STATE.pages, STATE.assets, STATE.inserts = pages, assets, inserts
    in_nav: dict[str, list[str]] = {}
    for page in pages.values():
        if page.in_nav and "/" in page.path:
            in_nav.setdefault(page.path.rsplit("/", 1)[0], []).append(page.path)
    if config.nav:
        config.nav = _expand_nav(config.nav, in_nav)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for path, page in STATE.pages.items():
        if files.get_file_from_path(path) is not None:
            raise PluginError(f"generated page {path} would replace the hand-written site/docs/{path}")
        files.append(File.generated(config, path, content=_with_title(page)))
    for asset in STATE.assets:
        if files.get_file_from_path(asset.path) is not None:
            raise PluginError(f"generated file {asset.path} would replace the hand-written site/docs/{asset.path}")
        files.append(File.generated(config, asset.path, content=asset.content))
    # The problem codes come from checks/codes/, not the index: the same table the checker uses.
    files.append(File.generated(config, f"{codes.PAGE}.md", content=codes.markdown()))
    return files


def on_page_markdown(markdown: str, page: MkPage, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri in STATE.pages:
        return markdown  # generated pages take their numbers from the code already
    where = f"site/docs/{page.file.src_uri}"
    try:
        markdown = fill(markdown, where)
    except ValueError as exc:
        raise PluginError(str(exc)) from exc
    for insert in STATE.inserts.get(page.file.src_uri, []):
        token = placeholder(insert.name)
        if token not in markdown:
            raise PluginError(f"{where}: write {token} on a line of its own where the generated {insert.name} goes")
        markdown = markdown.replace(token, insert.markdown, 1)
    return markdown


# Text whose whitespace is its content: left exactly as MkDocs wrote it.
_VERBATIM = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2>)", re.S | re.I)
_INDENT = re.compile(r"\n\s+")


def squeeze(output: str) -> str:
    """`output` without the blank lines and indentation of Material's templates.

    Every page carries the same header, navigation and footer, indented line by line: about a
    third of a small page's bytes, and 30 MB over the 2,000 pages of 400 councils. A run of
    whitespace starting with a newline becomes one newline, which a browser shows exactly as it
    showed the run; <pre>, <textarea>, <script> and <style> are left as they are.
    """
    parts = _VERBATIM.split(output)
    # re.split with two groups: text, the verbatim element, its tag name, text, ...
    return "".join(_INDENT.sub("\n", part) if i % 3 == 0 else part for i, part in enumerate(parts) if i % 3 != 2)


def on_post_page(output: str, page: MkPage, config: MkDocsConfig) -> str:
    output = squeeze(output)
    generated = STATE.pages.get(page.file.src_uri)
    if generated is None or not generated.html_blocks:
        return output
    for token, block in generated.html_blocks.items():
        if token not in output:
            raise PluginError(
                f"{page.file.src_uri}: placeholder {token} did not survive Markdown; put it on its own line"
            )
        output = output.replace(token, block, 1)
    return output


def _close() -> None:
    if STATE.conn is not None:
        STATE.conn.close()
        STATE.conn = None
    STATE.pages, STATE.assets, STATE.inserts = {}, [], {}


def on_post_build(config: MkDocsConfig) -> None:
    _close()


def on_build_error(error: Exception) -> None:
    _close()
