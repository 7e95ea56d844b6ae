"""E1xx: the file could not be read as YAML."""

from __future__ import annotations

from checks.codes.model import AT, SERVICE, Code, Example, service_with
from checks.loading import MAX_BYTES, MAX_DEPTH
from checks.problems import MAX_PROBLEMS_PER_FILE

LOADING: tuple[Code, ...] = (
    Code(
        "E100",
        "path does not exist",
        "A path given to the command names no file or folder.",
        "Check the spelling; paths are relative to the folder you run the command in.",
        Example(
            "manifests/leeds/exmaple.yaml",
            "",
            "manifests/leeds/exmaple.yaml:1:1: E100 [error] path does not exist",
            make="none",
        ),
    ),
    Code(
        "E101",
        "file could not be read",
        "The operating system would not let the file be read: a folder where a file should be "
        "(often a link to one), or no permission to read it.",
        "Give the path of a `.yaml` file, or fix the file's permissions.",
        Example(
            "manifests/leeds/example.yaml",
            "../../standards",
            "manifests/leeds/example.yaml:1:1: E101 [error] is a directory, not a file",
            make="link",
        ),
    ),
    Code(
        "E102",
        "file is too large",
        f"Files must be under {MAX_BYTES / 1_000_000:.1f} MB, so no file can stall a run. No real "
        "manifest comes close.",
        "Remove whatever made it large (pasted data, a long list) and link to it instead.",
        Example(
            AT,
            SERVICE + "# ... and more than 1 MB of anything\n",
            "manifests/leeds/example.yaml:1:1: E102 [error] file is 1.5 MB; files must be under 1.0 MB",
            make="large",
        ),
    ),
    Code(
        "E103",
        "file is not UTF-8",
        "The file is in another encoding (often Windows-1252 or Latin-1 from an older editor).",
        "Save the file as UTF-8.",
        Example(
            AT,
            service_with("Report a missed bin", "Caf\u00e9 licence"),
            "manifests/leeds/example.yaml:4:10: E103 [error] byte 0xe9 is not valid UTF-8",
            make="latin-1",
        ),
    ),
    Code(
        "E104",
        "file is empty",
        "The file holds nothing, or only comments.",
        "Start from `standards new service`, which writes every field with an explanation.",
        Example(AT, "# to do\n", "manifests/leeds/example.yaml:1:1: E104 [error] file is empty"),
    ),
    Code(
        "E105",
        "YAML syntax error",
        "The file is not valid YAML: often a tab used for indentation, a bracket left open or a "
        "line indented differently from its neighbours.",
        "Fix the line named (or the line above it); indent with two spaces.",
        Example(
            AT,
            service_with("channels: [web]", "channels: [web"),
            "manifests/leeds/example.yaml:8:6: E105 [error] YAML syntax error: did not find expected ',' or ']' "
            "(while parsing a flow sequence)",
        ),
    ),
    Code(
        "E106",
        "duplicate key",
        "A field appears twice in the same mapping. YAML would keep only the last, silently.",
        "Keep one of them.",
        Example(
            AT,
            SERVICE + "phase: beta\n",
            "manifests/leeds/example.yaml:12:1: E106 [error] duplicate key 'phase' (first on line 6)",
        ),
    ),
    Code(
        "E107",
        "anchor or alias",
        "The file uses YAML anchors (`&name`) or aliases (`*name`). They are refused: they make a "
        "file say more than it shows, and can make a small file expand without limit.",
        "Write the values out in full.",
        Example(
            AT,
            service_with("  team: Waste", "  team: &t Waste\n  service_owner: *t"),
            "manifests/leeds/example.yaml:9:9: E107 [error] anchor &t is not allowed",
        ),
    ),
    Code(
        "E108",
        "tag not allowed",
        "A value carries a YAML tag (`!something`). Tags ask the reader to build objects, so none is allowed.",
        "Remove the tag and write a plain value.",
        Example(
            AT,
            service_with("name: Report a missed bin", "name: !!python/name:os.system bin"),
            "manifests/leeds/example.yaml:4:7: E108 [error] tag !!python/name:os.system is not allowed",
        ),
    ),
    Code(
        "E109",
        "document is not a mapping",
        "The file is a list or a single value where `field: value` lines are needed, or a key is not plain text.",
        "Write the file as `field: value` lines, starting from `kind:`.",
        Example(
            AT,
            "- kind: Service\n- id: example\n",
            "manifests/leeds/example.yaml:1:1: E109 [error] the file must be a mapping of keys to values",
        ),
    ),
    Code(
        "E110",
        "more than one document",
        "The file holds several YAML documents separated by `---`. One file describes one thing.",
        "Put each document in its own file.",
        Example(
            AT,
            SERVICE + "---\n" + SERVICE,
            "manifests/leeds/example.yaml:12:1: E110 [error] file holds more than one YAML document",
        ),
    ),
    Code(
        "E111",
        "symlink points outside the repository",
        "The path is a symbolic link to a file outside the repository, which a check must not read.",
        "Replace the link with the file itself.",
        Example(
            AT,
            "/etc/hostname",
            "manifests/leeds/example.yaml:1:1: E111 [error] symlink points outside the repository (to /etc/hostname)",
            make="link",
        ),
    ),
    Code(
        "E112",
        "nested too deeply",
        f"Values are nested more than {MAX_DEPTH} levels deep; no manifest needs more than a few, and "
        "deeper ones can exhaust the reader.",
        "Flatten the structure.",
        Example(
            AT,
            SERVICE + "notes: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n",
            "manifests/leeds/example.yaml:12:39: E112 [error] values are nested more than 32 levels deep",
        ),
    ),
    Code(
        "E113",
        "control character in the text",
        "The file holds an invisible control character (anything below U+0020 but tab and line "
        "breaks, or a character YAML reads as a line break), usually pasted in from another program.",
        "Delete it: the message gives its line, column and code point.",
        Example(
            AT,
            service_with("Report a missed bin", "Report a missed\x07 bin"),
            "manifests/leeds/example.yaml:4:22: E113 [error] control character U+0007 (BELL) is not allowed",
            shown=service_with(
                "name: Report a missed bin", "name: Report a missed bin  # U+0007 pasted after 'missed'"
            ),
        ),
    ),
    Code(
        "E114",
        "more problems than are listed",
        f"A file lists its first {MAX_PROBLEMS_PER_FILE} problems, then this one with the count of the rest: "
        "so many are nearly always one mistake repeated, and listing them all would bury the rest of the run.",
        "Fix the problems listed (they usually share one cause, such as pasted data or a wrong indent) and "
        "check again.",
        Example(
            AT,
            SERVICE + "".join(f"field_{i}: x\n" for i in range(1, MAX_PROBLEMS_PER_FILE + 11)),
            "manifests/leeds/example.yaml:62:1: E114 [error] 10 more problems in this file not listed (60 in all)",
            shown=SERVICE + f"field_1: x\n# ... and so on, to field_{MAX_PROBLEMS_PER_FILE + 10}: x\n",
        ),
    ),
    Code(
        "E115",
        "standards.toml could not be read",
        "The repository's `standards.toml` (which release of the standards to check against) is not valid "
        "TOML, or holds a setting other than `release`, or a `release` that is not a name in quotes. "
        "Nothing is checked until it is fixed.",
        'Write it as one line, `release = "0.1.0"` (a release the tool carries), or delete the file to use '
        "the tool's own release.",
        Example(
            "standards.toml",
            "release = 0.1.0\n",
            "standards.toml:1:14: E115 [error] not valid TOML: Expected newline or end of document after a statement",
        ),
    ),
    Code(
        "E116",
        "no manifests folder",
        "`standards check` was asked to check every manifest, but the repository has no `manifests/` "
        "folder, so there is nothing to check: usually the command ran in the wrong folder. Nothing is "
        "checked.",
        "Run it from the root of the repository, which keeps each council's `council.yaml` and services in "
        "`manifests/<council>/` (`standards new council CODE` starts one).",
        Example(
            "manifests",
            "",
            "manifests/:1:1: E116 [error] there is no manifests/ folder to check",
            make="remove",
        ),
    ),
)
