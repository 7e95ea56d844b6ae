"""JUnit XML: one test case per manifest and requirement, for CI dashboards."""

from __future__ import annotations

from typing import TextIO

from junit_xml import TestCase, TestSuite, to_xml_report_string

from checks.reporters.base import ReportContext
from checks.results import FileResult, Outcome, RunSummary


class JunitReporter:
    """Collects cases in memory (JUnit has counts in its header); use json for huge runs."""

    def __init__(self, stream: TextIO, context: ReportContext) -> None:
        self.stream = stream
        self.context = context
        self.cases: list[TestCase] = []

    def file(self, result: FileResult) -> None:
        if result.problems:
            case = TestCase("valid", classname=result.path, file=result.path, line=result.problems[0].line)
            case.add_error_info(
                message=f"{len(result.problems)} problem(s): {result.problems[0].message}",
                output="\n".join(
                    f"{result.path}:{p.line}:{p.column}: {p.code} {p.message}\n  help: {p.help}"
                    for p in result.problems
                ),
                error_type="invalid",
            )
            self.cases.append(case)
            return
        for r in result.results:
            case = TestCase(
                f"{r.requirement} [{r.level}] {r.title}", classname=result.path, file=result.path, line=r.line
            )
            if r.outcome is Outcome.FAIL:
                compiled = self.context.catalogue.requirement(r.standard, r.version, r.requirement)
                fix = compiled.requirement.fix.strip() if compiled else ""
                case.add_failure_info(message=r.message, output=f"help: {fix}", failure_type=r.level)
            elif r.outcome is Outcome.ERROR:
                case.add_error_info(message=r.message, error_type="rule-error")
            elif r.outcome is Outcome.NOT_APPLICABLE:
                case.add_skipped_info(message="not applicable")
            elif r.outcome is Outcome.WAIVED:
                case.add_skipped_info(message=r.message)
            self.cases.append(case)

    def finish(self, summary: RunSummary) -> None:
        suite = TestSuite("standards check", self.cases, timestamp=self.context.as_of.isoformat())
        self.stream.write(to_xml_report_string([suite], encoding="utf-8"))
        self.stream.write("\n")
