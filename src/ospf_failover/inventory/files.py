"""Reading the three SimpleInventory files the way Nornir does, and what must hold before Nornir can build them.

The shape Nornir needs of each entry (a host, a group, the defaults) is declared as pydantic models
(:class:`RawEntry`, :class:`RawDefaults`); each field's description is the problem text when a value has the
wrong shape. Every problem is collected (file, key, fix), none raised: Nornir's own loader stops at the first
with a bare exception, so the inventory is only built from what these checks accept.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, TypeVar, get_args

import ruamel.yaml
from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError
from ruamel.yaml.error import YAMLError

from ospf_failover.errors import InventoryProblem

from .fast_yaml import Undecided, load_fast
from .schema import ROLE_GROUPS

FILES = ("hosts.yaml", "groups.yaml", "defaults.yaml")
SECRET_KEYS = ("password", "passphrase", "secret")


@dataclass
class Problems:
    """The problems found so far in one inventory directory; ``blocking``: Nornir cannot build these files."""

    directory: Path
    found: list[InventoryProblem] = field(default_factory=list)
    blocking: bool = False
    unreadable: set[str] = field(default_factory=set)  # files that could not be read as a mapping
    said: set[InventoryProblem] = field(default_factory=set)  # ``found`` as a set: each problem once, at once
    hosts_of: dict[InventoryProblem, set[str]] = field(default_factory=dict)  # the hosts a problem leaves invalid

    def add(self, file: str, key: str, message: str, *, blocking: bool = False, hosts: Collection[str] = ()) -> None:
        problem = InventoryProblem(str(self.directory / file) if file else str(self.directory), key, message)
        if problem not in self.said:
            self.said.add(problem)
            self.found.append(problem)
        if hosts:
            self.hosts_of.setdefault(problem, set()).update(hosts)
        self.blocking = self.blocking or blocking


PORT = "must be a port number"


class RawConnection(BaseModel):
    """One connection's settings, ``connection_options.NAME`` (Nornir's ConnectionOptions)."""

    model_config = ConfigDict(frozen=True, extra="allow")
    shape: ClassVar[str] = "must be a mapping (extras, port, ...)"
    hostname: Any = None
    port: StrictInt | None = Field(default=None, description=PORT)
    username: Any = None
    password: Any = None
    platform: Any = None
    extras: dict[str, Any] | None = Field(default=None, description="must be a mapping of the connection's arguments")


class RawDefaults(BaseModel):
    """defaults.yaml as Nornir reads it: the fields of its Defaults, each of the shape Nornir needs."""

    model_config = ConfigDict(frozen=True, extra="allow")
    shape: ClassVar[str] = "must be a mapping of settings"
    hostname: Any = None
    port: StrictInt | None = Field(default=None, description=PORT)
    username: Any = None
    password: Any = None
    platform: Any = None
    data: dict[Any, Any] | None = Field(default=None, description="must be a mapping of keys to values")
    connection_options: dict[str, RawConnection | None] | None = Field(
        default=None, description="must map a connection name (netmiko) to its settings"
    )

    def netmiko_extras(self) -> dict[str, Any] | None:
        netmiko = (self.connection_options or {}).get("netmiko")
        return netmiko.extras if netmiko is not None else None


class RawEntry(RawDefaults):
    """A host of hosts.yaml or a group of groups.yaml: the defaults' fields and its parent groups."""

    shape: ClassVar[str] = "must be a mapping (hostname, groups, data, ...); `{}` when empty"
    groups: list[str] | None = Field(default=None, description="must be a list of group names")

    @property
    def group_names(self) -> list[str]:
        return list(self.groups or [])


Entry = TypeVar("Entry", bound=RawDefaults)


@dataclass(frozen=True)
class RawInventory:
    hosts: dict[str, RawEntry]
    groups: dict[str, RawEntry]
    defaults: RawDefaults
    defaults_mapping: dict[str, Any]  # defaults.yaml as read, for the Defaults model's own problems


def read_files(
    problems: Problems, loaded: dict[str, dict[str, Any]] | None = None, group_names: Collection[str] | None = None
) -> RawInventory:
    """The three files as typed entries (empty where unreadable or of the wrong shape, each problem recorded),
    checked for structure; or the entries ``loaded`` of them (a failover group's part: ``group_names`` are then
    all the groups a host or group may name)."""
    loaded = {file: _read(problems, file) for file in FILES} if loaded is None else loaded
    defaults = _entry(problems, "defaults.yaml", "", loaded["defaults.yaml"], RawDefaults)
    hosts = {
        name: _entry(problems, "hosts.yaml", name, entry, RawEntry) for name, entry in loaded["hosts.yaml"].items()
    }
    groups = {
        name: _entry(problems, "groups.yaml", name, entry, RawEntry) for name, entry in loaded["groups.yaml"].items()
    }
    raw = RawInventory(hosts=hosts, groups=groups, defaults=defaults, defaults_mapping=loaded["defaults.yaml"])
    _check_structure(problems, raw, raw.groups.keys() if group_names is None else group_names)
    for file, entries in loaded.items():
        for key in _find_secrets(entries, ""):
            problems.add(file, key, "remove it: use SSH keys (key_file in defaults.yaml), never passwords in files")
    return raw


def _read(problems: Problems, file: str) -> dict[str, Any]:
    text = read_text(problems, file)
    return {} if text is None else parse_mapping(problems, file, text)


