"""The validated inventory (:class:`Fleet`) and the typed view of a Nornir host that tasks read.

Hosts built by the inventory plugin are :class:`ValidatedHost`: Nornir hosts that carry the view validated at
load, so :func:`host_view` costs nothing; a host built any other way (SimpleInventory) is validated when asked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nornir.core.inventory import ConnectionOptions, Group, Inventory
from nornir.core.inventory import Host as NornirHost
from pydantic import ValidationError

from ospf_failover.containment import refuse_outside_lab
from ospf_failover.errors import InputError, InventoryError, InventoryProblem, names_text

from .problems import Origin, problems_of
from .schema import (
    FOG_KEYS,
    HOST_MODELS,
    LINUX,
    ROLE_GROUPS,
    SESSION,
    Fog,
    Host,
    LabMarker,
    Role,
    RunSettings,
    SshExtras,
    Timeouts,
)
from .typos import closest


def role_of(host: NornirHost) -> list[Role]:
    """The roles a Nornir host has by its groups and their parents (a valid inventory gives exactly one)."""
    return [ROLE_GROUPS[g.name] for g in host.extended_groups() if g.name in ROLE_GROUPS]


def fog_data(group: Group) -> tuple[dict[str, Any], dict[str, str]]:
    """A failover group's data as Nornir resolves it for its hosts: the group's own, then what its parents give
    of the failover group keys (a parent may hold host settings too), never the defaults; and for each key the
    group that gives it."""
    data: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for level in (group, *group.extended_groups()):
        for key, value in level.data.items():
            if key not in data and (level is group or key in FOG_KEYS):
                data[key], origin[key] = value, level.name
    return data, origin


def fog_model(name: str, data: dict[str, Any]) -> Fog:
    """The Fog model over a failover group's resolved data (:func:`fog_data`)."""
    return Fog.model_validate({**data, "name": name})


def fogs_of(host: NornirHost) -> list[Fog]:
    """The typed failover groups a Nornir host belongs to (its own groups that hold a pairing)."""
    return [fog_model(group.name, data) for group in host.groups if "pairing" in (data := fog_data(group)[0])]


def origin_of(host: NornirHost) -> Origin:
    """Where ``host``'s value of a key comes from, as Nornir resolves it: host, its groups in order, defaults."""

    def origin(key: str) -> tuple[str, str]:
        if key == "platform":
            return platform_origin(host)
        if key in ("name", "hostname", "groups", "role"):
            return "hosts.yaml", f"{host.name}.{'groups' if key == 'role' else key}"
        if key in host.data:
            return "hosts.yaml", f"{host.name}.data.{key}"
        for group in host.extended_groups():
            if key in group.data:
                return "groups.yaml", f"{group.name}.data.{key}"
        if key in host.defaults.data:
            return "defaults.yaml", f"data.{key}"
        return "hosts.yaml", f"{host.name}.data.{key}"

    return origin


def platform_origin(host: NornirHost) -> tuple[str, str]:
    """Where ``host``'s platform comes from, as Nornir resolves the netmiko connection's: a level's
    ``connection_options.netmiko.platform`` first (host, groups, defaults), then a level's ``platform``."""
    levels: list[tuple[str, str, Any]] = [("hosts.yaml", f"{host.name}.", host)]
    levels += [("groups.yaml", f"{group.name}.", group) for group in host.extended_groups()]
    levels.append(("defaults.yaml", "", host.defaults))
    for file, prefix, level in levels:
        options = level.connection_options.get("netmiko")
        if options is not None and options.platform is not None:
            return file, f"{prefix}connection_options.netmiko.platform"
    for file, prefix, level in levels:
        if object.__getattribute__(level, "platform") is not None:
            return file, f"{prefix}platform"
    return "hosts.yaml", f"{host.name}.platform"


def validate_host(host: NornirHost, run: RunSettings) -> Host:
    """The typed view of ``host``: its data as Nornir resolves it, validated by its role's model, with the
    run-wide settings ``run``.

    Raises pydantic's ValidationError (the loader turns it into problems) or InputError for a host without
    exactly one role.
    """
    roles = role_of(host)
    if len(roles) != 1:
        raise InputError(f"{host.name}: list exactly one of routers, cluster_nodes, observers in its groups")
    fields: dict[str, Any] = {
        **host.extended_data(),
        "name": host.name,
        "hostname": host.hostname,
        "role": roles[0],
        "groups": tuple(g.name for g in host.groups),
        "run": run,
        # What the session connects with: the netmiko connection's platform, else the host's (Nornir's order).
        "platform": NornirHost.get_connection_parameters(host, "netmiko").platform or LINUX,
    }
    return HOST_MODELS[roles[0]].model_validate(fields)


class ValidatedHost(NornirHost):
    """A Nornir host of a validated inventory, carrying its typed view (set once, when the inventory loads).

    Its ospf-failover session (connection ``ospf_failover``) takes netmiko's parameters: see
    :func:`session_options`.
    """

    __slots__ = ("view",)
    view: Host

    def extended_groups(self) -> list[Group]:
        """Nornir's order (each group, then its own extended groups, each once), in one pass: Nornir's own
        looks every group up in a list, which costs a cluster node of 10,000 groups seconds per lookup of
        its address."""
        groups: list[Group] = []
        seen: set[int] = set()
        for group in self.groups:
            for found in (group, *group.extended_groups()):
                if id(found) not in seen:
                    seen.add(id(found))
                    groups.append(found)
        return groups

    def get_connection_parameters(self, connection: str | None = None) -> ConnectionOptions:
        if connection == SESSION:
            return session_options(self)
        return super().get_connection_parameters(connection)


