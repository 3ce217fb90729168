"""Merging minions' documents, without Salt: every group once, silent minions' groups failing on reachable with
the minion named, shared hosts joined, retcode as check's."""

from __future__ import annotations

from typing import Any

from ospf_failover.salt.merge import Answer, merge_backups, merge_checks
from ospf_failover.salt.minion import fogs_for

SERVED_BY = {"customer1": "minion-a", "customer2": "minion-a", "customer3": "minion-b"}


def row(name: str, status: str = "pass") -> dict[str, Any]:
    return {"name": name, "status": status, "checks": [{"name": "reachable", "host": "vr1", "status": status,
                                                          "detail": ""}]}  # fmt: skip


def document(*rows: dict[str, Any], hosts: dict[str, Any] | None = None, retcode: int = 0) -> dict[str, Any]:
    return {"fogs": list(rows), "hosts": hosts or {}, "summary": {}, "retcode": retcode}


def answered(minion: str, returned: Any) -> Answer:
    return Answer.of(minion, returned, answered=True, timeout=30)


def test_every_group_once_in_inventory_order_and_retcode_0() -> None:
    answers = {
        "minion-b": answered("minion-b", document(row("customer3"))),
        "minion-a": answered("minion-a", document(row("customer2"), row("customer1"))),
    }
    merged = merge_checks(SERVED_BY, answers, seconds=1.23456)
    assert [f["name"] for f in merged["fogs"]] == ["customer1", "customer2", "customer3"]
    assert merged["summary"] == {"fogs": 3, "pass": 3, "warn": 0, "fail": 0, "seconds": 1.235}
    assert merged["retcode"] == 0
    assert merged["minions"]["minion-a"] == {"answered": True, "retcode": 0, "error": None}


def test_a_silent_minion_fails_its_groups_naming_it() -> None:
    answers = {
        "minion-a": answered("minion-a", document(row("customer1"), row("customer2", "warn"))),
        "minion-b": Answer.of("minion-b", None, answered=False, timeout=20),
    }
    merged = merge_checks(SERVED_BY, answers, seconds=20.5)
    silent = merged["fogs"][2]
    detail = "minion minion-b did not answer within 20 s"
    check = {"name": "reachable", "host": "minion-b", "status": "fail", "detail": detail}
    assert silent == {"name": "customer3", "status": "fail", "checks": [check]}
    assert merged["retcode"] == 1 and merged["summary"]["warn"] == 1 and merged["summary"]["fail"] == 1
    assert merged["minions"]["minion-b"]["answered"] is False


def test_errors_missing_groups_and_salt_texts_are_rows_too() -> None:
    answers = {
        "minion-a": answered("minion-a", document(row("customer1"))),  # customer2 missing: a stale slice
        "minion-b": answered("minion-b", "'ospf_failover.check' is not available."),
    }
    merged = merge_checks(SERVED_BY, answers, seconds=1)
    details = {f["name"]: f["checks"][0]["detail"] for f in merged["fogs"] if f["status"] == "fail"}
    assert details == {
        "customer2": "minion minion-a did not report customer2: write its slice and hand it out again",
        "customer3": "minion minion-b answered no document: 'ospf_failover.check' is not available.",
    }


def test_a_minion_with_bad_input_makes_retcode_2_and_strict_fails_warnings() -> None:
    bad = answered("minion-b", {"error": "ospf-failover: inventory /x is invalid (1 problem(s))", "retcode": 2})
    answers = {"minion-a": answered("minion-a", document(row("customer1"), row("customer2"))), "minion-b": bad}
    merged = merge_checks(SERVED_BY, answers, seconds=1)
    assert merged["retcode"] == 2
    detail = merged["fogs"][2]["checks"][0]["detail"]
    assert detail == "minion minion-b: ospf-failover: inventory /x is invalid (1 problem(s))"
    warned = {"minion-a": answered("minion-a", document(row("customer1", "warn"), row("customer2")))}
    assert merge_checks({"customer1": "minion-a", "customer2": "minion-a"}, warned, seconds=1)["retcode"] == 0
    assert merge_checks({"customer1": "minion-a"}, warned, seconds=1, strict=True)["retcode"] == 1


