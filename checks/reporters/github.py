"""GitHub Actions workflow commands, which annotate the pull request's diff."""

from __future__ import annotations

from typing import TextIO

from checks.reporters.base import ReportContext
from checks.reporters.findings import findings
from checks.reporters.inert import visible
from checks.reporters.text import closing_line
from checks.results import FileResult, RunSummary

_COMMAND = {"must": "error", "error": "error", "should": "warning", "may": "notice", "warning": "warning"}


# GitHub's escaping for workflow commands (toolkit's command.ts): data escapes `%`, CR and LF;
# properties also `:` and `,`, which separate them. The runner decodes them again, so repository
# text is first made `visible`: the job log renders ANSI sequences, and the annotation shows text.
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
            title = f"{visible(f.code)} [{f.level}]"
            # The one real line break is ours, between the message and its fix.
            data = f"{visible(f.message)}\nhelp: {visible(f.help)}"
            self.stream.write(
                f"::{_COMMAND[f.level]} file={_property(visible(f.path))},line={f.line},col={f.column},"
                f"title={_property(title)}::{_data(data)}\n"
            )

    def finish(self, summary: RunSummary) -> None:
        self.stream.write(closing_line(summary) + "\n")
