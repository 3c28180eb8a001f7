"""nginx in front of ingest for the reverse-proxy test: Debian's nginx (apt-get install
nginx-light when absent and we are root), run in the foreground from a temporary prefix with
the documented site file deploy/nginx/fordel-ingest.conf, in which only the listen port,
the certificate paths and the upstream address are replaced. When nginx cannot run,
`start()` raises NginxUnavailable saying why (the test skips with that reason)."""
import os
import re
import shutil
import socket
import subprocess
import time

from fordel.paths import ROOT

SITE = ROOT / "deploy" / "nginx" / "fordel-ingest.conf" if ROOT else None


class NginxUnavailable(RuntimeError):
    pass


def _binary():
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.path.exists(p)), None)


def _install():
    if os.geteuid() != 0:
        raise NginxUnavailable("nginx is not installed and we are not root to apt-get "
                               "install nginx-light")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for step in (["apt-get", "install", "-y", "-q", "nginx-light"],
                 ["apt-get", "update", "-q"],
                 ["apt-get", "install", "-y", "-q", "nginx-light"]):
        p = subprocess.run(step, capture_output=True, text=True, env=env)
        if p.returncode == 0 and step[1] == "install":
            return
    raise NginxUnavailable("apt-get install nginx-light failed: %s" % p.stderr[-500:])


def site_config(port, cert, key, upstream_port):
    """The documented site file with this test's port, certificate and upstream."""
    if SITE is None:
        raise NginxUnavailable("no source checkout: deploy/nginx/ is not installed")
    text = SITE.read_text(encoding="utf-8")
    for pattern, new in ((r"listen 443 ssl;", "listen 127.0.0.1:%d ssl;" % port),
                         (r"ssl_certificate\s+\S+;", "ssl_certificate %s;" % cert),
                         (r"ssl_certificate_key\s+\S+;", "ssl_certificate_key %s;" % key),
                         (r"server 127\.0\.0\.1:8080;", "server 127.0.0.1:%d;" % upstream_port)):
        text, n = re.subn(pattern, new, text)
        if n != 1:
            raise NginxUnavailable("%s: %r found %d times, want once" % (SITE, pattern, n))
    return text


class Nginx:
    def __init__(self, folder):
        self.folder = folder
        self.proc = None
        self.port = None

    def start(self, cert, key, upstream_port):
        binary = _binary()
        if binary is None:
            _install()
            binary = _binary()
            if binary is None:
                raise NginxUnavailable("nginx-light installed but no nginx binary found")
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        for d in ("logs", "tmp"):
            (self.folder / d).mkdir(parents=True, exist_ok=True)
        site = self.folder / "fordel-ingest.conf"
        site.write_text(site_config(self.port, cert, key, upstream_port), encoding="utf-8")
        conf = self.folder / "nginx.conf"
        conf.write_text(
            "%sworker_processes 1;\npid %s/nginx.pid;\nerror_log %s/logs/error.log info;\n"
            "events { worker_connections 256; }\n"
            "http {\n access_log off;\n client_body_temp_path %s/tmp/body;\n"
            " proxy_temp_path %s/tmp/proxy;\n include %s;\n}\n"
            % ("user root;\n" if os.geteuid() == 0 else "", self.folder, self.folder,
               self.folder, self.folder, site), encoding="utf-8")
        test = subprocess.run([binary, "-t", "-p", str(self.folder), "-c", str(conf)],
                              capture_output=True, text=True)
        if test.returncode:
            raise NginxUnavailable("nginx -t refuses the config: %s" % test.stderr[-800:])
        self.proc = subprocess.Popen([binary, "-p", str(self.folder), "-c", str(conf),
                                      "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self.port
            except OSError:
                if self.proc.poll() is not None:
                    raise NginxUnavailable("nginx exited: %s" % self.proc.stderr.read()[-800:])
                time.sleep(0.05)
        raise NginxUnavailable("nginx did not listen on %d within 20 s" % self.port)

    def error_log(self):
        p = self.folder / "logs" / "error.log"
        return p.read_text(errors="replace") if p.exists() else ""

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
