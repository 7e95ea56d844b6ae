"""Each council's predecessors and successors, with dates, from the register the project ships (checks/data).

The facts are the real history: Cumbria's county split between Cumberland and Westmorland and
Furness on 1 April 2023 while its six districts merged whole into one or the other; Taunton
Deane merged into Somerset West and Taunton in 2019, which merged into Somerset in 2023.
"""

from __future__ import annotations

from pathlib import Path

from checks import registers
from conftest import run_standards


def _pairs(steps: tuple[registers.Succession, ...]) -> set[tuple[str, str]]:
    return {(s.predecessor, s.successor) for s in steps}


def test_a_county_split_between_two_successors() -> None:
    steps = registers.successors("CMA")
    assert _pairs(steps) == {("CMA", "CBD"), ("CMA", "WAF")}
    assert all(s.split and s.split_between == ("CBD", "WAF") and s.vesting_date == "2023-04-01" for s in steps)


def test_district_mergers_name_their_successor_and_vesting_day() -> None:
    assert _pairs(registers.predecessors("CBD")) == {("ALL", "CBD"), ("CAR", "CBD"), ("COP", "CBD"), ("CMA", "CBD")}
    assert _pairs(registers.predecessors("WAF")) == {("BAR", "WAF"), ("EDN", "WAF"), ("SLA", "WAF"), ("CMA", "WAF")}
    [allerdale] = registers.successors("E07000026")  # by GSS code too
    assert (allerdale.successor, allerdale.vesting_date, allerdale.split) == ("CBD", "2023-04-01", False)
    # Dorset's districts ended on 31 March 2019; the vesting day is Dorset Council's first, 1 April.
    [dorset] = registers.successors("WDO")
    assert (dorset.end_date, dorset.vesting_date) == ("2019-03-31", "2019-04-01")


def test_a_chain_of_mergers_is_followed_both_ways() -> None:
    assert [s.successor for s in registers.successors("TAU", transitive=True)] == ["SWT", "SMT"]
    assert registers.successors("TAU")[0].vesting_date == "2019-04-01"
    earlier = {s.predecessor for s in registers.predecessors("SMT", transitive=True)}
    assert earlier == {"SOM", "MEN", "SEG", "SSO", "SWT", "TAU", "WSO"}
    assert "TAU" not in {s.predecessor for s in registers.predecessors("SMT")}


def test_a_council_with_no_history_has_none() -> None:
    assert registers.predecessors("LDS") == registers.successors("LDS") == ()
    assert registers.successors("CBD") == () and registers.predecessors("ALL") == ()


def test_start_dates_come_from_the_register() -> None:
    assert registers.start_date("CBD") == registers.start_date("E06000063") == "2023-04-01"
    assert registers.start_date("SWT") == "2019-04-01"  # a former council that was itself made by a merger
    assert registers.start_date("ALL") == ""  # older than the register's records


def test_reorganisations_group_one_vesting_days_steps() -> None:
    found = {(r.vesting_date, r.successors): r.predecessors for r in registers.reorganisations()}
    assert found[("2023-04-01", ("CBD", "WAF"))] == ("ALL", "BAR", "CAR", "CMA", "COP", "EDN", "SLA")
    assert found[("2021-04-01", ("NNT", "WNT"))] == ("COR", "DAV", "ENO", "KET", "NOR", "NTH", "SNR", "WEL")
    assert found[("2019-04-01", ("SWT",))] == ("TAU", "WSO")
    assert found[("2023-04-01", ("SMT",))] == ("MEN", "SEG", "SOM", "SSO", "SWT")
    # Every step is in exactly one reorganisation.
    covered = [p for r in registers.reorganisations() for p in r.predecessors]
    assert sorted(covered) == sorted({s.predecessor for s in registers.successions()})


def test_new_council_for_a_former_council_names_its_successors(mini_repo: Path) -> None:
    run = run_standards("new", "council", "ALL", "--owner", "@allerdale/digital", cwd=mini_repo)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.startswith(
        "error: Allerdale Borough Council (ALL, E07000026) is a former council: it was abolished in 2023 and "
        "merged into Cumberland Council (CBD, E06000063)\n"
    )
    assert "`standards new council CBD`" in run.stderr and "`standards reorganise ALL --into CBD`" in run.stderr
    run = run_standards("new", "council", "E10000006", "--owner", "@cumbria/digital", cwd=mini_repo)
    assert "its area was split between Cumberland Council (CBD, E06000063) and Westmorland and Furness" in run.stderr
    assert "`standards reorganise CMA --into CBD` (or WAF)" in run.stderr
    assert sorted(p.name for p in (mini_repo / "manifests").iterdir()) == ["leeds"]
