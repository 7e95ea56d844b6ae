"""The registry: the `standards` command, the index and the API over the checks."""

from __future__ import annotations

__version__ = "0.1.0"
