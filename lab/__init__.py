"""The rehearsal lab: real FRR routers and OpenSSH servers in Linux network namespaces."""
