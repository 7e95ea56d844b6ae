"""`standards notices`: per council, what newly fails since the register was last judged and what
will fail within a window, with the fix for each.

The last judged date is the index's as-of date (`as_of` in its meta, which `/api/v1/meta` serves):
the index is the record the API and the site publish, so "since last judged" means since the public
record last said what passes. Running notices changes nothing; rebuilding the index afterwards (as
the daily workflow does) moves the date on. `--since` gives the date instead.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from checks.notice_render import markdown, to_json
from checks.notices import compute_notices
from checks.repository import Repository
from checks.restricted import Mode
from registry.cli.errors import UsageError
from registry.cli.options import parse_date
from registry.index.health import read_meta
from registry.index.settings import DEFAULT_INDEX, today_from_env

MAX_WINDOW_DAYS = 3650
_WINDOW = re.compile(r"^(\d{1,5})([dw])$")


class Format(StrEnum):
    MARKDOWN = "markdown"
    JSON = "json"


def parse_window(value: str) -> int:
    """`30d` or `4w` as a number of days."""
    match = _WINDOW.match(value.strip())
    days = int(match.group(1)) * (7 if match.group(2) == "w" else 1) if match else -1
    if not 1 <= days <= MAX_WINDOW_DAYS:
        raise UsageError(
            f"--within '{value}' is not a window",
            f"give a number of days or weeks from 1 day to {MAX_WINDOW_DAYS} days, like 30d or 4w",
        )
    return days


def last_judged(index: Path) -> dt.date:
    """The as-of date of the index at `index`: when the register was last judged."""
    meta = read_meta(index)
    how = "build the index first (`standards index build`, which records the date it judges at), or give --since DATE"
    if meta is None:
        state = "there is no index at" if not index.exists() else "this is not a readable index:"
        raise UsageError(f"no prior judged date: {state} {index}", how)
    try:
        return dt.date.fromisoformat(meta["as_of"])
    except (KeyError, ValueError):
        raise UsageError(f"no prior judged date: the index at {index} records no as-of date", how) from None


def notices(
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Judge at this date, YYYY-MM-DD (default: today, or STANDARDS_TODAY)."),
    ] = None,
    within: Annotated[
        str, typer.Option("--within", help="How far ahead to look: days or weeks, e.g. 30d, 6w.")
    ] = "30d",
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.MARKDOWN,
    since: Annotated[
        str | None,
        typer.Option("--since", help="The last judged date, YYYY-MM-DD (default: the index's as-of date)."),
    ] = None,
    index: Annotated[
        Path, typer.Option("--index", help="The index whose as-of date is the last judged date.")
    ] = DEFAULT_INDEX,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Processes to use.")] = None,
    public: Annotated[
        bool,
        typer.Option(
            "--public",
            help="Judge as the published index does: read no restricted file and leave out any restricted field "
            "committed to a public manifest. Use it wherever the notices are published (the daily workflow does).",
        ),
    ] = False,
) -> None:
    """Per council: what newly fails since the last judged date, and what will fail within the window."""
    when = parse_date(as_of) if as_of is not None else today_from_env()
    days = parse_window(within)
    start = parse_date(since) if since is not None else last_judged(index)
    if start > when:
        raise UsageError(
            f"the last judged date ({start}) is after the date to judge at ({when})",
            "give --as-of on or after it, or --since an earlier date",
        )
    mode = Mode.PUBLISH if public else Mode.PRIVATE
    report = compute_notices(Repository.find(Path.cwd()), start, when, days, jobs, mode)
    if format is Format.JSON:
        typer.echo(json.dumps(to_json(report), indent=2, ensure_ascii=False))
    else:
        typer.echo(markdown(report), nl=False)
