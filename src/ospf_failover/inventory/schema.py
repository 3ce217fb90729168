"""What the inventory may hold, as pydantic models: the one definition that validation and the tasks share.

Each level of a Nornir SimpleInventory has its model: :class:`Defaults` (defaults.yaml, with the SSH settings
every session must use), :class:`Fog` (a failover group's ``data`` in groups.yaml) and :class:`Host` (a host's
data *as Nornir resolves it*: host, then its groups, then defaults). Field descriptions are the fixes that
problems print.
"""

from __future__ import annotations

import ipaddress
import re
import string
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

Role = Literal["router", "cluster_node", "observer"]
ROLE_GROUPS: dict[str, Role] = {"routers": "router", "cluster_nodes": "cluster_node", "observers": "observer"}
_NIC_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,14}$")


PROBLEM_KINDS = frozenset({"template", "nic", "absolute", "network", "gateway", "pairing", "ipv4", "platform"})


def _problem(kind: str, message: str) -> PydanticCustomError:
    """A validation error whose message is shown as it is (the inventory's problem text, with its fix)."""
    return PydanticCustomError(kind, message)


def _template(allowed: frozenset[str], *, needs_nic: bool = False, needs: str | None = None) -> AfterValidator:
    def check(value: str) -> str:
        try:
            found = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError:
            raise _problem("template", f"{value!r} is not a valid command template") from None
        if not found <= allowed:
            unknown = ", ".join("{" + n + "}" for n in sorted(found - allowed))
            raise _problem("template", f"unknown placeholder {unknown}: use {sorted(allowed)}")
        if needs_nic and "nic" not in found:
            raise _problem("template", f"{value!r} must name the NIC with {{nic}}")
        if needs is not None and needs not in found:
            raise _problem("template", f"{value!r} must name the {needs} with {{{needs}}}")
        return value

    return AfterValidator(check)


def _nic_name(value: str) -> str:
    if not _NIC_NAME.match(value):
        raise _problem("nic", f"{value!r} is not a NIC name (e.g. ens224)")
    return value


def _absolute(value: str) -> str:
    if not Path(value).is_absolute():
        raise _problem(
            "absolute",
            f"{value!r}: give an absolute path (any Nornir reading this inventory would take it from its own "
            "working directory)",
        )
    return value


NicCommand = Annotated[
    str,
    Field(min_length=1, description="the command template, e.g. 'ip link set dev {nic} up'"),
    _template(frozenset({"nic"}), needs_nic=True),
]
NicName = Annotated[str, AfterValidator(_nic_name)]
AbsolutePath = Annotated[str, Field(min_length=1), AfterValidator(_absolute)]
Seconds = Annotated[float, Field(gt=0, le=600, description="give seconds between 0 and 600")]
Budget = Annotated[
    float,
    Field(gt=0, le=3600, description="seconds the VM network may stay unreachable in a failover (a positive number)"),
]
Suite = Annotated[Literal["frr", "quagga"], Field(description="set quagga or frr (on the host or its group)")]

# A host's platform is netmiko's device type (Nornir's ``platform``). Routers and cluster nodes are Linux; an
# observer is Linux with FRR or Quagga, or a site gateway of one of the platforms the vendor readers read.
LINUX: Literal["linux"] = "linux"
ObserverPlatform = Literal[
    "linux", "cisco_ios", "cisco_xe", "cisco_nxos", "arista_eos", "juniper_junos", "yamaha", "vyos"
]
OBSERVER_PLATFORMS: tuple[str, ...] = get_args(ObserverPlatform)


MIN_COMMAND_TIMEOUT = 0.5  # seconds: below it a round trip (a shell marker, vtysh) cannot finish, every host fails
CommandSeconds = Annotated[
    float,
    Field(
        ge=MIN_COMMAND_TIMEOUT,
        le=600,
        description=f"give seconds between {MIN_COMMAND_TIMEOUT} (one round trip takes about that long) and 600",
    ),
]


