"""Keys the inventory does not know, with the key that was probably meant.

A misspelt key is not an error Nornir or the models see: ``ospf_adress`` under a host's ``data`` is data nobody
reads, so the tool falls back to the host's management address as next hop and ``check`` blames OSPF. Every
key of a host's top level, a host's ``data`` and a group's ``data`` is therefore checked against the keys the
inventory's models know, and an unknown one is a problem naming the close known key ("did you mean ...").

Pure: :func:`unknown_keys` takes the raw files' mappings and the known keys, and gives (file, key, message);
:func:`add_unknown_keys` adds them to the problems a load found, with the models' known keys.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import Any

from ospf_failover.errors import InventoryProblem

from .schema import FOG_KEYS, ROLE_GROUPS, Defaults, Host

# A SimpleInventory host's or group's own keys (what Nornir's Host and Group take); anything else is lost.
ENTRY_KEYS = frozenset({"hostname", "port", "username", "password", "platform", "groups", "data", "connection_options"})


def closest(key: str, known: Collection[str]) -> str | None:
    """The known name closest to ``key`` when one is close enough to be a typo of it."""
    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.7)
    return close[0] if close else None


def suggestion(key: str, known: Collection[str]) -> str:
    """``: did you mean 'x'?`` for the known key closest to ``key``, or a list of the known keys."""
    close = closest(key, known)
    if close is not None:
        return f": did you mean {close!r}?"
    return f": use one of {sorted(known)}"


def _unknown(
    file: str, where: str, entry: Mapping[str, Any], known: Collection[str], what: str
) -> Iterator[tuple[str, str, str]]:
    for key in entry:
        if str(key) not in known:
            yield file, f"{where}{key}", f"unknown {what} {str(key)!r}{suggestion(str(key), known)}"


def unknown_keys(
    hosts: Mapping[str, Mapping[str, Any]],
    groups: Mapping[str, Mapping[str, Any]],
    *,
    host_data: Collection[str],
    group_data: Collection[str],
) -> list[tuple[str, str, str]]:
    """Every unknown key at a host's top level, in a host's ``data`` (``host_data``: the keys a host's data may
    hold) and in a group's ``data`` (``group_data``: what hosts inherit, and failover groups' own keys), as
    (file, key, message)."""
    found: list[tuple[str, str, str]] = []
    for name, entry in hosts.items():
        found += _unknown("hosts.yaml", f"{name}.", entry, ENTRY_KEYS, "key")
        data = entry.get("data")
        if isinstance(data, Mapping):
            found += _unknown("hosts.yaml", f"{name}.data.", data, host_data, "data key")
    for name, entry in groups.items():
        found += _unknown("groups.yaml", f"{name}.", entry, ENTRY_KEYS - {"hostname"}, "key")
        data = entry.get("data")
        if isinstance(data, Mapping):
            fog = name not in ROLE_GROUPS and bool(FOG_KEYS & set(data))
            found += _unknown(
                "groups.yaml", f"{name}.data.", data, group_data, "failover group key" if fog else "data key"
            )
    return found


def known_data_keys() -> tuple[frozenset[str], frozenset[str]]:
    """What a host's ``data`` may hold (the host models' settings, and what the defaults' data gives every host),
    and what a group's may hold (that, and failover groups' keys, which a site group may give its groups)."""
    own = frozenset(Host.model_fields) - {"name", "hostname", "role", "groups", "platform"}
    defaults = Defaults.model_fields["data"].annotation
    inherited = frozenset(getattr(defaults, "model_fields", {}))
    host = own | inherited
    return host, host | FOG_KEYS


def add_unknown_keys(
    found: list[InventoryProblem],
    directory: Path,
    hosts: Mapping[str, Mapping[str, Any]],
    groups: Mapping[str, Mapping[str, Any]],
) -> None:
    """Add each unknown key of the inventory in ``directory`` to ``found``; a problem found before at the same
    file and key (a failover group's model refusing the key) is replaced, since this one names the likely key."""
    host_data, group_data = known_data_keys()
    for file, key, message in unknown_keys(hosts, groups, host_data=host_data, group_data=group_data):
        problem = InventoryProblem(str(directory / file), key, message)
        same = [index for index, old in enumerate(found) if (old.file, old.key) == (problem.file, problem.key)]
        if same:
            found[same[0]] = problem
        elif problem not in found:
            found.append(problem)
