"""The cache layer: our small key-value protocol with aiocache behind it (memory or Redis).

Nothing is cached yet: every query reads the OPDs. The protocol, TTL policy,
single-flight and stale-while-revalidate live here when they are built.
"""
