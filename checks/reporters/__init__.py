"""One run, many output formats; each reporter's exact output is pinned by a test."""

from __future__ import annotations

from checks.reporters.base import PRERENDER, ReportContext, Reporter, ReporterFactory
from checks.reporters.github import GithubReporter
from checks.reporters.json_report import JsonReporter, file_json
from checks.reporters.junit import JunitReporter
from checks.reporters.markdown import MarkdownReporter
from checks.reporters.sarif import SarifReporter
from checks.reporters.text import TextReporter

REPORTER_BY_NAME: dict[str, ReporterFactory] = {
    "text": TextReporter,
    "json": JsonReporter,
    "junit": JunitReporter,
    "sarif": SarifReporter,
    "github": GithubReporter,
    "markdown": MarkdownReporter,
}

PRERENDER["json"] = file_json

__all__ = ["PRERENDER", "REPORTER_BY_NAME", "ReportContext", "Reporter"]
