"""The ``ospf-failover`` command line, all of it in this package: one module per command family.

``command_line`` holds the parser, ``main`` (errors to exit codes) and ``script``, the ``ospf-failover``
script's entry point (``main``, then out without Python's finalization: ``leaving``; a failover command's
start-up without the cyclic collector: ``startup``); ``runbooks`` (switch, release, verify, check, status),
``backup``, ``inventory``, ``parse`` and ``slices`` each add their subcommands with ``register(subparsers)``;
``arguments`` holds the argument types and ``loading`` the inventory's loading for a runbook. The rehearsal
lab's commands live with the lab (``ospf_failover_lab.cli``) and are loaded only for ``ospf-failover lab ...``.
"""
