"""ppid-gateway: one GraphQL gateway over the PPID services of every Banten OPD.

The running service: configuration, the app factory, the CLI, the federation
engine. ``gateway`` never imports Strawberry; the schema lives in ``schema``.
"""

__version__ = "0.1.0"