def test_a_host_both_minions_read_is_unreachable_when_one_could_not_reach_it() -> None:
    up = {"reachable": True, "seconds": 0.4, "error": None}
    down = {"reachable": False, "seconds": 5.0, "error": "gw1: timed out"}
    answers = {
        "minion-a": answered("minion-a", document(row("customer1"), row("customer2"), hosts={"gw1": up, "vr1": up})),
        "minion-b": answered("minion-b", document(row("customer3"), hosts={"gw1": down})),
    }
    hosts = merge_checks(SERVED_BY, answers, seconds=1)["hosts"]
    assert hosts["gw1"] == {"reachable": False, "seconds": 5.0, "error": "gw1: timed out"}
    assert hosts["vr1"] == up


def test_backups_name_each_minions_commit_and_fail_a_silent_minions_hosts() -> None:
    ok = {"status": "ok", "changed": True, "files": ["vr1/running.conf"], "error": None}
    backed_up = {"hosts": {"vr1": ok, "vr2": ok}, "commit": "abc123", "drift": {}, "summary": {}, "retcode": 0}
    answers = {
        "minion-a": answered("minion-a", backed_up),
        "minion-b": Answer.of("minion-b", None, answered=False, timeout=30),
    }
    merged = merge_backups({"minion-a": ["vr1", "vr2"], "minion-b": ["vr3"]}, answers, seconds=2)
    assert merged["commits"] == {"minion-a": "abc123", "minion-b": None}
    assert merged["hosts"]["vr3"]["status"] == "failed" and "minion-b did not answer" in merged["hosts"]["vr3"]["error"]
    assert merged["retcode"] == 1
    assert merged["summary"] == {"hosts": 3, "changed": 2, "failed": 1, "seconds": 2}


def test_a_minion_takes_its_own_groups() -> None:
    assert fogs_for({"minion-a": ["customer1"], "minion-b": ["customer3"]}, "minion-b") == ["customer3"]
    assert fogs_for("customer1, customer2", "x") == ["customer1", "customer2"]
    assert fogs_for(None, "x") == [] and fogs_for(["a"], "x") == ["a"]


def test_a_silent_minions_group_keeps_every_item_it_always_reports() -> None:
    """Monitoring keyed on (group, check, host) sees a silent minion's items turn red, never go stale."""
    from pathlib import Path

    from ospf_failover.inventory import load_inventory
    from ospf_failover.runbooks.check.checks import judge_fog
    from ospf_failover.runbooks.check.observe import Observed
    from ospf_failover.runbooks.check.plan import node_name, plan_check
    from ospf_failover.salt.fanout import unjudged_in

    fleet = load_inventory(Path(__file__).resolve().parents[2] / "inventory")
    answers = {"minion-a": Answer.of("minion-a", None, answered=False, timeout=20)}
    merged = merge_checks({"customer1": "minion-a"}, answers, seconds=20.5, unjudged=unjudged_in(fleet))
    (silent,) = merged["fogs"]
    cause = "minion minion-a did not answer within 20 s"
    assert silent["status"] == "fail" and silent["causes"] == [cause]
    plan = plan_check(fleet, ["customer1"])
    healthy_items = [
        (f.check, f.host)
        for f in judge_fog(plan.fogs[0], Observed(), clusters=plan.clusters[0], node_of=node_name(fleet))
    ]
    assert [(c["name"], c["host"]) for c in silent["checks"]] == healthy_items
    nodes = {"node-a", "node-b"}
    for item in silent["checks"]:
        assert item["status"] == ("warn" if item["host"] in nodes else "fail"), item
        assert item["detail"] == f"not judged: {cause}" and item["cause"] == cause, item
