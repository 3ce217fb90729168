"""The inventory: Nornir SimpleInventory files, validated once at load, before any connection.

An inventory directory holds ``hosts.yaml``, ``groups.yaml``, ``defaults.yaml`` and ``known_hosts``. Hosts are
routers, cluster nodes and observers (membership in the role groups ``routers``, ``cluster_nodes``,
``observers``); every customer failover group (FOG) is a group whose ``data`` has a ``pairing``.

:func:`load_inventory` reads the raw YAML (so that every problem can name its file and key), collects every
problem it finds and raises :class:`~ospf_failover.errors.InventoryError` with all of them, or returns a
:class:`Fleet`: the validated, typed view the runbooks plan with. :func:`build_nornir` then opens the same files
with Nornir's SimpleInventory for the tasks.
"""

from __future__ import annotations

import ipaddress
import re
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from ospf_failover.errors import InputError, InventoryError, InventoryProblem

Role = Literal["router", "cluster_node", "observer"]
ROLE_GROUPS: dict[str, Role] = {"routers": "router", "cluster_nodes": "cluster_node", "observers": "observer"}
FOG_KEYS = frozenset({"vm_network", "vm_gateway", "nic", "nics", "pairing", "observers"})
ROUTING_SUITES = ("frr", "quagga")
_NIC_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,14}$")
_FILES = ("hosts.yaml", "groups.yaml", "defaults.yaml")


@dataclass(frozen=True)
class Timeouts:
    """Seconds that bound every SSH step."""

    connect: float = 5.0
    auth: float = 5.0
    command: float = 10.0


@dataclass(frozen=True)
class Host:
    """A host as the runbooks see it: role, address and its resolved settings."""

    name: str
    hostname: str
    role: Role
    groups: tuple[str, ...]
    ecx_server: str  # cluster nodes: the name clpstat shows (defaults to the inventory name)
    routing_suite: Literal["frr", "quagga"] | None = None  # routers and observers
    vtysh: str = "vtysh"
    nic_down: str = ""
    nic_up: str = ""
    announce_gateway: str | None = None  # routers: gratuitous ARP command, when the NIC command does not do it
    nic_config_file: str | None = None
    ospf_address: str | None = None  # routers: the next hop others see for the VM network


@dataclass(frozen=True)
class Fog:
    """A customer failover group: one ECX failover group and the routers that carry its VM gateway."""

    name: str
    vm_network: ipaddress.IPv4Network
    vm_gateway: ipaddress.IPv4Address
    nic: str
    nics: Mapping[str, str]
    pairing: Mapping[str, str]  # cluster node -> router on that node's side
    observers: tuple[str, ...]

    @property
    def routers(self) -> tuple[str, ...]:
        """The FOG's routers, each once, in pairing order."""
        return tuple(dict.fromkeys(self.pairing.values()))

    @property
    def nodes(self) -> tuple[str, ...]:
        return tuple(self.pairing)

    def nic_for(self, router: str) -> str:
        return self.nics.get(router, self.nic)


@dataclass(frozen=True)
class Fleet:
    """The validated inventory."""

    directory: Path
    hosts: Mapping[str, Host]
    fogs: Mapping[str, Fog]
    username: str
    key_file: Path
    known_hosts: Path
    timeouts: Timeouts
    max_connects_in_flight: int

    def fog(self, name: str) -> Fog:

        try:
            return self.fogs[name]
        except KeyError:
            known = ", ".join(sorted(self.fogs)) or "none"
            raise InputError(f"failover group {name!r} is not in inventory {self.directory} (known: {known})") from None

    def node_by_ecx_server(self, server: str) -> Host | None:
        """The cluster node whose ECX server name is ``server`` (clpstat may cut it to 16 characters)."""
        for host in self.hosts.values():
            if host.role == "cluster_node" and host.ecx_server == server:
                return host
        for host in self.hosts.values():
            if host.role == "cluster_node" and len(server) == 16 and host.ecx_server.startswith(server):
                return host
        return None

    def check_connect_files(self) -> None:
        """Raise when the files a connection needs (key, known_hosts) are missing on this machine."""
        problems = []
        if not self.key_file.is_file():
            problems.append(
                InventoryProblem(
                    str(self.directory / "defaults.yaml"),
                    "connection_options.netmiko.extras.key_file",
                    f"{self.key_file} does not exist on this machine: create the key or point key_file at it",
                )
            )
        if not self.known_hosts.is_file():
            problems.append(
                InventoryProblem(
                    str(self.directory / "defaults.yaml"),
                    "data.known_hosts",
                    f"{self.known_hosts} does not exist: collect the hosts' keys with ssh-keyscan into it",
                )
            )
        if problems:
            raise InventoryError(problems)


