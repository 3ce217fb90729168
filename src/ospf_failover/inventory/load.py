"""Validating an inventory directory: Nornir's objects are built, the schema validates what was built, every
problem at once; each host gets its view. The inventory plugin (:mod:`.plugin`) runs this."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nornir.core.inventory import Inventory
from pydantic import ValidationError

from ospf_failover.errors import InventoryError

from .broken import broken_groups as find_broken
from .build import build_inventory
from .files import Problems, RawInventory, read_files
from .fleet import Fleet, ValidatedHost, fog_data, fog_model, origin_of, role_of, validate_host
from .problems import problems_of
from .schema import FOG_KEYS, HOST_MODELS, ROLE_GROUPS, Defaults, Fog, Host, RunSettings
from .scope import read_scope
from .typos import add_unknown_keys


def validate_directory(directory: Path, *, fog: str | None = None, broken_groups: bool = False) -> Fleet:
    """Read and validate an inventory directory; raise InventoryError listing every problem found.

    With ``fog``, only what that failover group uses (:mod:`.scope`): the fleet holds that group and its hosts.
    With ``broken_groups``, a failover group whose own problems they are (:mod:`.broken`) is set aside in
    ``Fleet.broken`` with them, and the rest loads; a problem that is no group's still raises.
    """
    problems = Problems(directory)
    if not problems.directory.is_dir():
        problems.add("", "(directory)", "not found: give --inventory DIR or set OSPF_FAILOVER_INVENTORY")
        raise InventoryError(problems.found)
    scope = read_scope(problems, fog) if fog is not None else None
    if fog is not None and scope is None:
        return validate_directory(directory)  # not cut apart: the whole load, which says what is wrong
    raw = read_files(problems) if scope is None else read_files(problems, scope.loaded, scope.group_names)
    inventory = build_inventory(raw)  # what is of the wrong shape is left out, and a problem already
    defaults = None if "defaults.yaml" in problems.unreadable else _defaults(problems, raw)
    run = defaults.data if defaults is not None else RunSettings()
    hosts = _hosts(problems, inventory, run)
    members: dict[str, set[str]] = {}
    fogs = _fogs(problems, raw, inventory, hosts, only=fog, members=members)
    sources = scope.sources if scope is not None else frozenset()
    add_unknown_keys(  # typos, with the key meant (not in the groups a group's part holds only for their settings)
        problems.found,
        problems.directory,
        {name: entry.model_dump(exclude_unset=True) for name, entry in raw.hosts.items()},
        {name: entry.model_dump(exclude_unset=True) for name, entry in raw.groups.items() if name not in sources},
    )
    broken = find_broken(problems, raw, inventory, members) if problems.found and broken_groups else {}
    if (problems.found and not broken) or defaults is None:
        raise InventoryError(problems.found)
    assert broken is not None  # no problem, or each a group's
    if fog is not None and fog not in fogs:
        return validate_directory(directory)  # no failover group: the whole load names the known ones
    for name, view in hosts.items():
        host = inventory.hosts[name]
        assert isinstance(host, ValidatedHost)  # build_inventory builds no other kind
        host.view = view
    for name in [name for name in inventory.hosts if name not in hosts]:
        del inventory.hosts[name]  # invalid, so used by broken groups only: no Nornir run may reach it
    return Fleet(
        directory=problems.directory,
        inventory=inventory,
        hosts=hosts,
        fogs={name: group for name, group in fogs.items() if name not in broken},
        broken={name: tuple(found) for name, found in broken.items()},
        username=defaults.username,
        ssh=defaults.connection_options.netmiko.extras,
        run=defaults.data,
    )


def _defaults(problems: Problems, raw: RawInventory) -> Defaults | None:
    try:
        return Defaults.model_validate(raw.defaults_mapping)
    except ValidationError as exc:
        shape = {p.key for p in problems.found if Path(p.file).name == "defaults.yaml"}  # said already
        for file, key, message in problems_of(exc, Defaults, lambda key: ("defaults.yaml", key)):
            if key not in shape:
                problems.add(file, key, message)
        return None


def _hosts(problems: Problems, inventory: Inventory, run: RunSettings) -> dict[str, Host]:
    hosts: dict[str, Host] = {}
    inherited: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    hostnames: dict[str, str] = {}
    ecx_names: dict[str, str] = {}
    for name, host in inventory.hosts.items():
        roles = role_of(host)
        if len(roles) != 1:
            listed = [g.name for g in host.groups if g.name in ROLE_GROUPS]
            problems.add(
                "hosts.yaml",
                f"{name}.groups",
                "list exactly one of routers, cluster_nodes, observers"
                + (f" (has {', '.join(listed)})" if listed else ""),
            )
            continue
        try:
            view = validate_host(host, run)
        except ValidationError as exc:
            for found in problems_of(exc, HOST_MODELS[roles[0]], origin_of(host)):
                inherited[found].append(name)
            continue
        hosts[name] = view
        _unique(problems, hostnames, view.hostname, name, key=f"{name}.hostname", what="")
        if view.role == "cluster_node":
            _unique(problems, ecx_names, view.ecx_server, name, key=f"{name}.data.ecx_server", what=" ECX name")
    for (file, key, message), names in inherited.items():
        shared = file == "groups.yaml"  # a group's value: one problem, naming the hosts that inherit it
        problems.add(file, key, f"{message} (for {', '.join(names)})" if shared else message, hosts=names)
    return hosts


def _unique(problems: Problems, seen: dict[str, str], value: str, name: str, *, key: str, what: str) -> None:
    """``value`` (a hostname, an ECX name) belongs to one host only; the first host keeps it."""
    if value in seen:
        fix = "" if what else ": each host needs its own"
        shown = repr(value) if what else value
        problems.add("hosts.yaml", key, f"{shown} is also {seen[value]}'s{what}{fix}")
    seen.setdefault(value, name)


def _fogs(
    problems: Problems,
    raw: RawInventory,
    inventory: Inventory,
    hosts: Mapping[str, Host],
    *,
    only: str | None,
    members: dict[str, set[str]],
) -> dict[str, Fog]:
    """The valid failover groups (``only``: that one; the other groups are there for what they give its hosts);
    ``members`` gets every failover group, valid or not, with the hosts its data names."""
    fogs: dict[str, Fog] = {}
    parents = {parent for entry in raw.groups.values() for parent in entry.group_names}
    listing = _Listing(raw)
    for name, entry in raw.groups.items():
        own: dict[str, Any] = entry.data or {}
        if name in ROLE_GROUPS:
            misplaced = FOG_KEYS & set(own)
            if misplaced:
                problems.add(
                    "groups.yaml", f"{name}.data", f"{sorted(misplaced)} belong in a failover group, not a role group"
                )
            continue
        if only is not None and name != only:
            continue
        data, origin = fog_data(inventory.groups[name])
        if name in parents or not FOG_KEYS & set(data):
            continue  # settings its child groups inherit, or a plain grouping (a site): not a failover group
        fog: Fog | None = None
        try:
            fog = fog_model(name, data)
        except ValidationError as exc:

            def where(key: str, name: str = name, origin: dict[str, str] = origin) -> tuple[str, str]:
                return "groups.yaml", f"{origin.get(key, name)}.data.{key}"

            for file, key, message in problems_of(exc, Fog, where, unknown="unknown failover group key"):
                inherited = not key.startswith(f"{name}.")
                problems.add(file, key, f"{message} (for {name})" if inherited else message)
        named = _Members.of(data)
        members[name] = {*named.pairing, *named.pairing.values(), *named.observers}
        members_ok = _check_members(problems, name, named, raw, hosts, listing=listing)  # also when the rest is wrong
        if fog is not None and members_ok:
            fogs[name] = fog
    _check_fogs_against_each_other(problems, fogs)
    return fogs


@dataclass(frozen=True)
class _Members:
    """The hosts a failover group's data names, read leniently: checked even when other keys are wrong."""

    valid: bool  # the pairing is a mapping: which hosts belong to the group is known
    pairing: dict[str, str]
    observers: list[str]
    nics: list[str]

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> _Members:
        pairing, observers, nics = data.get("pairing"), data.get("observers"), data.get("nics")
        return cls(
            valid=isinstance(pairing, dict),
            pairing={str(k): str(v) for k, v in pairing.items()} if isinstance(pairing, dict) else {},
            observers=[str(o) for o in observers] if isinstance(observers, list) else [],
            nics=[str(r) for r in nics] if isinstance(nics, dict) else [],
        )


