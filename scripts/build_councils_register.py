"""Regenerate the registers the package ships in checks/data/: councils, former councils and the LGSL.

    python scripts/build_councils_register.py [--data ../shared/data] [--check]

councils.csv: every current UK council (county, district, unitary, London
borough, metropolitan district, Scottish council, Welsh principal area,
Northern Ireland district, and the City of London Corporation) from mySociety's register of UK local authorities
(CC BY 4.0), joined to GOV.UK local-links-manager's council list (MIT, Crown
copyright) for the web address and slug. former_councils.csv: the councils
abolished since 2019 (merged into new unitaries), with the current councils
that now cover their area, so `check` can name the successor. strategic_authorities.csv: the
combined and mayoral combined authorities in the same register, each with its constituent councils.
lgsl.csv: the Local Government Service List's ids and labels (esd-toolkit, Open Government Licence), with the
top-level ESD function each belongs to by the project's own keyword rules
(scripts/lgsl_functions.py). lgsl_terms.csv: words people use for a service, so search finds it by
more than its LGSL label: GOV.UK's own phrasing (its local-services descriptions and service
slugs, alphagov/publisher and local-links-manager, MIT, Crown copyright) and the registry's own
everyday words (scripts/search_synonyms.py).
See checks/data/README.md for the credits.

The output is sorted and written the same way on every run, so `--check`
(exit 1 when the committed files differ) can keep them honest.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from pathlib import Path

from lgsl_functions import classify
from search_synonyms import SYNONYMS

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "checks" / "data"

COUNCIL_TYPES = ("CTY", "NMD", "UA", "LBO", "MD", "SCO", "WPA", "NID", "CC")
COUNCIL_COLUMNS = (
    "register_code",
    "gss_code",
    "name",
    "nice_name",
    "type",
    "nation",
    "region",
    "website",
    "slug",
    "start_date",
)
FORMER_COLUMNS = (
    "register_code",
    "gss_code",
    "name",
    "nice_name",
    "type",
    "nation",
    "region",
    "end_date",
    "replaced_by",
    "successors",
    "start_date",
)
AUTHORITY_COLUMNS = (
    "register_code",
    "gss_code",
    "name",
    "nice_name",
    "type",
    "nation",
    "region",
    "start_date",
    "constituents",
)
LGSL_COLUMNS = ("id", "label", "function")
TERM_COLUMNS = ("id", "term", "source")


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("&", " and ")).strip("-")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def council_rows(data: Path) -> list[dict[str, str]]:
    register = _read(data / "uk_local_authorities.csv")
    govuk = _read(data / "govuk_local_authorities.csv")
    by_gss = {row["gss"]: row for row in govuk}
    by_slug = {row["slug"]: row for row in govuk}
    rows: list[dict[str, str]] = []
    for entry in register:
        current = entry["current-authority"] == "True" and not entry["end-date"]
        if not current or entry["local-authority-type"] not in COUNCIL_TYPES:
            continue
        # GOV.UK's list lags the register where codes changed (Scottish boundary changes, new unitaries):
        # fall back to the council's former GSS codes, then to its GOV.UK slug.
        candidates = [entry["gss-code"], *filter(None, entry["former-gss-codes"].split(","))]
        link = next((by_gss[c] for c in candidates if c in by_gss), None) or by_slug.get(entry["gov-uk-slug"])
        slug = (link["slug"] if link else "") or entry["gov-uk-slug"] or slugify(entry["nice-name"])
        website = (link["homepage_url"] if link else "").strip().rstrip("/")
        rows.append(
            {
                "register_code": entry["local-authority-code"],
                **identity(entry),
                "website": website,
                "slug": slugify(slug),
                **lineage_dates(entry),
            }
        )
    rows.sort(key=lambda row: row["register_code"])
    for column in ("register_code", "gss_code", "slug"):
        seen: set[str] = set()
        for row in rows:
            if row[column] in seen:
                raise SystemExit(f"two current councils share {column} {row[column]!r}; fix the generator")
            seen.add(row[column])
    return rows


def former_council_rows(data: Path, current: list[dict[str, str]]) -> list[dict[str, str]]:
    """Councils the register marks as ended and replaced: `successors` follows a chain to today's councils.

    Taunton Deane became Somerset West and Taunton (2019), which became Somerset (2023): `replaced_by`
    is the council it merged into, `successors` the current councils that cover its area now.
    """
    register = {row["local-authority-code"]: row for row in _read(data / "uk_local_authorities.csv")}
    live = {row["register_code"] for row in current}

    def successors(code: str, seen: frozenset[str] = frozenset()) -> list[str]:
        if code in live:
            return [code]
        if code in seen or code not in register:
            raise SystemExit(f"former council {code} has no current successor; fix the generator")
        nexts = filter(None, register[code]["replaced-by"].split(","))
        return sorted({found for nxt in nexts for found in successors(nxt, seen | {code})})

    rows: list[dict[str, str]] = []
    for code, entry in register.items():
        ended = entry["current-authority"] != "True" and entry["end-date"] and entry["replaced-by"]
        if not ended or entry["local-authority-type"] not in COUNCIL_TYPES:
            continue
        rows.append(
            {
                "register_code": code,
                **identity(entry),
                "end_date": entry["end-date"],
                "replaced_by": " ".join(entry["replaced-by"].split(",")),
                "successors": " ".join(successors(code)),
                **lineage_dates(entry),
            }
        )
    rows.sort(key=lambda row: row["register_code"])
    for column in ("register_code", "gss_code"):
        taken = {row[column] for row in current}
        for row in rows:
            if row[column] in taken:
                raise SystemExit(f"{column} {row[column]!r} is both a current and a former council's")
            taken.add(row[column])
    return rows


def identity(entry: dict[str, str]) -> dict[str, str]:
    """The columns every register file shares: codes aside, who the authority is and where."""
    return {
        "gss_code": entry["gss-code"],
        "name": entry["official-name"].strip(),
        "nice_name": entry["nice-name"].strip(),
        "type": entry["local-authority-type"],
        "nation": entry["nation"],
        "region": entry["region"],
    }


def lineage_dates(entry: dict[str, str]) -> dict[str, str]:
    """The day a council began (its vesting day, for a council made by a merger), so lineage has dates.

    Empty for councils older than the register's records; `checks.registers` reads an empty start as
    "before any vesting day".
    """
    return {"start_date": entry["start-date"].strip()}


# --------------------------------------------------------------------------- strategic authorities


def strategic_authority_rows(data: Path, current: list[dict[str, str]]) -> list[dict[str, str]]:
    """Combined and mayoral combined authorities (register type COMB), each with its constituent councils.

    Membership is the register's `combined-authority` column on each current council. A code there with
    no COMB row of its own (GLA, the Greater London Authority, is not in the register) is left out.
    """
    live = {row["register_code"] for row in current}
    members: dict[str, set[str]] = {}
    for entry in _read(data / "uk_local_authorities.csv"):
        if entry["combined-authority"] and entry["local-authority-code"] in live:
            members.setdefault(entry["combined-authority"], set()).add(entry["local-authority-code"])
    rows: list[dict[str, str]] = []
    for entry in _read(data / "uk_local_authorities.csv"):
        current_comb = entry["local-authority-type"] == "COMB" and entry["current-authority"] == "True"
        if not current_comb or entry["end-date"]:
            continue
        code = entry["local-authority-code"]
        if not members.get(code):
            raise SystemExit(f"strategic authority {code} has no current constituent council; fix the generator")
        rows.append(
            {
                "register_code": code,
                **identity(entry),
                "start_date": entry["start-date"],
                "constituents": " ".join(sorted(members[code])),
            }
        )
    rows.sort(key=lambda row: row["register_code"])
    clashes = {row["register_code"] for row in rows} & live
    if clashes:
        raise SystemExit(f"register codes {sorted(clashes)} are both a council's and a strategic authority's")
    return rows


# --------------------------------------------------------------------------- LGSL


def lgsl_rows(data: Path) -> list[dict[str, str]]:
    rows = [
        {"id": row["Identifier"].strip(), "label": " ".join(row["Label"].split())}
        for row in _read(data / "lgsl_services_2015.csv")
        if row["Identifier"].strip().isdigit()
    ]
    for row in rows:
        row["function"] = classify(row["label"])
    rows.sort(key=lambda row: int(row["id"]))
    return rows


def lgsl_term_rows(data: Path, lgsl: list[dict[str, str]]) -> list[dict[str, str]]:
    """Each (service, term) once: GOV.UK's description and slugs for it, then the registry's own words."""
    labels = {row["id"]: _words(row["label"]) for row in lgsl}
    found: list[tuple[str, str, str]] = []
    for row in _read(data / "govuk_local_services_tiers.csv"):
        found.append((row["LGSL"].strip(), " ".join(row["Description"].split()), "govuk-local-services"))
    with (data / "govuk_service_links.csv").open(encoding="utf-8", newline="") as stream:
        for record in list(csv.reader(stream))[1:]:  # la, service slug, interaction slug, url, LGSL, LGIL
            found.append((record[4].strip(), record[1].replace("-", " "), "govuk-local-links"))
    for phrase, codes in SYNONYMS:
        for code in codes:
            if str(code) not in labels:
                raise SystemExit(f"scripts/search_synonyms.py: {phrase!r} names LGSL {code}, which the list lacks")
            found.append((str(code), phrase, "registry"))
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for code, term, source in found:
        key = (code, _words(term))
        if code in labels and key[1] != labels[code] and key not in rows:
            rows[key] = {"id": code, "term": term, "source": source}
    return sorted(rows.values(), key=lambda row: (int(row["id"]), row["term"].lower()))


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def render(columns: tuple[str, ...], rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder holding the source CSV files")
    parser.add_argument("--check", action="store_true", help="exit 1 if the shipped files are out of date")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"error: {args.data} is not a folder; pass --data PATH to the reference data", file=sys.stderr)
        return 2
    current = council_rows(args.data)
    lgsl = lgsl_rows(args.data)
    outputs = {
        OUT / "councils.csv": render(COUNCIL_COLUMNS, current),
        OUT / "former_councils.csv": render(FORMER_COLUMNS, former_council_rows(args.data, current)),
        OUT / "strategic_authorities.csv": render(AUTHORITY_COLUMNS, strategic_authority_rows(args.data, current)),
        OUT / "lgsl.csv": render(LGSL_COLUMNS, lgsl),
        OUT / "lgsl_terms.csv": render(TERM_COLUMNS, lgsl_term_rows(args.data, lgsl)),
    }
    stale = [path for path, text in outputs.items() if not path.is_file() or path.read_text("utf-8") != text]
    if args.check:
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)}; run scripts/build_councils_register.py", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.tmp")
        temp.write_text(outputs[path], encoding="utf-8", newline="\n")
        temp.replace(path)
    for path, text in outputs.items():
        print(f"{'wrote' if path in stale else 'unchanged'} {path.relative_to(ROOT)} ({text.count(chr(10)) - 1} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
