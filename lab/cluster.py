"""The lab's stand-in for the EXPRESSCLUSTER X cluster state, read by the ``clpstat`` stand-in on the nodes.

The state is one JSON file (``DIR/cluster.json``) guarded by a lock file, because the stand-in updates it too
(it counts down the "busy" answers it was told to give)::

    {"cluster": "ofl-cluster",
     "servers": [{"name": "node-a", "status": "Online"}, {"name": "node-b", "status": "Online"}],
     "groups": {"customer1": "node-a"},          # FOG -> current server, or null when offline
     "clpstat": {"mode": "normal", "busy_remaining": 0}}

Servers are listed in ECX priority order: the first is every group's primary ("HOME") server.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Literal, TypedDict

from ospf_failover.errors import InputError, LabError
from ospf_failover.locking import held

CLUSTER_NAME = "ofl-cluster"
STATE_FILE = "cluster.json"
LOCK_FILE = "cluster.lock"
STANDIN = Path(__file__).resolve().parent / "files" / "clpstat"
STATE_PLACEHOLDER = "@CLUSTER_STATE@"
ClpstatMode = Literal["normal", "busy", "garbage"]


class ServerState(TypedDict):
    name: str
    status: str


class ClpstatBehaviour(TypedDict):
    mode: ClpstatMode
    busy_remaining: int


class ClusterState(TypedDict):
    cluster: str
    servers: list[ServerState]
    groups: dict[str, str | None]
    clpstat: ClpstatBehaviour


def initial_state(*, servers: Sequence[str], groups: Sequence[str]) -> ClusterState:
    """Every server online, every group running on the first (highest-priority) server."""
    return {
        "cluster": CLUSTER_NAME,
        "servers": [{"name": name, "status": "Online"} for name in servers],
        "groups": {group: servers[0] for group in groups},
        "clpstat": {"mode": "normal", "busy_remaining": 0},
    }


class ClusterStateFile:
    """Reads and changes ``DIR/cluster.json`` under the lock the clpstat stand-in also takes."""

    def __init__(self, lab_dir: Path) -> None:
        self.path = lab_dir / STATE_FILE
        self.lock_path = lab_dir / LOCK_FILE

    @contextlib.contextmanager
    def _locked(self, timeout: float = 10.0) -> Iterator[None]:
        def timed_out() -> LabError:
            return LabError(f"{self.lock_path} stayed locked for more than {timeout:.0f} s")

        with held(self.lock_path, timeout=timeout, interval=0.05, error=timed_out):
            yield

    def _read(self) -> ClusterState:
        try:
            data: ClusterState = json.loads(self.path.read_text())
        except FileNotFoundError as exc:
            raise LabError(f"no cluster state at {self.path}: is the lab up?") from exc
        return data

    def _write(self, state: ClusterState) -> None:
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(state, indent=2) + "\n")
        os.replace(temporary, self.path)

    def create(self, state: ClusterState) -> None:
        with self._locked():
            self._write(state)

    def read(self) -> ClusterState:
        with self._locked():
            return self._read()

    def set_group_server(self, group: str, server: str | None) -> None:
        """Record that ``group`` now runs on ``server`` (None: offline)."""
        with self._locked():
            state = self._read()
            if group not in state["groups"]:
                raise InputError(f"no failover group {group!r} in the cluster state")
            if server is not None and server not in [s["name"] for s in state["servers"]]:
                raise InputError(f"no cluster server {server!r}")
            state["groups"][group] = server
            self._write(state)

    def set_server_status(self, server: str, status: str) -> None:
        """Set a server's status as clpstat shows it ("Online", "Offline", ...)."""
        with self._locked():
            state = self._read()
            for entry in state["servers"]:
                if entry["name"] == server:
                    entry["status"] = status
                    break
            else:
                raise InputError(f"no cluster server {server!r}")
            self._write(state)

    def set_clpstat(self, *, busy: int = 0, garbage: bool = False) -> None:
        """Tell the stand-in to answer busy (exit 9) ``busy`` times, or to print garbage, or (neither) normally."""
        if busy < 0:
            raise InputError(f"busy must be >= 0; got {busy}")
        if busy and garbage:
            raise InputError("choose busy or garbage, not both")
        mode: ClpstatMode = "busy" if busy else "garbage" if garbage else "normal"
        with self._locked():
            state = self._read()
            state["clpstat"] = {"mode": mode, "busy_remaining": busy}
            self._write(state)


def standin_script(lab_dir: Path) -> str:
    """The clpstat stand-in, bound to this lab's state file and run by a Python 3 the nodes can reach."""
    interpreter = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable
    text = STANDIN.read_text()
    lines = text.splitlines(keepends=True)
    lines[0] = f"#!{interpreter}\n"
    return "".join(lines).replace(STATE_PLACEHOLDER, str(lab_dir / STATE_FILE))


def describe(state: ClusterState) -> dict[str, Any]:
    """A short summary for ``lab status``."""
    return {
        "cluster": state["cluster"],
        "servers": {s["name"]: s["status"] for s in state["servers"]},
        "groups": dict(state["groups"]),
        "clpstat": dict(state["clpstat"]),
    }
