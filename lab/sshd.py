"""The lab's OpenSSH servers: one sshd per router, observer and cluster node, with the lab's own config and keys.

Nothing under /etc/ssh or /root/.ssh is read for the server side or written: every path is under the lab's
directory. ``StrictModes no`` because a lab directory under /tmp is world-writable above the key files.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from ospf_failover.errors import LabError

from .topology import Host

SSHD = "/usr/sbin/sshd"
KEYGEN = "ssh-keygen"
HOST_KEY_NAME = "ssh_host_ed25519_key"


def sshd_config(
    *, host: Host, host_dir: Path, authorized_keys: Path, user: str = "root", force_command: str | None = None
) -> str:
    """sshd configuration of ``host``: ``user`` (root, or the unprivileged lab's login user, and then root no
    longer) logs in with the lab's key only, on the mgmt address only.

    ``force_command``: what every login runs instead of what it asks for (a played observer's CLI).
    """
    ssh_dir = host_dir / "ssh"
    logins = ["PermitRootLogin prohibit-password"] if user == "root" else ["PermitRootLogin no", f"AllowUsers {user}"]
    # sshd reads a user's keys as that user, who cannot reach the lab's directory: the unprivileged lab's start
    # script copies them into the user's home.
    keys = authorized_keys if user == "root" else "%h/.ssh/authorized_keys"
    played = [f"ForceCommand {force_command}"] if force_command else []
    return "\n".join(
        [
            f"# sshd of lab host {host.name}",
            f"ListenAddress {host.mgmt_address}",
            "Port 22",
            f"HostKey {ssh_dir / HOST_KEY_NAME}",
            f"PidFile {ssh_dir / 'sshd.pid'}",
            f"AuthorizedKeysFile {keys}",
            *logins,
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            "StrictModes no",
            "UseDNS no",
            "X11Forwarding no",
            "AllowTcpForwarding no",
            "PrintMotd no",
            "PrintLastLog no",
            # Sessions keep no shell or vtysh history in the machine's /root.
            "SetEnv HISTFILE=/dev/null VTYSH_HISTFILE=/dev/null",
            "Subsystem sftp internal-sftp",
            *played,
            "",
        ]
    )


def daemon_command(host_dir: Path) -> str:
    """Shell command that starts the host's sshd (it daemonizes and writes its pid file; log in its own file)."""
    ssh_dir = host_dir / "ssh"
    return f"{SSHD} -f {ssh_dir / 'sshd_config'} -E {ssh_dir / 'sshd.log'}"


def generate_keys(key_files: list[Path], *, timeout: float = 60.0) -> None:
    """Create one ed25519 key pair per path (``path`` and ``path.pub``) with one shell, not one process each."""
    if not key_files:
        return
    script = 'for f in "$@"; do rm -f "$f" "$f.pub"; ssh-keygen -q -t ed25519 -N "" -C lab -f "$f" || exit 1; done'
    try:
        subprocess.run(
            ["sh", "-c", script, "sh", *map(str, key_files)],
            check=True,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.CalledProcessError as exc:
        raise LabError(f"ssh-keygen failed: {exc.stderr.strip()}") from exc
    except subprocess.TimeoutExpired as exc:
        raise LabError(f"ssh-keygen did not finish within {timeout:.0f} s") from exc


def public_key(key_file: Path) -> str:
    """``type base64`` of a key pair's public half (comment dropped)."""
    parts = key_file.with_name(key_file.name + ".pub").read_text().split()
    return f"{parts[0]} {parts[1]}"


def known_hosts_line(address: str, key_file: Path) -> str:
    """OpenSSH known_hosts line for a host keyed by ``address`` (port 22: no brackets)."""
    return f"{address} {public_key(key_file)}"
