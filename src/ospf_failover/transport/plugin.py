"""The Nornir connection plugin ``ospf_failover``: the one place where every SSH session of the tool opens.

Registered by entry point (group ``nornir.plugins.connections``). It reads netmiko's parameters (the inventory's
``connection_options.netmiko``: address, port, user, and its ``extras``, netmiko's own arguments, which a plain
nornir_netmiko script uses too), validates them (:class:`~ospf_failover.inventory.SessionOptions`: no session opens
without key login, verified host keys and bounded connects), waits for a connect slot (``max_connects_in_flight`` in
the process, and as many to one host from every process of this machine: bounds this plugin owns), and connects with
netmiko's own SSH client code: the client netmiko builds from those arguments (known hosts, host key policy) and the
connect parameters netmiko derives from them (keys, timeouts, ssh_config). For a Linux host (platform ``linux``) it
does not open netmiko's interactive terminal: the session's commands run in a shell on an exec channel
(:mod:`.channel`). Any other platform is a device with a CLI of its own (a site gateway of another vendor): its
session is netmiko's interactive driver for that device type (:mod:`.terminal`). Failures are classified by
exception type (:mod:`.errors`).
"""

from __future__ import annotations

import socket
import threading
from typing import Any, ClassVar

from nornir.core.configuration import Config
from nornir.core.plugins.connections import ConnectionPluginRegister
from nornir.core.task import Task
from pydantic import ValidationError

from ospf_failover.containment import refuse_outside_lab
from ospf_failover.errors import ConnectTimeout, InventoryError, InventoryProblem
from ospf_failover.inventory import SESSION, SessionOptions, session_options
from ospf_failover.inventory.problems import problems_of
from ospf_failover.inventory.schema import LINUX
from ospf_failover.locking import lock_directory

from .bound import ConnectsInFlight, NoConnectSlot, machine_slot
from .channel import SHELL, Session
from .errors import RefuseUnknownHost, classify_connect_error
from .known_hosts import build_client
from .shared import CONNECT_BOUNDS, ClientPool, Ticket, pool_key
from .tcp import tcp_connection
from .terminal import TerminalSession, connect_terminal

SLOT_WAIT = 600.0  # seconds a connect may wait for a slot: each holder is bounded by its own SSH timeouts
CONNECTS_DIR = "connects"  # under the lock directory: each host's machine-wide connect slots (flock files)
WHERE = {"netmiko": "connection_options.netmiko.extras", "run": "data", "host": "name"}


class SessionPlugin:
    """Nornir connection plugin: ``connection`` is the host's :class:`~.channel.Session`, or on a device of
    another platform its :class:`~.terminal.TerminalSession` (both ``run_batch``)."""

    connects: ClassVar[ConnectsInFlight] = ConnectsInFlight()  # every session of this process counts here
    pool: ClassVar[ClientPool | None] = None  # on: Linux hosts' sessions share SSH connections (.shared)

    def __init__(self) -> None:
        self.connection: Session | TerminalSession | None = None

    def open(  # noqa: PLR0917 (Nornir's ConnectionPlugin protocol)
        self,
        hostname: str | None,
        username: str | None,
        password: str | None,
        port: int | None,
        platform: str | None,
        extras: dict[str, Any] | None = None,
        configuration: Config | None = None,
    ) -> None:
        """Open the session; raises InventoryError for unsafe or missing settings, a ConnectionFailed subclass
        when the host cannot be reached, verified or logged into."""
        options = validated(extras)
        refuse_outside_lab(options.run.lab)  # a rehearsal lab's inventory connects only from inside that lab
        name, address = options.host or str(hostname), str(hostname)
        ticket: Ticket | None = None  # the pool's leave to connect, when a pool is on and lent nothing
        try:
            parameters = {
                "host": hostname,
                "username": username,
                "password": password,
                "port": port,
                "device_type": platform or LINUX,
                **options.netmiko.model_dump(),
            }
            linux = (platform or LINUX) == LINUX
            if linux and self.pool is not None:
                opening = options.netmiko.conn_timeout + options.netmiko.auth_timeout
                shared = shared_session(
                    self.pool,
                    name=name,
                    parameters=parameters,
                    shell_timeout=options.netmiko.auth_timeout,
                    wait=opening,
                )
                if isinstance(shared, Session):
                    self.connection = shared
                    return  # a channel on a connection already made: no connect slot, no handshake
                ticket = shared
            limit, key = options.run.max_connects_in_flight, f"{address}:{port or 22}"
            with (
                self.connects.slot(limit, timeout=SLOT_WAIT),
                machine_slot(lock_directory() / CONNECTS_DIR, key, limit, timeout=SLOT_WAIT),
            ):
                if linux:
                    self.connection = connect(
                        name=name,
                        parameters=parameters,
                        shell_timeout=options.netmiko.auth_timeout,
                        pool=self.pool,
                        ticket=ticket,
                    )
                else:  # the driver's session preparation is a few exchanges with the device: a command's time
                    self.connection = connect_terminal(
                        name=name,
                        parameters=parameters,
                        preparation_timeout=options.netmiko.auth_timeout + options.run.timeouts.command,
                    )
        except NoConnectSlot as exc:
            raise ConnectTimeout(host=name, address=address, reason=str(exc)) from exc
        except Exception as exc:
            known_hosts = str(options.netmiko.alt_key_file)
            raise classify_connect_error(exc, host=name, address=address, known_hosts=known_hosts) from exc
        finally:
            if ticket is not None and self.pool is not None:
                self.pool.abandon(ticket)  # made or failed: whoever waited for this connect asks again

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def validated(extras: dict[str, Any] | None) -> SessionOptions:
    """The plugin's extras as SessionOptions; InventoryError naming each unsafe or missing setting."""
    try:
        return SessionOptions.model_validate(extras or {})
    except ValidationError as exc:
        found = problems_of(exc, SessionOptions, lambda key: ("defaults.yaml", WHERE.get(key, key)))
        raise InventoryError([InventoryProblem(*problem) for problem in found]) from None


