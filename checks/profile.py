"""Where a check's time goes (`standards check --profile`): cpu seconds per phase, summed over every
file and every process, so the largest cost is measured before anyone tries to cut it. Cpu time, not
wall time: on a shared machine a phase's wall time is mostly other people's work.

Off by default and then nearly free: `phase()` hands back one shared do-nothing context. On, each
phase's time is its own: a phase inside another (positions, looked up while rules are judged) is
taken out of the outer one, so the phases add up to the time spent in them.
"""

from __future__ import annotations

import contextlib
import resource
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager

# In the order a file goes through them; `render` is the report, in the worker and in the parent.
PHASES = (
    "read",
    "parse",
    "validate",
    "references",
    "context",
    "rules",
    "positions",
    "render",
)

_NOTHING = contextlib.nullcontext()


class Profile:
    """Seconds per phase in this process, with nesting taken out."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = dict.fromkeys(PHASES, 0.0)
        self._inner: list[float] = []
        # Start-up is the cpu this process had used when profiling began: the interpreter and the imports.
        self.startup = time.process_time()
        self.started = time.perf_counter()
        self.workers = 0  # worker processes the run started (set by checks.runner), 0 when it ran in one

    @contextlib.contextmanager
    def _timed(self, name: str) -> Iterator[None]:
        start = time.process_time()
        self._inner.append(0.0)
        try:
            yield
        finally:
            elapsed = time.process_time() - start
            inner = self._inner.pop()
            self.seconds[name] = self.seconds.get(name, 0.0) + elapsed - inner
            if self._inner:
                self._inner[-1] += elapsed

    def take(self) -> dict[str, float]:
        """The seconds so far, and start again from zero (a worker sends them with each chunk)."""
        taken, self.seconds = self.seconds, dict.fromkeys(PHASES, 0.0)
        return taken

    def add(self, seconds: dict[str, float]) -> None:
        for name, value in seconds.items():
            self.seconds[name] = self.seconds.get(name, 0.0) + value


_active: Profile | None = None


def start() -> Profile:
    """Start profiling this process (and the workers it forks after this)."""
    global _active
    _active = Profile()
    return _active


def active() -> Profile | None:
    return _active


def stop() -> Profile | None:
    """Stop profiling; the profile there was, if any."""
    global _active
    stopped, _active = _active, None
    return stopped


def phase(name: str) -> AbstractContextManager[None]:
    """Time a block as phase `name` when profiling is on."""
    profile = _active
    return _NOTHING if profile is None else profile._timed(name)


def table(profile: Profile) -> str:
    """The split as lines of text for stderr: each phase's cpu seconds and share of the run's cpu time."""
    # The parent also gathers and writes the workers' results, on the same cores as they run.
    parent, workers = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    rows = [("start-up (interpreter, imports)", profile.startup), *profile.seconds.items()]
    # What no phase covers: loading the standards (beyond reading and parsing them), starting workers,
    # sending chunks and results between processes, the run's loop.
    rows.append(("other", max(0.0, parent + workers - sum(seconds for _, seconds in rows))))
    total = sum(seconds for _, seconds in rows)
    wall = time.perf_counter() - profile.started
    processes = f"this process and {profile.workers} workers" if profile.workers else "one process"
    lines = [f"profile: {wall:.2f} s wall after start-up, {total:.2f} cpu seconds in {processes}"]
    lines.append(f"  cpu: this process {parent:.2f} s, worker processes {workers:.2f} s")
    for name, seconds in rows:
        share = seconds / total * 100 if total else 0.0
        lines.append(f"  {name:<30} {seconds:8.2f} s {share:5.1f}%")
    return "\n".join(lines)


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime
