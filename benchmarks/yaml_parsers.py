"""Candidate YAML parsers for the cold check's parse phase (issue 18, target 1), on the generated tree.

    python benchmarks/yaml_parsers.py [--count 10000] [--seed 0] [--keep DIR]

Times, in cpu seconds over every manifest of one tree (benchmarks/generate.py), each parser that is
importable here, and says whether its values equal PyYAML's for every file:

- PyYAML's C loader, `yaml.load(text, Loader=yaml.CSafeLoader)`: the floor of check_speed.py;
- PyYAML's C composer, `yaml.compose(...)`: the node tree the checker builds its positions from;
- yaml-rs (`yaml_rs.loads`), a Rust parser that builds Python values directly;
- rapidyaml (`ryml.parse_in_arena`), a C++ parser: its tree only, no Python values;
- the checker's own parse, both ways: `checks.loading.parse_composed` (PyYAML's node tree, as every
  file was read before issue 18) and `checks.loading.parse` (checks/block_yaml.py where it can), each
  with positions for every key and value; the last line gives their ratio and how many files the
  block YAML reader took.

Neither yaml-rs nor rapidyaml is a dependency of the project: install them into the environment that
runs this script (`pip install yaml-rs rapidyaml`) to time them; a missing one is said and skipped.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from checks import block_yaml, loading

sys.path.insert(0, str(Path(__file__).resolve().parent))

from check_speed import ensure_tree, manifest_files, tree_options


def timed(texts: list[str], parse: Callable[[str], Any], keep: bool) -> tuple[float, list[Any]]:
    """Cpu seconds to parse every text; the values only when `keep` (held, they cost the collector time,
    which a checker that frees each file as it goes never pays)."""
    start = time.process_time()
    if not keep:
        for text in texts:
            parse(text)
        return time.process_time() - start, []
    out = [parse(text) for text in texts]
    return time.process_time() - start, out


def candidates() -> list[tuple[str, Callable[[str], Any] | None, bool]]:
    """(name, parser or None when not installed, whether it gives Python values to compare)."""
    found: list[tuple[str, Callable[[str], Any] | None, bool]] = [
        ("PyYAML CSafeLoader, load", lambda text: yaml.load(text, Loader=yaml.CSafeLoader), True),
        ("PyYAML CSafeLoader, compose", lambda text: yaml.compose(text, Loader=yaml.CSafeLoader), False),
    ]
    try:
        yaml_rs: Any = importlib.import_module("yaml_rs")
        found.append(("yaml-rs, loads", yaml_rs.loads, True))
    except ImportError:
        found.append(("yaml-rs, loads", None, True))
    try:
        ryml: Any = importlib.import_module("ryml")
        found.append(("rapidyaml, tree only", lambda text: ryml.parse_in_arena(text.encode()), False))
    except ImportError:
        found.append(("rapidyaml, tree only", None, False))
    found.append((COMPOSED, loading.parse_composed, False))
    found.append((BLOCK, loading.parse, False))
    return found


COMPOSED = "checker, PyYAML node tree"
BLOCK = "checker, block YAML reader"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    tree_options(parser, 10_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="standards-yaml-bench-") as tmp:
        tree, how = ensure_tree(
            (args.keep or Path(tmp)).resolve() / f"tree-{args.count}-seed{args.seed}", args.count, args.seed
        )
        files = manifest_files(tree)
        texts = [path.read_text(encoding="utf-8") for path in files]
    print(f"tree: {tree} ({how}): {len(files)} files, Python {sys.version.split()[0]}, PyYAML {yaml.__version__}")
    floor: float | None = None
    reference: list[Any] = []
    took: dict[str, float] = {}
    for name, parse, gives_values in candidates():
        if parse is None:
            print(f"{name:30} not installed here (pip install yaml-rs rapidyaml)")
            continue
        seconds, values = timed(texts, parse, keep=gives_values)
        took[name] = seconds
        if floor is None:
            floor, reference = seconds, values
        same = ""
        if gives_values:
            equal = sum(a == b for a, b in zip(reference, values, strict=True))
            same = f", values equal PyYAML's in {equal} of {len(values)} files"
        print(f"{name:30} {seconds:6.2f} cpu-s  {seconds / floor:5.2f}x PyYAML's load{same}")
    fast = sum(block_yaml.read(text) is not None for text in texts)
    print(
        f"ratio node tree / block YAML reader: {took[COMPOSED] / took[BLOCK]:.2f}"
        f" (the reader took {fast} of {len(texts)} files; the rest went to PyYAML)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