# --- loading ---------------------------------------------------------------------------------------------


@dataclass
class _Loader:
    directory: Path
    problems: list[InventoryProblem] = field(default_factory=list)

    def problem(self, file: str, key: str, message: str) -> None:
        self.problems.append(InventoryProblem(str(self.directory / file), key, message))

    def read(self, file: str, *, entries: bool = True) -> dict[str, Any]:
        path = self.directory / file
        if not path.is_file():
            if file == "defaults.yaml":
                return {}
            self.problem(file, "(file)", f"missing: an inventory directory needs {', '.join(_FILES)}")
            return {}
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            self.problem(file, "(file)", f"cannot read it: {exc}")
            return {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            self.problem(file, "(file)", f"not valid YAML{where}: fix the syntax")
            return {}
        if loaded is None:
            return {}
        if not isinstance(loaded, dict):
            self.problem(file, "(file)", "must be a mapping of names to entries")
            return {}
        if not entries:
            return loaded
        for name, entry in list(loaded.items()):
            if entry is None:
                loaded[name] = {}
            elif not isinstance(entry, dict):
                self.problem(file, str(name), "must be a mapping (hostname, groups, data, ...)")
                del loaded[name]
        return loaded


def _data(entry: Mapping[str, Any]) -> dict[str, Any]:
    data = entry.get("data")
    return data if isinstance(data, dict) else {}


def _walk_groups(names: list[str], groups: Mapping[str, Any], seen: set[str] | None = None) -> Iterator[str]:
    """Groups in Nornir's resolution order: each group, then its own parent groups, depth first."""
    seen = set() if seen is None else seen
    for name in names:
        if name in seen or name not in groups:
            continue
        seen.add(name)
        yield name
        parents = groups[name].get("groups") or []
        if isinstance(parents, list):
            yield from _walk_groups([str(p) for p in parents], groups, seen)


def _resolve(key: str, host: Mapping[str, Any], groups: Mapping[str, Any], defaults: Mapping[str, Any]) -> Any:
    """A data key as Nornir resolves it: host, then its groups in order, then defaults."""
    if key in _data(host):
        return _data(host)[key]
    for name in _walk_groups([str(g) for g in host.get("groups") or []], groups):
        if key in _data(groups[name]):
            return _data(groups[name])[key]
    return _data(defaults).get(key)


def _placeholders(template: str) -> set[str] | None:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError:
        return None


def _find_secrets(entry: Any, path: str) -> Iterator[str]:
    if isinstance(entry, dict):
        for key, value in entry.items():
            here = f"{path}.{key}" if path else str(key)
            if key in ("password", "passphrase", "secret") and value not in (None, ""):
                yield here
            yield from _find_secrets(value, here)


def _netmiko_extras(entry: Mapping[str, Any]) -> Any:
    options = entry.get("connection_options")
    if not isinstance(options, dict):
        return None
    netmiko = options.get("netmiko")
    return netmiko.get("extras") if isinstance(netmiko, dict) else None


def load_inventory(directory: str | Path) -> Fleet:
    """Read and validate an inventory directory; raise InventoryError listing every problem found."""
    loader = _Loader(Path(directory))
    if not loader.directory.is_dir():
        loader.problem("", "(directory)", "not found: give --inventory DIR or set OSPF_FAILOVER_INVENTORY")
        raise InventoryError(loader.problems)
    hosts_raw = loader.read("hosts.yaml")
    groups_raw = loader.read("groups.yaml")
    defaults = loader.read("defaults.yaml", entries=False)

    for file, entries in (("hosts.yaml", hosts_raw), ("groups.yaml", groups_raw)):
        for name, entry in entries.items():
            if _netmiko_extras(entry) is not None:
                loader.problem(
                    file,
                    f"{name}.connection_options.netmiko.extras",
                    "move these extras to defaults.yaml: Nornir does not merge extras, so they would "
                    "silently replace the shared ones (keys, timeouts, host key checking)",
                )
    for file, entries in (
        ("hosts.yaml", hosts_raw),
        ("groups.yaml", groups_raw),
        ("defaults.yaml", defaults),
    ):
        for key in _find_secrets(entries, ""):
            loader.problem(file, key, "remove it: use SSH keys (key_file in defaults.yaml), never passwords in files")

    for name in ROLE_GROUPS:
        if name not in groups_raw:
            loader.problem("groups.yaml", name, "missing role group: define it (it may be empty: `{}`)")

    settings = _load_defaults(loader, defaults)
    hosts = _load_hosts(loader, hosts_raw, groups_raw, defaults)
    fogs = _load_fogs(loader, groups_raw, hosts_raw, hosts)

    if loader.problems:
        raise InventoryError(loader.problems)
    username, key_file, known_hosts, timeouts, max_connects = settings
    return Fleet(
        directory=loader.directory,
        hosts=hosts,
        fogs=fogs,
        username=username,
        key_file=key_file,
        known_hosts=known_hosts,
        timeouts=timeouts,
        max_connects_in_flight=max_connects,
    )


def _load_defaults(loader: _Loader, defaults: Mapping[str, Any]) -> tuple[str, Path, Path, Timeouts, int]:
    file = "defaults.yaml"
    username = defaults.get("username")
    if not isinstance(username, str) or not username:
        loader.problem(file, "username", "missing: the SSH login user on every host (e.g. root)")
        username = ""
    extras = _netmiko_extras(defaults)
    extras = extras if isinstance(extras, dict) else {}
    key_file_raw = extras.get("key_file")
    if not isinstance(key_file_raw, str) or not key_file_raw:
        loader.problem(
            file, "connection_options.netmiko.extras.key_file", "missing: the SSH private key used to log in"
        )
        key_file_raw = ""
    if extras.get("use_keys") is not True:
        loader.problem(file, "connection_options.netmiko.extras.use_keys", "set it to true: logins use SSH keys")
    key_file = Path(key_file_raw).expanduser()
    if key_file_raw and not key_file.is_absolute():
        key_file = loader.directory / key_file
    data = _data(defaults)
    known_raw = data.get("known_hosts")
    if not isinstance(known_raw, str) or not known_raw:
        loader.problem(file, "data.known_hosts", "missing: the known_hosts file that host keys are verified against")
        known_raw = "known_hosts"
    known_hosts = Path(known_raw).expanduser()
    if not known_hosts.is_absolute():
        known_hosts = loader.directory / known_hosts

    timeouts_raw = data.get("timeouts") or {}
    values: dict[str, float] = {}
    if not isinstance(timeouts_raw, dict):
        loader.problem(file, "data.timeouts", "must be a mapping: connect, auth, command (seconds)")
        timeouts_raw = {}
    for key, value in timeouts_raw.items():
        if key not in ("connect", "auth", "command"):
            loader.problem(file, f"data.timeouts.{key}", "unknown timeout: use connect, auth or command")
        elif isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 600:
            loader.problem(file, f"data.timeouts.{key}", f"{value!r}: give seconds between 0 and 600")
        else:
            values[key] = float(value)
    max_connects = data.get("max_connects_in_flight", 8)
    if isinstance(max_connects, bool) or not isinstance(max_connects, int) or not 1 <= max_connects <= 10:
        loader.problem(
            file,
            "data.max_connects_in_flight",
            f"{max_connects!r}: give 1 to 10 (OpenSSH's MaxStartups refuses bursts above 10)",
        )
        max_connects = 8
    return username, key_file, known_hosts, Timeouts(**values), max_connects


def _load_hosts(
    loader: _Loader, hosts_raw: Mapping[str, Any], groups_raw: Mapping[str, Any], defaults: Mapping[str, Any]
) -> dict[str, Host]:
    file = "hosts.yaml"
    hosts: dict[str, Host] = {}
    hostnames: dict[str, str] = {}
    ecx_names: dict[str, str] = {}
    for name, entry in hosts_raw.items():
        name = str(name)
        hostname = entry.get("hostname")
        if not isinstance(hostname, str) or not hostname:
            loader.problem(file, f"{name}.hostname", "missing: the address SSH connects to")
            hostname = ""
        elif hostname in hostnames:
            loader.problem(
                file,
                f"{name}.hostname",
                f"{hostname} is also {hostnames[hostname]}'s: each host needs its own",
            )
        else:
            hostnames[hostname] = name
        group_list = entry.get("groups") or []
        if not isinstance(group_list, list):
            loader.problem(file, f"{name}.groups", "must be a list of group names")
            group_list = []
        group_names = [str(g) for g in group_list]
        for group in group_names:
            if group not in groups_raw:
                loader.problem(file, f"{name}.groups", f"unknown group {group!r}: define it in groups.yaml")
        roles = [ROLE_GROUPS[g] for g in group_names if g in ROLE_GROUPS]
        if len(roles) != 1:
            loader.problem(
                file,
                f"{name}.groups",
                "list exactly one of routers, cluster_nodes, observers"
                + (f" (has {', '.join(g for g in group_names if g in ROLE_GROUPS)})" if roles else ""),
            )
            continue
        role = roles[0]

        def get(key: str, entry: Mapping[str, Any] = entry) -> Any:
            return _resolve(key, entry, groups_raw, defaults)

        ecx_server = get("ecx_server") if role == "cluster_node" else None
        if ecx_server is None:
            ecx_server = name
        elif not isinstance(ecx_server, str) or not ecx_server:
            loader.problem(file, f"{name}.data.ecx_server", "must be the node's ECX server name")
            ecx_server = name
        if role == "cluster_node":
            if ecx_server in ecx_names:
                loader.problem(
                    file,
                    f"{name}.data.ecx_server",
                    f"{ecx_server!r} is also {ecx_names[ecx_server]}'s ECX name",
                )
            ecx_names[ecx_server] = name
        host = Host(name=name, hostname=hostname, role=role, groups=tuple(group_names), ecx_server=ecx_server)
        if role in ("router", "observer"):
            host = _router_settings(loader, host, get)
        hosts[name] = host
    return hosts


def _router_settings(loader: _Loader, host: Host, get: Any) -> Host:
    where = f"{host.name}.data"
    suite = get("routing_suite")
    if suite not in ROUTING_SUITES:
        loader.problem(
            "hosts.yaml", f"{where}.routing_suite", f"{suite!r}: set quagga or frr (on the host or its group)"
        )
        suite = None
    vtysh = get("vtysh") or "vtysh"
    if not isinstance(vtysh, str):
        loader.problem("hosts.yaml", f"{where}.vtysh", "must be the command that runs vtysh (vtysh, sudo vtysh)")
        vtysh = "vtysh"
    templates: dict[str, str | None] = {}
    allowed = {
        "nic_down": {"nic"},
        "nic_up": {"nic"},
        "announce_gateway": {"nic", "gateway"},
        "nic_config_file": {"nic"},
    }
    for key, names in allowed.items():
        value = get(key)
        required = host.role == "router" and key in ("nic_down", "nic_up")
        if value is None or value == "":
            if required:
                loader.problem(
                    "hosts.yaml",
                    f"{where}.{key}",
                    "missing: the command template, e.g. 'ip link set dev {nic} up'",
                )
            templates[key] = None
            continue
        found = _placeholders(value) if isinstance(value, str) else None
        if found is None:
            loader.problem("hosts.yaml", f"{where}.{key}", f"{value!r} is not a valid command template")
        elif not found <= names:
            unknown = ", ".join("{" + n + "}" for n in sorted(found - names))
            loader.problem("hosts.yaml", f"{where}.{key}", f"unknown placeholder {unknown}: use {sorted(names)}")
        elif required and "nic" not in found:
            loader.problem("hosts.yaml", f"{where}.{key}", f"{value!r} must name the NIC with {{nic}}")
        templates[key] = value if isinstance(value, str) else None
    ospf_address = get("ospf_address") if host.role == "router" else None
    if ospf_address is not None:
        try:
            ipaddress.IPv4Address(str(ospf_address))
        except ValueError:
            loader.problem("hosts.yaml", f"{where}.ospf_address", f"{ospf_address!r} is not an IPv4 address")
            ospf_address = None
    return Host(
        name=host.name,
        hostname=host.hostname,
        role=host.role,
        groups=host.groups,
        ecx_server=host.ecx_server,
        routing_suite=suite,
        vtysh=vtysh,
        nic_down=templates["nic_down"] or "",
        nic_up=templates["nic_up"] or "",
        announce_gateway=templates["announce_gateway"],
        nic_config_file=templates["nic_config_file"],
        ospf_address=str(ospf_address) if ospf_address is not None else host.hostname,
    )


def _load_fogs(
    loader: _Loader, groups_raw: Mapping[str, Any], hosts_raw: Mapping[str, Any], hosts: Mapping[str, Host]
) -> dict[str, Fog]:
    file = "groups.yaml"
    fogs: dict[str, Fog] = {}
    for name, entry in groups_raw.items():
        name = str(name)
        data = _data(entry)
        if name in ROLE_GROUPS:
            misplaced = FOG_KEYS & set(data)
            if misplaced:
                loader.problem(
                    file, f"{name}.data", f"{sorted(misplaced)} belong in a failover group, not a role group"
                )
            continue
        if not FOG_KEYS & set(data):
            continue  # a plain grouping (a site, a platform): not a failover group
        fog = _load_fog(loader, name, data, hosts)
        if fog is None:
            continue
        for host_name, host_entry in hosts_raw.items():
            listed = name in [str(g) for g in host_entry.get("groups") or []]
            involved = host_name in fog.pairing or host_name in fog.routers
            if involved and not listed:
                loader.problem("hosts.yaml", f"{host_name}.groups", f"add {name!r}: the host is in {name}'s pairing")
            elif listed and not involved:
                loader.problem(
                    "hosts.yaml",
                    f"{host_name}.groups",
                    f"remove {name!r} or add the host to {name}'s pairing",
                )
        fogs[name] = fog
    _check_fogs_against_each_other(loader, fogs)
    return fogs


def _load_fog(loader: _Loader, name: str, data: Mapping[str, Any], hosts: Mapping[str, Host]) -> Fog | None:
    file = "groups.yaml"
    where = f"{name}.data"
    before = len(loader.problems)
    for key in sorted(set(data) - FOG_KEYS):
        loader.problem(file, f"{where}.{key}", f"unknown failover group key: use {sorted(FOG_KEYS)}")
    for key in ("vm_network", "vm_gateway", "nic", "pairing"):
        if data.get(key) in (None, "", {}):
            loader.problem(file, f"{where}.{key}", "missing: every failover group needs it")
    network: ipaddress.IPv4Network | None = None
    gateway: ipaddress.IPv4Address | None = None
    if data.get("vm_network"):
        try:
            network = ipaddress.IPv4Network(str(data["vm_network"]), strict=True)
        except ValueError as exc:
            loader.problem(file, f"{where}.vm_network", f"{data['vm_network']!r}: {exc} (give a CIDR like 10.0.0.0/24)")
    if data.get("vm_gateway"):
        try:
            gateway = ipaddress.IPv4Address(str(data["vm_gateway"]))
        except ValueError:
            loader.problem(file, f"{where}.vm_gateway", f"{data['vm_gateway']!r} is not an IPv4 address")
    if (
        network is not None
        and gateway is not None
        and (
            gateway not in network
            or (network.prefixlen < 31 and gateway in (network.network_address, network.broadcast_address))
        )
    ):
        loader.problem(
            file,
            f"{where}.vm_gateway",
            f"{gateway} is not a host address of vm_network {network}: give one inside it",
        )
    nic = data.get("nic")
    if nic is not None and (not isinstance(nic, str) or not _NIC_NAME.match(nic)):
        loader.problem(file, f"{where}.nic", f"{nic!r} is not a NIC name (e.g. ens224)")
    pairing_raw = data.get("pairing") or {}
    pairing: dict[str, str] = {}
    if not isinstance(pairing_raw, dict):
        loader.problem(file, f"{where}.pairing", "must map each cluster node to the router on its side")
        pairing_raw = {}
    for node, router in pairing_raw.items():
        node, router = str(node), str(router)
        pairing[node] = router
        if node not in hosts:
            loader.problem(file, f"{where}.pairing.{node}", f"unknown host {node!r}: add it to hosts.yaml")
        elif hosts[node].role != "cluster_node":
            loader.problem(file, f"{where}.pairing.{node}", f"{node} is a {hosts[node].role}, not in cluster_nodes")
        if router not in hosts:
            loader.problem(file, f"{where}.pairing.{node}", f"unknown host {router!r}: add it to hosts.yaml")
        elif hosts[router].role != "router":
            loader.problem(file, f"{where}.pairing.{node}", f"{router} is a {hosts[router].role}, not in routers")
    if pairing_raw and len(set(pairing.values())) < 2:
        loader.problem(file, f"{where}.pairing", "needs at least two routers (one per site) to fail over between")
    nics_raw = data.get("nics") or {}
    nics: dict[str, str] = {}
    if not isinstance(nics_raw, dict):
        loader.problem(file, f"{where}.nics", "must map a router to its NIC for this group")
        nics_raw = {}
    for router, router_nic in nics_raw.items():
        router = str(router)
        if router not in pairing.values():
            loader.problem(file, f"{where}.nics.{router}", f"{router} is not one of this group's routers")
        if not isinstance(router_nic, str) or not _NIC_NAME.match(router_nic):
            loader.problem(file, f"{where}.nics.{router}", f"{router_nic!r} is not a NIC name")
        else:
            nics[router] = router_nic
    observers_raw = data.get("observers") or []
    if not isinstance(observers_raw, list):
        loader.problem(file, f"{where}.observers", "must be a list of observer host names (may be empty)")
        observers_raw = []
    observers = tuple(str(o) for o in observers_raw)
    for observer in observers:
        if observer not in hosts:
            loader.problem(file, f"{where}.observers", f"unknown host {observer!r}: add it to hosts.yaml")
        elif hosts[observer].role == "cluster_node":
            loader.problem(file, f"{where}.observers", f"{observer} is a cluster node: observers are OSPF routers")
        elif observer in pairing.values():
            loader.problem(file, f"{where}.observers", f"{observer} is one of this group's own routers")
    if len(loader.problems) > before or network is None or gateway is None or not isinstance(nic, str):
        return None
    return Fog(
        name=name,
        vm_network=network,
        vm_gateway=gateway,
        nic=nic,
        nics=nics,
        pairing=pairing,
        observers=observers,
    )


def _check_fogs_against_each_other(loader: _Loader, fogs: Mapping[str, Fog]) -> None:
    ordered = sorted(fogs.values(), key=lambda f: f.name)
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            if first.vm_network.overlaps(second.vm_network):
                loader.problem(
                    "groups.yaml",
                    f"{second.name}.data.vm_network",
                    f"{second.vm_network} overlaps {first.name}'s {first.vm_network}: each group needs its own network",
                )
            for router in set(first.routers) & set(second.routers):
                if first.nic_for(router) == second.nic_for(router):
                    loader.problem(
                        "groups.yaml",
                        f"{second.name}.data.nic",
                        f"{router} already uses {first.nic_for(router)} for {first.name}: give {second.name} its "
                        f"own NIC on {router} (nics: {{{router}: ...}})",
                    )
