"""Fetch a router's configuration: the running configuration and the files it is made from."""

from __future__ import annotations

import shlex

from nornir.core.task import Result, Task

from ospf_failover.errors import CommandFailed
from ospf_failover.inventory import host_view
from ospf_failover.parsers.nic_config import nic_config_paths

from .router_state import checked_vtysh_output
from .shell import ABSENT, read_file_command, run_batch, vtysh_command
from .sudo import sudo_refused

# Files of each routing suite; a pattern is expanded on the router.
SUITE_FILES = {
    "frr": ("/etc/frr/frr.conf", "/etc/frr/daemons", "/etc/frr/*.conf"),
    "quagga": ("/etc/quagga/*.conf",),
}


def fetch_config(task: Task, *, nics: tuple[str, ...] = (), known: tuple[str, ...] = ()) -> Result:
    """Fetch ``show running-config``, the routing suite's files and each NIC's config file where it exists.

    The NIC files come from the host's ``nic_config_file`` template (e.g. CentOS's ifcfg-{nic}, then its
    keys-{nic}, where network-scripts keep the WPA/WEP keys: see :func:`nic_config_paths`). ``known``: files
    read before (an earlier backup's), listed by name as well, so that a pattern the shell cannot expand (a
    directory it may not list) does not make them look gone. A file that does not exist is left out; one that
    exists but cannot be read raises CommandFailed (a backup must not silently miss a file), PrivilegeError when
    sudo refuses it. Files are printed by the host's ``read_file`` (``sudo -n /usr/bin/cat {path}`` for an
    unprivileged login). Two round trips: list the files, then read them all.

    Result: ``result`` maps a name (``running-config`` or the file's path) to its text; ``changed`` is False.
    """
    host = task.host
    view = host_view(host)
    patterns = list(SUITE_FILES.get(view.routing_suite or "", ()))
    if view.nic_config_file:
        patterns += nic_config_paths(view.nic_config_file, nics)  # a template may hold a pattern: not quoted
    patterns += [shlex.quote(path) for path in known]
    listing = run_batch(task, [f"ls -1d {' '.join(patterns)} 2>/dev/null"])[0].output
    files = sorted({line.strip() for line in listing.splitlines() if line.strip().startswith("/")})
    commands = [vtysh_command(view.vtysh, "show running-config")]
    commands += [read_file_command(path, view.read_file) for path in files]
    outputs = run_batch(task, commands)
    fetched = {"running-config": checked_vtysh_output(host.name, outputs[0])}
    for path, output in zip(files, outputs[1:], strict=True):
        refused = sudo_refused(host.name, output)
        if refused is not None:
            raise refused
        if output.exit_status == 0:
            fetched[path] = output.output
        elif output.exit_status != ABSENT:
            raise CommandFailed(
                host=host.name, command=output.command, output=output.output, exit_status=output.exit_status
            )
    return Result(host=host, result=fetched, changed=False)
