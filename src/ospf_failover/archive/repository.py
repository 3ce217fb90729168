"""The backup directory: a readable tree of files, one directory per host, kept in a git repository.

``DIR/HOST/running-config`` holds what vtysh shows; a file read from the router keeps its path under the host's
directory (``DIR/vr1/etc/frr/ospfd.conf``). Files are replaced atomically (a temporary file, then a rename); a
host's directory is only touched for a host whose backup succeeded. Git runs with the tool's own author, no
signing and no hooks, so a machine without a git identity (a monitoring host, a Salt minion) commits all the same,
and every git call is bounded in time.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ospf_failover.errors import BackupStoreError, InputError
from ospf_failover.locking import held

DEFAULT_AUTHOR = "ospf-failover <ospf-failover@localhost>"
GIT_TIMEOUT = 60.0  # seconds for one git command
LOCK_WAIT = 30.0  # seconds a run waits for another run on the same directory
RUNNING_CONFIG = "running-config"
TEMPORARY = ".tmp-"  # the prefix of a file being written
_AUTHOR = re.compile(r"^(?P<name>[^<>]+?)\s*<(?P<email>[^<>\s]+)>$")


@dataclass(frozen=True)
class Version:
    commit: str
    date: str  # ISO 8601, the commit's
    subject: str
    added: int  # lines, in the host's files
    removed: int
    files: tuple[str, ...]  # the host's files this version changed


def parse_author(value: str) -> tuple[str, str]:
    """``"Name <email>"`` as (name, email); InputError for anything else."""
    match = _AUTHOR.match(value.strip())
    if match is None:
        raise InputError(f"--author {value!r}: give it as 'Name <email>'")
    return match["name"], match["email"]


def stored_path(source: str) -> str:
    """Where a fetched source goes under its host's directory: ``running-config``, or the file's own path
    without its leading slash (``/etc/frr/ospfd.conf`` -> ``etc/frr/ospfd.conf``)."""
    if source == RUNNING_CONFIG:
        return source
    path = PurePosixPath(source)
    if not path.is_absolute() or ".." in path.parts or len(path.parts) < 2:
        raise InputError(f"{source!r}: a backed up file needs an absolute path without '..'")
    return str(path.relative_to("/"))


def stored_files(root: Path) -> list[str]:
    """The files under a host's directory, as paths relative to it (temporary files left out)."""
    if not root.is_dir():
        return []
    files = (path for path in root.rglob("*") if path.is_file() and not path.name.startswith(TEMPORARY))
    return sorted(str(path.relative_to(root)) for path in files)


