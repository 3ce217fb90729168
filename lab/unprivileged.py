"""The unprivileged lab (``lab up --unprivileged``): routers, observers and cluster nodes that the tool logs into
as an ordinary user, who runs what needs root through the sudo rules the package ships.

The machine's accounts are never changed: the lab writes its own copies of /etc/passwd, /etc/group and
/etc/shadow with the login user added, a base /etc/sudoers (``Defaults !fqdn``: a lab host's name resolves
nowhere, and sudo would say so before every command's output) that reads /etc/sudoers.d, and per host that
directory with one file, ``ospf-failover``: the rules ``ospf-failover inventory sudoers HOST`` renders from the
lab's inventory. Each host's start script mounts them over the machine's files in its own mount namespace, and
makes the user's home in its own /run. The hosts' sshd let that user in, and root no longer.

The inventory runs what needs root with ``sudo -n`` and the program's absolute path: vtysh, the NIC commands of
both NIC styles (the nmcli and clpstat stand-ins are in /usr/local/sbin), arping, cat for the files backup and
check read, clpstat.
"""

from __future__ import annotations

import os
import shlex
import shutil
from pathlib import Path

from ospf_failover.errors import LabError
from ospf_failover.inventory import load_inventory
from ospf_failover.privileges import render_sudoers

from .hosts import LabHosts
from .nic_style import ADDRESS_STYLE_DATA

LOGIN_USER = "ofl-login"
FIRST_UID = 4000  # the login user's UID and GID: the first number from here that the machine does not use
HOME = "/run/home"  # the login user's home, in each host's own /run
SUDOERS_FILE = "ospf-failover"  # its name in /etc/sudoers.d
SEARCH_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"
STANDINS = "/usr/local/sbin"  # where the lab's hosts have the nmcli and clpstat stand-ins
BASE_SUDOERS = (
    "# The rehearsal lab's /etc/sudoers: root as usual, and the files of /etc/sudoers.d.\n"
    "Defaults env_reset\n"
    "Defaults !fqdn\n"
    'Defaults secure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"\n'
    "root ALL=(ALL:ALL) ALL\n"
    "@includedir /etc/sudoers.d\n"
)
ACCOUNTS = ("passwd", "group", "shadow")


def program(name: str) -> str:
    """The absolute path of a program of the machine (sudo rules name programs by it)."""
    found = shutil.which(name, path=SEARCH_PATH)
    if found is None:
        raise LabError(f"{name} is not installed: the unprivileged lab runs it through sudo (make setup)")
    return found


def check_ready() -> None:
    """sudo is installed: the unprivileged lab mounts its rules over /etc/sudoers.d."""
    program("sudo")
    if not Path("/etc/sudoers.d").is_dir():
        raise LabError("/etc/sudoers.d is missing: install sudo (make setup) for lab up --unprivileged")


def inventory_data() -> dict[str, dict[str, str]]:
    """The generated inventory's data for the login user, per level: every host reads files through sudo, routers
    run vtysh, their NIC commands (link style) and arping through it, observers vtysh, cluster nodes clpstat."""
    sudo = "sudo -n "
    vtysh, arping = sudo + program("vtysh"), program("arping")
    ip = program("ip")
    return {
        "defaults": {"read_file": sudo + program("cat") + " {path}"},
        "routers": {
            "vtysh": vtysh,
            "nic_down": f"{sudo}{ip} link set dev {{nic}} down",
            "nic_up": f"{sudo}{ip} link set dev {{nic}} up",
            "announce_gateway": (
                f"command -v {arping} >/dev/null && ( {sudo}{arping} -q -U -c 2 -I {{nic}} {{gateway}} "
                ">/dev/null 2>&1 & )"
            ),
        },
        "observers": {"vtysh": vtysh},
        "cluster_nodes": {"clpstat": f"{sudo}{STANDINS}/clpstat --local"},
        "address_style": {
            **ADDRESS_STYLE_DATA,
            "nic_down": f"{sudo}{STANDINS}/nmcli connection down {{nic}}",
            "nic_up": f"{sudo}{STANDINS}/nmcli connection up {{nic}}",
        },
    }


def _free_id() -> int:
    used = set()
    for name in ("passwd", "group"):
        for line in (Path("/etc") / name).read_text().splitlines():
            fields = line.split(":")
            if len(fields) > 2 and fields[2].isdigit():
                used.add(int(fields[2]))
    return next(number for number in range(FIRST_UID, 60000) if number not in used)


def write_accounts(directory: Path) -> int:
    """DIR/accounts: passwd, group and shadow of the machine with the login user added (no password: keys only),
    and the base sudoers; returns the user's UID (and GID)."""
    accounts = directory / "accounts"
    accounts.mkdir(mode=0o755, exist_ok=True)
    number = _free_id()
    added = {
        "passwd": f"{LOGIN_USER}:x:{number}:{number}:ospf-failover lab login:{HOME}/{LOGIN_USER}:/bin/bash\n",
        "group": f"{LOGIN_USER}:x:{number}:\n",
        "shadow": f"{LOGIN_USER}:*:19000:0:99999:7:::\n",
    }
    for name in ACCOUNTS:
        target = accounts / name
        shutil.copyfile(Path("/etc") / name, target)
        with target.open("a") as out:
            out.write(added[name])
        shutil.copystat(Path("/etc") / name, target)
        source = os.stat(Path("/etc") / name)
        os.chown(target, source.st_uid, source.st_gid)
    sudoers = accounts / "sudoers"
    sudoers.write_text(BASE_SUDOERS)
    sudoers.chmod(0o440)
    return number


def write_sudoers(lab: LabHosts) -> None:
    """Each host's /etc/sudoers.d/ospf-failover: the shipped rules rendered from the lab's inventory (again after
    the routers' NIC style changed). Written in place, so that a running host sees the new rules at once."""
    fleet = load_inventory(lab.inventory_dir)
    for name in fleet.hosts:
        directory = lab.host_dir(name) / "sudoers.d"
        directory.mkdir(mode=0o755, exist_ok=True)
        target = directory / SUDOERS_FILE
        target.write_text(render_sudoers(fleet, name))
        target.chmod(0o440)


def start_lines(*, host_dir: Path, directory: Path, uid: int) -> list[str]:
    """A host's start script lines (after its private /run exists, before sshd starts): the lab's accounts and
    sudo rules mounted over the machine's, and the login user's home with the lab's key in its authorized keys."""
    q = shlex.quote
    accounts = directory / "accounts"
    lines = [f"mount --bind {q(str(accounts / name))} /etc/{name}" for name in (*ACCOUNTS, "sudoers")]
    lines.append(f"mount --bind {q(str(host_dir / 'sudoers.d'))} /etc/sudoers.d")
    home = f"{HOME}/{LOGIN_USER}"
    keys = q(str(directory / "ssh" / "authorized_keys"))
    lines += [
        f"mkdir -p {home}/.ssh && cp {keys} {home}/.ssh/authorized_keys",
        f"chown -R {uid}:{uid} {home} && chmod 700 {home} {home}/.ssh && chmod 600 {home}/.ssh/authorized_keys",
    ]
    return lines
