"""The test session's throwaway PostgreSQL cluster: the code lives in portal/devcluster.py (bench/ingest.py uses it too)."""

from portal.devcluster import (  # noqa: F401 - re-exported for tests/conftest.py and the cluster's own tests
    SERVER_SETTINGS,
    TEMPLATE,
    ClusterFailed,
    PgCluster,
    server_bindir,
)
