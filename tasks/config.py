"""Fetch a router's configuration: the running configuration and the files it is made from."""

from __future__ import annotations

from nornir.core.task import Result, Task

from ospf_failover.tasks.router_state import checked_vtysh_output
from ospf_failover.tasks.shell import run_batch, vtysh_command

SUITE_FILES = {
    "frr": ("/etc/frr/frr.conf", "/etc/frr/daemons"),
    "quagga": ("/etc/quagga/zebra.conf", "/etc/quagga/ospfd.conf"),
}


def fetch_config(task: Task, *, nics: tuple[str, ...] = ()) -> Result:
    """Fetch ``show running-config`` and the routing suite's files, plus each NIC's config file where it exists.

    The NIC files come from the host's ``nic_config_file`` template (e.g. CentOS's ifcfg-{nic}); a file that
    does not exist on the router is left out, not an error.

    Result: ``result`` maps a name (``running-config`` or the file's path) to its text; ``changed`` is False.
    """
    host = task.host
    suite = str(host.get("routing_suite", "frr"))
    files = list(SUITE_FILES.get(suite, ()))
    template = host.get("nic_config_file")
    if template:
        files += [str(template).format(nic=nic) for nic in nics]
    commands = [vtysh_command(str(host.get("vtysh", "vtysh")), "show running-config")]
    commands += [f"test -f {path} && cat {path}" for path in files]
    outputs = run_batch(task, commands)
    fetched = {"running-config": checked_vtysh_output(host.name, outputs[0])}
    for path, output in zip(files, outputs[1:], strict=True):
        if output.exit_status == 0:
            fetched[path] = output.output
    return Result(host=host, result=fetched, changed=False)
