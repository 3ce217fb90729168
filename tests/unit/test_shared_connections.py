"""The pool a leader's switches share SSH connections through: who connects, who waits, how many sessions ride one
connection, when a connection is closed. The plugin's use of it runs against real routers in the mass-failover lab
test (sshd's accepted logins counted)."""

from __future__ import annotations

import threading
import time

from ospf_failover.transport.shared import MAX_CHANNELS, ClientPool, Lent, Ticket, pool_key


class Transport:
    def __init__(self) -> None:
        self.active = True

    def is_active(self) -> bool:
        return self.active


class Client:
    """What the pool asks of paramiko's client: its transport, and close."""

    def __init__(self) -> None:
        self.transport = Transport()
        self.closed = False

    def get_transport(self) -> Transport:
        return self.transport

    def close(self) -> None:
        self.closed = True
        self.transport.active = False


def test_the_key_is_the_connection_not_the_bounds_a_run_cuts() -> None:
    one = {"host": "192.168.75.1", "port": 22, "username": "root", "key_file": "/k", "conn_timeout": 10.0}
    assert pool_key(one) == pool_key({**one, "conn_timeout": 0.4, "auth_timeout": 1.0, "banner_timeout": 2})
    assert pool_key(one) != pool_key({**one, "key_file": "/other"})
    assert pool_key(one) != pool_key({**one, "host": "192.168.75.2"})


def test_sessions_ride_one_connection_up_to_its_limit_then_another_is_made() -> None:
    pool = ClientPool()
    first = pool.take("gw1", wait=1)
    assert first == Ticket("gw1", owner=True)
    assert isinstance(first, Ticket)
    client = Client()
    lent = pool.add(first, client)
    taken = [pool.take("gw1", wait=1) for _ in range(MAX_CHANNELS - 1)]
    assert all(t is lent for t in taken) and lent.channels == MAX_CHANNELS
    assert pool.take("gw1", wait=1) == Ticket("gw1", owner=True), "a full connection must not take a session more"
    assert pool.take("vr1", wait=1) == Ticket("vr1", owner=True), "another host has connections of its own"


def test_those_who_ask_while_one_connects_wait_for_that_connection() -> None:
    pool = ClientPool()
    ticket = pool.take("gw1", wait=1)
    assert isinstance(ticket, Ticket) and ticket.owner
    got: list[Lent | Ticket] = []
    waiters = [threading.Thread(target=lambda: got.append(pool.take("gw1", wait=5))) for _ in range(3)]
    for waiter in waiters:
        waiter.start()
    time.sleep(0.2)
    assert got == [], "they connected instead of waiting for the connect under way"
    lent = pool.add(ticket, Client())
    for waiter in waiters:
        waiter.join(5)
    assert got == [lent, lent, lent] and lent.channels == 4


def test_a_connect_that_fails_or_is_too_slow_lets_the_waiters_go_on() -> None:
    pool = ClientPool()
    ticket = pool.take("gw1", wait=1)
    assert isinstance(ticket, Ticket)
    started = time.monotonic()
    assert pool.take("gw1", wait=0.2) == Ticket("gw1", owner=False), "the slow connect was waited for unbounded"
    assert time.monotonic() - started < 1.5
    pool.abandon(ticket)  # the connect failed
    assert pool.take("gw1", wait=0.2) == Ticket("gw1", owner=True)


def test_a_broken_session_stops_its_connection_lending_and_the_last_one_closes_it() -> None:
    pool = ClientPool()
    ticket = pool.take("gw1", wait=1)
    assert isinstance(ticket, Ticket)
    client = Client()
    lent = pool.add(ticket, client)
    assert pool.take("gw1", wait=1) is lent
    pool.give_back(lent, broken=True)
    assert pool.take("gw1", wait=1) == Ticket("gw1", owner=True), "a connection whose session broke lent again"
    assert client.closed is False, "closed with a session still on it"
    pool.give_back(lent)
    assert (client.closed, pool.count("gw1")) == (True, 0), "the last session of a broken connection left it open"


def test_an_idle_connection_stays_for_the_next_run_until_the_pool_closes() -> None:
    pool = ClientPool()
    ticket = pool.take("gw1", wait=1)
    assert isinstance(ticket, Ticket)
    client = Client()
    lent = pool.add(ticket, client)
    pool.give_back(lent)
    assert not client.closed and pool.take("gw1", wait=1) is lent
    busy = Client()
    other = pool.take("vr1", wait=1)
    assert isinstance(other, Ticket)
    pool.add(other, busy)
    pool.give_back(lent)
    pool.close()
    assert (client.closed, busy.closed) == (True, False), "an idle connection outlived the pool, or a busy one was cut"


def test_a_connection_whose_transport_ended_lends_no_more() -> None:
    pool = ClientPool()
    ticket = pool.take("gw1", wait=1)
    assert isinstance(ticket, Ticket)
    client = Client()
    pool.add(ticket, client)
    client.transport.active = False
    assert pool.take("gw1", wait=1) == Ticket("gw1", owner=True)
