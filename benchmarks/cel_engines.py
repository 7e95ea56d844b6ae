"""common-expression-language (`cel`, the project's engine) against cel-python (`celpy`).

    python benchmarks/cel_engines.py [--docs 24] [--repeat 20] [--runner interpreted|compiled|both]

Also the checker's own way (`closures`): each rule as a Python closure over the manifest's plain
values (checks/celpython.py), with cel only where a closure defers.

On the project's real rules (every `applies_to.when`, `applies_when` and `check`
in standards/*.yaml) and a few generated service manifests
(benchmarks/generate.py), it converts each manifest to a CEL context once per
library, then evaluates every rule against every context, and prints per-rule
and per-document times for both libraries and the ratios cel-python / cel
measured in the same run. A rule that celpy cannot compile or evaluate where
cel can is counted and listed, not fatal.

Both conversions start from the validated pydantic model, as the checker does:
cel's is `checks.celcontext.build_context`; celpy's is the same `model_dump`
and date handling, then `celpy.json_to_cel`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import cel
import celpy
import yaml
from celpy import celtypes

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import AS_OF, PROJECT, describe_checkout, generate, service_files, standard_files

from checks.celcontext import _cel_value, as_of_timestamp, build_context
from checks.loading import load_file
from checks.models import Council, Service
from checks.rules import Rule as Rule_
from checks.rules import compile_rule
from checks.validation import validate


@dataclass
class Rule:
    name: str  # e.g. "SS-05 check"
    standard: str
    kind: str  # applies_to | applies_when | check
    source: str


@dataclass
class Engine:
    """One library: how it compiles, converts a document and evaluates."""

    name: str
    compile: Callable[[str], Any]
    convert: Callable[[Service, Council | None], Any]
    run: Callable[[Any, Any], Any]  # (program, context) -> value; raises or returns an error value
    programs: list[Any] = field(default_factory=list)
    compile_errors: dict[int, str] = field(default_factory=dict)
    compile_ns: list[int] = field(default_factory=list)


def load_rules(root: Path) -> list[Rule]:
    rules: list[Rule] = []
    for path in standard_files(root):
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        if not isinstance(doc, dict) or doc.get("kind") != "Standard":
            continue
        when = (doc.get("applies_to") or {}).get("when")
        if when:
            rules.append(Rule(f"{doc['id']} applies_to", doc["id"], "applies_to", when))
        for req in doc.get("requirements") or []:
            for kind in ("applies_when", "check"):
                if req.get(kind):
                    rules.append(Rule(f"{req['id']} {kind}", doc["id"], kind, req[kind]))
    return rules


def load_documents(tree: Path, count: int) -> list[tuple[Service, Council | None]]:
    docs: list[tuple[Service, Council | None]] = []
    for path in service_files(tree)[:count]:
        loaded = load_file(path)
        council_doc = load_file(path.parent / "council.yaml")
        if isinstance(loaded, list) or isinstance(council_doc, list):
            raise SystemExit(f"{path} does not load: {loaded}")
        service, council = validate(loaded, "Service"), validate(council_doc, "Council")
        if not isinstance(service, Service) or not isinstance(council, Council):
            raise SystemExit(f"{path} is not valid: {service}")
        docs.append((service, council))
    return docs


# --------------------------------------------------------------------------- the two libraries


def cel_engine() -> Engine:
    return Engine(
        name="cel",
        compile=cel.compile,
        convert=lambda service, council: build_context(service, council, AS_OF).cel(),
        run=lambda program, context: program.execute(context),
    )


def checker_engine() -> Engine:
    """What `standards check` runs: each rule's Python closure (checks/celpython.py), and cel where one
    defers, with cel's values made only then."""

    def compiled(source: str) -> Rule_:
        rule = compile_rule(source)
        if rule.program is None:
            raise ValueError(rule.compile_error)
        return rule

    return Engine(
        name="closures",
        compile=compiled,
        convert=lambda service, council: build_context(service, council, AS_OF),
        run=lambda rule, activation: rule.run(activation),
    )


def celpy_convert(service: Service, council: Council | None) -> dict[str, Any]:
    return {
        "service": celpy.json_to_cel(_cel_value(service.model_dump(mode="python"))),
        "council": celpy.json_to_cel(_cel_value(council.model_dump(mode="python"))) if council else None,
        "now": celtypes.TimestampType(as_of_timestamp(AS_OF)),
    }


def celpy_engine(runner: str) -> Engine:
    # celpy keeps one parser for the process, built for the first runner's tree class; the
    # documented way to switch runners is to drop it (celpy/celparser.py, CELParser).
    celpy.celparser.CELParser.CEL_PARSER = None
    env = celpy.Environment(runner_class=celpy.CompiledRunner if runner == "compiled" else celpy.InterpretedRunner)
    return Engine(
        name=f"celpy ({runner})",
        compile=lambda source: env.program(env.compile(source)),
        convert=celpy_convert,
        run=lambda program, activation: program.evaluate(activation),
    )


