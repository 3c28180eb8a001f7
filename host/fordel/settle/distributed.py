"""A portfolio on a Dask cluster: each property is one task running the same
portfolio.settle_property that `fordel settle` runs locally.

Why Dask (dask.distributed) rather than Ray: the unit of work is a plain Python function
over a folder, and Dask's Client is a futures executor of exactly that shape (client.map /
submit, like concurrent.futures); it is pure Python on PyPI, its LocalCluster starts a
cluster of worker processes inside a test, and a real cluster is `dask scheduler` plus
`dask worker ADDRESS` on each machine. Ray brings a large native runtime (raylet, object
store, GCS) for actor and GPU workloads this job does not have.

The workers must see the property folders and the output folder at the same paths (a
shared file system); each task writes its property's outputs itself and returns only its
PropertySummary. Statements inside a task are rendered by one process (the cluster's
workers are the parallelism). dask[distributed] is an optional dependency:
`pip install 'fordel[distributed]'`.

    from dask.distributed import LocalCluster
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster:
        summaries = settle_on_dask(folders, "out", cluster.scheduler_address)
"""
from pathlib import Path

from . import portfolio


def settle_on_dask(folders, out, scheduler, period=None):
    """Settle `folders` as tasks on the Dask scheduler at `scheduler` (an address or a
    Client); write out/summary.csv; return the summaries in the folders' order."""
    try:
        from dask.distributed import Client
    except ImportError as e:
        raise RuntimeError("--scheduler needs dask.distributed: pip install "
                           "'fordel[distributed]'") from e
    folders = [Path(f).resolve() for f in folders]
    outs = portfolio.output_folders(folders, Path(out).resolve())
    own = not isinstance(scheduler, Client)
    client = Client(scheduler) if own else scheduler
    try:
        futures = client.map(portfolio.settle_property, [str(f) for f in folders],
                             [str(o) for o in outs], period=period, pure=False)
        summaries = client.gather(futures)
    finally:
        if own:
            client.close()
    portfolio.write_summary(summaries, out)
    return summaries
