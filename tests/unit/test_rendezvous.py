"""Switches meeting on one machine: a follower gets its own group's lines and exit code from the leader, runs alone
when the leader declines, dies or goes quiet, and never loads the heavy libraries. Real sockets and processes."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ospf_failover import rendezvous
from ospf_failover.rendezvous import Leader, Outlet, Request, follow, meet


@pytest.fixture
def address() -> bytes:
    """An abstract socket name of this test's own."""
    return b"\0ospf-failover-test-" + f"{os.getpid()}-{time.monotonic_ns()}".encode()


def request(fog: str, *, timeout: float = 30.0) -> Request:
    return Request(fog=fog, inventory="/nowhere", timeout=timeout, started=time.monotonic(), environ={"CLP_X": "1"})


def echo(request: Request, outlet: Outlet) -> None:
    """A leader's serve that draws a line per stream naming the group and exits with a code of the group's."""
    print(f"[I] switch {request.fog}: done", file=outlet.stream("stdout"))
    print(f"environment {request.environ}", file=outlet.stream("stderr"))
    outlet.send({"exit": int(request.fog.removeprefix("customer")) % 4})


@pytest.fixture
def leader(address: bytes) -> Iterator[Leader]:
    held = Leader.bind(address)
    assert held is not None, "the test's address was taken"
    held.start_serving(echo)
    try:
        yield held
    finally:
        held.close()


