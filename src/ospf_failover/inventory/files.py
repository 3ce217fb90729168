"""Reading the three SimpleInventory files the way Nornir does, and what must hold before Nornir can build them.

Every problem is collected (file, key, fix), none raised: Nornir's own loader stops at the first with a bare
exception, so it only runs once these checks pass.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ruamel.yaml
from ruamel.yaml.error import YAMLError

from ospf_failover.errors import InventoryProblem

from .schema import ROLE_GROUPS

FILES = ("hosts.yaml", "groups.yaml", "defaults.yaml")
SECRET_KEYS = ("password", "passphrase", "secret")


@dataclass
class Problems:
    """The problems found so far in one inventory directory; ``blocking``: Nornir cannot build these files."""

    directory: Path
    found: list[InventoryProblem] = field(default_factory=list)
    blocking: bool = False
    unreadable: set[str] = field(default_factory=set)  # files that could not be read as a mapping

    def add(self, file: str, key: str, message: str, *, blocking: bool = False) -> None:
        problem = InventoryProblem(str(self.directory / file) if file else str(self.directory), key, message)
        if problem not in self.found:
            self.found.append(problem)
        self.blocking = self.blocking or blocking


@dataclass(frozen=True)
class RawInventory:
    hosts: dict[str, dict[str, Any]]
    groups: dict[str, dict[str, Any]]
    defaults: dict[str, Any]


def read_files(problems: Problems) -> RawInventory:
    """The three files as mappings (empty where unreadable, each problem recorded), checked for structure."""
    hosts = _entries(problems, "hosts.yaml", _read(problems, "hosts.yaml"))
    groups = _entries(problems, "groups.yaml", _read(problems, "groups.yaml"))
    defaults = _read(problems, "defaults.yaml")
    raw = RawInventory(hosts=hosts, groups=groups, defaults=defaults)
    _check_structure(problems, raw)
    return raw


def _read(problems: Problems, file: str) -> dict[str, Any]:
    path = problems.directory / file
    if not path.is_file():
        if file != "defaults.yaml":
            problems.add(file, "(file)", f"missing: an inventory directory needs {', '.join(FILES)}", blocking=True)
        return {}
    try:
        loaded = ruamel.yaml.YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        problems.add(file, "(file)", f"cannot read it: {exc}", blocking=True)
        problems.unreadable.add(file)
        return {}
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problems.add(file, "(file)", f"not valid YAML{where}: fix the syntax", blocking=True)
        problems.unreadable.add(file)
        return {}
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        problems.add(file, "(file)", "must be a mapping of names to entries", blocking=True)
        problems.unreadable.add(file)
        return {}
    return {str(k): v for k, v in loaded.items()}


def _entries(problems: Problems, file: str, loaded: dict[str, Any]) -> dict[str, dict[str, Any]]:
    entries: dict[str, dict[str, Any]] = {}
    for name, entry in loaded.items():
        if entry is not None and not isinstance(entry, dict):
            problems.add(file, name, "must be a mapping (hostname, groups, data, ...); `{}` when empty", blocking=True)
        entries[name] = entry if isinstance(entry, dict) else {}
    return entries


def group_list(entry: Mapping[str, Any]) -> list[str]:
    listed = entry.get("groups") or []
    return [str(g) for g in listed] if isinstance(listed, list) else []


# Keys that bound the whole run (one command timeout per step, one bound on connects in flight): defaults only.
RUN_WIDE = ("timeouts", "max_connects_in_flight")
MOVED = {"known_hosts": "moved: give its absolute path as connection_options.netmiko.extras.alt_key_file"}


def _check_shape(problems: Problems, file: str, prefix: str, entry: Mapping[str, Any], *, member: bool) -> None:
    """The shape Nornir needs to build an entry (a host, a group, the defaults): anything else is blocking."""

    def wrong(key: str, message: str) -> None:
        problems.add(file, f"{prefix}{key}", message, blocking=True)

    if not isinstance(entry.get("data") or {}, dict):
        wrong("data", "must be a mapping of keys to values")
    if member and not isinstance(entry.get("groups") or [], list):
        wrong("groups", "must be a list of group names")
    if not isinstance(entry.get("port") or 0, int) or isinstance(entry.get("port"), bool):
        wrong("port", "must be a port number")
    options = entry.get("connection_options") or {}
    if not isinstance(options, dict):
        wrong("connection_options", "must map a connection name (netmiko) to its settings")
        return
    for name, settings in options.items():
        if not isinstance(settings or {}, dict):
            wrong(f"connection_options.{name}", "must be a mapping (extras, port, ...)")
        elif not isinstance((settings or {}).get("extras") or {}, dict):
            wrong(f"connection_options.{name}.extras", "must be a mapping of the connection's arguments")


def group_cycles(groups: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Groups that are their own ancestors (Nornir would recurse without end)."""
    cyclic = []
    for start in groups:
        seen: set[str] = set()
        stack = list(group_list(groups[start]))
        while stack and len(seen) <= len(groups):
            name = stack.pop()
            if name == start:
                cyclic.append(start)
                break
            if name in groups and name not in seen:
                seen.add(name)
                stack.extend(group_list(groups[name]))
    return cyclic


def _check_structure(problems: Problems, raw: RawInventory) -> None:
    _check_shape(problems, "defaults.yaml", "", raw.defaults, member=False)
    data = raw.defaults.get("data")
    for key, message in MOVED.items():
        if isinstance(data, dict) and key in data:
            problems.add("defaults.yaml", f"data.{key}", message)
    for file, entries in (("hosts.yaml", raw.hosts), ("groups.yaml", raw.groups)):
        for name, entry in entries.items():
            _check_shape(problems, file, f"{name}.", entry, member=True)
            for group in group_list(entry):
                if group not in raw.groups:
                    problems.add(
                        file, f"{name}.groups", f"unknown group {group!r}: define it in groups.yaml", blocking=True
                    )
            if _netmiko_extras(entry) is not None:
                problems.add(
                    file,
                    f"{name}.connection_options.netmiko.extras",
                    "move these extras to defaults.yaml: Nornir does not merge extras, so they would "
                    "silently replace the shared ones (keys, timeouts, host key checking)",
                )
            own = entry.get("data")
            for key in RUN_WIDE:
                if isinstance(own, dict) and key in own:
                    problems.add(file, f"{name}.data.{key}", "set it in defaults.yaml only: it bounds the whole run")
    for name in group_cycles(raw.groups):
        problems.add("groups.yaml", f"{name}.groups", "the group is its own parent (through its groups)", blocking=True)
    for file, entries in (("hosts.yaml", raw.hosts), ("groups.yaml", raw.groups), ("defaults.yaml", raw.defaults)):
        for key in _find_secrets(entries, ""):
            problems.add(file, key, "remove it: use SSH keys (key_file in defaults.yaml), never passwords in files")
    for name in ROLE_GROUPS:
        if name not in raw.groups:
            problems.add("groups.yaml", name, "missing role group: define it (it may be empty: `{}`)")


def _find_secrets(entry: Any, path: str) -> Iterator[str]:
    if isinstance(entry, dict):
        for key, value in entry.items():
            here = f"{path}.{key}" if path else str(key)
            if key in SECRET_KEYS and value not in (None, ""):
                yield here
            yield from _find_secrets(value, here)


def _netmiko_extras(entry: Mapping[str, Any]) -> Any:
    options = entry.get("connection_options")
    netmiko = options.get("netmiko") if isinstance(options, dict) else None
    return netmiko.get("extras") if isinstance(netmiko, dict) else None
