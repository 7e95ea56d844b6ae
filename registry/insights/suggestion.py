"""A reuse suggestion for one service: what the other councils delivering its type use most, against it."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from registry.insights.declaration import Column, Figure
from registry.insights.reuse import _SOLUTION_ORDER, _SOLUTIONS_CTE, SolutionStats, _lgsl_filter, _solution
from registry.insights.shared import rate, type_label, type_labels


class UnknownService(LookupError):
    """No service with that council and id is in the index."""


@dataclass(frozen=True)
class ReuseSuggestion:
    """What other councils delivering the same service type use, against this service."""

    council: str
    service: str
    name: str
    lgsl: int | None
    label: str | None
    other_councils: int  # other councils delivering the same service type
    solution: SolutionStats | None  # the other councils' most used solution, over their services only
    your_musts_applicable: int
    your_musts_met: int
    your_musts_met_rate: float | None
    you_use_it: bool  # this service already uses that solution
    text: str

    def flat(self) -> dict[str, Any]:
        """One row as the command line prints it: the solution's figures in place of it."""
        s = self.solution
        return {
            "council": self.council,
            "service": self.service,
            "lgsl": self.lgsl,
            "other_councils": self.other_councils,
            "solution": s.name if s else None,
            "solution_kind": s.kind if s else None,
            "solution_councils": s.councils if s else None,
            "their_musts_met_rate": s.musts_met_rate if s else None,
            "your_musts_met_rate": self.your_musts_met_rate,
            "you_use_it": self.you_use_it,
            "text": self.text,
        }


def reuse_suggestion(conn: sqlite3.Connection, council_id: str, service_id: str) -> ReuseSuggestion:
    """A reuse suggestion for one service, from the other councils delivering its service type.

    The other councils are those (not this one) with a service of the same LGSL code. Their
    most used solution is the one the most of them use (ties: most services, then patterns
    before products, then id); "their services meet N% of the musts" is the musts met pooled
    over the other councils' services of this type that use it, and "your M%" is the same
    figure for this service alone. Raises UnknownService when the service is not indexed.
    """
    me = conn.execute(
        """SELECT s.name, f.lgsl, f.musts_applicable, f.musts_met FROM services s
           JOIN service_facts f ON f.service_key = s.key WHERE s.key = ?""",
        (f"{council_id}/{service_id}",),
    ).fetchone()
    if me is None:
        raise UnknownService(f"no service '{service_id}' at council '{council_id}' in the index")
    mine_rate = rate(me["musts_met"], me["musts_applicable"])
    base: dict[str, Any] = {
        "council": council_id,
        "service": service_id,
        "name": me["name"],
        "lgsl": me["lgsl"],
        "your_musts_applicable": me["musts_applicable"],
        "your_musts_met": me["musts_met"],
        "your_musts_met_rate": mine_rate,
    }
    if me["lgsl"] is None:
        text = f"{me['name']} has no LGSL code, so it cannot be compared with other councils' services; add `lgsl`."
        return ReuseSuggestion(**base, label=None, other_councils=0, solution=None, you_use_it=False, text=text)
    label, _ = type_label(type_labels(conn), me["lgsl"])
    kind_of = f"{label} (LGSL {me['lgsl']})"
    others = conn.execute(
        "SELECT count(DISTINCT council_id) FROM service_facts WHERE lgsl = ? AND council_id != ?",
        (me["lgsl"], council_id),
    ).fetchone()[0]
    if not others:
        text = f"No other council in the registry delivers {kind_of} yet, so there is nothing to compare with."
        return ReuseSuggestion(**base, label=label, other_councils=0, solution=None, you_use_it=False, text=text)
    where, params = _lgsl_filter(me["lgsl"], council_id)
    top = conn.execute(
        f"""WITH {_SOLUTIONS_CTE.format(where=where)}
            SELECT lgsl, kind, sid, min(name) AS name, count(DISTINCT council_id) AS councils, count(*) AS services,
                   sum(compliant) AS compliant, sum(musts_applicable) AS ma, sum(musts_met) AS mm
            FROM sol GROUP BY lgsl, kind, sid ORDER BY {_SOLUTION_ORDER} LIMIT 1""",
        params * 2,
    ).fetchone()
    councils = f"{others} other council{'s' if others != 1 else ''}"
    if top is None:
        text = (
            f"{councils} deliver{'s' if others == 1 else ''} {kind_of}, but none records a pattern or supplier "
            "for it, so there is no shared solution to suggest yet."
        )
        return ReuseSuggestion(**base, label=label, other_councils=others, solution=None, you_use_it=False, text=text)
    solution = _solution(top)
    you_use_it = _uses(conn, f"{council_id}/{service_id}", solution)
    theirs = _percent(solution.musts_met_rate)
    yours = _percent(mine_rate) if mine_rate is not None else "no applicable musts"
    what = f"the pattern {solution.name}" if solution.kind == "pattern" else solution.name
    text = (
        f"Of the {councils} delivering {kind_of}, {solution.councils} use{'s' if solution.councils == 1 else ''} {what}"
        f"{' (as you do)' if you_use_it else ''}; their services meet {theirs} of the musts against your {yours}."
    )
    return ReuseSuggestion(
        **base, label=label, other_councils=others, solution=solution, you_use_it=you_use_it, text=text
    )


def _uses(conn: sqlite3.Connection, key: str, solution: SolutionStats) -> bool:
    if solution.kind == "pattern":
        sql = "SELECT 1 FROM service_patterns WHERE service_key = ? AND pattern_id = ?"
        return conn.execute(sql, (key, solution.id)).fetchone() is not None
    sql = "SELECT 1 FROM suppliers WHERE service_key = ? AND product_key = ?"
    return conn.execute(sql, (key, solution.id)).fetchone() is not None


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.0f}%"


SUGGESTION = Figure(
    name="reuse",
    title="Reuse suggestion",
    summary=(
        "What the other councils delivering the same service type use most, and how their "
        "services meet the standards' musts (passed or waived, of those that apply) against "
        "yours."
    ),
    definition=(),
    compute=reuse_suggestion,
    row=ReuseSuggestion,
    model="ReuseSuggestion",
    columns=(
        Column("council", str),
        Column("service", str),
        Column("name", str),
        Column("lgsl", int | None),
        Column("label", str | None),
        Column("other_councils", int, kind="int", description="Other councils delivering the same service type."),
        Column("solution", SolutionStats | None, description="Their most used solution, over their services only."),
        Column("your_musts_applicable", int, kind="int"),
        Column("your_musts_met", int, kind="int"),
        Column("your_musts_met_rate", float | None, kind="pct"),
        Column("you_use_it", bool),
        Column("text", str, description="The suggestion in a sentence."),
    ),
    # As the command line prints it (ReuseSuggestion.flat): the solution's figures in place of it.
    flat=(
        Column("council", str, "council"),
        Column("service", str, "service"),
        Column("lgsl", int | None, "LGSL", "int"),
        Column("other_councils", int, "other councils", "int"),
        Column("solution", str | None, "their most used solution"),
        Column("solution_kind", str | None),
        Column("solution_councils", int | None, "used by", "int"),
        Column("their_musts_met_rate", float | None, "their musts met", "pct"),
        Column("your_musts_met_rate", float | None, "your musts met", "pct"),
        Column("you_use_it", bool, "you use it"),
        Column("text", str, "suggestion"),
    ),
    table=(
        "council",
        "service",
        "lgsl",
        "other_councils",
        "solution",
        "solution_councils",
        "their_musts_met_rate",
        "your_musts_met_rate",
        "you_use_it",
        "text",
    ),
)
