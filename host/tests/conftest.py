import pathlib
import subprocess
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))


@pytest.fixture(scope="session")
def pg_url():
    """URL of a throwaway PostgreSQL cluster (fordel/devtools/pgcluster.py); the test fails
    saying why when the cluster cannot run."""
    from fordel.devtools.pgcluster import Cluster, ClusterUnavailable
    cluster = Cluster()
    try:
        url = cluster.start()
    except (ClusterUnavailable, OSError, subprocess.SubprocessError) as e:
        cluster.stop()
        pytest.fail("PostgreSQL storage tests cannot run: %s" % e, pytrace=False)
    yield url
    cluster.stop()
