"""The one place that knows where the index lives by default and which environment variables move it.

`standards serve` hands these to its worker processes, and `standards site build` to the MkDocs
hook, through the environment, so a plain `mkdocs build` or a uvicorn worker finds the same files.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

# Relative to the repository's root (or the working folder, for the command line's defaults).
DEFAULT_INDEX = Path("build/index.sqlite")
DEFAULT_SITE = Path("build/site")

ENV_INDEX = "STANDARDS_INDEX"  # the index to read (default: DEFAULT_INDEX under ENV_ROOT)
ENV_ROOT = "STANDARDS_ROOT"  # the repository the index is built from
ENV_SITE = "STANDARDS_SITE"  # the built site `standards serve` serves at /
ENV_SECRET = "STANDARDS_WEBHOOK_SECRET"  # turns the push webhook on
ENV_TODAY = "STANDARDS_TODAY"  # judge as of this day instead of today
ENV_RECHECK = "STANDARDS_RECHECK_SECONDS"  # how often a served index is looked at
ENV_RATE = "STANDARDS_REBUILDS_PER_MINUTE"  # the rebuild limit across workers


def today_from_env() -> dt.date:
    """Today, or the date `STANDARDS_TODAY` names (to judge as of another day, or to test a rollover)."""
    value = os.environ.get(ENV_TODAY)
    return dt.date.fromisoformat(value) if value else dt.date.today()
