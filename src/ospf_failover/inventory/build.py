"""Nornir's inventory objects from the files' entries, built the way Nornir's SimpleInventory builds them.

The same classes and fields as ``nornir.plugins.inventory.simple`` (a test holds the two side by side), except
that hosts are :class:`~.fleet.ValidatedHost` (a Nornir host that will carry its typed view), from the entries
already read for validation, so the files are parsed once. What is of the wrong shape or names an unknown group
is left out: it is a problem already, and the rest can still be validated.
"""

from __future__ import annotations

from typing import Any, TypedDict

from nornir.core.inventory import (
    ConnectionOptions,
    Defaults,
    Group,
    Groups,
    Hosts,
    Inventory,
    ParentGroups,
)

from .files import RawDefaults, RawInventory, group_cycles
from .fleet import ValidatedHost


def _options(entry: RawDefaults) -> dict[str, ConnectionOptions]:
    return {
        name: ConnectionOptions(
            hostname=settings.hostname,
            port=settings.port,
            username=settings.username,
            password=settings.password,
            platform=settings.platform,
            extras=settings.extras,
        )
        for name, settings in (entry.connection_options or {}).items()
        if settings is not None
    }


class _Fields(TypedDict):
    hostname: Any
    port: int | None
    username: Any
    password: Any
    platform: Any
    data: dict[str, Any] | None
    connection_options: dict[str, ConnectionOptions]


def _fields(entry: RawDefaults) -> _Fields:
    return {
        "hostname": entry.hostname,
        "port": entry.port,
        "username": entry.username,
        "password": entry.password,
        "platform": entry.platform,
        "data": entry.data,
        "connection_options": _options(entry),
    }


def build_inventory(raw: RawInventory) -> Inventory:
    defaults = Defaults(**_fields(raw.defaults))
    groups = Groups({name: Group(name=name, defaults=defaults, **_fields(entry)) for name, entry in raw.groups.items()})
    cyclic = set(group_cycles(raw.groups))
    for name, entry in raw.groups.items():
        parents = [] if name in cyclic else [groups[g] for g in entry.group_names if g in groups and g not in cyclic]
        groups[name].groups = ParentGroups(parents)
    hosts = Hosts(
        {name: ValidatedHost(name=name, defaults=defaults, **_fields(entry)) for name, entry in raw.hosts.items()}
    )
    for name, entry in raw.hosts.items():
        hosts[name].groups = ParentGroups([groups[g] for g in entry.group_names if g in groups])
    return Inventory(hosts=hosts, groups=groups, defaults=defaults)
