"""The lab runs as root: the directories it accepts, and what `lab down` removes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ospf_failover.errors import InputError, LabError
from ospf_failover_lab.directory import orphans_hint
from ospf_failover_lab.lab import check_lab_directory, teardown


@pytest.mark.parametrize(
    ("directory", "message"),
    [
        ("/tmp/lab with blanks", "letters, digits"),
        ("/tmp/lab;reboot", "letters, digits"),
        ("/run/lab", "system directory"),
        ("/etc/frr/lab", "system directory"),
        ("/", "system directory"),
    ],
)
def test_unsafe_paths_are_refused(directory: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        check_lab_directory(Path(directory))


def test_a_directory_with_other_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(LabError, match="not a lab directory"):
        check_lab_directory(tmp_path)


def test_a_directory_others_may_write_is_refused(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    with pytest.raises(LabError, match="not be writable by others"):
        check_lab_directory(shared)


def test_new_and_empty_private_directories_are_accepted(tmp_path: Path) -> None:
    check_lab_directory(tmp_path / "new")
    empty = tmp_path / "empty"
    empty.mkdir(mode=0o700)
    if os.geteuid() == 0:  # a directory of root's
        check_lab_directory(empty)
    else:  # the lab runs as root: a directory of another user's could be swapped under it
        with pytest.raises(LabError, match="must belong to root"):
            check_lab_directory(empty)


def test_down_without_a_lab_touches_nothing(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    assert teardown(tmp_path).startswith(f"no lab in {tmp_path}; nothing to do")
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_the_orphans_hint_names_what_it_would_remove() -> None:
    assert orphans_hint([]) == "", "no orphan, no advice"
    assert orphans_hint(["ofl-vr1"]) == (
        " (1 ofl- namespace(s) belong to no running lab: ofl-vr1; `lab down --orphans` removes them)"
    )
    many = orphans_hint([f"ofl-vm{n}" for n in range(1, 7)])
    assert "ofl-vm1, ofl-vm2, ofl-vm3, ofl-vm4 and 2 more;" in many and many.startswith(" (6 ofl- namespace(s)")
