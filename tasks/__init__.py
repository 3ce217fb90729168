"""Nornir tasks: one typed function per module, each returning a nornir Result."""
