"""The check runbook: ``plan`` (who is read for what), ``judges`` and ``readiness`` (the checks, pure), ``run``."""
