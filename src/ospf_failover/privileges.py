"""What ospf-failover runs as root on each host of an inventory, and the sudo rules that allow exactly that.

When the login user is not root, the inventory's command templates pass what needs root to ``sudo -n``
(``vtysh: sudo -n /usr/bin/vtysh``, ``nic_down: sudo -n /usr/sbin/ifdown {nic}``, ``read_file: sudo -n /usr/bin/cat
{path}``, ``clpstat: sudo -n /usr/sbin/clpstat --local``). :func:`host_privileges` reads, per host, the commands
those templates give sudo with the host's own values (the NICs and gateways of its failover groups, its
configuration files); :func:`render_sudoers` fills in the sudoers template the package ships
(``ospf_failover/ecx/sudoers``) for one host: each command by absolute path and exact arguments, vtysh's arguments
by a regular expression that admits ``show`` commands only. Pure: nothing is connected to.
"""

from __future__ import annotations

import re
import shlex
import string
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import PurePosixPath

from ospf_failover.errors import InputError
from ospf_failover.inventory import Fleet, Host
from ospf_failover.parsers.nic_config import nic_config_paths

TEMPLATE = "sudoers"  # in the package ospf_failover.ecx, beside the exec resource scripts
ROOT = "root"
# The configuration files `backup` reads of each routing suite, by name: what sudo may let `read_file` print.
FRR_DAEMONS = (
    "zebra", "bgpd", "ospfd", "ospf6d", "ripd", "ripngd", "isisd", "pimd", "pim6d", "ldpd", "nhrpd", "eigrpd",
    "babeld", "sharpd", "pbrd", "staticd", "bfdd", "fabricd", "vrrpd", "pathd", "mgmtd",
)  # fmt: skip
QUAGGA_DAEMONS = ("zebra", "bgpd", "ospfd", "ospf6d", "ripd", "ripngd", "isisd", "babeld", "pimd", "nhrpd")
SUITE_FILES: dict[str, tuple[str, ...]] = {
    "frr": (
        "/etc/frr/frr.conf",
        "/etc/frr/daemons",
        "/etc/frr/vtysh.conf",
        "/etc/frr/support_bundle_commands.conf",
        *(f"/etc/frr/{daemon}.conf" for daemon in FRR_DAEMONS),
    ),
    "quagga": (
        "/etc/quagga/Quagga.conf",
        "/etc/quagga/vtysh.conf",
        *(f"/etc/quagga/{daemon}.conf" for daemon in QUAGGA_DAEMONS),
    ),
}
# vtysh's arguments as sudo sees them (joined by blanks): one or more `-c show ...` and nothing else. A word may
# not start with '-', so a further `-c` always starts a command of its own, which must be a show command too.
_SHOW_WORDS = "( [a-z0-9./][a-z0-9./-]*)*"
VTYSH_ARGUMENTS = f"^-c show{_SHOW_WORDS}( -c show{_SHOW_WORDS})*$"
_REDIRECT = re.compile(r"\s\d*[<>]+&?\s*\S+")
_SUDOERS_SPECIAL = re.compile(r"([\\,:=*?\[\]#!])")


@dataclass(frozen=True)
class Privilege:
    """One command a host runs through sudo, and the inventory key whose template runs it."""

    key: str  # nic_down, nic_up, announce_gateway, vtysh, read_file, clpstat
    command: str  # as sudo runs it: the program's path and its arguments (vtysh: the path only)

    @property
    def rule(self) -> str:
        """The command as a sudoers rule names it."""
        if self.key == "vtysh":
            return f"{self.command} {VTYSH_ARGUMENTS}"
        return " ".join(_SUDOERS_SPECIAL.sub(r"\\\1", word) for word in self.command.split(" "))