def _check_members(
    problems: Problems, fog: str, members: _Members, raw: RawInventory, hosts: Mapping[str, Host], *, listing: _Listing
) -> bool:
    before = len(problems.found)
    where = f"{fog}.data"
    routers = set(members.pairing.values())
    for node, router in members.pairing.items():
        for name, role in ((node, "cluster_node"), (router, "router")):
            if name not in raw.hosts:
                problems.add("groups.yaml", f"{where}.pairing.{node}", f"unknown host {name!r}: add it to hosts.yaml")
            elif name in hosts and hosts[name].role != role:
                group = next(g for g, r in ROLE_GROUPS.items() if r == role)
                problems.add(
                    "groups.yaml", f"{where}.pairing.{node}", f"{name} is a {hosts[name].role}, not in {group}"
                )
    for observer in members.observers:
        if observer not in raw.hosts:
            problems.add("groups.yaml", f"{where}.observers", f"unknown host {observer!r}: add it to hosts.yaml")
        elif observer in hosts and hosts[observer].role == "cluster_node":
            problems.add(
                "groups.yaml", f"{where}.observers", f"{observer} is a cluster node: observers are OSPF routers"
            )
        elif observer in routers:
            problems.add("groups.yaml", f"{where}.observers", f"{observer} is one of this group's own routers")
    if members.valid:
        involved = set(members.pairing) | routers
        listed = listing.hosts_of(fog)
        for host_name in listing.in_file_order(involved | listed):
            if host_name in involved and host_name not in listed:
                problems.add("hosts.yaml", f"{host_name}.groups", f"add {fog!r}: the host is in {fog}'s pairing")
            elif host_name in listed and host_name not in involved:
                problems.add("hosts.yaml", f"{host_name}.groups", f"remove {fog!r} or add the host to {fog}'s pairing")
    for router in members.nics:
        if router not in routers:
            problems.add("groups.yaml", f"{where}.nics.{router}", f"{router} is not one of this group's routers")
    return len(problems.found) == before


