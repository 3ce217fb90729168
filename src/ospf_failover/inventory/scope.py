"""What one failover group uses, cut out of the inventory's files: the part a failover command validates.

A group uses its own entry and its parent groups, the hosts its pairing and observers name and the hosts that
list it, the groups those hosts get a role or a setting from (with their parents), the role groups and the
defaults. A host's other failover groups are left out of its ``groups`` unless they give it a setting (a key
that is not a failover group key, or a parent that gives one): Nornir would resolve the host's data the same
without them. What is selected is then validated as a whole inventory is, except that only this group is
validated as a failover group (:mod:`.load`): a problem in another group, or between two other groups, is not
this group's. Its clashes with other groups (an overlapping network, a NIC shared on a router) are said by
``inventory validate`` and ``check``, which read everything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .fast_yaml import Undecided
from .files import FILES, Problems, parse_mapping, read_text
from .schema import FOG_KEYS, ROLE_GROUPS, Host
from .sections import Entries, Parsed, Sections
from .typos import ENTRY_KEYS

# Keys through which a group gives its hosts something: their settings, Nornir's own fields, parent groups.
HOST_KEYS = sorted((frozenset(Host.model_fields) - {"name", "role", "groups", "run"}) | (ENTRY_KEYS - {"data"}))
GIVES = re.compile(rf"""(?<![\w.\-])["']?(?:{"|".join(HOST_KEYS)})["']?[ \t]*:""")


@dataclass(frozen=True)
class Scope:
    """The entries one failover group uses, file by file, and what validating them needs to know."""

    fog: str
    loaded: dict[str, dict[str, Any]]  # file -> the entries selected (defaults.yaml: the whole file)
    group_names: frozenset[str]  # every group of groups.yaml (a host may name only those)
    sources: frozenset[str]  # other failover groups, selected only for the settings they give hosts


def read_scope(problems: Problems, fog: str) -> Scope | None:
    """The part of the inventory ``fog`` uses; None when it cannot be told apart (``fog`` is no group, or is a
    parent of another group, or a file cannot be read): the caller then reads everything, as a whole load."""
    texts = {file: read_text(problems, file) for file in FILES}
    defaults = parse_mapping(problems, "defaults.yaml", texts["defaults.yaml"] or "")
    hosts_text, groups_text = texts["hosts.yaml"], texts["groups.yaml"]
    if hosts_text is None or groups_text is None or problems.found:
        return None  # the whole load says what is wrong with the files
    hosts: Entries | None = Sections.of(hosts_text)
    groups: Entries | None = Sections.of(groups_text)
    if hosts is not None and groups is not None:
        try:
            return _select(hosts, groups, fog, defaults)
        except Undecided:
            pass  # an entry that does not read alone: read the files whole
    hosts = Parsed(parse_mapping(problems, "hosts.yaml", hosts_text))
    groups = Parsed(parse_mapping(problems, "groups.yaml", groups_text))
    if problems.found:
        return None
    return _select(hosts, groups, fog, defaults)


def _parents(entry: Any) -> list[str]:
    listed = entry.get("groups") if isinstance(entry, dict) else None
    return [str(name) for name in listed] if isinstance(listed, list) else []


def _data(entry: Any) -> dict[Any, Any]:
    data = entry.get("data") if isinstance(entry, dict) else None
    return data if isinstance(data, dict) else {}


def _select(hosts: Entries, groups: Entries, fog: str, defaults: dict[str, Any]) -> Scope | None:
    if fog not in groups or fog in ROLE_GROUPS:
        return None
    if any(name != fog and fog in _parents(groups.entry(name)) for name in groups.mentioning(fog)):
        return None  # settings its child groups inherit: not a failover group, as the whole load says
    chosen: dict[str, Any] = {}

    def choose(names: Iterable[str]) -> None:
        todo = list(names)
        while todo:
            name = todo.pop()
            if name not in chosen and name in groups:
                chosen[name] = groups.entry(name)
                todo.extend(_parents(chosen[name]))

    choose([fog])
    lineage = set(chosen)
    members: dict[str, None] = {}
    for name in lineage:
        data = _data(chosen[name])
        pairing, observers = data.get("pairing"), data.get("observers")
        if isinstance(pairing, dict):
            members.update(dict.fromkeys(str(part) for item in pairing.items() for part in item))
        if isinstance(observers, list):
            members.update(dict.fromkeys(str(observer) for observer in observers))
    members.update(dict.fromkeys(name for name in hosts.mentioning(fog) if fog in _parents(hosts.entry(name))))
    choose(ROLE_GROUPS)
    gives: dict[str, bool] = {}
    selected: dict[str, Any] = {}
    for name in (member for member in members if member in hosts):
        entry = hosts.entry(name)
        listed = _parents(entry)
        kept = [g for g in listed if g not in groups or g in chosen or _gives(groups, g, gives)]
        choose(kept)
        selected[name] = {**entry, "groups": kept} if kept != listed else entry
    sources = {
        name
        for name in chosen
        if name not in lineage and name not in ROLE_GROUPS and FOG_KEYS & set(_data(chosen[name]))
    }
    return Scope(
        fog,
        {"hosts.yaml": selected, "groups.yaml": chosen, "defaults.yaml": defaults},
        frozenset(groups.names()),
        frozenset(sources),
    )


def _gives(groups: Entries, name: str, memo: dict[str, bool]) -> bool:
    """Whether group ``name`` gives its hosts a role or a setting, itself or through its parents."""
    if name in memo:
        return memo[name]
    memo[name] = name in ROLE_GROUPS or groups.may_hold(name, GIVES)
    if memo[name] and name not in ROLE_GROUPS:
        entry = groups.entry(name)
        own = not isinstance(entry, dict) or any(key not in {"data", "groups"} for key in entry)
        data = entry.get("data") if isinstance(entry, dict) else None
        own = own or not isinstance(data, (dict, type(None))) or bool(set(_data(entry)) - FOG_KEYS)
        memo[name] = own or any(_gives(groups, parent, memo) for parent in _parents(entry))
    return memo[name]
