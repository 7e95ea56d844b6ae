"""The table as the site's reference page: one section per code, with the code as its anchor."""

from __future__ import annotations

from checks.codes.model import Code, Edit, Example

_GROUPS = (
    ("E1", "E1xx: the file could not be read"),
    ("E2", "E2xx: the file is not the shape its kind needs"),
    ("E3", "E3xx: the file names something that does not exist"),
    ("E4", "E4xx: `standards lint` refuses a change to a standard"),
    ("W", "Wxxx: warnings (they never fail a run)"),
)


def _setup(edit: Edit, committed: bool) -> str:
    when = "committed first" if committed else "and"
    if not edit.old:
        return f"- {when}: a new file `{edit.path}`"
    return f"- {when}: in `{edit.path}`, `{edit.old.strip()}` becomes `{edit.new.strip()}`"


def _example_markdown(example: Example) -> list[str]:
    command = f"standards check {example.path}" if example.command == "check" else f"standards {example.command}"
    if example.make == "remove":
        command = "standards check"
        shown = [f"The repository has no `{example.path}/` folder."]
    elif example.make == "none":
        shown = [f"`{example.path}` does not exist."]
    elif example.make == "link":
        shown = [f"`{example.path}` is a symbolic link to `{example.text}`."]
    else:
        note = " (saved as Latin-1)" if example.make == "latin-1" else ""
        what = "with these lines changed" if example.replaces else "holds"
        text = example.shown or example.text
        shown = [f"`{example.path}` {what}{note}:", "", "```yaml", text.rstrip("\n"), "```"]
    setup = [_setup(e, True) for e in example.before] + [_setup(e, False) for e in example.also]
    return [
        *shown,
        *(["", *setup] if setup else []),
        "",
        f"`{command}` prints:",
        "",
        "```text",
        example.printed,
        "```",
    ]


def markdown(codes: tuple[Code, ...]) -> str:
    """The table as the site's reference page, one section per code with the code as its anchor."""
    out = [
        "# Problem codes",
        "",
        f"The checker reports {len(codes)} kinds of problem, each with a code, what it means and how to fix it.",
        "",
        "Every problem `standards check`, `standards lint` and `standards reorganise` report has a code. "
        "E codes mean a file has a mistake and fail the run; W codes are warnings. Each finding is printed as "
        "`path:line:column: CODE [level] message` with a `help:` line under it. The examples are run "
        "against a council folder `manifests/leeds/` and a standard `demo` (requirements DEMO-01 to "
        "DEMO-04); a test runs every one and expects the line shown.",
        "",
    ]
    for prefix, heading in _GROUPS:
        out += [f"## {heading}", ""]
        out += [f"- [{c.code}](#{c.anchor}) {c.title}" for c in codes if c.code.startswith(prefix)]
        out.append("")
        for c in (c for c in codes if c.code.startswith(prefix)):
            out += [f"### {c.code} {c.title} {{#{c.anchor}}}", "", c.means, ""]
            out += [*_example_markdown(c.example), "", f"**How to fix it:** {c.fix}", ""]
    return "\n".join(out)
