"""Salt runners (Salt's loader reads this folder; see ospf_failover.salt.loader)."""
