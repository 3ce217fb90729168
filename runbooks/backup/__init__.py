"""The backup runbook: ``plan`` (which hosts, the pair drift judge), ``run`` (fetch, store, commit) and
``history`` (a host's versions)."""
