"""JUnit XML: one test case per manifest and requirement, for CI dashboards."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import TextIO

from junit_xml import TestCase, TestSuite

from checks.reporters.base import ReportContext
from checks.reporters.inert import escaped
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
        root = ET.Element("testsuites")
        element = suite.build_xml_doc()
        for key in ("disabled", "errors", "failures", "tests"):
            root.set(key, element.get(key, "0"))
        root.set("time", str(float(element.get("time", "0"))))
        root.append(element)
        self.stream.write('<?xml version="1.0" encoding="utf-8"?>\n')
        self.stream.writelines(_lines(root, 0))
        self.stream.write("\n")


# junit_xml's own writer silently deletes what XML 1.0 cannot hold (so `\x1b[2J` became `[2J`) and
# its pretty-printer turns line breaks in attributes into spaces. This one keeps every character
# XML can carry, exactly: line breaks and tabs in attributes, and CR in text, as character
# references (a parser would normalise them as written); DEL and C1 controls, which XML allows but a
# terminal may obey, as references too. The C0 controls XML 1.0 forbids even as references, lone
# surrogates and U+FFFE/FFFF are shown as escapes instead (`\x1b`).
_FORBIDDEN = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
_TEXT = re.compile(f"[&<>\r\x7f-\x9f{_FORBIDDEN}]")
_ATTRIBUTE = re.compile(f'[&<>"\t\n\r\x7f-\x9f{_FORBIDDEN}]')
_NAMED = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}


def _reference(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _NAMED:
        return _NAMED[char]
    if char in "\t\n\r" or "\x7f" <= char <= "\x9f":
        return f"&#{ord(char)};"
    return escaped(char)


def _attributes(element: ET.Element) -> str:
    return "".join(f' {key}="{_ATTRIBUTE.sub(_reference, value)}"' for key, value in element.attrib.items())


def _lines(element: ET.Element, depth: int) -> Iterator[str]:
    """The element as the tab-indented layout junit_xml wrote, a text-only element on one line."""
    indent = "\t" * depth
    head = f"{indent}<{element.tag}{_attributes(element)}"
    children = list(element)
    if children:
        yield head + ">\n"
        for child in children:
            yield from _lines(child, depth + 1)
        yield f"{indent}</{element.tag}>\n"
    elif element.text:
        yield f"{head}>{_TEXT.sub(_reference, element.text)}</{element.tag}>\n"
    else:
        yield head + "/>\n"