def read_text(problems: Problems, file: str) -> str | None:
    """One of the files' text; None when it is missing (defaults.yaml may be) or cannot be read (a problem)."""
    path = problems.directory / file
    if not path.is_file():
        if file != "defaults.yaml":
            problems.add(file, "(file)", f"missing: an inventory directory needs {', '.join(FILES)}", blocking=True)
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.add(file, "(file)", f"cannot read it: {exc}", blocking=True)
        problems.unreadable.add(file)
        return None


def parse_mapping(problems: Problems, file: str, text: str) -> dict[str, Any]:
    """``text``, one of the files, as a mapping of names to entries; fast, unless the precise loader must read it
    (:mod:`.fast_yaml`), as it must to place a syntax error by its line."""
    try:
        loaded = load_fast(text)
    except Undecided:
        loaded = _load_precisely(problems, file, text)
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        problems.add(file, "(file)", "must be a mapping of names to entries", blocking=True)
        problems.unreadable.add(file)
        return {}
    return {str(k): v for k, v in loaded.items()}


def _load_precisely(problems: Problems, file: str, text: str) -> Any:
    try:
        return ruamel.yaml.YAML(typ="safe").load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problems.add(file, "(file)", f"not valid YAML{where}: fix the syntax", blocking=True)
        problems.unreadable.add(file)
        return None


def _entry(problems: Problems, file: str, name: str, value: Any, model: type[Entry]) -> Entry:
    """``value`` as ``model``; each part of the wrong shape is a blocking problem and is left out, so that the
    rest of the entry is still built and checked."""
    try:
        return model.model_validate({} if value is None else value)
    except ValidationError as exc:
        wrong: set[str] = set()
        for error in exc.errors():
            loc = [part for part in error["loc"] if part != "[key]"]
            key = ".".join([*([name] if name else []), *(str(part) for part in loc if not isinstance(part, int))])
            problems.add(file, key or "(file)", shape_message(model, loc), blocking=True)
            wrong.add(str(loc[0]) if loc else "")
    if "" in wrong or not isinstance(value, dict):
        return model()
    return model.model_validate({key: part for key, part in value.items() if key not in wrong})


def shape_message(model: type[BaseModel], loc: Sequence[int | str]) -> str:
    """The problem text of a value of the wrong shape at ``loc``: the description of the field it belongs to,
    or the ``shape`` of the model a mapping's value must be (a connection's settings, the entry itself)."""
    message: str = getattr(model, "shape", "must be a mapping")
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue  # a list's item: the list's own text
        fields = current.model_fields if isinstance(current, type) and issubclass(current, BaseModel) else None
        if fields is not None and part in fields:
            message = fields[part].description or message
            current = fields[part].annotation
            continue
        inner = _model_in(current)  # ``part`` is a key of a mapping of models
        if inner is None:
            break
        message, current = getattr(inner, "shape", message), inner
    return message


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in get_args(annotation):
        found = _model_in(argument)
        if found is not None:
            return found
    return None


# Keys that bound the whole run (one command timeout per step, one bound on connects in flight): defaults only.
DEFAULTS_ONLY = ("timeouts", "max_connects_in_flight")
MOVED = {"known_hosts": "moved: give its absolute path as connection_options.netmiko.extras.alt_key_file"}


def group_cycles(groups: Mapping[str, RawEntry]) -> list[str]:
    """Groups that are their own ancestors (Nornir would recurse without end)."""
    cyclic = []
    for start in groups:
        seen: set[str] = set()
        stack = groups[start].group_names
        while stack and len(seen) <= len(groups):
            name = stack.pop()
            if name == start:
                cyclic.append(start)
                break
            if name in groups and name not in seen:
                seen.add(name)
                stack.extend(groups[name].group_names)
    return cyclic


def _check_structure(problems: Problems, raw: RawInventory, group_names: Collection[str]) -> None:
    for key, message in MOVED.items():
        if key in (raw.defaults.data or {}):
            problems.add("defaults.yaml", f"data.{key}", message)
    for file, entries in (("hosts.yaml", raw.hosts), ("groups.yaml", raw.groups)):
        for name, entry in entries.items():
            for group in entry.group_names:
                if group not in group_names:
                    problems.add(
                        file, f"{name}.groups", f"unknown group {group!r}: define it in groups.yaml", blocking=True
                    )
            if entry.netmiko_extras() is not None:
                problems.add(
                    file,
                    f"{name}.connection_options.netmiko.extras",
                    "move these extras to defaults.yaml: Nornir does not merge extras, so they would "
                    "silently replace the shared ones (keys, timeouts, host key checking)",
                )
            for key in DEFAULTS_ONLY:
                if key in (entry.data or {}):
                    problems.add(file, f"{name}.data.{key}", "set it in defaults.yaml only: it bounds the whole run")
    for name in group_cycles(raw.groups):
        problems.add("groups.yaml", f"{name}.groups", "the group is its own parent (through its groups)", blocking=True)
    for name in ROLE_GROUPS:
        if name not in raw.groups:
            problems.add("groups.yaml", name, "missing role group: define it (it may be empty: `{}`)")


def _find_secrets(entry: Any, path: str) -> Iterator[str]:
    if isinstance(entry, dict):
        for key, value in entry.items():
            here = f"{path}.{key}" if path else str(key)
            if key in SECRET_KEYS and value not in (None, ""):
                yield here
            yield from _find_secrets(value, here)
