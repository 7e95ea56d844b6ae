"""`standards lint`, alone and against a base ref in a real temporary Git repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import AS_OF, MINI
from gitrepo import commit_all, edit, init_repo

NEW_MUST = (
    "  - id: DEMO-05\n    title: Name a service owner\n    level: must\n    guidance: Someone is accountable for it.\n"
    "    check: service.owner.service_owner != null\n    field: owner.service_owner\n"
    "    fix: Name the service owner in owner.service_owner.\n    references:\n"
    "      - title: Point 6\n        url: https://www.gov.uk/service-manual/service-standard/point-6-have-a-multidisciplinary-team\n"
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return init_repo(tmp_path / "repo", MINI)


def lint(cli, repo: Path, *args: str):
    return cli("lint", "--as-of", AS_OF, *args, cwd=repo)


def test_clean_repository_lints_clean(repo: Path, cli) -> None:
    run = lint(cli, repo, "--base", "HEAD")
    assert run.exit_code == 0, run.stdout
    assert run.stdout.endswith("lint: 0 errors\n")
    assert "blast radius against HEAD: 0 newly failing, 0 newly passing" in run.stdout


def test_content_change_needs_a_version_bump(repo: Path, cli) -> None:
    edit(repo / "standards/demo.yaml", "guidance: Audits go stale.", "guidance: Audits go stale within a year.")
    run = lint(cli, repo, "--base", "HEAD")
    assert run.exit_code == 1
    assert (
        "standards/demo.yaml:6:10: E400 [error] content changed since HEAD but the version is still 2.1.0" in run.stdout
    )
    assert "help: bump the version: `version: 2.1.1` (wording only) or `2.2.0`" in run.stdout
    edit(repo / "standards/demo.yaml", "version: 2.1.0", "version: 2.1.1")
    assert lint(cli, repo, "--base", "HEAD").exit_code == 0


def test_breaking_change_needs_a_major_bump_and_shows_the_blast_radius(repo: Path, cli) -> None:
    path = repo / "standards/demo.yaml"
    path.write_text(path.read_text().replace("version: 2.1.0", "version: 2.2.0") + NEW_MUST)
    run = lint(cli, repo, "--base", "HEAD")
    assert run.exit_code == 1
    assert "E401 [error] breaking change needs a major version bump (DEMO-05: new must)" in run.stdout
    assert "help: set `version: 3.0.0`" in run.stdout
    assert "newly failing: leeds/good demo (compliant -> not compliant)" in run.stdout
    assert "newly failing: leeds/waived demo (compliant -> not compliant)" in run.stdout
    edit(path, "version: 2.2.0", "version: 3.0.0")
    edit(repo / "manifests/leeds/good.yaml", "version: 2", "version: 3")
    markdown = lint(cli, repo, "--base", "HEAD", "--format", "markdown")
    assert markdown.exit_code == 0
    assert "| `leeds` | `waived` | `demo` | compliant | not compliant |" in markdown.stdout
    data = json.loads(lint(cli, repo, "--base", "HEAD", "--format", "json").stdout)
    assert data["changed"][0]["breaking"] and {i["service"] for i in data["blast_radius"]} == {"good", "waived"}


def test_raised_level_is_breaking(repo: Path, cli) -> None:
    edit(
        repo / "standards/demo.yaml",
        "title: Audit within the last year\n    level: should",
        "title: Audit within the last year\n    level: must",
    )
    edit(repo / "standards/demo.yaml", "version: 2.1.0", "version: 2.2.0")
    run = lint(cli, repo, "--base", "HEAD")
    assert "DEMO-02: level raised from should to must" in run.stdout and run.exit_code == 1


def test_version_never_goes_backwards(repo: Path, cli) -> None:
    edit(repo / "standards/demo.yaml", "version: 2.1.0", "version: 2.0.9")
    run = lint(cli, repo, "--base", "HEAD")
    assert "E402 [error] version went backwards from 2.1.0 to 2.0.9" in run.stdout and run.exit_code == 1


def test_version_that_is_not_semver(repo: Path, cli) -> None:
    edit(repo / "standards/demo.yaml", "version: 2.1.0", "version: v2.1")
    run = lint(cli, repo)
    assert run.exit_code == 1
    assert "standards/demo.yaml:6:10: E205 [error] 'version' should be a semantic version; got 'v2.1'" in run.stdout


def test_retired_id_reused_for_a_different_requirement(repo: Path, cli) -> None:
    path = repo / "standards/demo.yaml"
    text = path.read_text()
    start = text.index("  - id: DEMO-03")
    end = text.index("  - id: DEMO-04")
    path.write_text(text[:start] + text[end:])
    edit(path, "version: 2.1.0", "version: 3.0.0")
    commit_all(repo, "retire DEMO-03")
    path.write_text(
        path.read_text().replace("version: 3.0.0", "version: 3.1.0")
        + NEW_MUST.replace("DEMO-05", "DEMO-03").replace("level: must", "level: should")
    )
    run = lint(cli, repo, "--base", "HEAD")
    assert "E403 [error] requirement id DEMO-03 was retired ('Live services publish performance data')" in run.stdout


def test_two_standards_claiming_one_id(repo: Path, cli) -> None:
    copy = repo / "standards/demo-copy.yaml"
    copy.write_text((repo / "standards/demo.yaml").read_text().replace("prefix: DEMO", "prefix: DEMOB"))
    run = lint(cli, repo)
    assert run.exit_code == 1
    assert "demo-copy.yaml:3:5: E304 [error] id 'demo' does not match the file name 'demo-copy.yaml'" in run.stdout
    assert "E306 [error] another file already defines standard 'demo'" in run.stdout


def test_prefix_and_requirement_ids_unique_across_standards(repo: Path, cli) -> None:
    other = repo / "standards/other.yaml"
    other.write_text((repo / "standards/demo.yaml").read_text().replace("id: demo", "id: other"))
    run = lint(cli, repo)
    assert "standards/other.yaml:4:9: E404 [error] prefix DEMO is already used by standard 'demo'" in run.stdout
    assert "E306 [error] requirement id DEMO-01 is also used by standard 'demo'" in run.stdout


def test_broken_at_base_fixed_now_and_the_reverse(repo: Path, cli) -> None:
    std = repo / "standards/demo.yaml"
    good = std.read_text()
    std.write_text(good.replace("status: active", "status: [active"))
    commit_all(repo, "break demo")
    std.write_text(good)
    run = lint(cli, repo, "--base", "HEAD")
    assert run.exit_code == 0
    assert "note: standards/demo.yaml could not be read at HEAD, so its changes are not version-checked" in run.stdout
    commit_all(repo, "fix demo")
    std.write_text(good.replace("status: active", "status: [active"))
    run = lint(cli, repo, "--base", "HEAD")
    assert run.exit_code == 1 and "standards/demo.yaml:8:10: E105 [error] YAML syntax error" in run.stdout
    assert "was removed" not in run.stdout


def test_broken_expression_is_caught(repo: Path, cli) -> None:
    edit(repo / "standards/demo.yaml", "check: service.performance.kpis_url != null", "check: service.performance.(")
    run = lint(cli, repo)
    assert (
        run.exit_code == 1
        and "E307 [error] DEMO-03.check: expression `service.performance.(` does not compile" in run.stdout
    )


def test_pattern_naming_an_unknown_requirement(repo: Path, cli) -> None:
    edit(repo / "standards/patterns/gov-uk-notify.yaml", "helps_meet: [DEMO-01]", "helps_meet: [DEMO-01, DEMO-77]")
    run = lint(cli, repo)
    assert "gov-uk-notify.yaml:13:23: E303 [error] helps_meet names unknown requirement(s): DEMO-77" in run.stdout


def test_unknown_base_ref(repo: Path, cli) -> None:
    run = lint(cli, repo, "--base", "origin/nope")
    assert run.exit_code == 2 and "'origin/nope' is not a commit, branch or tag" in run.stderr


def test_shipped_standards_lint_clean(cli) -> None:
    from conftest import ROOT

    run = cli("lint", cwd=ROOT)
    assert run.exit_code == 0, run.stdout


def _with_examples(repo: Path) -> None:
    """Example manifests for the demo standard, as standards/examples/ holds them for the shipped ones."""
    examples = repo / "standards/examples"
    (examples / "demo").mkdir(parents=True)
    council = (repo / "manifests/leeds/council.yaml").read_text(encoding="utf-8")
    (examples / "council.yaml").write_text(council.replace("id: leeds", "id: examples"), encoding="utf-8")
    for name, source in (("pass.yaml", "good.yaml"), ("fail.yaml", "failing.yaml")):
        text = (repo / "manifests/leeds" / source).read_text(encoding="utf-8")
        (examples / "demo" / name).write_text(text.replace(f"id: {source[:-5]}", f"id: {name[:-5]}"), encoding="utf-8")


CHECK = "check: service.performance.kpis_url != null"  # DEMO-03, line 42, the expression at column 12


@pytest.mark.parametrize(
    ("old", "new", "where", "message", "help_text"),
    [
        (
            CHECK,
            "check: service.performence.kpis_url != null",
            "42:12",
            "DEMO-03.check: `service` has no field `performence` (character 9)",
            "did you mean `service.performance`?",
        ),
        (
            CHECK,
            "check: service.performance.kpi_url != null",
            "42:12",
            "DEMO-03.check: `service.performance` has no field `kpi_url` (character 21)",
            "did you mean `service.performance.kpis_url`?",
        ),
        (
            'applies_when: service.phase == "live"',
            'applies_when: council.regoin == "Yorkshire and The Humber"',
            "41:19",
            "DEMO-03.applies_when: `council` has no field `regoin` (character 9)",
            "did you mean `council.region`?",
        ),
        (
            CHECK,
            'check: service["phase"].value == "live"',
            "42:12",
            "DEMO-03.check: `service.phase` is text, so it has no field `value` (character 18)",
            "use `service.phase` itself",
        ),
    ],
)
def test_rule_naming_a_field_the_manifest_schema_lacks(repo: Path, cli, old, new, where, message, help_text) -> None:
    edit(repo / "standards/demo.yaml", old, new)
    run = lint(cli, repo)
    assert run.exit_code == 1
    assert f"standards/demo.yaml:{where}: E308 [error] {message}\n  help: {help_text}" in run.stdout


def test_fields_under_a_map_of_evidence_are_checked_too(repo: Path, cli) -> None:
    edit(repo / "standards/demo.yaml", CHECK, 'check: service.evidence["DEMO-04"].state == "met"')
    run = lint(cli, repo)
    assert "E308 [error] DEMO-03.check: `service.evidence.DEMO-04` has no field `state`" in run.stdout
    assert "did you mean `service.evidence.DEMO-04.status`?" in run.stdout


def test_rule_that_cannot_give_true_or_false(repo: Path, cli) -> None:
    edit(repo / "standards/demo.yaml", CHECK, "check: service.lgsl + 1")
    run = lint(cli, repo)
    assert (
        "standards/demo.yaml:42:12: E309 [error] DEMO-03.check: gives the result of `+`, not true or false"
        in run.stdout
    )
    edit(repo / "standards/demo.yaml", "check: service.lgsl + 1", "check: service.lgsl")
    run = lint(cli, repo)
    assert "E309 [error] DEMO-03.check: gives `service.lgsl`, a number, not true or false" in run.stdout


def test_rule_that_gives_a_non_boolean_only_on_an_example(repo: Path, cli) -> None:
    # Nothing in the expression says what it gives: only running it on the examples shows it.
    edit(repo / "standards/demo.yaml", CHECK, """check: '[true, "two"][size(service.channels)]'""")
    assert lint(cli, repo).exit_code == 0  # no examples: nothing shows it
    _with_examples(repo)
    run = lint(cli, repo)
    assert run.exit_code == 1
    assert (
        "standards/demo.yaml:42:12: E309 [error] DEMO-03.check: gives 'two' on example demo/pass.yaml,"
        " not true or false" in run.stdout
    )


def test_rule_whose_evaluation_errors_on_an_example(repo: Path, cli) -> None:
    _with_examples(repo)
    edit(repo / "standards/demo.yaml", CHECK, 'check: service.hosting.model == "cloud"')
    run = lint(cli, repo)
    assert run.exit_code == 1
    assert "standards/demo.yaml:42:12: E310 [error] DEMO-03.check: fails on example demo/pass.yaml: " in run.stdout
    assert "help: guard optional values before using them" in run.stdout


def test_a_check_is_only_run_where_it_applies(repo: Path, cli) -> None:
    # The failing example is in beta, where DEMO-03 does not apply and its check never runs in `check`.
    _with_examples(repo)
    edit(repo / "standards/demo.yaml", CHECK, 'check: service.accessibility.statement_url.startsWith("https:")')
    run = lint(cli, repo)
    assert run.exit_code == 0, run.stdout
    edit(repo / "standards/demo.yaml", 'applies_when: service.phase == "live"', "applies_when: service.sample")
    run = lint(cli, repo)
    assert "E310 [error] DEMO-03.check: fails on example demo/fail.yaml: " in run.stdout


def test_pathological_rule_is_refused(repo: Path, cli) -> None:
    nested = "[1, 2, 3].all(a, " * 6 + "a > 0" + ")" * 6
    edit(repo / "standards/demo.yaml", CHECK, f"check: '{nested}'")
    run = lint(cli, repo)
    assert run.exit_code == 1
    assert "standards/demo.yaml:42:12: E307 [error] DEMO-03.check: expression" in run.stdout
    assert (
        "does not compile: too complex to run safely: comprehension macros (all, exists, exists_one, map, filter)"
        " nested 6 deep, at most 2 allowed" in run.stdout
    )


def test_markdown_shows_repository_text_inertly(repo: Path, cli) -> None:
    # The Markdown report is posted as a pull-request comment: a key someone wrote in a standard must
    # not become an image, a link, a heading or a line of its own there.
    from markdown_it import MarkdownIt

    # `\\e` inside double quotes is YAML's escape for ESC: the key holds a real escape sequence.
    hostile = "\\e[2J ![x](https://evil.example/x.png) <b>**hi**</b> [l](javascript:alert(1))"
    edit(repo / "standards/demo.yaml", "owner: Test suite\n", f'owner: Test suite\n"{hostile}": 1\n')
    run = lint(cli, repo, "--format", "markdown")
    assert run.exit_code == 1
    rendered = MarkdownIt("gfm-like").render(run.stdout)
    for tag in ("<img", "<a ", "<h3", "<b>", "<strong>", "<em>"):
        assert tag not in rendered, tag
    assert "\x1b" not in run.stdout and "\\x1b[2J" in run.stdout
    text = lint(cli, repo).stdout
    assert "\x1b" not in text and "\\x1b[2J" in text


# --- a pattern's status and successor ----------------------------------------------


def _second_pattern(repo: Path) -> None:
    notify = (repo / "standards/patterns/gov-uk-notify.yaml").read_text()
    (repo / "standards/patterns/notify-two.yaml").write_text(
        notify.replace("id: gov-uk-notify", "id: notify-two").replace("name: GOV.UK Notify", "name: Notify two")
    )


def test_deprecated_pattern_whose_successor_does_not_exist(repo: Path, cli) -> None:
    _second_pattern(repo)
    notify = repo / "standards/patterns/gov-uk-notify.yaml"
    notify.write_text(notify.read_text() + "status: deprecated\nsuccessor: notify-tow\n")
    run = lint(cli, repo)
    assert run.exit_code == 1
    assert "gov-uk-notify.yaml:16:12: E301 [error] successor names unknown pattern 'notify-tow'" in run.stdout
    assert "help: did you mean 'notify-two'?" in run.stdout


@pytest.mark.parametrize(
    ("extra", "printed"),
    [
        ("status: retired\n", "gov-uk-notify.yaml:15:9: E202 [error] a retired pattern must name its successor"),
        ("successor: gov-uk-notify\n", "E301 [error] successor 'gov-uk-notify' is the pattern itself"),
    ],
)
def test_a_successor_is_named_and_is_another_pattern(repo: Path, cli, extra: str, printed: str) -> None:
    notify = repo / "standards/patterns/gov-uk-notify.yaml"
    notify.write_text(notify.read_text() + extra)
    run = lint(cli, repo)
    assert run.exit_code == 1 and printed in run.stdout


def test_deprecated_pattern_with_an_existing_successor_lints_clean(repo: Path, cli) -> None:
    _second_pattern(repo)
    notify = repo / "standards/patterns/gov-uk-notify.yaml"
    notify.write_text(notify.read_text() + "status: deprecated\nsuccessor: notify-two\n")
    run = lint(cli, repo)
    assert run.exit_code == 0, run.stdout
