"""Keeping the index current: pull the repository, rebuild, swap — one rebuild at a time."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from pathlib import Path

import git

from registry.index import build_index

log = logging.getLogger("registry.reindex")


class Reindexer:
    def __init__(self, root: Path, index_path: Path, branch: str | None = None) -> None:
        self.root = root
        self.index_path = index_path
        self.branch = branch
        self._lock = threading.Lock()
        self._again = False

    def pull(self) -> str:
        repo = git.Repo(self.root)
        remote = repo.remote("origin")
        branch = self.branch or repo.active_branch.name
        remote.fetch(branch)
        repo.git.merge("--ff-only", f"origin/{branch}")
        return repo.head.commit.hexsha

    def rebuild(self) -> None:
        build_index(self.root, self.index_path, dt.date.today())

    def pull_and_rebuild(self) -> None:
        # Pushes that arrive during a rebuild are folded into one more run, not queued one by one.
        if not self._lock.acquire(blocking=False):
            self._again = True
            return
        try:
            while True:
                self._again = False
                try:
                    sha = self.pull()
                    self.rebuild()
                    log.info("reindexed at %s", sha[:10])
                except (git.GitCommandError, ValueError) as exc:
                    log.error("pull failed, keeping the current index: %s", exc)
                if not self._again:
                    break
        finally:
            self._lock.release()