def shared_session(
    pool: ClientPool, *, name: str, parameters: dict[str, Any], shell_timeout: float, wait: float
) -> Session | Ticket:
    """A session on a connection ``pool`` holds for these parameters; or the ticket to connect anew (none with
    room, or its channel would not open: that connection lends no more)."""
    taken = pool.take(pool_key(parameters), wait=wait)
    if isinstance(taken, Ticket):
        return taken
    try:
        channel = start_shell(taken.client, timeout=shell_timeout, shared=True)
    except Exception:
        pool.give_back(taken, broken=True)
        return Ticket(pool_key(parameters), owner=False)
    return Session(
        host=name, client=taken.client, channel=channel, release=lambda broken: pool.give_back(taken, broken)
    )


def connect(
    *,
    name: str,
    parameters: dict[str, Any],
    shell_timeout: float,
    pool: ClientPool | None = None,
    ticket: Ticket | None = None,
) -> Session:
    """Connect as netmiko would (its client, its connect parameters), then start the session's shell; with
    ``pool``, the connection is lent to later sessions with the same parameters (``ticket``: the pool's leave to
    connect, given back whatever happens)."""
    from netmiko import ConnectHandler

    netmiko = ConnectHandler(**parameters, auto_connect=False)
    arguments = netmiko._connect_params_dict()
    # netmiko's client, with the known hosts the extras say, each file parsed once per process (.known_hosts)
    client = build_client(netmiko, hostname=arguments["hostname"], port=arguments["port"])
    client.set_missing_host_key_policy(RefuseUnknownHost())  # ssh_strict's refusal, with a type of its own
    sock = arguments.get("sock")
    try:
        if sock is None:  # no ProxyCommand from an ssh_config: the TCP connection is ours to tune (.tcp)
            sock = arguments["sock"] = tcp_connection(netmiko.host, netmiko.port, timeout=netmiko.conn_timeout)
        client.connect(**arguments)
        channel = start_shell(client, timeout=shell_timeout)
    except BaseException:
        client.close()
        if isinstance(sock, socket.socket):
            sock.close()
        if pool is not None and ticket is not None:
            pool.abandon(ticket)
        raise
    if pool is None:
        return Session(host=name, client=client, channel=channel)
    lent = pool.add(ticket or Ticket(pool_key(parameters), owner=False), client)
    return Session(host=name, client=client, channel=channel, release=lambda broken: pool.give_back(lent, broken))


def start_shell(client: Any, *, timeout: float, shared: bool = False) -> Any:
    """An exec channel running the session's shell, stderr merged. paramiko waits for the host's answer to an
    exec request without a bound: a timer closes the connection if it does not come within ``timeout`` (on a
    ``shared`` connection, only the channel: the connection's other sessions go on)."""
    transport = client.get_transport()
    expired = threading.Event()
    opened: list[Any] = []

    def expire() -> None:
        expired.set()
        if not shared:
            transport.close()
        for channel in opened:
            channel.close()

    timer = threading.Timer(timeout, expire)
    timer.daemon = True
    timer.start()
    try:
        channel = transport.open_session(timeout=timeout)
        opened.append(channel)
        channel.set_combine_stderr(True)
        channel.exec_command(SHELL)
    except Exception as exc:
        if expired.is_set():
            raise TimeoutError(f"no shell within {timeout:.0f} s") from exc
        raise
    finally:
        timer.cancel()
    if expired.is_set():
        raise TimeoutError(f"no shell within {timeout:.0f} s")
    return channel


MIN_CONNECT_BOUND = 0.1


def session_of(task: Task, *, connect_within: float | None = None) -> Session | TerminalSession:
    """The task's host's session, opened on first use (and again after a failure broke it), through the plugin,
    with netmiko's parameters and the run-wide settings (:func:`~ospf_failover.inventory.session_options`).

    ``connect_within``: what is left of the run for this host's work; a session opened now waits for the TCP
    connect, the banner and the authentication no longer than that (each of the inventory's bounds is cut to it).
    """
    host = task.host
    plugin = host.connections.get(SESSION)
    if plugin is not None:
        session = plugin.connection
        if isinstance(session, Session | TerminalSession) and not session.broken:
            return session
        host.close_connection(SESSION)
    if SESSION not in ConnectionPluginRegister.available:  # a Nornir built without InitNornir's auto_register
        ConnectionPluginRegister.register(SESSION, SessionPlugin)
    parameters = session_options(host).dict()
    if connect_within is not None:
        netmiko = dict(parameters["extras"].get("netmiko") or {})
        for bound in CONNECT_BOUNDS:
            if bound in netmiko:
                netmiko[bound] = max(MIN_CONNECT_BOUND, min(float(netmiko[bound]), connect_within))
        parameters["extras"] = {**parameters["extras"], "netmiko": netmiko}
    opened = host.open_connection(SESSION, configuration=task.nornir.config, **parameters)
    session = opened.connection
    assert isinstance(session, Session | TerminalSession)  # what SessionPlugin.open sets
    return session
