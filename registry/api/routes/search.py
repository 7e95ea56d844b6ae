"""Full-text search over services, standards, requirements, patterns and councils.

What a user types never reaches SQLite as SQL (it is a bound parameter) nor as
FTS5 query syntax: it is cut into words, each word is quoted as a phrase, and
the phrases are ANDed, so `"`, `NEAR(`, `a:b` or `*` are plain text, never a
syntax error.
"""

from __future__ import annotations

import html
import re
import sqlite3
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from registry.api.dependencies import API_PREFIX, FormatParam, LoopDb, Paging, csv_responses, listing
from registry.api.errors import ApiError

router = APIRouter(prefix=f"{API_PREFIX}/search", tags=["search"])

COLUMNS = ["kind", "id", "title", "snippet", "rank"]
KINDS = ("service", "standard", "requirement", "pattern", "council")
MAX_QUERY = 200
# Letters and digits in any script; punctuation, underscores and FTS5 operators' symbols separate words.
_WORD = re.compile(r"[^\W_]+")
# Private-use characters mark matches inside snippet() until the text is escaped.
_OPEN, _CLOSE = "\ue000", "\ue001"
# Titles weigh more than bodies; kind and ref are not indexed.


class SearchHit(BaseModel):
    kind: str = Field(description="service, standard, requirement, pattern or council.")
    id: str = Field(description="The item's id (a service's key, `<council>/<service>`).")
    title: str
    snippet: str = Field(
        description="The best-matching passage as HTML-escaped text with matches in <mark>…</mark>; "
        "safe to insert as HTML."
    )
    rank: float = Field(description="FTS5 bm25 relevance: lower (more negative) is better; hits come best first.")


class SearchPage(BaseModel):
    items: list[SearchHit]
    total: int
    limit: int
    offset: int


def fts_query(text: str) -> str | None:
    """A safe FTS5 expression for free text: every word as a quoted phrase, all required, the last as a prefix.

    None when the text holds no words at all.
    """
    words = _WORD.findall(text)
    if not words:
        return None
    phrases = [f'"{word}"' for word in words]
    if len(words[-1]) >= 2:
        # Search-as-you-type: the last word may be unfinished. One letter would match too much to be useful.
        phrases[-1] += "*"
    return " ".join(phrases)


def _snippet(raw: str) -> str:
    return html.escape(raw, quote=False).replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>")


@router.get(
    "",
    summary="Search services, standards, requirements, patterns and councils",
    response_model=None,
    responses=csv_responses(COLUMNS, SearchPage),
)
async def search(
    request: Request,
    db: LoopDb,
    page: Paging,
    q: Annotated[
        str,
        Query(
            max_length=MAX_QUERY,
            description="Words to find (all of them; the last may be the start of a word). "
            "Punctuation and operators are ignored.",
            examples=["missed bin"],
        ),
    ],
    kind: Annotated[str | None, Query(pattern=f"^({'|'.join(KINDS)})$", description="Only this kind of item.")] = None,
    format: FormatParam = None,
) -> Response | dict[str, Any]:
    expression = fts_query(q)
    if expression is None:
        raise ApiError(400, "empty_query", "the search has no words to look for: `q` needs letters or digits")
    where, params = "search MATCH ?", [expression]
    if kind is not None:
        where += " AND kind = ?"
        params.append(kind)
    try:
        total = db.execute(f"SELECT count(*) FROM search WHERE {where}", params).fetchone()[0]
        # FTS5's own `rank` column (configured at build time with the same bm25 weights) lets
        # it sort hits without materialising them and build snippets only for the page.
        rows = db.execute(
            f"""SELECT kind, ref, title, snippet(search, -1, ?, ?, '…', 16) AS snippet, rank
                FROM search WHERE {where} ORDER BY rank LIMIT ? OFFSET ?""",
            [_OPEN, _CLOSE, *params, page.limit, page.offset],
        ).fetchall()
    except sqlite3.OperationalError as exc:
        # The expression is built to be valid; this guards against a tokenizer corner case all the same.
        if "fts5" not in str(exc):
            raise
        raise ApiError(400, "bad_query", f"the search could not be run: {exc}") from None
    items = [
        {"kind": r["kind"], "id": r["ref"], "title": r["title"], "snippet": _snippet(r["snippet"]), "rank": r["rank"]}
        for r in rows
    ]
    return listing(request, page, total, items, COLUMNS, format)
