"""The check runbook: ``plan`` (who is read for which facts), ``observe`` (the reading, shared with ``status``),
``judges`` and ``readiness`` (the judges, pure, over the shapes of ``findings``), ``checks`` (the table of checks),
``run``."""
