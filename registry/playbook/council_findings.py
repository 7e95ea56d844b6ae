"""What fails in one council's services, in words, grouped by standard and requirement.

Each failing requirement is one section: its title and level, what the manifests say (the results'
`says`, written once by the checker), the services each sentence concerns, and how to fix it, with
the requirement id and where the rule lives behind a "How this is checked" detail. Services that fail
the same requirement in the same words share one line, which keeps a council of 250 services, each
failing a few dozen requirements, to one page a phone can load.

A standard with restricted requirements is judged in public by its attestation (`<PREFIX>-ATTESTED`);
a service missing several gets one finding for all of them, under "Attestations".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from checks.results import Outcome, RequirementResult
from checks.says import day
from checks.visibility import ATTESTED
from registry.playbook.common import esc
from registry.playbook.council_data import CouncilSite, Requirement

# Services a sentence lists before the rest go behind a "Show" toggle.
SHOWN_NAMES = 10
# Sentences a requirement shows, the most shared first; the services whose manifests say something
# else (each its own value, such as a date) are then only named: past this many lines nobody reads
# on, and a council page must stay under 500 KB at 250 services.
MAX_LINES = 8
LEVELS = ("must", "should", "may")
_NOT_MET = "The manifest does not meet this requirement."


def count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def level_counts(counts: dict[str, int]) -> str:
    """ "2 musts and 1 should" from {"must": 2, "should": 1}; levels with none are left out."""
    parts = [count(counts[level], level) for level in LEVELS if counts.get(level)]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


@dataclass
class Group:
    """One requirement failing in one or more of a council's services."""

    requirement: Requirement
    services: int = 0
    # sentence -> the services it concerns, as escaped HTML (a name, with an expired waiver after it)
    says: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class CouncilFindings:
    site: CouncilSite
    groups: dict[tuple[str, str, str], Group] = field(default_factory=dict)
    # service name (escaped) -> (standard title, sentence) for each attestation it fails
    attestations: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    attestation_fixes: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, result: RequirementResult) -> None:
        """One failing or erroring result of the service named `name` (escaped HTML)."""
        req = self.site.requirements[(result.standard, result.version, result.requirement)]
        says = result.says or _NOT_MET
        if result.outcome is Outcome.ERROR:
            says = result.says or "The registry could not check this requirement."
        if req.id.endswith(f"-{ATTESTED}") and result.outcome is Outcome.FAIL:
            title = self.site.titles.get(result.standard, result.standard)
            self.attestations.setdefault(name, []).append((title, says))
            self.attestation_fixes.setdefault(req.fix, req.link)
        group = self.groups.get((result.standard, result.version, result.requirement))
        if group is None:
            group = self.groups[(result.standard, result.version, result.requirement)] = Group(req)
        group.services += 1
        waiver = result.waiver
        mention = (
            name
            if waiver is None
            else f"{name} (its waiver, approved by {esc(waiver.approved_by)}, expired on {day(waiver.expires)})"
        )
        group.says.setdefault(says, []).append(mention)

    def render(self, applies: dict[str, list[int]]) -> str:
        """The council's findings: a section per standard, then the attestations. `applies` is
        standard id -> [services it applies to, services compliant]."""
        by_standard: dict[str, list[Group]] = {}
        for group in self.groups.values():
            by_standard.setdefault(group.requirement.standard_id, []).append(group)
        out: list[str] = []
        for std in self.site.standards:
            groups = by_standard.get(std.id)
            if groups:
                out.append(self._standard(std.id, std.title, groups, applies.get(std.id, [0, 0])))
        if self.attestations:
            out.append(self._attestations())
        return "".join(out)

    def _standard(self, std_id: str, title: str, groups: list[Group], applies: list[int]) -> str:
        levels: dict[str, int] = {}
        for g in groups:
            levels[g.requirement.level] = levels.get(g.requirement.level, 0) + 1
        groups.sort(key=lambda g: (_rank(g.requirement.level), -g.services, g.requirement.position))
        verb = "fails" if sum(levels.values()) == 1 else "fail"
        head = (
            f'<section class="sitegen-standard" id="standard-{esc(std_id)}">'
            f"<h3>{esc(title)}: {level_counts(levels)} {verb}</h3>"
            f"<p>{applies[1]} of {count(applies[0], 'service')} it applies to meet it (no failing must).</p>"
        )
        body = "".join(self._group(g, applies[0]) for g in groups if not g.requirement.id.endswith(f"-{ATTESTED}"))
        if any(g.requirement.id.endswith(f"-{ATTESTED}") for g in groups):
            body += (
                '<p>Its restricted requirements are judged by attestation: see <a href="#attestations">'
                "Attestations</a>.</p>"
            )
        return head + body + "</section>"

    def _group(self, g: Group, applies: int) -> str:
        req = g.requirement
        older = f" (version {esc(req.version)})" if req.older else ""
        lines = _lines(g.says)
        return (
            f'<section class="sitegen-fix" id="fix-{req.anchor}"><h4>{esc(req.title)}{older}</h4>'
            f'<p><span class="sitegen-level">{esc(req.level.capitalize())}</span>, failing in '
            f"{g.services} of {count(applies, 'service')}.</p><ul>{lines}</ul>"
            f"<p><strong>How to fix:</strong> {req.fix}</p>"
            f'<details class="sitegen-how"><summary>How this is checked</summary><p>Requirement {req.link}, version '
            f"{esc(req.version)}.</p></details></section>"
        )

    def _attestations(self) -> str:
        """One finding for every service missing attestations, however many standards it misses."""
        by_words: dict[tuple[tuple[str, str], ...], list[str]] = {}
        for name, failing in self.attestations.items():
            by_words.setdefault(tuple(failing), []).append(name)
        lines: list[str] = []
        for words, names in sorted(by_words.items(), key=lambda kv: -len(kv[1])):
            said: dict[str, list[str]] = {}
            for title, says in words:
                said.setdefault(says, []).append(esc(title))
            text = " ".join(f"{_and(titles)}: {esc(says)}" for says, titles in said.items())
            lines.append(f"<li>{text} {_names(names)}</li>")
        fixes = "".join(f"<p><strong>How to fix:</strong> {fix}</p>" for fix in self.attestation_fixes)
        links = ", ".join(self.attestation_fixes.values())
        return (
            '<section class="sitegen-standard sitegen-fix" id="attestations"><h3>Attestations: '
            f"{count(len(self.attestations), 'service')} not attested</h3>"
            "<p>Some standards keep the facts their checks read out of public manifests; the council checks "
            "them itself and records an attestation. A service without a current one fails a must in each "
            f"such standard.</p><ul>{''.join(lines)}</ul>{fixes}"
            '<details class="sitegen-how"><summary>How this is checked</summary>'
            f"<p>Requirements {links}: each reads the service's <code>attestations</code> and judges the "
            "latest for that standard.</p></details></section>"
        )


