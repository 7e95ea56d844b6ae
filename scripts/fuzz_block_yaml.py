"""Mangle real manifests at random and hold checks.block_yaml to PyYAML on each (docs/decisions/0007).

    python scripts/fuzz_block_yaml.py --cases 100000 --seed 7

Starts from every shipped manifest and standard and the edge cases in tests/test_block_yaml.py, and
makes up to four edits to each example: a YAML token inserted, a few characters cut, or a line
repeated elsewhere. Every example must either be left to PyYAML or be read exactly as PyYAML reads it
(values, types, every position), or the script prints it and exits 1. Run it, many cases, before
widening what the fast reader accepts; what it finds goes into the test's EDGES.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from test_block_yaml import BLOCK_SCALARS, EDGES, assert_read_as_pyyaml  # noqa: E402

TOKENS = [" ", "  ", "- ", ": ", "#", " #", '"', "'", "[", "]", ",", "\n", "\n  ", "\n- ", "&a ", "*a", "!"]
TOKENS += ["\\", "\\u", "|", ">", ">-", "|+", "yes", "012", "1.5", "~", ":", "?", "{", "}", "%", "@", "`"]
TOKENS += ["\t", "é", "\u2019", "x", "0", "-", "--- ", "...", "\n\n", "  \n", "-:", "?: "]


def mangle(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 4)):
        at, what = rng.randint(0, len(text)), rng.random()
        if what < 0.5:
            text = text[:at] + rng.choice(TOKENS) + text[at:]
        elif what < 0.75:
            text = text[:at] + text[at + rng.randint(1, 6) :]
        else:
            lines = text.split("\n")
            lines.insert(rng.randrange(len(lines)), lines[rng.randrange(len(lines))])
            text = "\n".join(lines)
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    files = sorted([*ROOT.glob("manifests/*/*.yaml"), *ROOT.glob("standards/*.yaml")])
    texts = [p.read_text(encoding="utf-8") for p in files] + EDGES + BLOCK_SCALARS
    rng = random.Random(args.seed)
    fast = 0
    for _ in range(args.cases):
        text = mangle(rng.choice(texts), rng)
        try:
            fast += assert_read_as_pyyaml(text)
        except AssertionError as exc:
            print(f"the fast reader and PyYAML differ on {text!r}: {exc}")
            return 1
    print(f"{args.cases:,} mangled documents: {fast:,} read by the fast reader, all as PyYAML reads them")
    return 0


if __name__ == "__main__":
    sys.exit(main())