def host_view(host: NornirHost) -> Host:
    """The typed view tasks read (``host_view(task.host).vtysh``): the model that validated the inventory.

    A host of the inventory plugin carries it; a Nornir built some other way over these files gets it validated
    here, and over a broken inventory the same problems, as one InventoryError.
    """
    if isinstance(host, ValidatedHost):
        return host.view
    try:
        run = RunSettings.model_validate(host.defaults.data)
    except ValidationError as exc:
        found = problems_of(exc, RunSettings, lambda key: ("defaults.yaml", f"data.{key}"))
        raise InventoryError([InventoryProblem(*problem) for problem in found]) from None
    try:
        return validate_host(host, run)
    except ValidationError as exc:
        model = HOST_MODELS[role_of(host)[0]]
        raise InventoryError(
            [InventoryProblem(file, key, message) for file, key, message in problems_of(exc, model, origin_of(host))]
        ) from None


def session_options(host: NornirHost) -> ConnectionOptions:
    """The parameters of ``host``'s ospf-failover session: netmiko's (``connection_options.netmiko``: address,
    port, user, platform) with the session plugin's extras (:class:`~.schema.SessionOptions`: the host's name,
    netmiko's extras, the run-wide settings of the host's view)."""
    netmiko = NornirHost.get_connection_parameters(host, "netmiko")
    return ConnectionOptions(
        hostname=netmiko.hostname,
        port=netmiko.port,
        username=netmiko.username,
        password=netmiko.password,
        platform=netmiko.platform,
        extras={"host": host.name, "netmiko": netmiko.extras, "run": host_view(host).run},
    )


@dataclass(frozen=True)
class Fleet:
    """The validated inventory: typed hosts and failover groups, and the Nornir inventory they came from."""

    directory: Path
    inventory: Inventory
    hosts: Mapping[str, Host]
    fogs: Mapping[str, Fog]
    username: str
    ssh: SshExtras
    run: RunSettings  # the run-wide settings; every host's view holds the same
    # Failover groups set aside with their own problems (loaded with broken_groups: check, backup); not in fogs.
    broken: Mapping[str, tuple[InventoryProblem, ...]] = field(default_factory=dict)

    @property
    def timeouts(self) -> Timeouts:
        return self.run.timeouts

    @property
    def max_connects_in_flight(self) -> int:
        return self.run.max_connects_in_flight

    @property
    def convergence_budget(self) -> float:
        """The defaults' budget; a failover group may set its own."""
        return self.run.convergence_budget

    @property
    def lab(self) -> LabMarker | None:
        """The rehearsal lab this inventory belongs to (None: a real one)."""
        return self.run.lab

    @property
    def key_file(self) -> Path:
        return Path(self.ssh.key_file)

    @property
    def known_hosts(self) -> Path:
        return Path(self.ssh.alt_key_file)

    def fog(self, name: str) -> Fog:
        try:
            return self.fogs[name]
        except KeyError:
            known = sorted(self.fogs)
            close = closest(name, known)
            hint = f"did you mean {close!r}? " if close is not None else ""
            raise InputError(
                f"failover group {name!r} is not in inventory {self.directory} "
                f"({hint}known: {names_text(known) or 'none'})"
            ) from None

    def broken_among(self, names: Sequence[str]) -> dict[str, tuple[InventoryProblem, ...]]:
        """The failover groups of ``names`` (every group when empty) set aside with problems of their own."""
        if not names:
            return dict(self.broken)
        return {name: self.broken[name] for name in dict.fromkeys(names) if name in self.broken}

    def node_by_ecx_server(self, server: str) -> Host | None:
        """The cluster node whose ECX server name is ``server`` (clpstat may cut it to 16 characters)."""
        nodes = [host for host in self.hosts.values() if host.role == "cluster_node"]
        for host in nodes:
            if host.ecx_server == server:
                return host
        for host in nodes:
            if len(server) == 16 and host.ecx_server.startswith(server):
                return host
        return None

    def check_connect_files(self) -> None:
        """Raise before anything connects: when this is a rehearsal lab's inventory and this process runs outside
        that lab (InputError), or when the files a connection needs (key, known_hosts) are missing here."""
        refuse_outside_lab(self.lab)
        defaults = str(self.directory / "defaults.yaml")
        extras = "connection_options.netmiko.extras"
        problems = []
        if not self.key_file.is_file():
            problems.append(
                InventoryProblem(
                    defaults,
                    f"{extras}.key_file",
                    f"{self.key_file} does not exist on this machine: create the key or point key_file at it",
                )
            )
        if not self.known_hosts.is_file():
            problems.append(
                InventoryProblem(
                    defaults,
                    f"{extras}.alt_key_file",
                    f"{self.known_hosts} does not exist: collect the hosts' keys with ssh-keyscan into it",
                )
            )
        if problems:
            raise InventoryError(problems)
