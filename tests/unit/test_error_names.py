"""Errors that name failover groups stay one readable line over a thousand of them: a few names, then a count,
and the closest name when the operator mistyped one."""

from __future__ import annotations

from pathlib import Path

import pytest

from ospf_failover.errors import SHOWN_NAMES, InputError, names_text
from ospf_failover.inventory import load_inventory
from ospf_failover.salt.slices import served_by
from ospf_failover_lab.synthetic import synthetic_files, write_files


@pytest.fixture(scope="module")
def thousand(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("thousand")
    return write_files(directory, synthetic_files(directory, 1000, per_pair=100))


def test_a_few_names_are_all_listed_and_many_are_counted() -> None:
    assert names_text(["a", "b"]) == "a, b"
    assert names_text([]) == ""
    many = [f"g{index}" for index in range(25)]
    assert names_text(many) == ", ".join(many[:SHOWN_NAMES]) + f" and {25 - SHOWN_NAMES} more"


def test_a_mistyped_group_among_a_thousand_gets_the_closest_name_in_one_short_line(thousand: Path) -> None:
    fleet = load_inventory(thousand)
    with pytest.raises(InputError) as refused:
        fleet.fog("custmer5")
    text = str(refused.value)
    assert "did you mean 'customer5'?" in text
    assert text.endswith(f"and {1000 - SHOWN_NAMES} more)")
    assert len(text) < 400 and "\n" not in text


def test_groups_without_a_minion_are_named_a_few_and_counted(thousand: Path) -> None:
    with pytest.raises(InputError) as refused:
        served_by(load_inventory(thousand))
    text = str(refused.value)
    assert text.startswith("failover group(s) customer1, customer2, ")
    assert f"and {1000 - SHOWN_NAMES} more name no minion" in text
    assert len(text) < 400
