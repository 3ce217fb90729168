"""The backup directory over a real git repository: made on first use, files replaced atomically, one commit
only when something changed, under the tool's own author on a machine with no git identity, and a host's
history read back."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from ospf_failover.archive import Repository, parse_author, parse_log, stored_path
from ospf_failover.errors import BackupStoreError, InputError


@pytest.fixture(autouse=True)
def no_git_identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine where git knows nobody: no global or system configuration, an empty home."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)


def git(path: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(path), *args], capture_output=True, text=True, check=True).stdout


def message(changed: dict[str, list[str]]) -> str:
    return "backup: " + ", ".join(f"{host} ({', '.join(files)})" for host, files in changed.items())


def test_first_use_makes_a_private_repository_and_refuses_a_directory_holding_something_else(tmp_path: Path) -> None:
    repository = Repository(tmp_path / "backups")
    assert repository.create() is True and repository.exists()
    assert (tmp_path / "backups").stat().st_mode & 0o077 == 0, "other users cannot read backups"
    assert repository.create() is False
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine\n")
    with pytest.raises(InputError, match="not a backup repository"):
        Repository(busy).create()
    assert (busy / "notes.txt").read_text() == "mine\n" and not (busy / ".git").exists()


def test_one_commit_per_change_none_without_and_only_the_hosts_named(tmp_path: Path) -> None:
    repository = Repository(tmp_path / "b", author="Backups <noc@example.net>")
    repository.create()
    repository.replace_host("vr1", {"running-config": "hostname vr1\n", "etc/frr/ospfd.conf": "router ospf\n"})
    repository.replace_host("vr2", {"running-config": "hostname vr2\n"})
    first = repository.commit(["vr1", "vr2"], message)
    assert first is not None
    assert git(repository.path, "log", "-1", "--format=%an <%ae>|%cn|%s").strip() == (
        "Backups <noc@example.net>|Backups|backup: vr1 (etc/frr/ospfd.conf, running-config), vr2 (running-config)"
    )
    repository.replace_host("vr1", {"running-config": "hostname vr1\n", "etc/frr/ospfd.conf": "router ospf\n"})
    assert repository.commit(["vr1", "vr2"], message) is None, "nothing changed: no commit"
    repository.replace_host("vr2", {"running-config": "hostname vr2\n!\n"})
    repository.replace_host("vr3", {"running-config": "hostname vr3\n"})  # written, but its run failed later
    second = repository.commit(["vr2"], message)
    assert second is not None and second != first
    assert git(repository.path, "show", "--name-only", "--format=", "HEAD").split() == ["vr2/running-config"]
    assert git(repository.path, "rev-list", "--count", "HEAD").strip() == "2"
    assert "vr3/" in git(repository.path, "status", "--porcelain", "--untracked-files=all")


def test_files_no_longer_fetched_are_removed_and_committed_as_removed(tmp_path: Path) -> None:
    repository = Repository(tmp_path / "b")
    repository.create()
    repository.replace_host("vr1", {"running-config": "a\n", "etc/frr/bgpd.conf": "router bgp 1\n"})
    repository.commit(["vr1"], message)
    assert repository.replace_host("vr1", {"running-config": "a\n"}) == ["etc/frr/bgpd.conf"]
    assert not (repository.path / "vr1" / "etc" / "frr" / "bgpd.conf").exists()
    assert repository.commit(["vr1"], message) == git(repository.path, "rev-parse", "HEAD").strip()
    assert git(repository.path, "show", "--name-status", "--format=", "HEAD").split() == ["D", "vr1/etc/frr/bgpd.conf"]


def test_a_write_that_cannot_create_its_file_keeps_the_old_ones(tmp_path: Path) -> None:
    repository = Repository(tmp_path / "b")
    repository.create()
    repository.replace_host("vr1", {"running-config": "old\n"})
    (repository.path / "vr1" / "etc").write_text("a file where a directory must go\n")
    with pytest.raises(BackupStoreError, match="vr1: cannot write"):
        repository.replace_host("vr1", {"running-config": "new\n", "etc/frr/zebra.conf": "z\n"})
    assert (repository.path / "vr1" / "running-config").read_text() == "old\n"
    assert not list((repository.path / "vr1").rglob(".tmp-*")), "no temporary file left behind"


def test_history_lists_a_hosts_versions_with_their_changed_lines(tmp_path: Path) -> None:
    repository = Repository(tmp_path / "b")
    repository.create()
    repository.replace_host("vr1", {"running-config": "a\nb\n"})
    repository.replace_host("vr2", {"running-config": "x\n"})
    repository.commit(["vr1", "vr2"], lambda changed: "first")
    repository.replace_host("vr1", {"running-config": "a\nc\nd\n"})
    repository.commit(["vr1"], lambda changed: "second")
    repository.replace_host("vr2", {"running-config": "y\n"})
    repository.commit(["vr2"], lambda changed: "third")
    versions = repository.history("vr1", limit=10)
    assert [(v.subject, v.added, v.removed, v.files) for v in versions] == [
        ("second", 2, 1, ("running-config",)),
        ("first", 2, 0, ("running-config",)),
    ]
    assert versions[0].date[:4].isdigit() and len(versions[0].commit) == 40
    assert len(repository.history("vr1", limit=1)) == 1
    assert repository.history("vr9", limit=10) == []
    with pytest.raises(InputError, match="not a backup repository"):
        Repository(tmp_path / "none").history("vr1", limit=10)


def test_parse_log_counts_only_the_hosts_own_files() -> None:
    text = "\0abc\t2026-12-01T10:00:00+00:00\tbackup: 2 hosts\n\n3\t1\tvr1/running-config\n5\t0\tvr10/running-config\n"
    (version,) = parse_log(text, "vr1")
    assert (version.added, version.removed, version.files) == (3, 1, ("running-config",))


def test_another_run_on_the_same_directory_is_waited_for_with_a_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ospf_failover.archive.repository as module

    monkeypatch.setattr(module, "LOCK_WAIT", 0.2)
    repository = Repository(tmp_path / "b")
    repository.create()
    with repository.locked(), pytest.raises(BackupStoreError, match="another backup holds"), repository.locked():
        pass


@pytest.mark.parametrize(
    ("source", "stored"),
    [("running-config", "running-config"), ("/etc/frr/ospfd.conf", "etc/frr/ospfd.conf")],
)
def test_stored_paths_mirror_the_routers(source: str, stored: str) -> None:
    assert stored_path(source) == stored


@pytest.mark.parametrize("source", ["etc/frr/x", "/etc/../root/.ssh/id", "/"])
def test_paths_that_could_leave_the_hosts_directory_are_refused(source: str) -> None:
    with pytest.raises(InputError):
        stored_path(source)


@pytest.mark.parametrize("value", ["nobody", "<a@b>", "A <not an email>"])
def test_an_author_must_be_name_and_email(value: str) -> None:
    with pytest.raises(InputError, match="Name <email>"):
        parse_author(value)
    assert parse_author("NOC team <noc@example.net>") == ("NOC team", "noc@example.net")


def test_what_a_killed_run_left_is_cleared_by_the_next_and_never_committed(tmp_path: Path) -> None:
    repository = Repository(tmp_path / "b")
    repository.create()
    repository.replace_host("vr1", {"running-config": "a\n"})
    repository.commit(["vr1"], message)
    (repository.path / "vr1" / ".tmp-abc123").write_text("half a file")  # killed between write and rename
    (repository.path / ".git" / "index.lock").write_text("")  # killed inside git add
    assert "vr1/.tmp-abc123" not in git(repository.path, "status", "--porcelain", "--untracked-files=all")
    with repository.locked():
        assert not (repository.path / "vr1" / ".tmp-abc123").exists()
        assert not (repository.path / ".git" / "index.lock").exists()
        repository.replace_host("vr1", {"running-config": "b\n"})
        assert repository.commit(["vr1"], message) is not None


def test_an_unchanged_file_is_not_rewritten(tmp_path: Path) -> None:
    repository = Repository(tmp_path / "b")
    repository.create()
    repository.replace_host("vr1", {"running-config": "a\n"})
    stored = repository.path / "vr1" / "running-config"
    before = stored.stat().st_ino
    repository.replace_host("vr1", {"running-config": "a\n"})
    assert stored.stat().st_ino == before, "an identical file keeps its inode: it was not replaced"


def test_git_settings_of_the_caller_do_not_leak_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "other"
    other.mkdir()
    subprocess.run(["git", "init", "-q", str(other)], check=True)
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))  # as inside a git hook of another repository
    excludes = tmp_path / "excludes"
    excludes.write_text("*.conf\n")
    global_config = tmp_path / "gitconfig"
    global_config.write_text(f"[core]\n\texcludesFile = {excludes}\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(global_config))
    repository = Repository(tmp_path / "b")
    repository.create()
    repository.replace_host("vr1", {"etc/frr/ospfd.conf": "router ospf\n"})
    assert repository.commit(["vr1"], message) is not None
    monkeypatch.delenv("GIT_DIR")
    assert git(repository.path, "ls-files").split() == ["vr1/etc/frr/ospfd.conf"]
    assert git(other, "rev-list", "--all").strip() == "", "nothing was committed in the caller's repository"
