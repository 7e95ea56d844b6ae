"""Outputs get the permissions a user expects: a new file or folder the umask's default, as `open()` and
`mkdir()` give, and a replaced one the mode it had, so a web server running as another user can still
read the published site, the index and the reports.

Real subprocesses of the installed `standards` script, each started under a given umask.
"""

from __future__ import annotations

import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import AS_OF, MINI, ROOT
from registry.playbook.build import MARKER

STANDARDS = Path(sys.executable).with_name("standards")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """MINI with the site's sources, so all three commands that write outputs can run in it."""
    repo = tmp_path_factory.mktemp("permissions") / "repo"
    shutil.copytree(MINI, repo)
    shutil.copytree(ROOT / "site", repo / "site", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "schemas", repo / "schemas")
    return repo


def _write_all(repo: Path, out: Path, umask: int) -> None:
    """A report, an index and a site (with the index it builds first) into `out`, under `umask`."""
    for arguments in (
        ["check", "--as-of", AS_OF, "--format", "json", "--output", str(out / "report.json")],
        ["index", "build", "--as-of", AS_OF, "--output", str(out / "index.sqlite")],
        ["site", "build", "--index", str(out / "site-index.sqlite"), "--output", str(out / "site")],
    ):
        proc = subprocess.run(
            [str(STANDARDS), *arguments], cwd=repo, capture_output=True, text=True, timeout=300, umask=umask
        )
        assert proc.returncode in (0, 1), proc.stderr


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("umask", [0o022, 0o027], ids=oct)
def test_new_outputs_get_the_umask_default(repo: Path, tmp_path: Path, umask: int) -> None:
    _write_all(repo, tmp_path, umask)
    for name in ("report.json", "index.sqlite", "site-index.sqlite"):
        assert oct(_mode(tmp_path / name)) == oct(0o666 & ~umask), name
    site = tmp_path / "site"
    everything = [site, *site.rglob("*")]
    assert len(everything) > 50
    wrong = {
        p.relative_to(tmp_path).as_posix(): oct(_mode(p))
        for p in everything
        if _mode(p) != (0o777 if p.is_dir() else 0o666) & ~umask
    }
    assert not wrong, f"not the umask's default ({oct(umask)}): {wrong}"


def test_replaced_outputs_keep_their_mode(repo: Path, tmp_path: Path) -> None:
    (tmp_path / "report.json").write_text("{}\n")
    (tmp_path / "index.sqlite").write_bytes(b"")  # what a crash leaves: an index to rebuild
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / MARKER).write_text("built by `standards site build`\n")
    modes = {"report.json": 0o640, "index.sqlite": 0o604, "site": 0o750}
    for name, mode in modes.items():
        (tmp_path / name).chmod(mode)
    _write_all(repo, tmp_path, 0o022)
    assert (tmp_path / "site" / "index.html").is_file() and (tmp_path / "index.sqlite").stat().st_size > 0
    assert {name: oct(_mode(tmp_path / name)) for name in modes} == {name: oct(m) for name, m in modes.items()}