class Timeouts(BaseModel):
    """Seconds that bound what SSH settings do not: one command's output."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    command: CommandSeconds = 10.0


class SshExtras(BaseModel):
    """netmiko's arguments for every session (defaults.yaml ``connection_options.netmiko.extras``).

    They live in the inventory, not in code, so that any Nornir over these files (a script of the operator's,
    salt-nornir) logs in by key, verifies host keys against the inventory's known_hosts only, reads no
    ``~/.ssh/config`` and bounds connect, banner and authentication.
    """

    model_config = ConfigDict(frozen=True, extra="allow")
    use_keys: Literal[True] = Field(description="set it to true: logins use SSH keys")
    key_file: AbsolutePath = Field(description="the SSH private key used to log in (an absolute path)")
    allow_agent: Literal[False] = Field(description="set it to false: only key_file logs in")
    ssh_strict: Literal[True] = Field(description="set it to true: refuse hosts whose key is unknown or changed")
    system_host_keys: Literal[False] = Field(description="set it to false: trust the inventory's known_hosts only")
    alt_host_keys: Literal[True] = Field(description="set it to true: host keys come from alt_key_file")
    alt_key_file: AbsolutePath = Field(
        description="the known_hosts file host keys are verified against (an absolute path)"
    )
    ssh_config_file: AbsolutePath | None = Field(
        description="set it to null (or a file of your own): otherwise netmiko reads ~/.ssh/config, which can "
        "redirect hosts"
    )
    conn_timeout: Seconds = Field(description="seconds for the TCP connect (0 to 600)")
    banner_timeout: Seconds = Field(description="seconds for the SSH banner (0 to 600)")
    auth_timeout: Seconds = Field(description="seconds for key authentication (0 to 600)")


class _Netmiko(BaseModel):
    model_config = ConfigDict(frozen=True, extra="allow")
    extras: SshExtras = Field(description="netmiko's SSH settings (see the example inventory)")


class _ConnectionOptions(BaseModel):
    model_config = ConfigDict(frozen=True, extra="allow")
    netmiko: _Netmiko = Field(description="the netmiko connection's settings")


_NAMESPACE_NAME = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


class LabMarker(BaseModel):
    """The rehearsal lab's mark on the inventory it generates (defaults.yaml ``data.lab``; real inventories have
    none). The lab's hosts exist only inside its network namespaces: the tool connects with such an inventory only
    from one of them (:mod:`ospf_failover.containment`)."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    prefix: str = Field(pattern=_NAMESPACE_NAME, description="the lab's namespace name prefix, e.g. ofl-")
    directory: AbsolutePath = Field(pattern=r"^[^\x00-\x1f]+$", description="the lab's directory (absolute)")
    namespaces: tuple[Annotated[str, Field(pattern=_NAMESPACE_NAME)], ...] = Field(
        min_length=1, description="the network namespaces of the lab's hosts, by name (as in /run/netns)"
    )


class RunSettings(BaseModel):
    """What bounds a whole run, from defaults.yaml ``data`` (a failover group may set its own convergence_budget),
    and the rehearsal lab's marker: the one model of it, which tasks, runbooks and the session plugin read through
    a host's view (``host_view(host).run``) or the fleet (``fleet.run``)."""

    model_config = ConfigDict(frozen=True, extra="ignore")  # the defaults' other data is host data, not ours
    lab: LabMarker | None = Field(
        default=None,
        description="the rehearsal lab's marker (prefix, absolute directory, its hosts' namespaces), written by "
        "`ospf-failover lab up`: run lab up again rather than edit it",
    )
    timeouts: Timeouts = Field(default_factory=Timeouts, description="command: seconds for one command's output")
    max_connects_in_flight: int = Field(
        default=8, ge=1, le=10, description="give 1 to 10 (OpenSSH's MaxStartups refuses bursts above 10)"
    )
    convergence_budget: Budget = 10.0


class Defaults(BaseModel):
    """defaults.yaml."""

    model_config = ConfigDict(frozen=True, extra="allow")
    username: str = Field(min_length=1, description="the SSH login user on every host (e.g. root)")
    connection_options: _ConnectionOptions = Field(description="connection_options.netmiko.extras: the SSH settings")
    data: RunSettings = Field(default_factory=RunSettings, description="data every host inherits")