def outcome(value: Any) -> bool | str:
    """True/False, or the error as text (celpy returns CELEvalError values rather than raising)."""
    if isinstance(value, celpy.CELEvalError):
        return f"error: {value.args[0] if value.args else value}"
    if isinstance(value, bool):  # celtypes.BoolType subclasses int, not bool
        return value
    if isinstance(value, celtypes.BoolType):
        return bool(value)
    return f"error: gave {type(value).__name__} {value!r:.60}"


# --------------------------------------------------------------------------- the measurements


@dataclass
class Timings:
    convert_ns: list[int] = field(default_factory=list)  # per document
    # [rule][doc] -> ns per evaluation (mean over repeats), and the outcome
    eval_ns: list[list[float]] = field(default_factory=list)
    outcomes: list[list[bool | str]] = field(default_factory=list)


def measure(engine: Engine, rules: list[Rule], docs: list[tuple[Service, Council | None]], repeat: int) -> Timings:
    for i, rule in enumerate(rules):
        start = time.perf_counter_ns()
        try:
            program = engine.compile(rule.source)
        except Exception as exc:
            program = None
            engine.compile_errors[i] = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        engine.compile_ns.append(time.perf_counter_ns() - start)
        engine.programs.append(program)
    timings = Timings()
    contexts = []
    for service, council in docs:
        best = None
        for _ in range(max(1, repeat // 4)):
            start = time.perf_counter_ns()
            context = engine.convert(service, council)
            elapsed = time.perf_counter_ns() - start
            best = elapsed if best is None else min(best, elapsed)
        timings.convert_ns.append(best or 0)
        contexts.append(context)
    for i, program in enumerate(engine.programs):
        row_ns: list[float] = []
        row_out: list[bool | str] = []
        for context in contexts:
            if program is None:
                row_ns.append(0.0)
                row_out.append(f"error: does not compile: {engine.compile_errors[i]}")
                continue
            result: bool | str = "error: not run"
            start = time.perf_counter_ns()
            for _ in range(repeat):
                try:
                    value = engine.run(program, context)
                except Exception as exc:
                    value = exc
                result = outcome(value) if not isinstance(value, Exception) else f"error: {str(value)[:200]}"
            row_ns.append((time.perf_counter_ns() - start) / repeat)
            row_out.append(result)
        timings.eval_ns.append(row_ns)
        timings.outcomes.append(row_out)
    return timings


def us(ns: float) -> str:
    return f"{ns / 1000:8.1f} µs"


def compare(
    base: Engine, other: Engine, rules: list[Rule], docs: int, a: Timings, b: Timings, per_rule: bool
) -> list[str]:
    """Print the comparison; return the final result lines."""
    print(f"\n--- {other.name} against {base.name}")
    conv_a, conv_b = statistics.mean(a.convert_ns), statistics.mean(b.convert_ns)
    print(f"conversion per document: {base.name} {us(conv_a)}  {other.name} {us(conv_b)}  ratio {conv_b / conv_a:.1f}")
    comp_a = statistics.mean(base.compile_ns)
    comp_b = statistics.mean(other.compile_ns)
    print(f"compile per rule:        {base.name} {us(comp_a)}  {other.name} {us(comp_b)}  ratio {comp_b / comp_a:.1f}")

    # Evaluations where both libraries gave true/false, and all evaluations.
    both_ok = [
        (r, d)
        for r in range(len(rules))
        for d in range(docs)
        if isinstance(a.outcomes[r][d], bool) and isinstance(b.outcomes[r][d], bool)
    ]
    runnable = [(r, d) for r in range(len(rules)) for d in range(docs) if other.programs[r] is not None]
    ok_a = sum(a.eval_ns[r][d] for r, d in both_ok)
    ok_b = sum(b.eval_ns[r][d] for r, d in both_ok)
    all_a = sum(a.eval_ns[r][d] for r, d in runnable)
    all_b = sum(b.eval_ns[r][d] for r, d in runnable)
    per_rule_ratio = []
    both_ok_set = set(both_ok)
    for r in range(len(rules)):
        pairs = [d for d in range(docs) if (r, d) in both_ok_set]
        ns_a = sum(a.eval_ns[r])
        ns_b = sum(b.eval_ns[r])
        if other.programs[r] is not None and ns_a > 0:
            per_rule_ratio.append((ns_b / ns_a, r))
        if per_rule:
            print(
                f"  {rules[r].name:<28} {base.name} {us(ns_a / docs)}  {other.name} {us(ns_b / docs)}"
                f"  ratio {ns_b / ns_a if ns_a else float('nan'):6.1f}  both ok on {len(pairs)}/{docs}"
            )
    ratios = sorted(x for x, _ in per_rule_ratio)
    print(
        f"evaluation per rule (both gave true/false, {len(both_ok)} evaluations): "
        f"{base.name} {us(ok_a / max(1, len(both_ok)))}  {other.name} {us(ok_b / max(1, len(both_ok)))}"
        f"  ratio {ok_b / ok_a:.1f}"
    )
    print(
        f"evaluation per rule (every evaluation, errors included, {len(runnable)}): "
        f"{base.name} {us(all_a / max(1, len(runnable)))}  {other.name} {us(all_b / max(1, len(runnable)))}"
        f"  ratio {all_b / all_a:.1f}"
    )
    print(
        f"per-rule ratio: median {statistics.median(ratios):.1f}, min {ratios[0]:.1f}"
        f" ({rules[min(per_rule_ratio)[1]].name}), max {ratios[-1]:.1f} ({rules[max(per_rule_ratio)[1]].name})"
    )
    doc_a = conv_a + all_a / docs
    doc_b = conv_b + all_b / docs
    print(
        f"per document (convert once + {len(rules)} rules): {base.name} {doc_a / 1e6:.2f} ms  "
        f"{other.name} {doc_b / 1e6:.2f} ms  ratio {doc_b / doc_a:.1f}"
    )

    # Where the libraries differ.
    tally: Counter[str] = Counter()
    broken: dict[int, str] = {}
    for r in range(len(rules)):
        for d in range(docs):
            x, y = a.outcomes[r][d], b.outcomes[r][d]
            if isinstance(x, bool) and isinstance(y, bool):
                tally["agree" if x == y else "disagree"] += 1
                if x != y:
                    broken.setdefault(r, f"disagrees: {base.name} {x}, {other.name} {y}")
            elif isinstance(x, bool):
                tally[f"{other.name} errors only"] += 1
                broken.setdefault(r, str(y))
            elif isinstance(y, bool):
                tally[f"{base.name} errors only"] += 1
            else:
                tally["both error"] += 1
    print("outcomes over rules x documents: " + ", ".join(f"{k} {v}" for k, v in sorted(tally.items())))
    if broken:
        print(f"rules {other.name} gets wrong or cannot evaluate where {base.name} gives true/false: {len(broken)}")
        for r, why in sorted(broken.items(), key=lambda item: rules[item[0]].name):
            print(f"  {rules[r].name:<28} {why[:150]}")
    label = other.name.replace(" ", "")
    return [
        f"ratio {label}/cel conversion: {conv_b / conv_a:.2f}",
        f"ratio {label}/cel evaluation (both ok): {ok_b / ok_a:.2f}",
        f"ratio {label}/cel evaluation (all): {all_b / all_a:.2f}",
        f"ratio {label}/cel per document: {doc_b / doc_a:.2f}",
        f"rules {label} fails where cel works: {len(broken)} of {len(rules)}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=24, help="generated service manifests to use (default 24)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=20, help="evaluations of each rule per document (default 20)")
    parser.add_argument(
        "--runner",
        choices=("interpreted", "compiled", "both", "none"),
        default="both",
        help="celpy's runner: InterpretedRunner (its default), CompiledRunner (transpiles to Python), both or none",
    )
    parser.add_argument("--keep", type=Path, help="generate the manifests in this folder (and reuse them)")
    parser.add_argument("--per-rule", action="store_true", help="print a line for every rule")
    args = parser.parse_args(argv)
    # celpy's transpiled runner logs every evaluation error; they are counted below instead.
    logging.getLogger("celpy").setLevel(logging.CRITICAL)

    with tempfile.TemporaryDirectory(prefix="standards-cel-") as tmp:
        tree = (args.keep or Path(tmp)).resolve()
        if len(service_files(tree)) < args.docs:
            generate(tree, args.docs, args.seed)
        docs = load_documents(tree, args.docs)
    rules = load_rules(PROJECT)
    kinds = Counter(r.kind for r in rules)
    print(
        f"{len(docs)} generated services, {len(rules)} expressions from {len({r.standard for r in rules})} standards "
        f"({', '.join(f'{v} {k}' for k, v in sorted(kinds.items()))}), as of {AS_OF}, {args.repeat} repeats"
    )
    print(
        f"common-expression-language {version('common-expression-language')}, "
        f"cel-python {version('cel-python')}, Python {sys.version.split()[0]}, {dt.date.today()}, "
        f"project {describe_checkout()}"
    )
    base = cel_engine()
    base_t = measure(base, rules, docs, args.repeat)
    if base.compile_errors:
        print(f"cel: {len(base.compile_errors)} rules do not compile")
    checker = checker_engine()
    lines = compare(base, checker, rules, len(docs), base_t, measure(checker, rules, docs, args.repeat), args.per_rule)
    runners = {"both": ("interpreted", "compiled"), "none": ()}.get(args.runner, (args.runner,))
    for runner in runners:
        other = celpy_engine(runner)
        other_t = measure(other, rules, docs, args.repeat)
        if other.compile_errors:
            print(f"{other.name}: {len(other.compile_errors)} rules do not compile")
        lines += compare(base, other, rules, len(docs), base_t, other_t, args.per_rule)
    print("\n== results")
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
