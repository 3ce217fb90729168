"""Cutting the master's whole inventory into one slice per Salt minion.

A slice is a SimpleInventory of its own (hosts.yaml, groups.yaml, defaults.yaml, known_hosts) holding the
minion's failover groups (those whose ``minion`` key names it), their routers, cluster nodes and observers, the
role groups and every parent group they inherit from, and defaults whose SSH key and known_hosts paths are the
ones on the minion. A parent group kept only for the host settings it gives loses its failover-group keys (its
groups are in other slices). Each slice is loaded with the project's own loader before it counts as written.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ospf_failover.errors import InputError, InventoryError, names_text
from ospf_failover.inventory import FOG_KEYS, ROLE_GROUPS, Fleet, load_inventory

HEADER = "# Written by `ospf-failover salt-slices` from {source}: the slice of minion {minion}. Rewritten each run.\n"


@dataclass(frozen=True)
class SlicePaths:
    """Where the slice's SSH files are on the minion (``{minion}`` is replaced by its ID)."""

    key_file: str
    known_hosts: str

    def on(self, minion: str) -> tuple[str, str]:
        return self.key_file.replace("{minion}", minion), self.known_hosts.replace("{minion}", minion)


def served_by(fleet: Fleet) -> dict[str, str]:
    """Failover group -> the minion that serves it, in inventory order; InputError naming every group without one."""
    missing = [fog.name for fog in fleet.fogs.values() if fog.minion is None]
    if missing:
        raise InputError(
            f"failover group(s) {names_text(missing)} name no minion: set minion on the group or its site group"
        )
    return {fog.name: str(fog.minion) for fog in fleet.fogs.values()}


def by_minion(served: Mapping[str, str]) -> dict[str, list[str]]:
    """Minion -> its failover groups, from failover group -> minion."""
    grouped: dict[str, list[str]] = {}
    for fog, minion in served.items():
        grouped.setdefault(minion, []).append(fog)
    return grouped


def fogs_by_minion(fleet: Fleet) -> dict[str, list[str]]:
    return by_minion(served_by(fleet))


def members(fleet: Fleet, fogs: Iterable[str]) -> list[str]:
    """The hosts of these failover groups (nodes, routers, observers), each once, in inventory order."""
    wanted: set[str] = set()
    for name in fogs:
        fog = fleet.fog(name)
        wanted.update(fog.nodes, fog.routers, fog.observers)
    return [host for host in fleet.hosts if host in wanted]


def _ancestors(groups: Mapping[str, Any], names: Iterable[str]) -> set[str]:
    found: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in found or name not in groups:
            continue
        found.add(name)
        todo.extend((groups[name] or {}).get("groups") or [])
    return found


def cut(fleet: Fleet, raw: Mapping[str, Mapping[str, Any]], minion: str, paths: SlicePaths) -> dict[str, Any]:
    """The three files of ``minion``'s slice, from the master's files as read (``raw``: hosts, groups, defaults)."""
    fogs = fogs_by_minion(fleet).get(minion, [])
    if not fogs:
        raise InputError(f"no failover group names minion {minion!r}")
    other_fogs = set(fleet.fogs) - set(fogs)
    hosts: dict[str, Any] = {}
    for name in members(fleet, fogs):
        entry = dict(raw["hosts"][name] or {})
        entry["groups"] = [g for g in entry.get("groups") or [] if g not in other_fogs]
        hosts[name] = entry
    listed = {g for entry in hosts.values() for g in entry["groups"]}
    kept = _ancestors(raw["groups"], [*ROLE_GROUPS, *fogs, *listed])
    parents = {p for name in kept for p in (raw["groups"][name] or {}).get("groups") or []}
    groups: dict[str, Any] = {}
    for name in (g for g in raw["groups"] if g in kept):  # the master's order
        entry = dict(raw["groups"][name] or {})
        if name not in fogs and name not in parents and name not in ROLE_GROUPS and entry.get("data"):
            entry["data"] = {k: v for k, v in entry["data"].items() if k not in FOG_KEYS}
        groups[name] = entry
    key_file, known_hosts = paths.on(minion)
    defaults = dict(raw["defaults"])
    connection = dict(defaults.get("connection_options") or {})
    netmiko = dict(connection.get("netmiko") or {})
    netmiko["extras"] = {**(netmiko.get("extras") or {}), "key_file": key_file, "alt_key_file": known_hosts}
    defaults["connection_options"] = {**connection, "netmiko": netmiko}
    return {"hosts.yaml": hosts, "groups.yaml": groups, "defaults.yaml": defaults}


def known_hosts_lines(text: str, addresses: set[str]) -> list[str]:
    """The lines of a known_hosts file for these addresses (a hashed line may be for any host: kept)."""
    kept = []
    for line in text.splitlines():
        names = line.split(maxsplit=1)[0] if line.strip() and not line.startswith("#") else ""
        patterns = {n.lstrip("[").split("]")[0] for n in names.split(",") if n}
        if names.startswith("|") or patterns & addresses:
            kept.append(line)
    return kept


def read_raw(directory: Path) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for name in ("hosts", "groups", "defaults"):
        with (directory / f"{name}.yaml").open() as handle:
            raw[name] = yaml.safe_load(handle) or {}
    return raw


def write_slices(fleet: Fleet, out: str | Path, paths: SlicePaths) -> dict[str, list[str]]:
    """Write every minion's slice of the loaded inventory ``fleet`` into ``out/MINION/``; return minion -> its
    failover groups.

    InputError (exit 2) when a group names no minion or a slice does not load."""
    grouped = fogs_by_minion(fleet)
    raw = read_raw(fleet.directory)
    known = fleet.known_hosts.read_text() if fleet.known_hosts.is_file() else ""
    out = Path(out)
    for minion, fogs in grouped.items():
        files = cut(fleet, raw, minion, paths)
        target = out / minion
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for name, content in files.items():
            text = HEADER.format(source=fleet.directory, minion=minion)
            (target / name).write_text(text + yaml.safe_dump(content, sort_keys=False, default_flow_style=False))
        addresses = {fleet.hosts[h].hostname for h in files["hosts.yaml"]}
        (target / "known_hosts").write_text("".join(f"{line}\n" for line in known_hosts_lines(known, addresses)))
        try:
            written = load_inventory(target)
        except InventoryError as exc:
            raise InputError(f"the slice of minion {minion} does not load: {exc}") from None
        if sorted(written.fogs) != sorted(fogs):
            raise InputError(f"the slice of minion {minion} holds {sorted(written.fogs)}, not {sorted(fogs)}")
        # An observer's platform says how it is read (a shell, or its own CLI): the slice must keep it.
        lost = [host for host, view in written.hosts.items() if view.platform != fleet.hosts[host].platform]
        if lost:
            raise InputError(f"the slice of minion {minion} changes the platform of {', '.join(lost)}")
    return grouped
