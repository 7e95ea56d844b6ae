"""The table of problem codes (checks/codes/) is complete and its examples are real.

Every code the product can emit is found by reading its source for code literals, so a new code
that is not in the table fails here; every example is built in a real Git repository (a copy of
tests/fixtures/mini) and run through the real command, which must print the line the table shows.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checks import codes
from checks.codes import BY_CODE, CODES, PROBLEM_CODES, Edit, Example, code_url
from checks.loading import MAX_BYTES
from conftest import AS_OF, MINI, ROOT
from gitrepo import commit_all, init_repo
from registry.cli import app

# A code literal in the source: "E201" or 'W001' (a string, so prose in comments is not counted).
CODE_LITERAL = re.compile(r"""["']([EW]\d{3})["']""")
# registry/index.py stores "E000" for an invalid file with no problem recorded, which cannot happen
# (a file is invalid because of its problems); it is never printed, so it is not in the table.
NEVER_PRINTED = {"E000"}


def _emitted_codes() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for folder in ("checks", "registry"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.parent.name == "codes":
                continue  # the table itself
            for code in CODE_LITERAL.findall(path.read_text(encoding="utf-8")):
                found.setdefault(code, []).append(path.relative_to(ROOT).as_posix())
    return found


def test_every_code_the_product_emits_is_in_the_table() -> None:
    emitted = _emitted_codes()
    missing = {code: where for code, where in emitted.items() if code not in PROBLEM_CODES.keys() | NEVER_PRINTED}
    assert not missing, f"codes emitted but not in checks/codes/: {missing}"
    # The scan must see the codes: if it found nothing, the test above would pass on anything.
    assert {"E100", "E201", "E314", "E404", "W003"} <= emitted.keys()


def test_every_code_in_the_table_is_emitted() -> None:
    # A code no longer emitted would leave the table promising something the product never says.
    assert sorted(PROBLEM_CODES.keys() - _emitted_codes().keys()) == []


def test_the_table_is_complete_and_in_order() -> None:
    codes = [c.code for c in CODES]
    assert codes == sorted(codes) and len(set(codes)) == len(codes)
    for c in CODES:
        assert c.title and c.means.endswith(".") and c.fix.endswith("."), c.code
        assert c.example.printed.split(": ", 1)[1].startswith(f"{c.code} [")


def _apply(root: Path, edit: Edit) -> None:
    path = root / edit.path
    if not edit.old:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(edit.new, encoding="utf-8")
        return
    text = path.read_text(encoding="utf-8")
    assert edit.old in text, f"{edit.old!r} not in {edit.path}"
    path.write_text(text.replace(edit.old, edit.new, 1), encoding="utf-8")


def _make(root: Path, example: Example) -> None:
    path = root / example.path
    path.parent.mkdir(parents=True, exist_ok=True)
    if example.replaces:
        _apply(root, Edit(example.path, example.replaces, example.text))
    elif example.make == "link":
        path.symlink_to(example.text)
    elif example.make == "latin-1":
        path.write_bytes(example.text.encode("latin-1"))
    elif example.make == "large":
        path.write_text(example.text + "#" * (MAX_BYTES // 2 * 3) + "\n", encoding="utf-8")
    elif example.make == "remove":
        shutil.rmtree(path)
    elif example.make in ("file", "committed"):
        path.write_text(example.text, encoding="utf-8")
    else:
        assert example.make == "none", example.make


def run_example(tmp_path: Path, example: Example, monkeypatch: pytest.MonkeyPatch) -> str:
    """What `standards` prints for the example, built in a fresh Git copy of the mini repository."""
    root = init_repo(tmp_path / "repo", MINI)
    for edit in example.before:
        _apply(root, edit)
    if example.before:
        commit_all(root, "before the example")
    _make(root, example)
    if example.make == "committed":  # `standards reorganise` moves only what is committed
        commit_all(root, "the example")
    for edit in example.also:
        _apply(root, edit)
    args = shlex.split(example.command)
    # A removed folder is not a path to check: the example checks the whole repository.
    args += [example.path, "--as-of", AS_OF] if args[0] == "check" and example.make != "remove" else ["--as-of", AS_OF]
    monkeypatch.chdir(root)
    result = CliRunner().invoke(app, args)
    return result.stdout


@pytest.mark.parametrize("code", [c.code for c in CODES])
def test_each_example_prints_its_line(
    code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    example = BY_CODE[code].example
    out = run_example(tmp_path, example, monkeypatch)
    lines = out.splitlines()
    assert example.printed in lines, f"{code}: expected\n{example.printed}\nin\n{out}"
    # The line is followed by its help line, as every finding is.
    assert lines[lines.index(example.printed) + 1].startswith("  help: ")


def test_the_site_page_has_an_anchor_for_every_code_that_reporters_link_to() -> None:
    import html as html_module

    import markdown

    html = markdown.markdown(codes.markdown(), extensions=["attr_list", "toc", "fenced_code", "tables"])
    for c in CODES:
        assert f'<h3 id="{c.anchor}">{c.code} {c.title}</h3>' in html
        assert html_module.escape(c.example.printed, quote=False) in html
        assert code_url(c.code) == f"{codes.SITE}{codes.PAGE}/#{c.anchor}"
    assert code_url("DEMO-01") is None  # a requirement id is not a problem code