def sudo_commands(command: str) -> list[str]:
    """The commands a shell command line gives to ``sudo``, each as sudo runs it (program and arguments, up to
    the first shell operator; redirections left out). ``sudo -n /usr/bin/vtysh -c 'show x'`` ->
    ``["/usr/bin/vtysh -c show x"]``, joined by blanks as sudo compares them with its rules."""
    if "sudo" not in command:
        return []  # no word can name sudo: spares a shell lexer per NIC of every router
    lexer = shlex.shlex(_REDIRECT.sub("", command), posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    words = list(lexer)
    found: list[str] = []
    for index, word in enumerate(words):
        if PurePosixPath(word).name != "sudo":
            continue
        rest = words[index + 1 :]
        while rest and rest[0].startswith("-"):  # sudo's own options (-n)
            rest = rest[1:]
        run: list[str] = []
        for part in rest:
            if all(char in "();<>|&" for char in part):
                break
            run.append(part)
        if run:
            found.append(" ".join(run))
    return found


def uses_sudo(command: str) -> bool:
    return bool(sudo_commands(command)) or any(PurePosixPath(w).name == "sudo" for w in command.split())


def template_notes(key: str, template: str) -> list[str]:
    """What is wrong with a template that runs sudo: sudo without -n waits for a password when a rule is
    missing (until the command's timeout), and sudo rules name programs by absolute path."""
    if not uses_sudo(template):
        return []
    notes = []
    words = template.split()
    positions = [i for i, word in enumerate(words) if PurePosixPath(word).name == "sudo"]
    if any("-n" not in words[i + 1 : i + 3] for i in positions):
        notes.append(f"{key} {template!r}: give sudo -n, or a refused command waits for a password until it times out")
    for command in sudo_commands(template.replace("{", "").replace("}", "")):
        if not command.startswith("/"):
            notes.append(f"{key} {template!r}: name the program by its absolute path (sudo rules do)")
    return notes


def login_user(fleet: Fleet, host: str) -> str:
    """The user ``host`` is logged into as (the inventory's username, as Nornir resolves it)."""
    return str(fleet.inventory.hosts[host].username or fleet.username)


def _nics(fleet: Fleet, host: Host) -> list[tuple[str, str]]:
    """(NIC, gateway) of every failover group ``host`` carries a gateway for."""
    fogs = (fog for fog in fleet.fogs.values() if host.name in fog.pairing.values())  # not fog.routers: built per call
    pairs = [(fog.nic_for(host.name), str(fog.vm_gateway)) for fog in fogs]
    return list(dict.fromkeys(pairs))


def _files(fleet: Fleet, host: Host) -> list[str]:
    """The files ``backup`` and ``check`` read on ``host``: its suite's (a router's always: check reads the
    configuration it starts with; an observer's when it is backed up) and its NICs'."""
    suite = host.backed_up or host.role == "router"
    files = list(SUITE_FILES.get(host.routing_suite or "", ())) if suite else []
    if host.role == "router" and host.nic_config_file:
        files += nic_config_paths(host.nic_config_file, [nic for nic, _ in _nics(fleet, host)])
    return files


def host_privileges(fleet: Fleet, name: str) -> list[Privilege]:
    """The commands host ``name`` runs through sudo, in the order of the sudoers template, each once."""
    host = fleet.hosts[name]
    found: list[Privilege] = []

    def add(key: str, commands: Iterable[str]) -> None:
        for command in commands:
            for run in sudo_commands(command):
                found.append(Privilege(key, run))

    if host.role == "router":
        for nic, gateway in _nics(fleet, host):
            for key in ("nic_down", "nic_up"):
                template = getattr(host, key)
                add(key, [template.format(nic=nic)] if template else [])
            if host.announce_gateway:
                add("announce_gateway", [host.announce_gateway.format(nic=nic, gateway=gateway)])
    if host.role in ("router", "observer") and host.on_linux:  # a site gateway is read through its own CLI
        add("vtysh", [host.vtysh])
        add("read_file", [host.read_file.format(path=shlex.quote(path)) for path in _files(fleet, host)])
    if host.role == "cluster_node":
        add("clpstat", [host.clpstat])
    return list(dict.fromkeys(found))


ALIASES = {
    "nic": ("OSPF_FAILOVER_NIC", ("nic_down", "nic_up")),
    "announce": ("OSPF_FAILOVER_ANNOUNCE", ("announce_gateway",)),
    "vtysh": ("OSPF_FAILOVER_VTYSH", ("vtysh",)),
    "files": ("OSPF_FAILOVER_FILES", ("read_file",)),
    "clpstat": ("OSPF_FAILOVER_CLPSTAT", ("clpstat",)),
}


def template_text() -> str:
    return resources.files("ospf_failover.ecx").joinpath(TEMPLATE).read_text()


def render_sudoers(fleet: Fleet, name: str, *, template: str | None = None) -> str:
    """The shipped sudoers template filled in for host ``name``: its login user, and for each kind of command the
    host runs through sudo, a Cmnd_Alias naming each exactly; an alias the host does not need is left out with
    its comment. InputError when a command is not named by its absolute path (sudo rules need one), or when the
    host logs in as root (it needs no rule)."""
    if name not in fleet.hosts:
        raise InputError(f"{name!r} is not a host of inventory {fleet.directory}")
    user = login_user(fleet, name)
    if user == ROOT:
        raise InputError(f"{name} logs in as root: it needs no sudo rule (set username to the login user)")
    if not fleet.hosts[name].on_linux:
        raise InputError(f"{name} is a {fleet.hosts[name].platform} observer: read through its own CLI, no sudo rule")
    privileges = host_privileges(fleet, name)
    relative = [p.command for p in privileges if not p.command.startswith("/")]
    if relative:
        raise InputError(f"{name}: sudo rules name programs by absolute path: {relative[0]!r} (fix its template)")
    values = {"host": name, "role": fleet.hosts[name].role.replace("_", " "), "user": user}
    used = []
    for field, (alias, keys) in ALIASES.items():
        rules = list(dict.fromkeys(p.rule for p in privileges if p.key in keys))
        values[field] = ", \\\n    ".join(rules)
        if rules:
            used.append(alias)
    values["aliases"] = ", ".join(used)
    return _fill(template or template_text(), values)


def _fill(template: str, values: dict[str, str]) -> str:
    """The template's lines with ``values``; the template's own notes (``##``) are left out, and so is a line with
    an empty value, with the comment lines right above it (a block's comment: blocks are apart by blank lines)
    and one blank line."""
    lines: list[str] = []
    for line in template.splitlines():
        if line.startswith("##"):
            continue
        fields = {field for _, field, _, _ in string.Formatter().parse(line) if field}
        if any(not values[field] for field in fields):
            while lines and lines[-1].startswith("#"):
                lines.pop()
            if lines and not lines[-1].strip():
                lines.pop()
            continue
        lines.append(line.format_map(values))
    return "\n".join(lines) + "\n"
