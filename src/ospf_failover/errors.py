"""The one exception tree of ospf-failover.

Every error the tool raises on purpose derives from :class:`OspfFailoverError`. Subclasses also inherit the
builtin they mean (a timeout is a ``TimeoutError``), carry the data an operator needs (host, command, output)
and a process exit code, which the command line uses. Third-party errors are wrapped with ``raise ... from``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_NOT_VERIFIED = 3


class OspfFailoverError(Exception):
    """Root of every error ospf-failover raises on purpose."""

    exit_code: int = EXIT_FAILED


class InputError(OspfFailoverError, ValueError):
    """Bad input: arguments, files or command output the tool refuses to act on."""

    exit_code = EXIT_BAD_INPUT


@dataclass(frozen=True)
class InventoryProblem:
    """One problem found in an inventory: where it is and what to do about it."""

    file: str
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.message}"


SHOWN_NAMES = 10  # names an error lists before it counts the rest


def names_text(names: Iterable[str], *, shown: int = SHOWN_NAMES) -> str:
    """``a, b, c`` for a few names; ``a, b, ... j and 990 more`` for many: a one-line error stays readable
    over a thousand failover groups."""
    listed = list(names)
    if len(listed) <= shown:
        return ", ".join(listed)
    return f"{', '.join(listed[:shown])} and {len(listed) - shown} more"


class InventoryError(InputError):
    """The inventory is invalid; ``problems`` lists every problem found, not only the first."""

    def __init__(self, problems: list[InventoryProblem]) -> None:
        self.problems = problems
        count = len(problems)
        first = str(problems[0]) if problems else "no details"
        more = f" (and {count - 1} more)" if count > 1 else ""
        super().__init__(f"invalid inventory: {first}{more}")


class ParseError(InputError):
    """Device output that a parser does not understand completely; it is refused, never guessed at."""

    def __init__(self, *, kind: str, reason: str, line_number: int | None = None, line: str | None = None) -> None:
        self.kind = kind
        self.reason = reason
        self.line_number = line_number
        self.line = line
        where = f" at line {line_number}" if line_number is not None else ""
        shown = f": {line.strip()!r}" if line is not None else ""
        super().__init__(f"cannot parse {kind} output{where}: {reason}{shown}")


class DeviceError(OspfFailoverError):
    """A command ran on a host and reported failure."""

    def __init__(self, *, host: str, command: str, output: str, reason: str) -> None:
        self.host = host
        self.command = command
        self.output = output
        self.reason = reason
        super().__init__(f"{host}: {command!r}: {reason}")


class VtyshError(DeviceError):
    """vtysh answered with an error text (daemon not running, OSPF not enabled, unknown command...)."""


class CommandFailed(DeviceError):
    """A shell command exited non-zero."""

    def __init__(self, *, host: str, command: str, output: str, exit_status: int) -> None:
        self.exit_status = exit_status
        super().__init__(host=host, command=command, output=output, reason=f"exit status {exit_status}")


SUDO_REFUSES = "sudo refuses"  # how a PrivilegeError names the command, for whoever reads its text


class PrivilegeError(CommandFailed, PermissionError):
    """sudo refused a command the tool runs through it: the login user has no rule for it. ``refused`` is the
    command as sudo would have run it (program and arguments), ``refusal`` sudo's own line."""

    def __init__(self, *, host: str, command: str, output: str, exit_status: int, refused: str, refusal: str) -> None:
        self.refused = refused
        self.refusal = refusal
        super().__init__(host=host, command=command, output=output, exit_status=exit_status)
        self.reason = f"{SUDO_REFUSES} {refused!r} ({refusal}): the login user needs its rule"
        self.args = (f"{host}: {self.reason}",)


class CommandTimeout(DeviceError, TimeoutError):
    """A command did not finish within its timeout (the host answered SSH but not the command)."""


class ClpstatBusy(CommandFailed):
    """clpstat kept answering 'busy' (exit status 9) beyond the retry bound: ``attempts`` runs over ``seconds``
    (None: not counted)."""

    def __init__(
        self,
        *,
        host: str,
        command: str,
        output: str,
        exit_status: int,
        attempts: int | None = None,
        seconds: float | None = None,
    ) -> None:
        self.attempts = attempts
        self.seconds = seconds
        super().__init__(host=host, command=command, output=output, exit_status=exit_status)


