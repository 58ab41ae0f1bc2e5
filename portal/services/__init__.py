"""What the portal does, one module per job, shared by the HTTP routes (portal/routes/) and the command line (portal/cli.py).

Every function takes an open session (one transaction) and returns plain values; the routes turn an
`Outcome` into an HTTP answer. Nothing here logs personal data: logs name dossiers by UUID and code.
Every module logs as `portal.service`, the name of the one module this package was split from, so log
lines (and whatever filters or alerts match them) are the same as before.
"""
