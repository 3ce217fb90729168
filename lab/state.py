"""What a running lab records about itself in ``DIR/state.json``: enough to enter, inspect and remove it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import NotRequired, TypedDict

from ospf_failover.errors import LabError

STATE_FILE = "state.json"
MARKER_FILE = ".ofl-lab"  # written first: only a directory carrying it is ever deleted by `lab down`
STATE_VERSION = 1


class HostRecord(TypedDict):
    namespace: str
    role: str
    anchor: int  # PID of the process holding the host's namespaces (0: not started yet)


class LabState(TypedDict):
    version: int
    directory: str
    prefix: str
    customers: int
    timers: str
    namespaces: list[str]  # every namespace the lab creates, recorded before it creates any
    hosts: dict[str, HostRecord]
    started: float  # time.time() when `lab up` began
    up_seconds: float | None  # how long `lab up` took to converge; None while starting
    nic_style: NotRequired[str]  # link, address or mixed (see lab.nic_style); absent: link
    router_pairs: NotRequired[int]  # router pairs sharing the customers' failover groups; absent: one per customer
    observer_platforms: NotRequired[dict[str, str]]  # observer -> the vendor CLI it plays (lab.played); absent: none
    vlans: NotRequired[bool]  # True: the trunk plan (lab.trunks); absent: NICs of their own
    converge_seconds: NotRequired[float]  # of up_seconds, the wait for OSPF after the hosts started
    login_user: NotRequired[
        str
    ]  # the user the inventory logs in as, through sudo (lab up --unprivileged); absent: root


def path(directory: Path) -> Path:
    return directory / STATE_FILE


def exists(directory: Path) -> bool:
    return path(directory).exists()


def read(directory: Path) -> LabState:
    try:
        data: LabState = json.loads(path(directory).read_text())
    except FileNotFoundError as exc:
        raise LabError(f"no lab in {directory} (run `ospf-failover lab up --dir {directory}` first)") from exc
    except json.JSONDecodeError as exc:
        raise LabError(f"{path(directory)} is damaged ({exc}); run `ospf-failover lab down` to clean up") from exc
    if data.get("version") != STATE_VERSION:
        raise LabError(f"{path(directory)} was written by another version of the lab; run lab down, then lab up")
    return data


def write(directory: Path, state: LabState) -> None:
    temporary = path(directory).with_suffix(".tmp")
    temporary.write_text(json.dumps(state, indent=2) + "\n")
    os.replace(temporary, path(directory))