class ConnectionFailed(OspfFailoverError, ConnectionError):
    """A host could not be reached or logged into over SSH."""

    def __init__(self, *, host: str, address: str, reason: str) -> None:
        self.host = host
        self.address = address
        self.reason = reason
        super().__init__(f"{host} ({address}): {reason}")


class HostKeyError(ConnectionFailed):
    """The host's SSH host key is unknown or does not match the inventory's known_hosts: never talk to it.

    ``offered_fingerprint``: the SHA256 fingerprint of the key the host offered; ``known_fingerprint``: that of
    the key known_hosts has for it (None when it has none, or when SSH did not say); ``known_hosts``: that file;
    ``key_type``: the offered key's type as ssh-keyscan names it (``ed25519``). The message is one line: the host,
    its address, both fingerprints, that nothing was sent, and what to do (for an unknown host: how to add it).
    """

    def __init__(
        self,
        *,
        host: str,
        address: str,
        reason: str,
        offered_fingerprint: str | None = None,
        known_fingerprint: str | None = None,
        known_hosts: str | None = None,
        key_type: str | None = None,
    ) -> None:
        self.offered_fingerprint = offered_fingerprint
        self.known_fingerprint = known_fingerprint
        self.known_hosts = known_hosts
        self.key_type = key_type
        super().__init__(host=host, address=address, reason=reason)

    def __str__(self) -> str:
        return f"{self.host} ({self.address}): {self.reason}{self.advice()}"

    def advice(self) -> str:
        """What follows the reason: the fingerprints, that nothing was sent, what to do."""
        offered = f"it offers {self.offered_fingerprint}" if self.offered_fingerprint else "its key not shown"
        where = self.known_hosts or "the inventory's known_hosts"
        if self.known_fingerprint is not None:
            return (
                f": {offered}, known_hosts has {self.known_fingerprint}; nothing was sent to it (a rebuilt "
                f"router, or another machine answering at {self.address}): check the key on the router itself "
                f"before replacing its line in {where}"
            )
        kind = self.key_type or "ed25519"
        return (
            f": {offered}; nothing was sent to it; to trust it, compare that with the router's own key "
            f"(ssh-keygen -lf /etc/ssh/ssh_host_{kind}_key.pub on it), then add it: "
            f"ssh-keyscan -t {kind} {self.address} >> {where}"
        )


class ConnectTimeout(ConnectionFailed, TimeoutError):
    """The host did not answer within the connect timeout."""


class AuthenticationFailed(ConnectionFailed, PermissionError):
    """The host refused our SSH key."""


class ConvergenceTimeout(OspfFailoverError, TimeoutError):
    """A polled check did not hold within its bound; ``last`` describes the last difference seen."""

    exit_code = EXIT_NOT_VERIFIED

    def __init__(self, *, what: str, timeout: float, last: str) -> None:
        self.what = what
        self.timeout = timeout
        self.last = last
        super().__init__(f"{what}: not true after {timeout:.1f} s: {last}")


class NotConverging(OspfFailoverError):
    """A polled state that no amount of waiting can mend: each of ``causes`` has lasted ``seconds``, the grace."""

    exit_code = EXIT_NOT_VERIFIED

    def __init__(self, *, causes: tuple[str, ...], seconds: float) -> None:
        self.causes = causes
        self.seconds = seconds
        super().__init__(f"cannot converge: {'; '.join(causes)}")


class LockTimeout(OspfFailoverError, TimeoutError):
    """Another run holds the lock for this failover group for longer than we may wait."""


class BackupStoreError(OspfFailoverError, OSError):
    """The backup directory or its git repository could not be written or read."""


class OutputError(OspfFailoverError, OSError):
    """A report could not be written where it was asked to go (``check --output FILE``)."""


class LabError(OspfFailoverError):
    """The rehearsal lab could not be built, reached or torn down."""
