"""ospf-failover as a Salt extension: ``check`` and ``backup`` across sites, one minion per site.

The master holds the whole inventory; each failover group names the minion that serves it (its ``minion`` key,
on the group or its site group). :mod:`.slices` cuts the inventory into one SimpleInventory per minion, which the
master's file server hands out. On a minion the execution module ``ospf_failover`` runs the project's own
command over its slice (:mod:`.minion`); on the master the runner ``ospf_failover`` fans out to the minions,
waits with a bound (:mod:`.fanout`) and merges their documents into one (:mod:`.merge`).

Salt's loader finds the two modules through the ``salt.loader`` entry point (:func:`.loader.loader_dirs`).
Nothing here imports Salt except :mod:`.fanout` and the loader modules, so slicing and merging work without it.
"""
