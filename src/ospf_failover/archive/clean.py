"""What a backup keeps of a configuration text: no secrets, no lines that change by themselves.

Both are pure functions over the text as the router gave it, applied in memory before anything is compared or
written (``backup`` writes nothing a secret could hide in). A secret is replaced by :data:`REMOVED`, the rest of
its line kept, so a diff still shows that a key was set, changed or removed, never the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

REMOVED = "<removed>"

# Each pattern keeps ``keep`` and replaces ``secret``; they are tried on every line, all of them.
_SECRETS = tuple(
    re.compile(pattern)
    for pattern in (
        # OSPF simple and MD5 keys: interfaces (ip ospf ...), virtual links (area X virtual-link Y ...)
        r"(?P<keep>\bauthentication-key\s+)(?P<secret>\S+)",
        r"(?P<keep>\bmessage-digest-key\s+\d+\s+md5\s+)(?P<secret>\S+)",
        # OSPFv3 (FRR 8.2+): ipv6 ospf6 authentication key-id N hash-algo ALGO key KEY; NHRP's authentication
        r"(?P<keep>\bkey-id\s+\d+\s+hash-algo\s+\S+\s+key\s+)(?P<secret>\S+)",
        r"(?P<keep>\bnhrp\s+authentication\s+)(?P<secret>\S+)",
        # key chains (key N / key-string ...), RIP's ip rip authentication string
        r"^(?P<keep>\s*key-string\s+)(?P<secret>\S.*?)\s*$",
        r"(?P<keep>\bauthentication\s+string\s+)(?P<secret>\S+)",
        # password / enable password / neighbor X password / area-password / domain-password [md5|clear|N] S
        r"(?P<keep>\bpassword\s+(?:(?:\d+|md5|clear)\s+)?)(?P<secret>(?!=)\S+)",
        # SNMP communities: FRR/Cisco style and net-snmp's snmpd.conf
        r"(?P<keep>\bsnmp-server\s+community\s+)(?P<secret>\S+)",
        r"^(?P<keep>\s*(?:ro|rw)community6?\s+)(?P<secret>\S+)",
        r"^(?P<keep>\s*com2sec6?\s+(?:-Cn\s+\S+\s+)?\S+\s+\S+\s+)(?P<secret>\S+)",
        # NIC files (NetworkManager keyfiles, ifcfg, wpa_supplicant): psk=, password=, PSK="...", wep-key0=...
        # (also WireGuard's private-key= / preshared-key=, MACsec's mka-cak= / MACSEC_CAK=, ifcfg's WEP KEY1=)
        r"(?i)^(?P<keep>\s*(?![\w.-]*flags\b)[\w.-]*(?:psk|password|passwd|secret|wep-key\d*|private-key|preshared-key"
        r"|mka-cak|macsec_cak)[\w.-]*\s*=\s*)(?P<secret>\S.*?)\s*$",
        r"^(?P<keep>\s*KEY\d\s*=\s*)(?P<secret>\S.*?)\s*$",
        r"^(?P<keep>\s*wpa-psk\s+)(?P<secret>\S.*?)\s*$",  # Debian's /etc/network/interfaces
    )
)

# Lines that differ between two displays of the same configuration.
_VOLATILE = tuple(
    re.compile(pattern)
    for pattern in (
        r"^Building configuration\.\.\.\s*$",
        r"^Current configuration\s*:.*$",
        r"(?i)^\s*[!#].*\b(?:last configuration change|nvram config last updated|no configuration change since)\b",
        r"(?i)^\s*[!#]\s*time:",
        r"(?i)^\s*[!#].*\buptime\b",
        r"^timestamp=\d+\s*$",  # NetworkManager keyfiles: when the connection was last active
    )
)


@dataclass(frozen=True)
class Cleaned:
    text: str
    secrets: int  # secrets replaced by REMOVED
    volatile: int  # lines removed


def scrub_secrets(text: str) -> tuple[str, int]:
    """``text`` with every secret replaced by :data:`REMOVED`, and how many were."""
    count = 0

    def removed(match: re.Match[str]) -> str:
        nonlocal count
        if match["secret"] == REMOVED:
            return match.group(0)
        count += 1
        return f"{match['keep']}{REMOVED}"

    lines = []
    for line in text.split("\n"):
        for pattern in _SECRETS:
            line = pattern.sub(removed, line)
        lines.append(line)
    return "\n".join(lines), count


def drop_volatile(text: str) -> tuple[str, int]:
    """``text`` without the lines that change by themselves (display headers, timestamps, uptimes)."""
    kept = [line for line in text.split("\n") if not any(p.search(line) for p in _VOLATILE)]
    return "\n".join(kept), text.count("\n") + 1 - len(kept)


def clean(text: str, *, keep_secrets: bool = False) -> Cleaned:
    """What a backup stores of ``text``: volatile lines dropped, secrets removed unless ``keep_secrets``; line
    endings made ``\\n`` and the text ending in exactly one."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, volatile = drop_volatile(text)
    secrets = 0
    if not keep_secrets:
        text, secrets = scrub_secrets(text)
    return Cleaned(text=text.strip("\n") + "\n", secrets=secrets, volatile=volatile)
