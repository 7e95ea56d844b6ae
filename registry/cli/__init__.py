"""The `standards` command line: one module per verb, the Typer app and `main()` in app.py.

`errors` holds the exit codes and `UsageError`, the one error a verb raises to exit 2.
"""

from __future__ import annotations

from registry.cli.app import app, main

__all__ = ["app", "main"]
