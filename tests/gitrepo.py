"""Real Git repositories for tests: `git init` in a temporary folder, commits with fixed identities."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ENV = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.org",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.org",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/nonexistent",
}


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, env=ENV, capture_output=True, text=True)
    if proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed in {cwd}: {proc.stderr.strip()}")
    return proc.stdout.strip()


def init_repo(path: Path, source: Path) -> Path:
    shutil.copytree(source, path)
    git(path, "init", "-q", "-b", "main")
    commit_all(path, "initial", date="2026-01-05T10:00:00+00:00")
    return path


def commit_all(path: Path, message: str, date: str = "2026-02-01T10:00:00+00:00") -> str:
    git(path, "add", "-A")
    subprocess.run(
        ["git", "commit", "-q", "-m", message],
        cwd=path,
        env={**ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date},
        check=True,
    )
    return git(path, "rev-parse", "HEAD")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
