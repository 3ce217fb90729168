"""Pure parsers of device output: text in, declared shapes (ospf_failover.models) out, no I/O."""
