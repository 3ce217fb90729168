"""clpstat: finding a group or server by its full name, the status/comment rule, the original start.sh's mistakes."""

from __future__ import annotations

import pytest

from ospf_failover.errors import ParseError
from ospf_failover.parsers import find_group, find_server, parse_clpstat, split_status

from .cases import FIXTURES


def _status(name: str) -> str:
    return (FIXTURES / "clpstat" / f"{name}.txt").read_text(encoding="utf-8")


def test_find_group_matches_a_name_cut_to_16_characters_in_the_default_layout() -> None:
    status = parse_clpstat(_status("truncated_16char_group_name"))
    group = find_group(status, "container-recovery")
    assert group["name"] == "container-recove", "the 16-character display name stands for the full name"
    assert group["current"] == "server2"


def test_find_group_matches_the_full_name_in_the_long_layout() -> None:
    status = parse_clpstat(_status("long_layout_full_group_name"))
    assert find_group(status, "container-recovery")["current"] == "server2"


def test_find_group_does_not_prefix_match_in_the_long_layout() -> None:
    status = parse_clpstat(_status("long_layout_full_group_name"))
    with pytest.raises(ParseError, match="not in the status display"):
        find_group(status, "container-recovery-extra")


def test_find_group_refuses_two_groups_cut_to_the_same_16_characters() -> None:
    status = parse_clpstat(_status("truncated_two_groups_same_16char_prefix"))
    with pytest.raises(ParseError, match="ambiguous") as caught:
        find_group(status, "container-recovery-b")
    assert "clpstat --long" in caught.value.reason, "the reason tells how to avoid the ambiguity"


def test_find_group_refuses_a_displayed_name_listed_twice() -> None:
    status = parse_clpstat(_status("truncated_two_groups_same_16char_prefix"))
    with pytest.raises(ParseError, match="listed 2 times"):
        find_group(status, "container-recove")


def test_find_group_needs_exactly_16_displayed_characters_for_a_prefix_match() -> None:
    status = parse_clpstat(_status("truncated_16char_group_name"))
    with pytest.raises(ParseError, match="not in the status display"):
        find_group(status, "failover-web-frontend")  # 'failover-web' is shorter than 16: not a cut name


def test_find_group_names_the_groups_it_saw_when_not_found() -> None:
    status = parse_clpstat(_status("vagrant_x50_linux"))
    with pytest.raises(ParseError, match="'failover1'"):
        find_group(status, "failover2")


def test_find_server_uses_the_same_rules() -> None:
    status = parse_clpstat(_status("three_node_cluster_local_third"))
    assert find_server(status, "server3")["local"] is True
    with pytest.raises(ParseError, match="server 'server4' is not in the status display"):
        find_server(status, "server4")


def test_find_server_matches_a_cut_server_name() -> None:
    text = _status("vagrant_x50_linux").replace("   *server1 .........:", "   *ecx-primary-node :")
    status = parse_clpstat(text)
    assert find_server(status, "ecx-primary-node1")["local"] is True


@pytest.mark.parametrize(
    ("value", "status", "comment"),
    [
        ("Online", "Online", ""),
        ("Online           ", "Online", ""),
        ("Normal           Kernel Mode LAN Heartbeat", "Normal", "Kernel Mode LAN Heartbeat"),
        ("Online Pending   Secondary server", "Online Pending", "Secondary server"),
        ("Offline Pending  192.168.76.10", "Offline Pending", "192.168.76.10"),
        ("Online Pending", "Online Pending", ""),
        ("Online Failure (restarting)  ip monitor1", "Online Failure (restarting)", "ip monitor1"),
        ("Online Primary server", "Online Primary server", ""),  # no padding, no double blank: all status
    ],
)
def test_split_status_rule(value: str, status: str, comment: str) -> None:
    assert split_status(value) == (status, comment)


# The original start.sh reads the first word after <server> as the primary and the word after the group's second
# colon as the server where the group runs, over whitespace-flattened text. These pin what the parser gives instead.


def test_three_node_cluster_lists_servers_in_priority_order_and_marks_the_local_one() -> None:
    status = parse_clpstat(_status("three_node_cluster_local_third"))
    assert [server["name"] for server in status["servers"]] == ["server1", "server2", "server3"]
    assert [server["local"] for server in status["servers"]] == [False, False, True]
    assert status["groups"][0]["current"] == "server2", "the group runs on server2, neither first nor local"


def test_crlf_output_gives_clean_names() -> None:
    status = parse_clpstat(_status("vagrant_x50_linux").replace("\n", "\r\n"))
    assert status["groups"][0]["current"] == "server1", "no CR left at the end of the server name"


def test_stopped_cluster_has_no_current_server() -> None:
    status = parse_clpstat(_status("clpaic_x6_linux_all_offline_2groups"))
    assert [group["current"] for group in status["groups"]] == [None, None]
    assert {server["status"] for server in status["servers"]} == {"Offline"}


def test_heartbeat_lines_are_not_servers() -> None:
    status = parse_clpstat(_status("clpaic_x6_linux_online_2groups_s"))
    assert [server["name"] for server in status["servers"]] == ["116rhel94", "117rhel94"]
    assert [hb["name"] for hb in status["servers"][0]["heartbeats"]] == ["lankhb1", "pingnp1"]
