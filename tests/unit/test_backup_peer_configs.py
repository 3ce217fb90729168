"""Scrubbing on configurations written by other people (../shared/fixtures/peer-configs): FRR topotests and
docs, freeRtr interop tests, SONiC, Quagga examples and a Quagga display with password encryption, NetworkManager's
own ifcfg, keys-<nic> and keyfile test files, balenaOS. Their secrets.json names, per file, every secret string
(commented-out ones included) and whole lines that must stay as they are."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ospf_failover.archive import REMOVED, clean

PEER_CONFIGS = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "peer-configs"  # ../shared


def _cases() -> list[tuple[str, dict[str, Any]]]:
    listed: dict[str, dict[str, Any]] = json.loads((PEER_CONFIGS / "secrets.json").read_text())
    return sorted(listed.items())


@pytest.fixture(scope="module")
def peer_configs(shared_fixtures: Path) -> Path:
    return shared_fixtures / "peer-configs"


def test_every_listed_file_is_there(peer_configs: Path) -> None:
    listed = {name for name, _ in _cases()}
    present = {path.name for path in peer_configs.iterdir()} - {"SOURCES.md", "secrets.json"}
    assert listed == present
    assert len(listed) == 33


@pytest.mark.parametrize(("name", "spec"), _cases(), ids=[name for name, _ in _cases()])
def test_no_secret_survives_and_no_kept_line_changes(peer_configs: Path, name: str, spec: dict[str, Any]) -> None:
    text = (peer_configs / name).read_text(encoding="utf-8")
    cleaned = clean(text)
    secrets = [*spec["secrets"], *spec.get("commented_secrets", [])]
    leaked = [secret for secret in secrets if secret in cleaned.text]
    assert not leaked, f"{name}: {leaked} left in:\n{cleaned.text}"
    lines = cleaned.text.split("\n")
    lost = [line for line in spec["must_keep"] if line not in lines]
    assert not lost, f"{name}: lines changed or dropped: {lost}"
    bearing = sum(1 for line in text.split("\n") if any(secret in line for secret in secrets))
    assert cleaned.secrets >= bearing, f"{name}: {cleaned.secrets} counted for {bearing} secret-bearing lines"
    assert cleaned.text.count(REMOVED) == cleaned.secrets
    assert clean(cleaned.text).text == cleaned.text, "scrubbing twice changes nothing more"
