"""Which failover groups a problem of the inventory belongs to: what lets ``check`` and ``backup`` report a broken
group as failing and go on over the others.

A problem belongs to the failover groups that use what it is written on: a failover group's own entry is that
group's; a host's entry, or a value that leaves a host invalid, belongs to every group the host serves (its
pairing, its observers, the groups it lists); another group (a role group, a site group) belongs to the groups
below it and to the groups of the hosts that inherit from it. A problem in defaults.yaml, in a file as a whole,
or on an entry no failover group uses belongs to none: the whole run is refused, as before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from pathlib import Path

from nornir.core.inventory import Inventory

from ospf_failover.errors import InventoryProblem

from .files import Problems, RawInventory


def broken_groups(
    problems: Problems, raw: RawInventory, inventory: Inventory, members: Mapping[str, Collection[str]]
) -> dict[str, list[InventoryProblem]] | None:
    """Each failover group with a problem, with its problems in the order found; None when a problem belongs
    to no group. ``members``: every group judged a failover group (valid or not) with the hosts its data names."""
    fogs_of_host: dict[str, set[str]] = defaultdict(set)
    for fog, hosts in members.items():
        for host in hosts:
            fogs_of_host[host].add(fog)
    for name, listed in raw.hosts.items():
        fogs_of_host[name].update(group for group in listed.group_names if group in members)
    users: dict[str, set[str]] = defaultdict(set)  # a group that is no failover group -> the groups using it
    for fog in members:
        for group in inventory.groups[fog].extended_groups():
            users[group.name].add(fog)
    for name, nornir_host in inventory.hosts.items():
        for parent in nornir_host.extended_groups():
            if parent.name not in members:
                users[parent.name] |= fogs_of_host[name]
    broken: dict[str, list[InventoryProblem]] = defaultdict(list)
    for problem in problems.found:
        owners: set[str] = set()
        for host in problems.hosts_of.get(problem, ()):
            owners |= fogs_of_host[host]
        file = Path(problem.file).name
        entry = _entry(problem.key, raw.hosts if file == "hosts.yaml" else raw.groups)
        if file == "hosts.yaml" and entry is not None:
            owners |= fogs_of_host[entry]
        elif file == "groups.yaml" and entry is not None:
            owners |= {entry} if entry in members else users[entry]
        if file not in ("hosts.yaml", "groups.yaml") or not owners:
            return None
        for fog in owners:
            broken[fog].append(problem)
    return {fog: broken[fog] for fog in members if fog in broken}  # in the inventory's order


def _entry(key: str, names: Collection[str]) -> str | None:
    """The entry a problem's key is written in (a name may hold dots: the longest name the key starts with)."""
    if key in names:
        return key
    found = None
    for index, char in enumerate(key):
        if char == "." and key[:index] in names:
            found = key[:index]
    return found
