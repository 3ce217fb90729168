"""The check runbook: ``plan`` (who is read for what), ``observe`` (the reading, shared with ``status``), ``judges``
and ``readiness`` (the checks, pure), ``run``."""
