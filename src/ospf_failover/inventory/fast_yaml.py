"""Reading the inventory's YAML fast, with the precise loader only where the fast one could differ.

The precise loader is ruamel.yaml's (YAML 1.2, as Nornir's SimpleInventory reads these files): pure Python here,
about 0.5 s of CPU for the files of 1,000 groups. PyYAML's loader over libyaml (``CSafeLoader``) parses them
several times faster but speaks YAML 1.1, where ``010`` or ``1e5`` are not what YAML 1.2 makes of them, and it
keeps the last of two equal keys where ruamel refuses them. :func:`load_fast` therefore resolves only the plain
scalars both read alike (``true``/``false``, ``null``, decimal integers, decimals like ``1.5``, dates; ``yes``
and ``on`` stay strings, as in YAML 1.2), and raises :class:`Undecided` at any other scalar YAML 1.2 reads as a
number or a time, at a repeated key and at any YAML error: the caller then reads the text with the precise
loader, which also places a problem by its line.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import yaml
from yaml.nodes import MappingNode, Node

BASE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it
UNDECIDED_TAG = "tag:ospf-failover,2026:undecided"
DIGITS = list("-+0123456789.")
# What YAML 1.2 (ruamel.yaml's resolver) reads as a number or a date that the certain patterns below do not
# cover: octal, hexadecimal and binary integers, underscores, exponents, .5, infinities, times.
UNDECIDED = re.compile(
    r"""^(?:[-+]?0[bo]?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+
    |[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)
    |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+).*|=)$""",
    re.X,
)


class Undecided(ValueError):
    """The fast loader cannot say that the precise loader reads this text the same: use the precise one."""


class _FastLoader(BASE):  # type: ignore[valid-type,misc]
    """libyaml's parser, with only the implicit types YAML 1.1 and 1.2 agree on."""

    yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {}

    def construct_mapping(self, node: Node, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, MappingNode):
            keys = [key.value for key, _ in node.value if key.tag != "tag:yaml.org,2002:merge"]
            if len(keys) != len(set(keys)):
                raise Undecided("a key is given twice")
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


def _undecided(loader: _FastLoader, node: Node) -> Any:
    raise Undecided(f"{node.value!r} may be read otherwise by YAML 1.2")


_FastLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_FastLoader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_FastLoader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), DIGITS)
_FastLoader.add_implicit_resolver("tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)\.[0-9]+$"), DIGITS)
_FastLoader.add_implicit_resolver(
    "tag:yaml.org,2002:timestamp", re.compile(r"^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$"), list("0123456789")
)
_FastLoader.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])
_FastLoader.add_implicit_resolver(UNDECIDED_TAG, UNDECIDED, [*DIGITS, "="])
_FastLoader.add_constructor(UNDECIDED_TAG, _undecided)


def load_fast(text: str) -> Any:
    """The YAML document in ``text``, as ruamel.yaml's safe loader reads it; :class:`Undecided` when that is
    not certain (an error included: the precise loader says where)."""
    try:
        return yaml.load(text, Loader=_FastLoader)
    except yaml.YAMLError as exc:  # a syntax error, a tag it does not know
        raise Undecided(str(exc)) from exc