class _Listing:
    """Which hosts list each group in their ``groups``, indexed once (not one scan of hosts.yaml per group)."""

    def __init__(self, raw: RawInventory) -> None:
        self._order = {name: index for index, name in enumerate(raw.hosts)}
        self._hosts: dict[str, set[str]] = defaultdict(set)
        for name, entry in raw.hosts.items():
            for group in entry.group_names:
                self._hosts[group].add(name)

    def hosts_of(self, group: str) -> set[str]:
        return self._hosts.get(group, set())

    def in_file_order(self, names: set[str]) -> list[str]:
        """``names`` that are hosts of hosts.yaml, in the file's order (the order problems are said in)."""
        return sorted((name for name in names if name in self._order), key=self._order.__getitem__)


def _check_fogs_against_each_other(problems: Problems, fogs: Mapping[str, Fog]) -> None:
    """Overlapping VM networks and a NIC used twice on one router, found by sorting and by index, said as a
    comparison of every pair in name order would: on the later group, against the earlier one."""
    ordered = sorted(fogs.values(), key=lambda f: f.name)
    rank = {fog.name: index for index, fog in enumerate(ordered)}
    clashes: set[tuple[int, int, str]] = set()  # (earlier, later, "" for the network or the router)
    for one, other in _overlapping(ordered):
        clashes.add((min(rank[one.name], rank[other.name]), max(rank[one.name], rank[other.name]), ""))
    users: dict[tuple[str, str], list[int]] = defaultdict(list)  # (router, NIC) -> the groups using it
    for index, fog in enumerate(ordered):
        for router in fog.routers:
            users[(router, fog.nic_for(router))].append(index)
    for (router, _nic), same in users.items():
        clashes.update((earlier, later, router) for i, later in enumerate(same) for earlier in same[:i])
    for earlier_rank, later_rank, router in sorted(clashes):
        earlier, later = ordered[earlier_rank], ordered[later_rank]
        if not router:
            problems.add(
                "groups.yaml",
                f"{later.name}.data.vm_network",
                f"{later.vm_network} overlaps {earlier.name}'s {earlier.vm_network}: each group needs its own network",
            )
        else:
            problems.add(
                "groups.yaml",
                f"{later.name}.data.nic",
                f"{router} already uses {earlier.nic_for(router)} for {earlier.name}: give {later.name} its "
                f"own NIC on {router} (nics: {{{router}: ...}})",
            )


def _overlapping(fogs: list[Fog]) -> list[tuple[Fog, Fog]]:
    """Every pair of groups whose VM networks overlap: the networks sorted by first address, each compared only
    with those still open at its start (IPv4 networks overlap only by one containing the other)."""
    pairs: list[tuple[Fog, Fog]] = []
    open_: list[Fog] = []  # networks containing the current start address, outermost first
    for fog in sorted(fogs, key=lambda f: (int(f.vm_network.network_address), f.vm_network.prefixlen)):
        start = int(fog.vm_network.network_address)
        while open_ and int(open_[-1].vm_network.broadcast_address) < start:
            open_.pop()
        pairs += [(outer, fog) for outer in open_]
        open_.append(fog)
    return pairs
