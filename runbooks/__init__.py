"""Runbooks: tasks chained into the jobs operators run (switch, release, ...)."""
