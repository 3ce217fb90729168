"""Recorded cases of the parsers the ``check`` runbook reads with: ``expected/<case>.<parser>.json``.

Every recording keeps its ``expected/<case>.json`` (read by :mod:`tests.parsers.cases`: the parser it belongs to, or
the look-alike parser that must refuse it). A recording that one of these parsers reads has, beside it,
``expected/<case>.<parser>.json`` with either ``result`` (the exact value; ``ospf-config`` adds ``covers``: VM
network -> the expected coverage) or ``refused`` (``line_number`` and a ``reason`` substring).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any, Literal

from ospf_failover.models import Platform
from ospf_failover.parsers.nic_config import parse_ip_forward, parse_nic_config
from ospf_failover.parsers.ospf_config import parse_ospf_config
from ospf_failover.parsers.ospf_timers import parse_ospf_interfaces, parse_ospf_process

from .cases import FIXTURES, Recording

CheckParser = Literal["ospf-process", "ospf-interfaces", "ospf-config", "nic-config", "ip-forward"]
CHECK_PARSERS: tuple[CheckParser, ...] = ("ospf-process", "ospf-interfaces", "ospf-config", "nic-config", "ip-forward")


@dataclass(frozen=True)
class CheckCase(Recording):
    parser: CheckParser

    @property
    def platform(self) -> Platform:
        return "quagga" if self.platform_dir.startswith("quagga") else "frr"

    def parse(self, text: str | None = None) -> Any:
        source = self.text if text is None else text
        if self.parser == "ospf-process":
            return parse_ospf_process(source, platform=self.platform)
        if self.parser == "ospf-interfaces":
            return parse_ospf_interfaces(source, platform=self.platform)
        if self.parser == "ospf-config":
            return parse_ospf_config(source)
        if self.parser == "nic-config":
            return parse_nic_config(source)
        return parse_ip_forward(source)


def load_check_cases(parser: CheckParser) -> list[CheckCase]:
    cases = []
    for expected_file in sorted(FIXTURES.glob(f"*/expected/*.{parser}.json")):
        name = expected_file.name.removesuffix(f".{parser}.json")
        platform_dir = expected_file.parent.parent.name
        expected = json.loads(expected_file.read_text(encoding="utf-8"))
        cases.append(CheckCase(platform_dir=platform_dir, name=name, parser=parser, expected=expected))
    return cases


def plain(value: Any) -> Any:
    """Dataclasses as dicts and tuples as lists, to compare with a JSON document's values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value
