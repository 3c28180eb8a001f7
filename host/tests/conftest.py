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


@pytest.fixture(params=["sqlite", "postgresql"])
def db_target(request, tmp_path):
    """The storage tests run on both databases: a SQLite file, then the throwaway
    PostgreSQL cluster (pg_url) with the ingest tables dropped."""
    from fordel.devtools.ingestproc import storage_target
    url = request.getfixturevalue("pg_url") if request.param == "postgresql" else None
    return storage_target(request.param, tmp_path, url)
