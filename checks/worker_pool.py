"""Forked worker processes that take chunks of work in turn and give back each chunk's results in order.

Apart from checks.runner (which says what a chunk is and how it is checked) so each module holds one
job: this one holds the processes, their pipes and their signals.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Generator, Iterable
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from checks.atomic import signals_deferred
from checks.profile import active


def _serve(conn: Connection, parent_ends: list[Connection], handle: Callable[[Any], list[Any]]) -> None:
    """A worker: chunks in, results out, over a pipe of its own, until the parent closes it or stops it.

    It first leaves the caller's process group, so a Ctrl-C or SIGTERM sent to the group reaches only
    the parent, which then stops the workers itself. It started with both signals held (see in_workers):
    ignoring SIGINT drops one sent meanwhile, and a held SIGTERM ends it now, while it is idle.
    """
    os.setpgid(0, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, (signal.SIGINT, signal.SIGTERM))
    for end in parent_ends:  # inherited through fork; held open, the parent's exit would never reach us as EOF
        end.close()
    profile = active()
    if profile is not None:
        profile.take()  # the parent's figures so far came with the fork: it counts those itself
    while True:
        try:
            chunk = conn.recv()
        except EOFError:
            return
        try:
            reply: tuple[bool, object, dict[str, float] | None] = (True, handle(chunk), None)
        except Exception as exc:  # a bug in a check: raised again in the parent
            reply = (False, exc, None)
        if profile is not None:
            reply = (*reply[:2], profile.take())
        conn.send(reply)


def _receive(conn: Connection) -> list[Any]:
    try:
        ok, value, seconds = conn.recv()
    except (EOFError, ConnectionError):
        raise RuntimeError("a worker process stopped unexpectedly (out of memory?); run with --jobs 1") from None
    profile = active()
    if seconds is not None and profile is not None:
        profile.add(seconds)
    if not ok:
        assert isinstance(value, BaseException)
        raise value
    return value  # type: ignore[no-any-return]


def in_workers(
    chunks: Iterable[Any], jobs: int, handle: Callable[[Any], list[Any]]
) -> Generator[list[Any], None, None]:
    """Each chunk's results (`handle(chunk)`), in order, from `jobs` forked workers dealt chunks in turn.

    Not multiprocessing.Pool: its workers share locks and pipes, so one killed (by a signal to the group,
    or by Pool.terminate) while holding a lock or half-way through sending a result leaves the parent
    waiting forever. Here each worker has its own pipe, and however the run ends (finished, abandoned,
    interrupted) every worker is killed and reaped before this returns.
    """
    context = multiprocessing.get_context("fork")
    workers: list[tuple[BaseProcess, Connection]] = []
    profile = active()
    if profile is not None:
        profile.workers = jobs
    try:
        with signals_deferred():
            for _ in range(jobs):
                here, there = context.Pipe()
                ends = [conn for _, conn in workers] + [here]
                process = context.Process(target=_serve, args=(there, ends, handle), daemon=True)
                process.start()
                there.close()
                workers.append((process, here))
        # A few small chunks in flight per worker: far less than a pipe holds, so sending never blocks.
        in_flight: deque[Connection] = deque()
        received: dict[Connection, deque[list[Any]]] = {conn: deque() for _, conn in workers}

        def oldest() -> list[Any]:
            conn = in_flight.popleft()
            while not received[conn]:
                # Whatever any worker has finished is read while waiting, so none sits blocked sending it.
                for ready in wait({conn, *in_flight}):
                    assert isinstance(ready, Connection)
                    received[ready].append(_receive(ready))
            return received[conn].popleft()

        for n, chunk in enumerate(chunks):
            conn = workers[n % jobs][1]
            conn.send(chunk)
            in_flight.append(conn)
            if len(in_flight) >= jobs * 3:
                yield oldest()
        while in_flight:
            yield oldest()
    finally:
        for worker, _ in workers:
            worker.kill()
        for worker, conn in workers:
            worker.join()
            conn.close()
