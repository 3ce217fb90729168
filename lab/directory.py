"""The lab's directory: which directories it may use, and removing a lab (its processes, namespaces, files)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from ospf_failover.errors import InputError, LabError

from . import namespaces
from . import state as lab_state
from .topology import NAMESPACE_PREFIX

Progress = Callable[[str], None]


def quiet(_: str) -> None:
    pass


CREATED_MARKER = "ospf-failover rehearsal lab directory, made by lab up (lab down removes it)\n"


EXISTING_MARKER = "ospf-failover rehearsal lab directory, existed before lab up (lab down empties it)\n"


_SAFE_PATH = re.compile(r"^/[A-Za-z0-9._/+@-]*$")


_SYSTEM_TREES = ("/run", "/proc", "/sys", "/dev", "/etc", "/usr", "/boot", "/var/run")


def check_lab_directory(path: Path) -> None:
    """Refuse a lab directory that could hurt the machine or be turned against it (the lab runs as root).

    Its path ends up in shell scripts and configuration files, so only plain characters; not inside the trees
    the lab's hosts mount over or the system's own; and, when it exists, empty or a lab's, root's, and not
    writable by others (another user could otherwise swap a script the lab runs as root).
    """
    text = str(path)
    if not _SAFE_PATH.match(text):
        raise InputError(f"--dir {text}: use a path of letters, digits and . _ / + @ - only")
    if path == Path("/") or any(text == tree or text.startswith(tree + "/") for tree in _SYSTEM_TREES):
        raise InputError(f"--dir {text}: not inside a system directory; choose e.g. ./.lab or /tmp/lab")
    if not path.exists():
        return
    if not path.is_dir():
        raise LabError(f"{path} exists and is not a directory; choose another --dir")
    if any(path.iterdir()) and not (path / lab_state.MARKER_FILE).exists():
        raise LabError(f"{path} exists and is not a lab directory; choose another --dir")
    info = path.stat()
    if info.st_uid != 0 or info.st_mode & 0o022:
        raise LabError(f"{path} must belong to root and not be writable by others; choose another --dir")


def orphan_owner(pids: list[int]) -> Path | None:
    """The lab directory a namespace's processes were started from (their working directory), if any."""
    for pid in pids:
        try:
            cwd = Path(os.readlink(f"/proc/{pid}/cwd"))
        except OSError:
            continue
        if cwd.parent.name == "hosts":
            return cwd.parent.parent
    return None


def orphaned_namespaces(*, prefix: str = NAMESPACE_PREFIX, besides: Path | None = None) -> list[str]:
    """The namespaces named ``prefix``* that belong to no running lab: leftovers of a lab whose directory (or state)
    is gone. A namespace belongs to a running lab when that lab's state records it, the lab being found through
    the working directory of a process in any of its namespaces (its hosts' anchors run in ``DIR/hosts/HOST``);
    so the bridges' namespace, where nothing runs, belongs to its lab too. ``besides``: a lab directory whose
    namespaces count as orphans all the same (the one ``lab down`` is removing)."""
    leftovers = namespaces.existing(prefix=prefix)
    owned: set[str] = set()
    for found in namespaces.pids_in(leftovers).values():
        owner = orphan_owner(found)
        if owner is not None and owner != besides and lab_state.exists(owner):
            with contextlib.suppress(LabError):
                owned.update(lab_state.read(owner)["namespaces"])
    return [name for name in leftovers if name not in owned]


def orphans_hint(orphaned: list[str]) -> str:
    """What ``lab down`` adds when it finds no lab: the namespaces no running lab owns, if any, and what removes
    them (nothing when every ``ofl-`` namespace belongs to a running lab)."""
    if not orphaned:
        return ""
    shown = ", ".join(orphaned[:4]) + (f" and {len(orphaned) - 4} more" if len(orphaned) > 4 else "")
    count = f"{len(orphaned)} {NAMESPACE_PREFIX} namespace(s)"
    return f" ({count} belong to no running lab: {shown}; `lab down --orphans` removes them)"


def teardown(directory: Path | str, *, progress: Progress | None = None, orphans: bool = False) -> str:
    """Remove the lab of ``directory``: kill its processes by PID, delete its namespaces and the directory.

    Only the namespaces its state records are touched. With ``orphans`` and no state in ``directory``, it also
    removes leftover ``ofl-`` namespaces that no other running lab owns (after a lab directory was lost).
    The directory is removed when the lab created it; a directory that existed before keeps, emptied. Safe to
    repeat; returns a one-line summary.
    """
    say = progress or quiet
    path = Path(directory).resolve()
    recorded: lab_state.LabState | None = None
    if lab_state.exists(path):
        try:
            recorded = lab_state.read(path)
        except LabError as exc:
            say(f"lab: {exc}")
    if recorded is not None:
        names = [n for n in namespaces.existing(recorded["namespaces"]) if n.startswith(NAMESPACE_PREFIX)]
    elif orphans:
        # Leftovers of a lab whose state is gone; a namespace of another running lab is left alone.
        names = orphaned_namespaces(besides=path)
    else:
        names = []
    marker = path / lab_state.MARKER_FILE
    is_lab_dir = marker.exists()
    if recorded is None and not names and not is_lab_dir:
        return f"no lab in {path}; nothing to do{orphans_hint(orphaned_namespaces())}"
    pids = [pid for found in namespaces.pids_in(names).values() for pid in found]
    pids = sorted(set(pids))
    say(f"lab: stopping {len(pids)} process(es) in {len(names)} namespace(s)")
    left = namespaces.kill_pids(pids)
    if left:
        raise LabError(f"processes {left} did not stop; namespaces and {path} left in place")
    namespaces.delete(names)
    if is_lab_dir:
        if marker.read_text() == EXISTING_MARKER:
            for entry in path.iterdir():
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
        else:
            shutil.rmtree(path)
    removed = f"{len(names)} namespace(s), {len(pids)} process(es) removed"
    if recorded is None and names:
        return f"no lab state in {path}: removed leftover lab namespaces ({removed})"
    return f"lab in {path} is down ({removed})"