class Fog(BaseModel):
    """A customer failover group: one ECX failover group and the routers that carry its VM gateway."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str
    vm_network: ipaddress.IPv4Network = Field(description="the VM network, a CIDR like 10.0.0.0/24")
    vm_gateway: ipaddress.IPv4Address = Field(description="the VM's gateway, an IPv4 address inside vm_network")
    nic: NicName = Field(description="the VM-side NIC on this group's routers")
    nics: dict[str, NicName] = Field(default_factory=dict, description="map a router to its NIC for this group")
    pairing: dict[str, str] = Field(min_length=1, description="map each cluster node to the router on its side")
    observers: tuple[str, ...] = Field(default=(), description="a list of observer host names (may be empty)")
    convergence_budget: Budget | None = None  # None: the defaults' (data.convergence_budget, 10 s)
    minion: str | None = Field(
        default=None,
        min_length=1,
        description="the Salt minion that serves this group (a minion ID; set on the group or its site group)",
    )

    @field_validator("vm_network", mode="before")
    @classmethod
    def _strict_network(cls, value: Any) -> Any:
        try:
            return ipaddress.IPv4Network(str(value), strict=True)
        except ValueError as exc:
            raise _problem("network", f"{value!r}: {exc} (give a CIDR like 10.0.0.0/24)") from None

    @field_validator("vm_gateway")
    @classmethod
    def _gateway_inside(cls, gateway: ipaddress.IPv4Address, info: ValidationInfo) -> ipaddress.IPv4Address:
        network = info.data.get("vm_network")
        if network is None:
            return gateway
        edges = (network.network_address, network.broadcast_address) if network.prefixlen < 31 else ()
        if gateway not in network or gateway in edges:
            raise _problem("gateway", f"{gateway} is not a host address of vm_network {network}: give one inside it")
        return gateway

    @field_validator("pairing")
    @classmethod
    def _two_routers(cls, pairing: dict[str, str]) -> dict[str, str]:
        if len(set(pairing.values())) < 2:
            raise _problem("pairing", "needs at least two routers (one per site) to fail over between")
        return pairing

    @property
    def routers(self) -> tuple[str, ...]:
        """The FOG's routers, each once, in pairing order."""
        return tuple(dict.fromkeys(self.pairing.values()))

    @property
    def nodes(self) -> tuple[str, ...]:
        return tuple(self.pairing)

    def nic_for(self, router: str) -> str:
        return self.nics.get(router, self.nic)


FOG_KEYS = frozenset(Fog.model_fields) - {"name"}


def _ipv4(value: str) -> str:
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        raise _problem("ipv4", f"{value!r} is not an IPv4 address") from None
    return value


