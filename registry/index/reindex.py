"""Keeping the served index current: pull on a push, re-judge each day, rebuild a damaged file.

Every worker process of `standards serve` runs one `Reindexer.watch` thread; requests never
rebuild, they only ask for one (`request_pull`, `wake`) and keep reading the current file,
which a rebuild replaces by an atomic rename.

Beside the index live three small files, shared by every process serving it:

* `<index>.lock`: held (`flock`) by whichever process is pulling and rebuilding, so at most one
  rebuild of an index runs at a time however many workers there are;
* `<index>.pending`: exists while a push has not yet been pulled. A push creates it *before*
  trying the lock, and the holder deletes it *before* fetching, and looks again after every
  rebuild and after letting go of the lock, so a push that arrives during a rebuild is always
  pulled by a later one (several such pushes fold into one);
* `<index>.rebuilds`: when recent rebuilds started, for the per-minute limit across workers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import git

from registry.index.build import build_index
from registry.index.health import IndexState, ensure_replaceable_index, index_state
from registry.index.settings import ENV_RATE, ENV_RECHECK, today_from_env

log = logging.getLogger("registry.reindex")

RECHECK_SECONDS = 60.0
REBUILDS_PER_MINUTE = 4
WINDOW = 60.0


class Reindexer:
    def __init__(
        self,
        root: Path,
        index_path: Path,
        branch: str | None = None,
        *,
        clock: Callable[[], dt.date] = today_from_env,
        per_minute: int = REBUILDS_PER_MINUTE,
        recheck: float = RECHECK_SECONDS,
        wallclock: Callable[[], float] = time.time,
    ) -> None:
        self.root = root
        self.index_path = index_path.absolute()
        self.branch = branch
        self.clock = clock
        self.per_minute = per_minute
        self.recheck = recheck
        self.now = wallclock  # not monotonic: the rebuild log is shared between processes
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._said: str | None = None  # the last problem logged, so a lasting one is said once
        self._healthy: tuple[int, int, int] | None = None  # the file last found healthy (inode, mtime, size)

    @classmethod
    def from_env(cls, root: Path, index_path: Path) -> Reindexer:
        return cls(
            root,
            index_path,
            per_minute=int(os.environ.get(ENV_RATE, REBUILDS_PER_MINUTE)),
            recheck=float(os.environ.get(ENV_RECHECK, RECHECK_SECONDS)),
        )

    def _beside(self, suffix: str) -> Path:
        return self.index_path.with_name(self.index_path.name + suffix)

    # ------------------------------------------------------------------ what requests call

    def request_pull(self) -> None:
        """Record a push (before anyone looks at the lock) and wake this process's watcher."""
        self.index_path.parent.mkdir(parents=True, exist_ok=True)
        self._beside(".pending").touch()
        self._wake.set()

    def wake(self) -> None:
        """Look at the index now (a reader found it unreadable)."""
        self._wake.set()

    def remote_head(self) -> str:
        """The commit a pull would fetch, asked of the remote without touching the local repository."""
        repo = git.Repo(self.root)
        branch = self.branch or repo.active_branch.name
        out = str(repo.git.ls_remote("origin", f"refs/heads/{branch}"))
        if not out:
            raise ValueError(f"the remote has no branch {branch}")
        return out.split()[0]

    def state(self) -> IndexState:
        """The index's state, checking its integrity only when the file has changed since it was good."""
        try:
            stat = self.index_path.stat()
            identity: tuple[int, int, int] | None = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        except OSError:
            identity = None
        state = index_state(self.index_path, checked=identity is not None and identity == self._healthy)
        self._healthy = identity if state.problem is None else None
        return state

    def rebuilds_due_in(self) -> float:
        """Seconds until the per-minute limit allows another rebuild (0 when it does now)."""
        recent = self._recent_rebuilds()
        if len(recent) < self.per_minute:
            return 0.0
        return max(0.0, recent[-self.per_minute] + WINDOW - self.now())

    # ------------------------------------------------------------------ the watcher

    def start(self) -> None:
        log.info("watching %s for pushes, damage and the date (every %gs)", self.index_path, self.recheck)
        self._thread = threading.Thread(target=self.watch, name="reindexer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def watch(self) -> None:
        while not self._stop.is_set():
            try:
                retry = self.run()
            except Exception:  # the watcher must outlive any one failure; the next look retries
                log.exception("reindexing failed; keeping the current index")
                retry = None
            self._wake.wait(self.recheck if retry is None else min(retry, self.recheck))
            self._wake.clear()

    def run(self) -> float | None:
        """Pull and rebuild while there is reason to; None, or seconds until the rate limit lets it."""
        while not self._stop.is_set():
            with self._locked() as held:
                if not held:
                    return None  # the holder looks for pending pushes after letting go
                retry = self._work()
            # A push recorded during that round (here or in another process, whose own try at the
            # lock failed) is pulled by another round.
            if retry is not None or not self._beside(".pending").exists():
                return retry
        return None

    @contextlib.contextmanager
    def _locked(self) -> Iterator[bool]:
        self.index_path.parent.mkdir(parents=True, exist_ok=True)
        with self._beside(".lock").open("a") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    def _work(self) -> float | None:
        """One round under the lock: pull if a push is pending, then rebuild if there is reason to."""
        pulled = self._take_pending()
        if pulled and not self._pull():
            return self.recheck
        state = self.state()
        reason = self._reason(state, pulled)
        if reason is None:
            return None
        wait = self.rebuilds_due_in()
        if wait > 0:
            if pulled:
                self._beside(".pending").touch()  # not built yet: keep it asked for
            log.debug("rebuild (%s) deferred %.0fs: at most %d a minute", reason, wait, self.per_minute)
            return wait
        self._rebuild(state, reason)
        return None

    def _take_pending(self) -> bool:
        try:
            self._beside(".pending").unlink()
        except FileNotFoundError:
            return False
        return True

    def _reason(self, state: IndexState, pulled: bool) -> str | None:
        if state.problem is not None:
            return state.problem
        today = self.clock()
        if state.as_of is not None and state.as_of < today:
            return f"judged as of {state.as_of}, and today is {today}"
        if pulled:
            head = git.Repo(self.root).head.commit.hexsha
            if head != state.commit:
                return f"pulled {head[:10]}"
        return None

    def pull(self) -> str:
        repo = git.Repo(self.root)
        remote = repo.remote("origin")
        branch = self.branch or repo.active_branch.name
        remote.fetch(branch)
        repo.git.merge("--ff-only", f"origin/{branch}")
        return repo.head.commit.hexsha

    def _pull(self) -> bool:
        try:
            self.pull()
        except (git.GitError, OSError, ValueError, TypeError) as exc:  # TypeError: a detached HEAD
            self._beside(".pending").touch()  # the push is not lost: the next look pulls again
            self._say(f"pull failed, keeping the current index: {exc}")
            return False
        return True

    def _rebuild(self, state: IndexState, reason: str) -> None:
        try:
            ensure_replaceable_index(self.index_path)
        except OSError as exc:
            # Not an SQLite file: someone else's file, or garbage. Never replace it; serve 503 until
            # a good index is put in its place.
            self._say(f"index {self.index_path} is {reason} and {exc.strerror}; waiting for a good file")
            return
        if state.problem is not None:
            self._say(f"index {self.index_path} is {reason}: answering 503 and rebuilding it")
        self._record_rebuild()  # before building: failed attempts count toward the limit too
        today = self.clock()
        try:
            build_index(self.root, self.index_path, today)
        except Exception as exc:  # a bad commit or a full disk: say so once, keep serving what there is
            self._say(f"rebuilding {self.index_path} ({reason}) failed, keeping the current file: {exc}")
            return
        self._said = None
        log.info("rebuilt index %s as of %s (%s)", self.index_path, today, reason)

    def _say(self, message: str) -> None:
        if message != self._said:
            log.warning("%s", message)
            self._said = message

    def _recent_rebuilds(self) -> list[float]:
        try:
            times = json.loads(self._beside(".rebuilds").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        cutoff = self.now() - WINDOW
        return sorted(t for t in times if isinstance(t, int | float) and t > cutoff)

    def _record_rebuild(self) -> None:
        times = [*self._recent_rebuilds(), self.now()]
        target = self._beside(".rebuilds")
        temp = target.with_name(target.name + ".tmp")
        temp.write_text(json.dumps(times), encoding="utf-8")
        temp.replace(target)