def test_each_follower_gets_its_own_groups_lines_and_exit_code(address: bytes, leader: Leader) -> None:
    assert Leader.bind(address) is None, "a second leader bound the same meeting point"
    results: dict[str, tuple[int | None, str, str]] = {}

    def one(fog: str) -> None:
        out, err = io.StringIO(), io.StringIO()
        followed = follow(address, request(fog), give_up_at=time.monotonic() + 20, stdout=out, stderr=err)
        results[fog] = (followed.exit_code, out.getvalue(), err.getvalue())

    threads = [threading.Thread(target=one, args=(f"customer{k}",)) for k in range(1, 13)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == sorted(f"customer{k}" for k in range(1, 13))
    for fog, (code, out, err) in results.items():
        assert code == int(fog.removeprefix("customer")) % 4, (fog, code)
        assert out == f"[I] switch {fog}: done\n", out
        assert err == "environment {'CLP_X': '1'}\n", err


def test_requests_taken_before_the_leader_serves_are_served_once_it_does(address: bytes) -> None:
    held = Leader.bind(address)
    assert held is not None
    try:
        out = io.StringIO()
        done: list[int | None] = []
        thread = threading.Thread(
            target=lambda: done.append(
                follow(address, request("customer5"), give_up_at=time.monotonic() + 20, stdout=out).exit_code
            )
        )
        thread.start()
        time.sleep(0.3)  # the leader is still loading its inventory: the request waits, accepted
        assert not done, "the follower ended before the leader served it"
        held.start_serving(echo)
        thread.join(timeout=20)
        assert done == [1] and out.getvalue() == "[I] switch customer5: done\n"
    finally:
        held.close()


def test_with_no_leader_or_a_closed_one_a_process_leads_itself(address: bytes) -> None:
    followed = follow(address, request("customer1"), give_up_at=time.monotonic() + 5)
    assert followed.exit_code is None and "no leader" in followed.why
    held = Leader.bind(address)
    assert held is not None
    held.close()  # a finished leader frees the name at once: the next process leads
    meeting = meet(address, request("customer1"), give_up_at=time.monotonic() + 5)
    assert meeting.leader is not None and meeting.followed is None
    meeting.leader.close()


def fake_leader(address: bytes, script: list[bytes], *, hold: float) -> threading.Thread:
    """A leader that takes one request, sends ``script`` and then keeps the connection ``hold`` seconds (0: dies)."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    listener.listen(1)

    def run() -> None:
        with listener:
            connection, _ = listener.accept()
            with connection:
                connection.recv(65536)
                for line in script:
                    connection.sendall(line)
                time.sleep(hold)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_a_follower_whose_leader_dies_says_so_and_is_told_to_run_alone(address: bytes) -> None:
    lines = [b'{"accepted": true}\n', b'{"stdout": "[I] switch customer1: locate: PASS\\n"}\n']
    thread = fake_leader(address, lines, hold=0)
    out = io.StringIO()
    start = time.monotonic()
    followed = follow(address, request("customer1"), give_up_at=time.monotonic() + 30, stdout=out)
    assert time.monotonic() - start < 5, "a dead leader was waited for"
    assert followed.exit_code is None and followed.printed and followed.why == "the leader went away"
    assert out.getvalue() == "[I] switch customer1: locate: PASS\n"
    thread.join(timeout=5)


def test_a_follower_whose_leader_goes_quiet_gives_up_at_its_bound(address: bytes) -> None:
    thread = fake_leader(address, [b'{"accepted": true}\n'], hold=1.5)
    start = time.monotonic()
    followed = follow(address, request("customer1"), give_up_at=time.monotonic() + 0.5)
    waited = time.monotonic() - start
    assert 0.4 < waited < 2, f"gave up after {waited:.2f} s, not at its bound of 0.5 s"
    assert followed.exit_code is None and followed.why == "the leader is too slow"
    thread.join(timeout=10)


def test_a_leader_that_never_accepts_is_left_within_the_accept_wait(address: bytes) -> None:
    thread = fake_leader(address, [], hold=1.0)
    start = time.monotonic()
    followed = follow(address, request("customer1"), give_up_at=time.monotonic() + 30, accept_wait=0.3)
    assert time.monotonic() - start < 2
    assert followed.exit_code is None and not followed.printed and "did not answer" in followed.why
    thread.join(timeout=10)


def test_a_leader_declines_what_is_not_a_request_and_waits_for_runs_no_longer_than_their_bound(
    address: bytes,
) -> None:
    held = Leader.bind(address)
    assert held is not None
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(address)
        sock.sendall(b'{"hello": 1}\n')
        answer = rendezvous.Lines(sock)
        assert answer.next(5) == {"declined": "not a switch request"}
        assert answer.next(5) == {"exit": 2}
    stuck = threading.Event()

    def hang(request: Request, outlet: Outlet) -> None:
        stuck.wait(30)

    held.start_serving(hang)
    follower = threading.Thread(
        target=follow, args=(address, request("customer1", timeout=0.5)), kwargs={"give_up_at": time.monotonic() + 1}
    )
    follower.start()
    time.sleep(0.2)
    start = time.monotonic()
    held.finish(grace=0.3)
    assert time.monotonic() - start < 2, "the leader waited for a follower's run past its bound"
    stuck.set()
    follower.join(timeout=5)


def point(inventory: str, lock_dir: str, path: str) -> bytes:
    key = rendezvous.meeting_key(inventory=inventory, lock_dir=lock_dir, environ={"PATH": path})
    return rendezvous.meeting_point(key)


def test_the_meeting_point_separates_inventories_and_lock_directories(address: bytes) -> None:
    one = point("/a", "/run/lock/x", "/bin")
    assert one == point("/a", "/run/lock/x", "/bin")
    assert one.startswith(b"\0") and len(one) < 100
    assert one != point("/b", "/run/lock/x", "/bin")
    assert one != point("/a", "/tmp/l", "/bin")
    assert one != point("/a", "/run/lock/x", "/usr/bin")
    held = Leader.bind(address, key="mine")
    assert held is not None
    held.start_serving(echo)
    try:  # a request of another key (the names' checksums met by chance) is declined: the follower runs alone
        other = request("customer1")
        followed = follow(address, other, give_up_at=time.monotonic() + 5)
        assert followed.exit_code is None and "another inventory" in followed.why
        same = Request(fog="customer1", inventory="/a", timeout=5, meeting="mine")
        assert follow(address, same, give_up_at=time.monotonic() + 5).exit_code == 1
    finally:
        held.close()
    assert not rendezvous.coordination_wanted({"OSPF_FAILOVER_ALONE": "1"})
    assert rendezvous.coordination_wanted({})


def test_a_switch_process_that_follows_prints_the_leaders_answer_and_loads_nothing_heavy(tmp_path: Path) -> None:
    """The command line itself, as start.sh runs it, with a leader (this test) already at its meeting point."""
    inventory = tmp_path / "inventory"
    env = {**os.environ, "OSPF_FAILOVER_LOCK_DIR": str(tmp_path / "locks"), "CLP_GROUPNAME": "customer7"}
    env.pop("OSPF_FAILOVER_ALONE", None)
    key = rendezvous.meeting_key(inventory=str(inventory), lock_dir=str(tmp_path / "locks"), environ=env)
    held = Leader.bind(rendezvous.meeting_point(key), key=key)
    assert held is not None
    seen: list[Request] = []

    def serve(request: Request, outlet: Outlet) -> None:
        seen.append(request)
        outlet.send({"stdout": f"[I] switch {request.fog}: switched and verified in 0.50 s (exit 0)\n"})
        outlet.send({"exit": 0})

    held.start_serving(serve)
    probe = (
        "import json, sys\n"
        "HEAVY = ('nornir', 'netmiko', 'pydantic', 'paramiko', 'hashlib', 'yaml', 'ruamel')\n"
        "from ospf_failover.cli.command_line import main\n"
        "code = main(sys.argv[1:])\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in HEAVY)\n"
        "print(json.dumps({'code': code, 'heavy': heavy}))\n"
    )
    argv = ["--inventory", str(inventory), "switch", "customer7", "--verify", "warn", "--timeout", "300"]
    try:
        done = subprocess.run(
            [sys.executable, "-c", probe, *argv], capture_output=True, text=True, env=env, timeout=60, check=False
        )
    finally:
        held.close()
    lines = done.stdout.splitlines()
    assert lines[0] == "[I] switch customer7: switched and verified in 0.50 s (exit 0)", done.stdout + done.stderr
    assert json.loads(lines[-1]) == {"code": 0, "heavy": []}
    assert len(seen) == 1
    assert (seen[0].fog, seen[0].verify, seen[0].timeout, seen[0].inventory) == (
        "customer7",
        "warn",
        300.0,
        str(inventory),
    )
    assert seen[0].environ == {"CLP_GROUPNAME": "customer7"}
    assert seen[0].started is not None and seen[0].started <= time.monotonic()