class Host(BaseModel):
    """A host as the tasks and runbooks see it: its role, address, and its data as Nornir resolves it.

    :func:`host_model` picks the role's model: :class:`Router`, :class:`Observer` or :class:`ClusterNode`.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")  # a FOG group's own data is inherited too: not ours
    name: str
    hostname: str = Field(min_length=1, description="the address SSH connects to")
    role: Role
    groups: tuple[str, ...]
    run: RunSettings = Field(default_factory=RunSettings, description="the run-wide settings (defaults.yaml data)")
    ecx_server: str = Field(min_length=1, description="the node's ECX server name, as clpstat shows it")
    platform: str = Field(default=LINUX, description="the host's netmiko device type (Nornir's platform)")
    routing_suite: Suite | None = None
    vtysh: str = Field(
        default="vtysh", min_length=1, description="the command that runs vtysh (vtysh, sudo -n /usr/bin/vtysh)"
    )
    nic_down: NicCommand | None = None
    nic_up: NicCommand | None = None
    announce_gateway: Annotated[str, _template(frozenset({"nic", "gateway"}))] | None = Field(
        default=None, description="the gratuitous ARP command template ({nic}, {gateway})"
    )
    nic_config_file: Annotated[str, _template(frozenset({"nic"}))] | None = Field(
        default=None, description="the NIC's configuration file, a path template with {nic}"
    )
    read_file: Annotated[str, Field(min_length=1), _template(frozenset({"path"}), needs="path")] = Field(
        default="cat {path}",
        description="the command that prints a file, a template with {path} (cat {path}, or "
        "sudo -n /usr/bin/cat {path} when the login user is not root)",
    )
    clpstat: str = Field(
        default="clpstat --local",
        min_length=1,
        description="the command that prints the cluster's status (clpstat --local, or "
        "sudo -n /usr/sbin/clpstat --local when the login user is not root)",
    )
    backup: bool | None = Field(
        default=None,
        description="true or false: back this host up (default: routers yes, observers no)",
    )
    ospf_address: Annotated[str, AfterValidator(_ipv4)] | None = Field(
        default=None,
        description="the next hop other routers see for the VM network, an IPv4 address (default: hostname)",
    )

    @model_validator(mode="before")
    @classmethod
    def _defaults_from_name(cls, data: Any) -> Any:
        """ecx_server defaults to the inventory name."""
        if isinstance(data, dict) and data.get("ecx_server") is None:
            data = {**data, "ecx_server": data.get("name")}
        return data

    @property
    def backed_up(self) -> bool:
        """Whether ``backup`` takes this host's configuration: routers unless ``backup: false``, others when
        ``backup: true``."""
        return self.backup if self.backup is not None else self.role == "router"

    @property
    def next_hop(self) -> str:
        """The address other routers see as next hop to the VM network (ospf_address, else hostname)."""
        return self.ospf_address if self.ospf_address is not None else self.hostname

    @property
    def on_linux(self) -> bool:
        """A Linux host, read with shell commands (vtysh); otherwise a site gateway read through its own CLI."""
        return self.platform == LINUX


Linux = Annotated[
    Literal["linux"],
    Field(description="give linux (routers and cluster nodes run Linux; only observers may be other platforms)"),
]


class Router(Host):
    """A router that may carry a VM gateway: it needs its NIC commands."""

    platform: Linux = LINUX
    routing_suite: Suite
    nic_down: NicCommand
    nic_up: NicCommand


class Observer(Host):
    """An OSPF router that must learn the VM networks: Linux with FRR or Quagga (``routing_suite``), or a site
    gateway of another platform, named by netmiko's device type, read through that platform's CLI (only ``show``
    commands; ``routing_suite`` and ``vtysh`` are then not used)."""

    platform: Annotated[
        ObserverPlatform,
        Field(
            description=f"give linux (FRR or Quagga, with routing_suite) or the gateway's netmiko device type: "
            f"{', '.join(OBSERVER_PLATFORMS[1:])}"
        ),
    ] = LINUX
    routing_suite: Suite | None = Field(default=None, validate_default=True)

    @field_validator("routing_suite")
    @classmethod
    def _suite_on_linux(cls, suite: str | None, info: ValidationInfo) -> str | None:
        if suite is None and info.data.get("platform") == LINUX:
            raise _problem(
                "platform",
                "missing: set quagga or frr (on the host or its group) for a linux observer, or give the "
                "observer's platform (e.g. platform: cisco_ios)",
            )
        return suite

    @field_validator("backup")
    @classmethod
    def _backup_on_linux(cls, backup: bool | None, info: ValidationInfo) -> bool | None:
        platform = info.data.get("platform")
        if backup and platform not in (None, LINUX):
            raise _problem(
                "platform",
                f"backup keeps Linux routers' configuration files: a {platform} observer cannot be backed up; "
                "remove backup: true",
            )
        return backup


class ClusterNode(Host):
    """An ECX server: clpstat is read on it over SSH."""

    platform: Linux = LINUX


HOST_MODELS: dict[Role, type[Host]] = {"router": Router, "observer": Observer, "cluster_node": ClusterNode}


SESSION = "ospf_failover"  # the Nornir connection name of the tool's SSH sessions (ospf_failover.transport)


class SessionOptions(BaseModel):
    """The session plugin's extras: the host they are for (its inventory name, for messages), netmiko's own
    arguments (defaults.yaml ``connection_options.netmiko.extras``, which a plain nornir_netmiko script uses too)
    and the run-wide settings. Validated again when a session opens, so no Nornir opens one with unsafe settings."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    host: str | None = None
    netmiko: SshExtras = Field(description="netmiko's SSH settings (connection_options.netmiko.extras)")
    run: RunSettings = Field(default_factory=RunSettings, description="the run-wide settings (defaults.yaml data)")
