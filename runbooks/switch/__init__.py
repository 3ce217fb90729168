"""The switch runbook (ECX's start.sh) and the verify command, which is the switch without its changes:
``plan`` (pure), ``judges`` of the state after it (``shared.judges``), ``verify`` (polling), ``run`` (the steps)."""
