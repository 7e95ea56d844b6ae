"""The playbook: standards/index.md (every standard, with today's compliance) and one page per
standard: its facts, what changed in each version, and every requirement with its level,
guidance, how it is checked, how to meet it, the patterns that help and how many services
meet it today.

Standards are maintainers' content, reviewed in pull requests, so their guidance and fix
text are rendered as Markdown; everything else shown (commit authors, names) is escaped.
Each requirement is a `## <ID> <title> {#<id>}` heading, so Material's search finds
requirements and other pages link to standards/<id>/#<id lowercased>.

Speed: "services meeting it today" reads each standard's outcome strings grouped by
(version, outcomes), which collapses 100,000 services into a few hundred distinct rows.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import semver

from checks.models import Standard
from checks.standard_diff import StandardDiff, diff_standards
from registry.playbook.checked import code_block, how_checked, plain_check
from registry.playbook.common import SAMPLE_NOTICE, Page, SiteContext, esc, link, md_cell

LEVEL_ORDER = {"must": 0, "should": 1, "may": 2}


@dataclass
class Tally:
    """Outcomes for one requirement across every service its standard applies to."""

    passed: int = 0
    failed: int = 0
    waived: int = 0
    not_applicable: int = 0
    errors: int = 0

    @property
    def applicable(self) -> int:
        return self.passed + self.failed + self.waived + self.errors

    def add(self, letter: str, count: int) -> None:
        if letter == "P":
            self.passed += count
        elif letter == "F":
            self.failed += count
        elif letter == "W":
            self.waived += count
        elif letter == "N":
            self.not_applicable += count
        else:
            self.errors += count


def level_badge(level: str) -> str:
    return f'<span class="sg-level sg-level-{esc(level)}">{esc(level)}</span>'


def anchor(requirement_id: str) -> str:
    return requirement_id.lower()


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def _version_key(version: str) -> semver.Version:
    try:
        return semver.Version.parse(version)
    except ValueError:
        return semver.Version(0)


def _references(raw: str) -> list[str]:
    return [f"- {link(ref.get('url'), ref.get('title'))}" for ref in json.loads(raw or "[]")]


def _has_sample(conn: sqlite3.Connection) -> bool:
    return bool(conn.execute("SELECT EXISTS(SELECT 1 FROM services WHERE sample = 1)").fetchone()[0] == 1)


def _requirement_order(conn: sqlite3.Connection) -> dict[tuple[str, str], list[str]]:
    """Requirement ids in order for every (standard, version): outcome letters follow the order of the
    version a service was checked against (a pin can make it an old one), as the index lists it."""
    orders: dict[tuple[str, str], list[str]] = {}
    for standard_id, version, requirement_id in conn.execute(
        "SELECT standard_id, version, requirement_id FROM requirement_versions ORDER BY standard_id, version, position"
    ):
        orders.setdefault((standard_id, version), []).append(requirement_id)
    return orders


def tallies(conn: sqlite3.Connection) -> dict[str, Tally]:
    """Per requirement id: how many applicable services pass, fail, are waived or error."""
    orders = _requirement_order(conn)
    groups: dict[tuple[str, str], list[str]] = {}
    for standard_id, version, outcomes in conn.execute("SELECT standard_id, version, outcomes FROM service_standards"):
        groups.setdefault((standard_id, version), []).append(outcomes)
    result: dict[str, Tally] = {}
    for key, strings in groups.items():
        ids = orders.get(key)
        if not ids:
            continue
        width = len(ids)
        # One string, then every requirement's letters are a stride slice of it: C speed, not a
        # Python loop per letter (100,000 services x 8 standards x 12 requirements).
        joined = "".join(o for o in strings if len(o) == width)
        for position, requirement_id in enumerate(ids):
            column = joined[position::width]
            tally = result.setdefault(requirement_id, Tally())
            counted = 0
            for letter in "PFWN":
                n = column.count(letter)
                tally.add(letter, n)
                counted += n
            tally.add("E", len(column) - counted)
    return result


def standard_compliance(conn: sqlite3.Connection) -> dict[str, tuple[int, int]]:
    """Per standard: (compliant services, services it applies to)."""
    return {
        row["standard_id"]: (row["ok"] or 0, row["total"])
        for row in conn.execute(
            "SELECT standard_id, SUM(compliant) AS ok, COUNT(*) AS total FROM service_standards GROUP BY standard_id"
        )
    }


def _diffs(conn: sqlite3.Connection, standard_id: str) -> list[tuple[sqlite3.Row, StandardDiff | None]]:
    """Each version with what changed from the one before (None for the first, or when a
    version's document cannot be read by this version of the tool)."""
    rows = sorted(
        conn.execute("SELECT * FROM standard_versions WHERE standard_id = ?", (standard_id,)),
        key=lambda r: _version_key(r["version"]),
    )
    out: list[tuple[sqlite3.Row, StandardDiff | None]] = []
    previous: Standard | None = None
    for row in rows:
        try:
            current: Standard | None = Standard.model_validate(json.loads(row["document"]))
        except (ValueError, TypeError):
            current = None
        out.append((row, diff_standards(previous, current) if previous and current else None))
        previous = current
    return out


def _change_summary(diff: StandardDiff | None, first: bool, current_ids: set[str]) -> str:
    if first:
        return "First published version."
    if diff is None:
        return "Details not available."
    parts: list[str] = []
    for kind, label in (("added", "Added"), ("changed", "Changed"), ("removed", "Removed")):
        items = []
        for change in diff.requirements:
            if change.kind != kind:
                continue
            name = f"[{change.id}](#{anchor(change.id)})" if change.id in current_ids else change.id
            items.append(f"{name} ({md_cell(change.reason)})" if change.reason else name)
        if items:
            parts.append(f"{label}: {', '.join(items)}.")
    if diff.metadata:
        parts.append(f"Standard's {', '.join(sorted(diff.metadata))} changed.")
    if not parts:
        return "No content change."
    return " ".join(parts) + (" **Breaking.**" if diff.breaking else "")


def _history(conn: sqlite3.Connection, standard_id: str, current_ids: set[str]) -> list[str]:
    lines = [
        "## What changed in each version {#versions}",
        "",
        "From the standard's Git history: the commit where each version first appeared.",
        "",
        "| Version | Date | Commit | Author | Changes |",
        "|---|---|---|---|---|",
    ]
    versions = _diffs(conn, standard_id)
    for position, (row, diff) in reversed(list(enumerate(versions))):
        commit = f"`{row['commit_sha'][:10]}`" if row["commit_sha"] else "not yet committed"
        date = (row["date"] or "")[:10]
        summary = _change_summary(diff, position == 0, current_ids)
        lines.append(
            f"| {md_cell(row['version'])} | {md_cell(date)} | {commit} | {md_cell(row['author'])} | {summary} |"
        )
    if not versions:
        lines.append("| – | – | – | – | No versions recorded in Git history yet. |")
    return [*lines, ""]


def _requirement(row: sqlite3.Row, patterns: list[sqlite3.Row], tally: Tally | None, services_label: str) -> list[str]:
    out = [
        f"## {row['id']} {row['title']} {{#{anchor(row['id'])}}}",
        "",
        f"{level_badge(row['level'])} Level: **{row['level']}**",
        "",
        row["guidance"].strip(),
        "",
    ]
    if row["evidence"]:
        out += [f"**Evidence asked for:** {row['evidence'].strip()}", ""]
    detail: list[str] = []
    if row["field"]:
        detail += [f"Manifest field: `{row['field']}`", ""]
    if row["applies_when"]:
        detail += ["Applies only when:", "", *code_block(row["applies_when"]), ""]
    if row["check_expr"]:
        detail += ["The rule (a CEL expression):", "", *code_block(row["check_expr"]), ""]
    if row["evidence"]:
        detail += [f"Evidence is declared under `evidence.{row['id']}` in the manifest.", ""]
    out += how_checked(plain_check(row), detail)
    out += [f"### How to meet it {{#{anchor(row['id'])}-fix}}", "", row["fix"].strip(), ""]
    if patterns:
        out += [f"### Patterns that help {{#{anchor(row['id'])}-patterns}}", ""]
        out += [f"- [{md_cell(p['name'])}](../patterns/{p['id']}.md): {md_cell(p['summary'])}" for p in patterns]
        out.append("")
    out += [f"### Services meeting it today {{#{anchor(row['id'])}-today}}", ""]
    if row["visibility"] == "restricted":
        out += [
            "Restricted: the facts it reads are kept in each service's `.restricted.yaml`, off the public "
            "record. Councils check it on their own machines and publish an attestation instead, so no "
            "service's result for it is shown here; see the attestation requirement of this standard.",
            "",
        ]
    elif tally is None or tally.applicable == 0:
        out += [f"No {services_label} it applies to yet.", ""]
    else:
        waived = f", {tally.waived} more have it waived" if tally.waived else ""
        errors = f", {tally.errors} could not be checked" if tally.errors else ""
        out += [
            f"**{tally.passed} of {tally.applicable}** applicable {services_label} meet it "
            f"({percent(tally.passed, tally.applicable)}){waived}{errors}; "
            f"{tally.failed} {'does' if tally.failed == 1 else 'do'} not.",
            "",
        ]
    return out


def _what_is_public(standard: sqlite3.Row, requirements: list[sqlite3.Row]) -> list[str]:
    """For a standard with restricted requirements: what is published, what is not, and how to attest."""
    restricted = [r for r in requirements if r["visibility"] == "restricted"]
    if not restricted:
        return []
    attested = next((r["id"] for r in requirements if r["id"].endswith("-ATTESTED")), "")
    names = ", ".join(f"[{r['id']}](#{anchor(r['id'])})" for r in restricted)
    return [
        "## What is public, and what is not {#what-is-public}",
        "",
        f"{len(restricted)} of this standard's requirements are **restricted** ({names}): the facts they read "
        "(security settings, test dates, gaps) would help an attacker, so no council publishes them.",
        "",
        "- The facts go in the service's `<service>.restricted.yaml`, beside its manifest but never in a public "
        "repository: `.gitignore` keeps it out of Git and the pre-commit hook refuses to commit it. A restricted "
        "field written in the manifest itself is an error (E320), and is never published.",
        "- The council checks them on its own machine (`standards check` reads the restricted file when it is "
        "there), and the senior information risk owner, or whoever the council names, signs off the result.",
        "- `standards attest <manifest> --by <role>` then writes an attestation into the public manifest: "
        "whether the service is compliant, how many musts and shoulds fail (never which), the date, the role, "
        "an expiry and a digest of the restricted file, so an auditor given the file can confirm it.",
        f"- Everyone else sees the attestation only, as one requirement, [{attested}](#{anchor(attested)}): a "
        "service that is not attested, or whose attestation has expired, fails it. Figures by council type, "
        "region or nation are given only for groups of at least 5 councils.",
        "",
    ]


def standard_page(
    ctx: SiteContext,
    standard: sqlite3.Row,
    requirements: list[sqlite3.Row],
    helping: dict[str, list[sqlite3.Row]],
    counts: dict[str, Tally],
    compliance: tuple[int, int],
    sample: bool,
) -> Page:
    services_label = "sample services" if sample else "services"
    ok, total = compliance
    applies = (
        "every service"
        if standard["applies_to_all"]
        else "the services that meet a condition on their manifest"
        if standard["applies_when"]
        else "the services that declare it"
    )
    # One row with real column headers: a key/value table would need an empty header row.
    columns = [
        ("Version", md_cell(standard["version"])),
        ("Status", md_cell(standard["status"])),
        ("Owner", md_cell(standard["owner"])),
        ("Published", md_cell(standard["published"])),
        *([("Updated", md_cell(standard["updated"]))] if standard["updated"] else []),
        *([("Sunset", md_cell(standard["sunset"]))] if standard["sunset"] else []),
        ("Requirements", str(standard["requirement_count"])),
        ("Compliant today", f"{ok} of {total} {services_label} ({percent(ok, total)})"),
    ]
    facts = [
        "| " + " | ".join(name for name, _ in columns) + " |",
        "|" + "---|" * len(columns),
        "| " + " | ".join(value for _, value in columns) + " |",
    ]
    musts = Counter(r["level"] for r in requirements)
    lines = [
        f"# {standard['title']}",
        "",
        f"This standard has {len(requirements)} requirements, {musts['must']} of them musts; {ok} of the "
        f"{total} {services_label} it applies to meet every must ({percent(ok, total)}).",
        "",
        *([SAMPLE_NOTICE] if sample else []),
        standard["summary"].strip(),
        "",
        *facts,
        "",
        f"It applies to {applies}. Its {len(requirements)} requirements: {musts['must']} must, "
        f"{musts['should']} should, {musts['may']} may.",
        "",
    ]
    if standard["applies_when"] and not standard["applies_to_all"]:
        lines += how_checked(
            "The standard applies to a service when its manifest meets the condition below.",
            ["The condition (a CEL expression):", "", *code_block(standard["applies_when"]), ""],
        )
    references = _references(standard["references_json"])
    if references:
        lines += ["**References**", "", *references, ""]
    lines += _what_is_public(standard, requirements)
    lines += _history(ctx.conn, standard["id"], {r["id"] for r in requirements})
    for row in requirements:
        lines += _requirement(row, helping.get(row["id"], []), counts.get(row["id"]), services_label)
    return Page(f"standards/{standard['id']}.md", "\n".join(lines) + "\n", in_nav=True)


def index_page(
    standards: Iterable[sqlite3.Row], compliance: dict[str, tuple[int, int]], sample: bool, as_of: str
) -> Page:
    standards = list(standards)
    lines = [
        "# The playbook",
        "",
        f"The sector has {len(standards)} digital standards for council services, listed here with how many "
        "services meet each today.",
        "",
        *([SAMPLE_NOTICE] if sample else []),
        "Each standard's page explains every requirement: why it matters, how the registry checks it, how to "
        "meet it, which shared patterns help and how many services meet it today.",
        "",
        f"Compliance is as of {esc(as_of)}: the share of services a standard applies to that meet "
        "all of its must requirements.",
        "",
        "| Standard | Version | Status | Requirements | Compliant today |",
        "|---|---|---|---|---|",
    ]
    for row in standards:
        ok, total = compliance.get(row["id"], (0, 0))
        lines.append(
            f"| [{md_cell(row['title'])}]({row['id']}.md) | {md_cell(row['version'])} | {md_cell(row['status'])} "
            f"| {row['requirement_count']} | {ok} of {total} ({percent(ok, total)}) |"
        )
    return Page("standards/index.md", "\n".join(lines) + "\n")


def pages(ctx: SiteContext) -> list[Page]:
    conn = ctx.conn
    standards = list(conn.execute("SELECT * FROM standards ORDER BY title"))
    requirements: dict[str, list[sqlite3.Row]] = {}
    for row in conn.execute("SELECT * FROM requirements ORDER BY standard_id, position"):
        requirements.setdefault(row["standard_id"], []).append(row)
    helping: dict[str, list[sqlite3.Row]] = {}
    for row in conn.execute(
        "SELECT pr.requirement_id, p.id, p.name, p.summary FROM pattern_requirements pr "
        "JOIN patterns p ON p.id = pr.pattern_id ORDER BY p.name"
    ):
        helping.setdefault(row["requirement_id"], []).append(row)
    counts = tallies(conn)
    compliance = standard_compliance(conn)
    sample = _has_sample(conn)
    out = [index_page(standards, compliance, sample, ctx.as_of)]
    for standard in standards:
        out.append(
            standard_page(
                ctx,
                standard,
                requirements.get(standard["id"], []),
                helping,
                counts,
                compliance.get(standard["id"], (0, 0)),
                sample,
            )
        )
    return out