class Repository:
    """A backup directory and its git repository."""

    def __init__(self, path: Path, *, author: str = DEFAULT_AUTHOR) -> None:
        self.path = path.absolute()
        self.name, self.email = parse_author(author)

    # -- git ------------------------------------------------------------------------------------------------
    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},  # no GIT_DIR from a hook or CI
            "GIT_CONFIG_GLOBAL": os.devnull,  # a user's excludesFile must not hide backed up files
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": self.name,
            "GIT_AUTHOR_EMAIL": self.email,
            "GIT_COMMITTER_NAME": self.name,
            "GIT_COMMITTER_EMAIL": self.email,
            "GIT_TERMINAL_PROMPT": "0",
        }
        argv = [
            "git", "-C", str(self.path), "-c", "commit.gpgsign=false", "-c", f"core.hooksPath={os.devnull}",
            "-c", "core.quotePath=false", *args,
        ]  # fmt: skip
        try:
            done = subprocess.run(
                argv,
                check=False,
                capture_output=True,
                text=True,
                timeout=GIT_TIMEOUT,
                env=env,
                stdin=subprocess.DEVNULL,
            )
        except FileNotFoundError as exc:
            raise BackupStoreError("git is not installed: the backup directory is a git repository") from exc
        except subprocess.TimeoutExpired as exc:
            raise BackupStoreError(f"git {args[0]} in {self.path} took more than {GIT_TIMEOUT:.0f} s") from exc
        if check and done.returncode != 0:
            reason = (done.stderr.strip() or done.stdout.strip()).splitlines()
            raise BackupStoreError(f"git {args[0]} in {self.path} failed: {reason[-1] if reason else done.returncode}")
        return done

    def exists(self) -> bool:
        return (self.path / ".git").is_dir()

    def create(self) -> bool:
        """Make the directory a git repository if it is not one; True when it was made now. A directory that
        holds other files is refused (InputError): backups never mix with something else."""
        if self.exists():
            return False
        if self.path.exists() and (not self.path.is_dir() or any(self.path.iterdir())):
            raise InputError(f"{self.path} exists and is not a backup repository: give an empty or new --dir")
        self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        (self.path / ".git" / "info").mkdir(exist_ok=True)
        (self.path / ".git" / "info" / "exclude").write_text(f"{TEMPORARY}*\n")  # a write cut short is never added
        return True

    @contextmanager
    def locked(self) -> Iterator[None]:
        """One run at a time on this directory (bounded wait)."""
        with held(
            self.path / ".git" / "ospf-failover.lock",
            timeout=LOCK_WAIT,
            error=lambda: BackupStoreError(f"another backup holds {self.path} for more than {LOCK_WAIT:.0f} s"),
        ):
            self._clear_leftovers()
            yield

    def _clear_leftovers(self) -> None:
        """What a run killed midway leaves (its temporary files, git's index.lock): gone before the next run, which
        holds the lock, so no run of ours is using them."""
        for host in (d for d in self.path.iterdir() if d.is_dir() and d.name != ".git"):
            for leftover in host.rglob(f"{TEMPORARY}*"):
                leftover.unlink(missing_ok=True)
        (self.path / ".git" / "index.lock").unlink(missing_ok=True)

    # -- files ----------------------------------------------------------------------------------------------
    def host_dir(self, host: str) -> Path:
        if not host or "/" in host or host.startswith("."):
            raise InputError(f"{host!r} cannot name a backup directory")
        return self.path / host

    def stored(self, host: str) -> list[str]:
        """The files a host has in the directory now, as paths under its directory."""
        return stored_files(self.host_dir(host))

    def replace_host(self, host: str, files: Mapping[str, str]) -> list[str]:
        """Make the host's directory hold exactly ``files``: each written atomically, the ones no longer
        fetched removed. Returns the paths removed. All new texts are written to temporary files first, so a
        failure while writing leaves every old file in place."""
        root = self.host_dir(host)
        staged: list[tuple[Path, Path]] = []
        try:
            for relative, text in files.items():
                target = root / relative
                if target.is_file() and target.read_text() == text:
                    continue  # unchanged: not rewritten
                target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=TEMPORARY)
                with os.fdopen(handle, "w") as out:
                    out.write(text)
                    out.flush()
                    os.fsync(out.fileno())
                staged.append((Path(temporary), target))
        except OSError as exc:
            for staged_file, _ in staged:
                staged_file.unlink(missing_ok=True)
            raise BackupStoreError(f"{host}: cannot write its backup in {root}: {exc}") from exc
        for staged_file, target in staged:
            os.replace(staged_file, target)
        removed = sorted(set(self.stored(host)) - set(files))
        for relative in removed:
            (root / relative).unlink()
        return removed

    # -- history --------------------------------------------------------------------------------------------
    def commit(self, hosts: Sequence[str], message: Callable[[dict[str, list[str]]], str]) -> str | None:
        """Commit what changed in these hosts' directories (whatever an earlier run left uncommitted too), with
        ``message(changed)`` (host -> its files that changed, as git sees them); None when nothing did: a run
        that changed nothing makes no commit."""
        paths = [host for host in hosts if self.host_dir(host).exists()]
        if not paths:
            return None
        self.git("add", "-A", "--", *paths)
        changed: dict[str, list[str]] = {}
        for name in self.git("diff", "--cached", "--name-only", "-z").stdout.split("\0"):
            if name:
                host, _, relative = name.partition("/")
                changed.setdefault(host, []).append(relative)
        if not changed:
            return None
        self.git("commit", "-q", "-m", message(changed))
        return self.git("rev-parse", "HEAD").stdout.strip()

    def history(self, host: str, *, limit: int) -> list[Version]:
        """The versions of a host's files, newest first (at most ``limit``)."""
        if not self.exists():
            raise InputError(f"{self.path} is not a backup repository (no backup was made there)")
        if self.git("rev-parse", "--verify", "-q", "HEAD", check=False).returncode != 0:
            return []
        log = self.git("log", f"-n{limit}", "--format=%x00%H%x09%aI%x09%s", "--numstat", "--", f"{host}/").stdout
        return parse_log(log, host)


def parse_log(text: str, host: str) -> list[Version]:
    """``git log --format=%x00%H%x09%aI%x09%s --numstat`` as versions, counting only ``host``'s files."""
    versions = []
    for entry in text.split("\0")[1:]:
        head, _, stats = entry.partition("\n")
        commit, date, subject = head.split("\t", 2)
        added = removed = 0
        files = []
        for line in stats.splitlines():
            parts = line.split("\t")
            if len(parts) != 3 or not parts[2].startswith(f"{host}/"):
                continue
            added += int(parts[0]) if parts[0].isdigit() else 0
            removed += int(parts[1]) if parts[1].isdigit() else 0
            files.append(parts[2].removeprefix(f"{host}/"))
        versions.append(Version(commit, date, subject, added, removed, tuple(files)))
    return versions
