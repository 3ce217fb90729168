"""The release runbook (ECX's stop.sh): ``plan`` (pure) and ``run``."""
