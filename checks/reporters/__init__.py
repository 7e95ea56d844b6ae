"""One run, many output formats; each reporter's exact output is pinned by a test.

Repository text reaches people through these reports, so reporters for people show it through
`checks.reporters.inert`; tests/test_hostile_reports.py runs every reporter named here against the
same hostile values and needs a check for each new one.
"""

from __future__ import annotations

from checks.reporters.base import PRERENDER, ReportContext, Reporter, ReporterFactory
from checks.reporters.github import GithubReporter
from checks.reporters.json_report import JsonReporter, file_json
from checks.reporters.junit import JunitReporter
from checks.reporters.markdown import MarkdownReporter
from checks.reporters.sarif import SarifReporter
from checks.reporters.text import TextReporter, finding_text

REPORTER_BY_NAME: dict[str, ReporterFactory] = {
    "text": TextReporter,
    "json": JsonReporter,
    "junit": JunitReporter,
    "sarif": SarifReporter,
    "github": GithubReporter,
    "markdown": MarkdownReporter,
}

PRERENDER["json"] = lambda result, context: file_json(result)
PRERENDER["text"] = finding_text

__all__ = ["PRERENDER", "REPORTER_BY_NAME", "ReportContext", "Reporter"]
