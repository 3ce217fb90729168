"""Nornir's inventory objects from the files' mappings, built the way Nornir's SimpleInventory builds them.

The same classes and fields as ``nornir.plugins.inventory.simple`` (a test holds the two side by side), from
the mappings already read for validation, so the files are parsed once. What is of the wrong shape or names
an unknown group is left out: it is a problem already, and the rest can still be validated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nornir.core.inventory import (
    ConnectionOptions,
    Defaults,
    Group,
    Groups,
    Host,
    Hosts,
    Inventory,
    ParentGroups,
)

from .files import RawInventory, group_cycles, group_list


def _mapping(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def _port(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _options(entry: Mapping[str, Any]) -> dict[str, ConnectionOptions]:
    options = _mapping(entry.get("connection_options")) or {}
    return {
        str(name): ConnectionOptions(
            hostname=settings.get("hostname"),
            port=_port(settings.get("port")),
            username=settings.get("username"),
            password=settings.get("password"),
            platform=settings.get("platform"),
            extras=_mapping(settings.get("extras")),
        )
        for name, settings in options.items()
        if isinstance(settings, dict)
    }


def _fields(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "hostname": entry.get("hostname"),
        "port": _port(entry.get("port")),
        "username": entry.get("username"),
        "password": entry.get("password"),
        "platform": entry.get("platform"),
        "data": _mapping(entry.get("data")),
        "connection_options": _options(entry),
    }


def build_inventory(raw: RawInventory) -> Inventory:
    defaults = Defaults(**_fields(raw.defaults))
    groups = Groups({name: Group(name=name, defaults=defaults, **_fields(entry)) for name, entry in raw.groups.items()})
    cyclic = set(group_cycles(raw.groups))
    for name, entry in raw.groups.items():
        parents = [] if name in cyclic else [groups[g] for g in group_list(entry) if g in groups and g not in cyclic]
        groups[name].groups = ParentGroups(parents)
    hosts = Hosts({name: Host(name=name, defaults=defaults, **_fields(entry)) for name, entry in raw.hosts.items()})
    for name, entry in raw.hosts.items():
        hosts[name].groups = ParentGroups([groups[g] for g in group_list(entry) if g in groups])
    return Inventory(hosts=hosts, groups=groups, defaults=defaults)
