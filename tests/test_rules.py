"""Rules: the fields they read come from their syntax tree, and no rule runs past the size bounds."""

from __future__ import annotations

import json
from pathlib import Path

import cel
import pytest

from checks.celsyntax import CelSyntaxError, analyse, parse
from checks.repository import Repository
from checks.rules import MAX_MACRO_DEPTH, MAX_NODES, MAX_SOURCE, compile_rule
from conftest import AS_OF, ROOT

# The same rule as the fixture's `service.phase == "live"`, spelt so a pattern over the text misses it.
SPELLINGS = [
    'service["phase"] == "live"',
    "service['phase'] == 'live'",
    'service . phase == "live"',
    'service[["phase"][0]] == "live"',  # a computed key: the rule may read any field
    '{"s": service}.s.phase == "live"',  # `service` used whole
    '"live" == service["ph" + "ase"]',
]


def _outcomes(run) -> dict[tuple[str, str], dict]:
    report = json.loads(run.stdout)
    return {(f["service"], r["requirement"]): r for f in report["files"] for r in f["results"]}


def _set_rule(repo: Path, old: str, new: str) -> None:
    path = repo / "standards/demo.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, json.dumps(new)), encoding="utf-8")


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_a_rule_sees_the_field_however_it_is_spelt(spelling: str, mini_repo: Path, cli) -> None:
    _set_rule(mini_repo, 'service.phase == "live"', spelling)
    # No other rule reads `phase`, so only this one can bring it into the rules' view of the manifest.
    assert (mini_repo / "standards/demo.yaml").read_text().count("phase") == spelling.count("phase")
    run = cli(
        "check",
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "manifests/leeds/good.yaml",
        "manifests/leeds/failing.yaml",
        cwd=mini_repo,
    )
    outcomes = _outcomes(run)
    assert outcomes[("good", "DEMO-03")]["outcome"] == "pass", outcomes[("good", "DEMO-03")]
    assert outcomes[("failing", "DEMO-03")]["outcome"] == "not_applicable"


def test_fields_read_come_from_the_syntax_tree() -> None:
    assert compile_rule('service["phase"] == "live" && has(service.hosting)').reads == {"phase", "hosting"}
    assert compile_rule('service.evidence["ACC-01"].status == "met"').reads == {"evidence"}
    # A comprehension's own variable named `service` is not the manifest.
    assert compile_rule("service.suppliers.all(service, service.name != '')").reads == {"suppliers"}
    assert compile_rule('council.region == "London"').reads == frozenset()
    for whole in ("size(service) > 3", 'service[["phase"][0]] == "live"', '"phase" in service'):
        assert compile_rule(whole).reads is None, whole


def _shipped_rules() -> list[str]:
    catalogue, broken = Repository(ROOT).load_catalogue()
    assert not broken
    return [
        rule.source
        for compiled in catalogue.standards.values()
        for rule in (compiled.applies_when, *(r for q in compiled.requirements for r in (q.applies_when, q.check)))
        if rule is not None
    ]


def test_every_shipped_rule_is_well_inside_the_bounds_and_reads_named_fields() -> None:
    sources = _shipped_rules()
    assert len(sources) > 200
    for source in sources:
        shape = analyse(parse(source))
        assert len(source) <= MAX_SOURCE // 2 and shape.nodes <= MAX_NODES // 2, source
        assert shape.macro_depth < MAX_MACRO_DEPTH, source
        # A rule that used `service` whole would make every manifest convert in full: slower for everyone.
        assert compile_rule(source).reads is not None, source


NESTED = "[1, 2, 3].all(a, " * 6 + "a > 0" + ")" * 6


@pytest.mark.parametrize(
    ("source", "why"),
    [
        (NESTED, "comprehension macros (all, exists, exists_one, map, filter) nested 6 deep, at most 2 allowed"),
        ("1==1&&" * 120 + "true", "parts (names, operators, literals, calls), at most 300 allowed"),
        ("true || " * 300 + "true", "characters long, at most 2000 allowed"),
        ("(" * 500 + "true" + ")" * 500, "brackets or operators nested more than 24 deep"),
        ("!" * 500 + "true", "brackets or operators nested more than 24 deep"),
    ],
)
def test_a_rule_over_the_bounds_is_refused(source: str, why: str) -> None:
    cel.compile(NESTED)  # the runtime itself would run it
    rule = compile_rule(source)
    assert rule.program is None
    assert rule.compile_error is not None and rule.compile_error.startswith("too complex to run safely: ")
    assert why in rule.compile_error


def test_a_rule_over_the_bounds_is_an_error_in_check_and_the_others_are_judged(mini_repo: Path, cli) -> None:
    _set_rule(mini_repo, "service.performance.kpis_url != null", NESTED)
    outcomes = _outcomes(cli("check", "--as-of", AS_OF, "--format", "json", "manifests/leeds/good.yaml", cwd=mini_repo))
    refused = outcomes[("good", "DEMO-03")]
    assert refused["outcome"] == "error"
    assert "too complex to run safely" in refused["message"] and "nested 6 deep" in refused["message"]
    assert outcomes[("good", "DEMO-01")]["outcome"] == "pass"


# The parser agrees with the CEL runtime on what is an expression (it only ever sees ones the runtime took).
VALID = [
    "1 + 2 * 3 == 7",
    '"a\\"b" == \'a"b\'',
    'r"\\d+" == "\\\\d+"',
    '"""x\ny""" != ""',
    "b'ab' == b\"ab\"",
    "1u + 2u == 3u && 0x1F == 31 && .5 < 1.0 && 1.5e3 > 2.0",
    'true ? "a" in ["a"] : null == null',
    '{"a": {"b": [1, 2,]}}.a.b[0] == 1',
    "[1, 2].exists_one(x, x > 1) && [1, 2].map(x, x > 1, x * 2) == [4]",
    "has({'a': 1}.a) && !!true && --1 == 1 && -size('abc') == -3",
    '// a comment\n"abc".startsWith("a") && .x == 1',
    "a.b.c{d: 1}",
]
INVALID = ["1 +", "(1", "[1, 2", "if", "x.", "1 = 2", "a ? b", '"open', "1 ++ 2", "a..b", "{1:}", "x.?y", "in", "let"]


@pytest.mark.parametrize("source", VALID)
def test_the_parser_reads_what_the_runtime_compiles(source: str) -> None:
    cel.compile(source)
    parse(source)


@pytest.mark.parametrize("source", INVALID)
def test_the_parser_refuses_what_the_runtime_refuses(source: str) -> None:
    with pytest.raises(ValueError):
        cel.compile(source)
    with pytest.raises(CelSyntaxError):
        parse(source)
    assert compile_rule(source).compile_error


def test_a_rule_the_runtime_takes_but_the_parser_cannot_read_is_refused_not_guessed() -> None:
    # `[,]` compiles in the runtime but is not in the language definition: running it with a guessed
    # list of fields could hide a field from it, so it is refused with the reason.
    cel.compile("[,] == []")
    rule = compile_rule("[,] == []")
    assert rule.program is None
    assert rule.compile_error == "uses syntax the checker cannot analyse at character 2: expected a name but found ','"
