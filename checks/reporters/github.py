"""GitHub Actions workflow commands, which annotate the pull request's diff."""

from __future__ import annotations

from typing import TextIO

from checks.reporters.base import ReportContext
from checks.reporters.findings import findings
from checks.reporters.text import closing_line
from checks.results import FileResult, RunSummary

_COMMAND = {"must": "error", "error": "error", "should": "warning", "may": "notice", "warning": "warning"}


def _data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(value: str) -> str:
    return _data(value).replace(":", "%3A").replace(",", "%2C")


class GithubReporter:
    def __init__(self, stream: TextIO, context: ReportContext) -> None:
        self.stream = stream
        self.context = context

    def file(self, result: FileResult) -> None:
        for f in findings(result, self.context.catalogue):
            title = f"{f.code} [{f.level}]"
            self.stream.write(
                f"::{_COMMAND[f.level]} file={_property(f.path)},line={f.line},col={f.column},"
                f"title={_property(title)}::{_data(f.message + chr(10) + 'help: ' + f.help)}\n"
            )

    def finish(self, summary: RunSummary) -> None:
        self.stream.write(closing_line(summary) + "\n")
