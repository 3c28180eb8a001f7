"""`fordel ingest` as its own process on a free loopback port (as deployed), for the tests
and the bench; and the database targets the storage tests run against."""
import signal
import socket
import subprocess
import sys
import time


class IngestDidNotStart(RuntimeError):
    pass


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_ingest(db, collectors, port, rate=1000, workers=1, extra=(), timeout=30):
    """Popen of `fordel ingest` once it listens on 127.0.0.1:port; IngestDidNotStart with
    its error output when it exits or does not listen within `timeout` s."""
    p = subprocess.Popen([sys.executable, "-m", "fordel.cli", "ingest", "--db", db,
                          "--collectors", str(collectors), "--host", "127.0.0.1",
                          "--port", str(port), "--rate", str(rate), "--workers", str(workers),
                          *extra], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            if workers > 1:
                _wait_workers_started(p.pid, workers, deadline)
            return p
        except OSError:
            if p.poll() is not None:
                raise IngestDidNotStart("ingest did not start: %s" % p.stderr.read().decode())
            time.sleep(0.1)
    p.kill()
    raise IngestDidNotStart("ingest did not listen on %d within %d s" % (port, timeout))


def child_pids(pid):
    """Every process below pid (children, grandchildren...)."""
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            kids = [int(x) for x in f.read().split()]
    except OSError:
        return []
    return kids + [g for k in kids for g in child_pids(k)]


def worker_pids(pid):
    """The server processes `fordel ingest --workers N` started (uvicorn's supervisor spawns
    them with multiprocessing; its resource tracker is not one)."""
    out = []
    for k in child_pids(pid):
        try:
            with open("/proc/%d/cmdline" % k, "rb") as f:
                if b"multiprocessing.spawn" in f.read():
                    out.append(k)
        except OSError:
            pass
    return out


def _cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def _wait_workers_started(pid, workers, deadline):
    """The socket listens as soon as the supervisor binds it, before its workers are up:
    connections opened then all go to the first worker that is. Wait until the workers
    exist and their CPU time stood still for 0.3 s (imports and start-up done)."""
    last = None
    while time.monotonic() < deadline:
        pids = worker_pids(pid)
        try:
            ticks = [_cpu_ticks(k) for k in pids]
        except OSError:
            ticks = None
        if len(pids) == workers and ticks and ticks == last:
            return
        last = ticks
        time.sleep(0.3)
    raise IngestDidNotStart("%d ingest workers not started" % workers)


def stop_ingest(p, timeout=15):
    """SIGINT (a graceful stop), SIGKILL if it has not ended after `timeout` s."""
    if p.poll() is None:
        p.send_signal(signal.SIGINT)
    try:
        p.wait(timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait(5)


def storage_target(kind, tmp_path, pg_url=None):
    """A fresh database for one storage test: a SQLite file in tmp_path, or the throwaway
    PostgreSQL cluster's database with the ingest tables dropped."""
    if kind == "sqlite":
        return str(tmp_path / "r.sqlite")
    from fordel.ingest.pg import reset_for_tests
    reset_for_tests(pg_url)
    return pg_url
