"""insights/mergers.md and insights/mergers/<name>.md: what a new council inherits, per merger.

One page per reorganisation the register records and per `reorganisations/<name>.yaml` (a file
describing a recorded merger, with its snapshot of the councils' services before vesting day,
takes that merger's place: registry/insights/reorganisations.py). Each page renders
registry/insights/merger.py's one result, so the command, the API and the page cannot disagree.
Every value from a manifest is escaped (`esc`, `data_table`).
"""

from __future__ import annotations

from collections.abc import Sequence

from checks.registers import council_index
from checks.reorganisation import long_date, lookup
from registry.index.connection import connect_readonly
from registry.insights.merger_figures import MERGER
from registry.insights.merger_rows import LONG_RUN_YEARS, Contract, Council, Merger, Musts, ServiceType
from registry.insights.reorganisations import KnownMerger, checked_snapshot, known_mergers
from registry.playbook.charts import Html, data_table
from registry.playbook.common import Page, SiteContext, esc, md_cell, placeholder
from registry.playbook.insights.data import SECTION, make_page, page_head, quote

FOLDER = f"{SECTION}/mergers"
DEFINITION = "#how-it-is-computed"


def pages(ctx: SiteContext) -> list[Page]:
    found = [(m, _compute(ctx, m)) for m in known_mergers(ctx.root)]
    return [index_page(found), *(merger_page(ctx, m, r) for m, r in found)]


def _compute(ctx: SiteContext, merger: KnownMerger) -> Merger:
    if merger.snapshot is None:
        result: Merger = MERGER.compute(ctx.conn, merger.councils, merger.vesting, merger.name)
        return result
    conn = connect_readonly(checked_snapshot(ctx.root, merger))
    try:
        result = MERGER.compute(conn, merger.councils, merger.vesting, merger.name)
    finally:
        conn.close()
    return result


def _services(r: Merger) -> int:
    return sum(c.services for c in r.councils)


def index_page(found: Sequence[tuple[KnownMerger, Merger]]) -> Page:
    described = [(m, r) for m, r in found if _services(r)]
    rows = [
        [
            Html(f'<a href="{esc(m.slug)}/">{esc(m.name)}</a>'),
            _when(r.vesting),
            len(r.councils),
            f"{_services(r)} from {sum(c.services > 0 for c in r.councils)} of {len(r.councils)} councils"
            if _services(r)
            else "None yet",
        ]
        for m, r in found
    ]
    lines = [
        "# What a new council inherits",
        "",
        placeholder("style"),
        "",
        f"{len(found)} mergers of councils: {sum(m.source == 'register' for m, _ in found)} from the register of "
        f"councils and {sum(m.source != 'register' for m, _ in found)} described in proposal files "
        "(the reorganisations folder). "
        f"The registry holds services for {len(described)} of them.",
        "",
        "Each merger's page shows what the new council inherits on vesting day: each service type's solutions, "
        "contracts and compliance, what the councils already share, and where they could converge.",
        "",
        placeholder("mergers"),
        "",
    ]
    table = data_table(
        "Every merger",
        ["Merger", "Vesting day", "Councils", "Services in the registry"],
        rows,
        numeric=(2,),
        table_id="table-mergers",
    )
    return make_page(f"{SECTION}/mergers.md", "What a new council inherits", lines, {"mergers": table}, "../../", True)


def merger_page(ctx: SiteContext, merger: KnownMerger, r: Merger) -> Page:
    prefix = "../../../"
    sample = merger.sample or any(c.council_id in ctx.sample_councils for c in r.councils if c.council_id)
    names = {s.service: s.name for t in r.service_types for s in t.services}
    blocks = {
        "councils": data_table(
            "The councils merging",
            ["Council", "Code", "Status", "Services in the registry"],
            [[c.name, c.code, _status(c), c.services] for c in r.councils],
            numeric=(3,),
            table_id="table-merger-councils",
        ),
        "ending": _contracts_table(
            "Contracts ending before vesting day", r.ending_before, names, "table-merger-ending"
        ),
        "running": _contracts_table(
            f"Contracts running {LONG_RUN_YEARS} years or more past vesting day",
            r.running_past,
            names,
            "table-merger-running",
        ),
        "data": _data_table(r),
    }
    lines = [
        *page_head(_title(merger), sample, _lead(merger, r)),
        f"[How these figures are counted]({DEFINITION})",
        "",
        placeholder("councils"),
        "",
        "## Service types",
        "",
    ]
    if not r.service_types:
        lines += ["The registry holds no service of these councils with a service type.", ""]
    for t in r.service_types:
        key = f"type-{t.lgsl}"
        blocks[key] = _type_table(t)
        lines += [f"### {md_cell(t.label)}", "", md_cell(t.text), "", placeholder(key), "", *_candidates(t), ""]
    lines += [
        "## Contracts ending before vesting day",
        "",
        f"{len(r.ending_before)} contracts end before {_day(r.vesting)}: the new council needs a plan for each "
        "on its first day.",
        "",
        placeholder("ending"),
        "",
        f"## Contracts running {LONG_RUN_YEARS} years or more past vesting day",
        "",
        f"{len(r.running_past)} contracts run {LONG_RUN_YEARS} years or more past vesting day: the exit costs "
        "to plan if the new council converges on one solution sooner.",
        "",
        placeholder("running"),
        "",
        "## Data standards",
        "",
        "Shared identifiers make records easier to bring together: properties by UPRN, directories in Open "
        "Referral UK.",
        "",
        placeholder("data"),
        "",
        "## How it is computed",
        "",
        *MERGER.definition,
        "",
        quote(MERGER),
    ]
    return make_page(f"{FOLDER}/{merger.slug}.md", _title(merger), lines, blocks, prefix, in_nav=False)


