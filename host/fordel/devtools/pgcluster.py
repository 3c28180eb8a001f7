"""A throwaway PostgreSQL cluster for the storage tests: Debian's postgresql (installed with
apt-get when absent and we are root), initdb + pg_ctl in a temporary folder on a free
loopback port, stopped and removed after. The tests run it without fsync (speed; a test
never loses power); the bench runs it durable (`Cluster(durable=True)`: PostgreSQL's own
defaults, fsync and synchronous_commit on), as a production server runs. When it cannot
run, `start()` raises ClusterUnavailable saying why, and the tests that need it FAIL with
that reason."""
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time

from .ingestproc import free_port


class ClusterUnavailable(RuntimeError):
    pass


def _bindir():
    found = shutil.which("pg_ctl")
    if found:
        return os.path.dirname(os.path.realpath(found))
    cands = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return os.path.dirname(cands[-1]) if cands else None


def _install():
    if os.geteuid() != 0:
        raise ClusterUnavailable("PostgreSQL is not installed and we are not root to "
                                 "apt-get install postgresql")
    for step in (["apt-get", "install", "-y", "-q", "postgresql"],
                 ["apt-get", "update", "-q"],
                 ["apt-get", "install", "-y", "-q", "postgresql"]):
        p = subprocess.run(step, capture_output=True, text=True,
                           env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
        if p.returncode == 0 and step[1] == "install":
            return
    raise ClusterUnavailable("apt-get install postgresql failed: %s" % p.stderr[-500:])


class Cluster:
    def __init__(self, durable=False):
        self.durable = durable
        self.dir = None
        self.bindir = None
        self.user = None
        self.url = None

    def _run(self, *args):
        cmd = [os.path.join(self.bindir, args[0]), *args[1:]]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--"] + cmd
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if p.returncode:
            raise ClusterUnavailable("%s failed (%d): %s" % (args[0], p.returncode,
                                                             (p.stderr or p.stdout)[-800:]))
        return p

    def start(self):
        self.bindir = _bindir()
        if self.bindir is None:
            _install()
            self.bindir = _bindir()
            if self.bindir is None:
                raise ClusterUnavailable("postgresql installed but no pg_ctl found")
        self.dir = tempfile.mkdtemp(prefix="fordel-pg-")
        if os.geteuid() == 0:          # initdb refuses root: the cluster runs as postgres
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                raise ClusterUnavailable("running as root and there is no postgres user")
            self.user = "postgres"
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        data = os.path.join(self.dir, "data")
        port = free_port()
        self._run("initdb", "-D", data, "-A", "trust", "-U", "fordel", "--no-sync",
                  "-E", "UTF8", "--locale=C")
        fast = "" if self.durable else \
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
        self._run("pg_ctl", "-D", data, "-l", os.path.join(self.dir, "log"), "-w", "-t", "60",
                  "-o", "-p %d -k %s -c listen_addresses=127.0.0.1 %s-c max_connections=200"
                  % (port, self.dir, fast), "start")
        self.url = "postgresql://fordel@127.0.0.1:%d/postgres" % port
        return self.url

    def stop(self):
        if self.dir is None:
            return
        try:
            self._run("pg_ctl", "-D", os.path.join(self.dir, "data"), "-m", "immediate",
                      "-w", "stop")
        except ClusterUnavailable:
            pass
        time.sleep(0.1)
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None
