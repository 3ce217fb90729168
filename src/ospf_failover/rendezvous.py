"""Concurrent switches on one machine meet here: the first becomes the leader and runs the others' groups in its
own process; each of the others hands its request over and waits, cheaply, for its own group's lines and exit code.

When a node dies, ECX starts every group of that node on the survivor at once, each through its own start.sh: one
``switch`` process per group. Each of them alone would start Python with Nornir, netmiko and pydantic, and open its
own SSH sessions. Here the first one (the leader) binds an abstract Unix socket whose name says what it can serve
(:func:`meeting_key`: same user, machine name, inventory, lock directory, PATH and program); a process that finds
the name taken connects to it as a follower, sends its request (:class:`Request`) and prints what comes back as it
comes: its own ``[I]/[W]/[E]`` lines, its JSON document, its exit code, exactly as if it had run alone.

Abstract socket names belong to a network namespace and vanish with the process that bound them: a leader that
dies leaves nothing behind, and the lab's nodes (each its own namespace) never meet each other's processes.

Everything is bounded: a follower waits at most :data:`ACCEPT_WAIT` for the leader to take its request, and falls
back to running alone when the leader declines, dies or goes quiet; once taken, it waits no longer than its own
``--timeout`` (plus the watchdog's grace), as a run alone would. This module imports nothing heavy: a follower
never loads Nornir, netmiko or pydantic.

Messages are JSON lines. Follower to leader: one request. Leader to follower: ``{"accepted": true}`` or
``{"declined": why}``, then ``{"stdout": text}`` / ``{"stderr": text}`` as the run draws, and last
``{"exit": code}``.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, TextIO

ALONE_ENV = "OSPF_FAILOVER_ALONE"  # "1": never meet another switch (run alone, as before this existed)
ACCEPT_WAIT = 10.0  # seconds a follower waits for a busy leader to take its request before running alone
REQUEST_WAIT = 2.0  # seconds a leader waits for a connected follower's request
LISTEN_BACKLOG = 512  # followers waiting to be accepted (a node's groups arrive at once)
MAX_LINE = 1 << 20  # bytes of one message: a request, or a run's JSON document
ATTEMPTS = 3  # tries at binding or joining the meeting point before a process runs alone
CLOSE_WAIT = 1.0  # seconds a closing leader waits for its accepting thread to let the meeting point go


@dataclass(frozen=True)
class Request:
    """What a follower hands over: its command line's values and what a run takes from its process (ECX's
    environment, when the command started)."""

    fog: str
    inventory: str  # absolute: the leader's working directory is not the follower's
    node: str | None = None
    dry_run: bool = False
    as_json: bool = False
    timeout: float = 0.0
    verify: str = "fail"
    started: float | None = None  # time.monotonic() of the follower's start (one clock for the whole machine)
    environ: dict[str, str] = field(default_factory=dict)  # ECX's CLP_* variables
    pid: int = 0
    meeting: str = ""  # the follower's meeting key: a leader of another key declines the request

    def to_line(self) -> bytes:
        return json.dumps({"request": asdict(self)}).encode() + b"\n"

    @classmethod
    def from_message(cls, message: Mapping[str, Any]) -> Request:
        """The request in a follower's first message; ValueError when it is not one."""
        body = message.get("request")
        if not isinstance(body, dict) or not isinstance(body.get("fog"), str):
            raise ValueError("not a switch request")
        known = {name: body[name] for name in cls.__dataclass_fields__ if name in body}
        environ = known.get("environ", {})
        if not isinstance(environ, dict) or not all(isinstance(v, str) for v in environ.values()):
            raise ValueError("the request's environment is not a mapping of strings")
        return cls(**known)


def ecx_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """What a run reads of its process's environment: ECX's CLP_* variables."""
    return {key: value for key, value in environ.items() if key.startswith("CLP_")}


def meeting_key(*, inventory: str, lock_dir: str, environ: Mapping[str, str] | None = None) -> str:
    """What switches that may run in one process have in common: the same user, machine name (the cluster
    node), inventory, lock directory, PATH (clplogcmd) and program."""
    env = os.environ if environ is None else environ
    return json.dumps([os.getuid(), socket.gethostname(), inventory, lock_dir, env.get("PATH", ""), sys.executable])