def _title(merger: KnownMerger) -> str:
    if merger.successors and (merger.source == "register" or merger.snapshot is not None):
        return f"What {_names(merger.successors)} inherited ({merger.name})"
    return f"{merger.name}: what the new council would inherit"


def _short(code: str) -> str:
    """A council's everyday name (`Allerdale`), as the register's nice name gives it."""
    index = council_index()
    entry = index.by_register.get(code) or index.former_by_register.get(code)
    return entry.nice_name if entry else code


def _when(iso: str | None) -> str:
    return long_date(iso) if iso else "–"


def _of(part: int, whole: int, none: str) -> str:
    return f"{part} of {whole}" if whole else none


def _status(c: Council) -> str:
    found = lookup(c.code)
    if c.status == "former" and found is not None and found.ended:
        return f"Abolished {_day(found.ended)}"
    return "Current council"


def _day(iso: str) -> str:
    return long_date(iso)


def _names(codes: Sequence[str]) -> str:
    names = [(found.name if (found := lookup(c)) else c) for c in codes]
    return ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1] if names else ""


def _lead(merger: KnownMerger, r: Merger) -> str:
    described = sum(c.services > 0 for c in r.councils)
    types = sum(len(t.councils) >= 2 for t in r.service_types)
    shared = sum(bool(t.shared) for t in r.service_types)
    verb = "became" if merger.source == "register" or merger.snapshot is not None else "would become"
    into = f" {verb} {esc(_names(merger.successors))}" if merger.successors else " merge"
    return (
        f"On {_day(r.vesting)}, {len(r.councils)} councils{into}. The registry holds {_services(r)} services "
        f"from {described} of the {len(r.councils)} councils, as they stood the day before. "
        f"{types} service types are delivered by two or more of them, and {shared} of those already share "
        f"a solution. {len(r.ending_before)} contracts end before vesting day and {len(r.running_past)} run "
        f"{LONG_RUN_YEARS} years or more past it."
        if merger.snapshot is not None
        else f"On {_day(r.vesting)}, {len(r.councils)} councils{into}. The registry holds {_services(r)} services "
        f"from {described} of the {len(r.councils)} councils; {types} service types are delivered by two or "
        f"more of them, and {shared} of those already share a solution."
    )


def _musts(service_musts: Sequence[Musts]) -> str:
    failing = [m for m in service_musts if not m.compliant]
    if not service_musts:
        return "No standard applies"
    if not failing:
        return "Meets every must"
    return "; ".join(
        f"{m.title}: {m.failed_must} {'must fails' if m.failed_must == 1 else 'musts fail'}" for m in failing
    )


def _type_table(t: ServiceType) -> str:
    return data_table(
        f"How each council delivers {t.label}",
        ["Council", "Service", "Solution", "Contract ends", "Notice by", "Musts"],
        [
            [
                _short(s.council),
                s.name,
                ", ".join(s.solutions) or "None named",
                _when(s.contract_end),
                _when(s.notice_date),
                _musts(s.musts),
            ]
            for s in t.services
        ],
        table_id=f"table-merger-type-{t.lgsl}",
    )


def _candidates(t: ServiceType) -> list[str]:
    if not t.candidates:
        return ["No solution to converge on: none of these services names a core solution."]
    return [
        f"Convergence candidates, best first ([how they are ranked]({DEFINITION})):",
        "",
        *[f"{c.rank}. **{md_cell(c.solution)}**: {md_cell(c.reason)}" for c in t.candidates],
    ]


def _contracts_table(caption: str, contracts: Sequence[Contract], names: dict[str, str], table_id: str) -> str:
    if not contracts:
        return "<p>None.</p>"
    return data_table(
        caption,
        ["Product", "Council", "Service", "Contract ends", "Notice by", "Months after vesting day"],
        [
            [
                c.product,
                c.council,
                c.service.split("/", 1)[-1],
                c.contract_end,
                c.notice_date or "–",
                c.months_after_vesting,
            ]
            for c in contracts
        ],
        numeric=(5,),
        table_id=table_id,
    )


def _data_table(r: Merger) -> str:
    if not any(d.services for d in r.data):
        return "<p>None of these councils' services are in the registry.</p>"
    return data_table(
        "Data standards each council uses",
        [
            "Council",
            "Address services using UPRN",
            "Directories publishing Open Referral UK",
            "Services with an open API",
        ],
        [
            [
                d.council,
                f"{d.uprn} of {d.address_services}",
                f"{d.open_referral_uk} of {d.directories}",
                f"{d.open_api} of {d.services}",
            ]
            for d in r.data
            if d.services
        ],
        table_id="table-merger-data",
    )
