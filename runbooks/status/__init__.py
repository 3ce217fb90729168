"""The status command: one failover group drawn from the check's reads and judges."""