def meeting_point(key: str) -> bytes:
    """The abstract socket address of ``key``'s switches. Two checksums of the key make the name short (no
    hashing library: a follower stays small); a leader also compares the whole key of each request."""
    data = key.encode()
    return b"\0ospf-failover-switch-%08x%08x" % (zlib.crc32(data), zlib.adler32(data))


def coordination_wanted(environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return env.get(ALONE_ENV, "") not in ("1", "yes", "true")


class Lines:
    """A connection's messages, one JSON object per line, read with a bound."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._buffer = b""

    def next(self, timeout: float) -> dict[str, Any] | None:
        """The next message; None at the end of the connection, or when ``timeout`` passes first."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or len(self._buffer) > MAX_LINE:
                return None
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except (TimeoutError, OSError):
                return None
            if not chunk:
                return None
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            message = json.loads(line)
        except ValueError:
            return None
        return message if isinstance(message, dict) else None


class Outlet:
    """The leader's end of one follower: messages sent whole, from any thread; after the exit code, or once the
    follower is gone, nothing more is sent."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._lock = threading.Lock()
        self.closed = False

    def send(self, message: Mapping[str, Any]) -> bool:
        data = json.dumps(message).encode() + b"\n"
        with self._lock:
            if self.closed:
                return False
            try:
                self.sock.settimeout(REQUEST_WAIT)
                self.sock.sendall(data)
            except OSError:
                self.closed = True
                return False
            if "exit" in message:
                self.closed = True
                with contextlib.suppress(OSError):
                    self.sock.shutdown(socket.SHUT_RDWR)
                self.sock.close()
            return True

    def stream(self, name: str) -> OutletStream:
        return OutletStream(self, name)


class OutletStream:
    """A text stream (``print(..., file=...)``) whose writes go to the follower as ``{name: text}``."""

    def __init__(self, outlet: Outlet, name: str) -> None:
        self.outlet, self.name = outlet, name

    def write(self, text: str) -> int:
        if text:
            self.outlet.send({self.name: text})
        return len(text)

    def flush(self) -> None:
        return None

    def isatty(self) -> bool:
        return False


Serve = Callable[[Request, Outlet], None]


class Leader:
    """The meeting point held: followers' requests are taken, each served on a thread of its own by ``serve``,
    until :meth:`close`."""

    def __init__(self, listener: socket.socket, serve: Serve | None = None, *, key: str = "") -> None:
        self.listener = listener
        self.key = key
        self.serve = serve
        self.waiting: list[tuple[Request, Outlet]] = []  # taken before there was anyone to serve them
        self.serving: list[threading.Thread] = []
        self.deadlines: list[float] = []  # when each follower's run must end at the latest
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._accepting = threading.Thread(target=self._accept, name="rendezvous", daemon=True)
        self._accepting.start()

    @classmethod
    def bind(cls, address: bytes, *, key: str = "") -> Leader | None:
        """The leader, when ``address`` is free; None when another process holds it. ``key``: the meeting key
        requests must have (empty: any)."""
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(address)
            listener.listen(LISTEN_BACKLOG)
        except OSError:
            listener.close()
            return None
        return cls(listener, key=key)

    def start_serving(self, serve: Serve) -> None:
        """Serve the requests taken so far, and every later one, with ``serve``."""
        with self._lock:
            self.serve = serve
            waiting, self.waiting = self.waiting, []
        for request, outlet in waiting:
            self._start(request, outlet)

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._take, args=(sock,), name="rendezvous-request", daemon=True).start()

    def _take(self, sock: socket.socket) -> None:
        outlet = Outlet(sock)
        message = Lines(sock).next(REQUEST_WAIT)
        try:
            request = Request.from_message(message or {})
        except (TypeError, ValueError) as exc:
            outlet.send({"declined": str(exc)})
            outlet.send({"exit": 2})
            return
        if self.key and request.meeting != self.key:
            outlet.send({"declined": "another inventory, lock directory, PATH or program"})
            return
        with self._lock:
            if self._closed.is_set():
                outlet.send({"declined": "the leader has finished"})
                return
            self.deadlines.append(deadline_of(request))
            if self.serve is None:
                self.waiting.append((request, outlet))
                outlet.send({"accepted": True})
                return
        outlet.send({"accepted": True})
        self._start(request, outlet)

    def _start(self, request: Request, outlet: Outlet) -> None:
        serve = self.serve
        assert serve is not None
        thread = threading.Thread(target=serve, args=(request, outlet), name=f"switch {request.fog}", daemon=True)
        with self._lock:
            self.serving.append(thread)
        thread.start()

    def close(self) -> None:
        """Take no more requests: the meeting point is free for the next process."""
        with self._lock:
            self._closed.set()
            waiting, self.waiting = self.waiting, []
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread, which holds the socket
        if self._accepting is not threading.current_thread():
            self._accepting.join(CLOSE_WAIT)  # until it lets go, the name is not free for the next process
        self.listener.close()
        for _, outlet in waiting:  # taken but never served (no serve given): they run alone
            outlet.send({"declined": "the leader has finished"})

    def finish(self, grace: float) -> None:
        """Close, then wait for the followers' runs, each no longer than its deadline plus ``grace``."""
        self.close()
        with self._lock:
            threads = list(self.serving)
            latest = max(self.deadlines, default=time.monotonic())
        for thread in threads:
            thread.join(max(0.0, latest + grace - time.monotonic()))


def deadline_of(request: Request) -> float:
    origin = request.started if request.started is not None else time.monotonic()
    return origin + request.timeout


@dataclass
class Followed:
    """How following ended: the leader's exit code, or None when the follower must run alone (``why``)."""

    exit_code: int | None
    why: str = ""
    printed: bool = False  # the leader's lines were printed before it went away


def follow(
    address: bytes,
    request: Request,
    *,
    give_up_at: float,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    accept_wait: float = ACCEPT_WAIT,
) -> Followed:
    """Hand ``request`` to the leader at ``address`` and print what comes back, until its exit code or
    ``give_up_at`` (time.monotonic()). ``Followed(None)``: nobody took it, or the leader went away first."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(min(accept_wait, max(0.05, give_up_at - time.monotonic())))
        try:
            sock.connect(address)
            sock.sendall(request.to_line())
        except OSError as exc:
            return Followed(None, f"no leader ({exc.strerror or exc})")
        lines = Lines(sock)
        answer = lines.next(min(accept_wait, max(0.05, give_up_at - time.monotonic())))
        if answer is None or not answer.get("accepted"):
            why = str(answer.get("declined", "declined")) if answer else "the leader did not answer in time"
            return Followed(None, why)
        printed = False
        while True:
            message = lines.next(max(0.0, give_up_at - time.monotonic()))
            if message is None:
                late = time.monotonic() >= give_up_at
                return Followed(None, "the leader is too slow" if late else "the leader went away", printed)
            if "exit" in message:
                code = message["exit"]
                return Followed(code if isinstance(code, int) else 1, printed=printed)
            for name, stream in (("stdout", out), ("stderr", err)):
                text = message.get(name)
                if isinstance(text, str):
                    stream.write(text)
                    stream.flush()
                    printed = True
    finally:
        sock.close()


@dataclass
class Meeting:
    """A process's place at the meeting point: leading (``leader``), or done following (``followed``), or
    neither (run alone)."""

    leader: Leader | None = None
    followed: Followed | None = None


def meet(
    address: bytes,
    request: Request,
    *,
    give_up_at: float,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> Meeting:
    """Lead (the address was free) or follow the process that leads; a few tries, then alone."""
    followed: Followed | None = None
    for _ in range(ATTEMPTS):
        leader = Leader.bind(address, key=request.meeting)
        if leader is not None:
            return Meeting(leader=leader)
        followed = follow(address, request, give_up_at=give_up_at, stdout=stdout, stderr=stderr)
        if followed.exit_code is not None or followed.printed or time.monotonic() >= give_up_at:
            return Meeting(followed=followed)
    return Meeting(followed=followed)


@contextlib.contextmanager
def leading(meeting: Meeting, grace: float) -> Iterator[Leader | None]:
    """While a leader's own run goes on its followers are served; when it ends, they are waited for (bounded)."""
    try:
        yield meeting.leader
    finally:
        if meeting.leader is not None:
            meeting.leader.finish(grace)