def _lines(says: dict[str, list[str]]) -> str:
    ranked = sorted(says.items(), key=lambda kv: -len(kv[1]))  # stable: first seen first among equals
    shown = "".join(f"<li>{esc(text)} {_names(names)}</li>" for text, names in ranked[:MAX_LINES])
    rest = [name for _text, names in ranked[MAX_LINES:] for name in names]
    if rest:
        shown += f"<li>The other services record values of their own. {_names(rest)}</li>"
    return shown


def _rank(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else len(LEVELS)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _names(names: list[str]) -> str:
    """The services a sentence concerns, in brackets; past SHOWN_NAMES, the rest behind a toggle.
    No wrapper element: a council has thousands of these, and every byte is paid per line."""
    if len(names) == 1:
        return f"({names[0]})"
    head = f"({len(names)} services: "
    if len(names) <= SHOWN_NAMES:
        return f"{head}{'; '.join(names)})"
    return (
        f"{head}{'; '.join(names[:SHOWN_NAMES])}; "
        f'<details class="sitegen-more"><summary>{len(names) - SHOWN_NAMES} more</summary>'
        f"{'; '.join(names[SHOWN_NAMES:])})</details>"
    )


def waiver_state(active: int, expires: str) -> str:
    date = dt.date.fromisoformat(expires)
    return f"active until {day(date)}" if active else f"<strong>expired</strong> on {day(date)}"
