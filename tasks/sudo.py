"""A command's output that is sudo refusing it, as the error that names the command (pure)."""

from __future__ import annotations

from ospf_failover.errors import PrivilegeError
from ospf_failover.parsers.sudo import sudo_refusal
from ospf_failover.privileges import sudo_commands

from .shell import CommandOutput


def sudo_refused(host: str, output: CommandOutput) -> PrivilegeError | None:
    """The PrivilegeError of ``output`` when sudo refused its command (None otherwise). It names the command as
    sudo would have run it, so that the rule that is missing can be read from it."""
    if output.exit_status == 0:
        return None
    refusal = sudo_refusal(output.output)
    if refusal is None:
        return None
    given = sudo_commands(output.command)
    return PrivilegeError(
        host=host,
        command=output.command,
        output=output.output,
        exit_status=output.exit_status,
        refused=given[0] if given else output.command,
        refusal=refusal,
    )
