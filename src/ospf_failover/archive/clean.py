"""What a backup keeps of a configuration text: no secrets, no lines that change by themselves.

Both are pure functions over the text as the router gave it, applied in memory before anything is compared or
written (``backup`` writes nothing a secret could hide in). A secret is replaced by :data:`REMOVED`, the rest of
its line kept, so a diff still shows that a key was set, changed or removed, never the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

REMOVED = "<removed>"

# A line may be commented out (``#``, ``!``, ``;``) and still hold a secret someone once used: the patterns read
# through the comment mark, so a commented secret is removed like a live one.
_COMMENT = r"(?:[#!;]+\s*)?"
# NIC files' keys whose value is a secret (NetworkManager keyfiles, ifcfg and keys-<nic>, wpa_supplicant): psk=,
# password=, PSK="...", wep-key0=, WireGuard's preshared-key=, MACsec's mka-cak= / MACSEC_CAK=, a SIM's pin=, an
# 802.1X IEEE_8021X_PIN=, never their -flags (how the secret is stored, not the secret).
_NIC_SECRET_KEY = (
    r"(?![\w.-]*flags\b)(?:[\w.-]*(?:psk|password|passwd|passphrase|secret|wep-key\d*|preshared-key|mka-cak"
    r"|macsec_cak)[\w.-]*|(?:[\w.-]*[_.-])?(?:pin|puk))"
)
# A file a key is read from (802.1X's private-key=/etc/pki/..., client.pem, file://...) is a path to keep; anything
# else after private-key= (WireGuard's base64 key, an inline blob) is the key itself.
_KEY_PATH = r"(?:/|file://|[\w.-]+\.(?:pem|p12|pfx|der|crt|key)\s*$)"

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
        rf"^(?P<keep>\s*{_COMMENT}key-string\s+)(?P<secret>\S.*?)\s*$",
        r"(?P<keep>\bauthentication\s+string\s+)(?P<secret>\S+)",
        # password / enable password / neighbor X password / area-password / domain-password [md5|clear|N] S
        r"(?P<keep>\bpassword\s+(?:(?:\d+|md5|clear)\s+)?)(?P<secret>(?!=)\S+)",
        # TACACS+ and RADIUS servers' shared keys (tacacs-server [host X] key [N] K, radius-server key K)
        r"(?P<keep>\b(?:tacacs|radius)(?:-server)?\b.*?\bkey\s+(?:\d+\s+)?)(?P<secret>\S+)",
        # SNMP communities: FRR/Cisco style and net-snmp's snmpd.conf; Quagga's SNMP multiplexer password
        r"(?P<keep>\bsnmp-server\s+community\s+)(?P<secret>\S+)",
        rf"^(?P<keep>\s*{_COMMENT}(?:ro|rw)community6?\s+)(?P<secret>\S+)",
        rf"^(?P<keep>\s*{_COMMENT}com2sec6?\s+(?:-Cn\s+\S+\s+)?\S+\s+\S+\s+)(?P<secret>\S+)",
        rf"^(?P<keep>\s*{_COMMENT}smux\s+peer\s+\S+\s+)(?P<secret>\S+)",
        # NIC files: KEY=value, the whole value; private-key= unless it names a file; ifcfg's WEP KEY1=...
        rf"(?i)^(?P<keep>\s*{_COMMENT}{_NIC_SECRET_KEY}\s*=\s*)(?P<secret>\S.*?)\s*$",
        rf"(?i)^(?P<keep>\s*{_COMMENT}private-key\s*=\s*)(?P<secret>(?!{_KEY_PATH})\S.*?)\s*$",
        rf"^(?P<keep>\s*{_COMMENT}KEY\d\s*=\s*)(?P<secret>\S.*?)\s*$",
        rf"^(?P<keep>\s*{_COMMENT}wpa-psk\s+)(?P<secret>\S.*?)\s*$",  # Debian's /etc/network/interfaces
    )
)

# A line none of the forms above read, but where a secret's keyword is followed by a value in a syntax not known
# here (another daemon's ``secret 5 ...``, a vendor's ``password: ...``): the rest of the line goes, and is
# counted. What only names a secret (``service password-encryption``, ``no password``, ``psk-flags=1``) stays, and
# so do descriptions (free text an operator wrote). A comment is read like a line: better a word of it lost than a
# secret kept.
_UNKNOWN_FORM = re.compile(
    r"(?i)(?P<keep>(?<![\w-])(?:password|passwd|passphrase|secret|psk|community)(?![\w-])[\s=:]+)"
    r"(?P<secret>\S.*?)\s*$"
)
_DESCRIPTION = re.compile(r"^\s*(?:description|banner|alias)\b")

# Lines that differ between two displays of the same configuration.
_VOLATILE = tuple(
    re.compile(pattern)
    for pattern in (
        r"^Current configuration\s*:\s*\d+\s+bytes\s*$",  # a display's size (a bare header never changes)
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
        before = count
        for pattern in _SECRETS:
            line = pattern.sub(removed, line)
        if count == before and REMOVED not in line and _unknown_form_applies(line):
            line = _UNKNOWN_FORM.sub(removed, line, count=1)
        lines.append(line)
    return "\n".join(lines), count


def _unknown_form_applies(line: str) -> bool:
    """Whether a line no known form matched may hold a secret (a description is an operator's free text)."""
    return not _DESCRIPTION.match(line)


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
