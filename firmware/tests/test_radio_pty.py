"""The real radio drivers in the micropython binary (sim board, 96K heap) talking to the
host's module simulators over a pty: configuration, telegrams with RSSI, noise, checksum
errors, module reset, a hanging module. Agent script: firmware/tools/radio_agent.py."""
import json
import os
import queue
import subprocess
import threading
import time

import pytest

from fordel.paths import BOARDS, FIRMWARE, SHARED, given_data, micropython_binary
from fordel.sim.amb8465 import Amb8465Simulator
from fordel.sim.im871a import Im871aSimulator

AGENT = FIRMWARE / "tools" / "radio_agent.py"
SIMS = {"im871a": Im871aSimulator, "amb8465": Amb8465Simulator}
DOC = (given_data() / "docs" / "radio-modules.md").read_text()


def telegram(i, c=0x44):
    """A plausible wM-Bus frame (L-field first, no CRCs) whose id carries i."""
    body = bytes((c, 0x2D, 0x2C)) + (0x10000000 + i).to_bytes(4, "little") + bytes(
        (0x1B, 0x16, 0x7A, i & 0xFF, 0x00, 0x00, 0x00)) + bytes(range(i % 7 + 5))
    return bytes((len(body),)) + body


class Agent:
    """radio_agent.py in a micropython process, its JSON lines read by a thread."""

    def __init__(self, sim, module, *args):
        env = dict(os.environ, FORDEL_RADIO_PORT=sim.path, FORDEL_RADIO_MODULE=module,
                   MICROPYPATH=os.pathsep.join([str(FIRMWARE), str(SHARED),
                                                str(BOARDS / "sim"), ".frozen"]))
        self.proc = subprocess.Popen(
            [micropython_binary(), "-X", "heapsize=96K", str(AGENT)] + [str(a) for a in args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env=env, bufsize=1)
        self.q = queue.Queue()
        self.frames = []
        self.log = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.log.append(line)
            try:
                self.q.put(json.loads(line))
            except ValueError:
                self.q.put({"ev": "text", "line": line})

    def wait(self, ev, timeout=5.0):
        end = time.monotonic() + timeout
        while True:
            try:
                msg = self.q.get(timeout=max(0.01, end - time.monotonic()))
            except queue.Empty:
                raise AssertionError("no %r from the agent in %.1f s; output:\n%s"
                                     % (ev, timeout, "".join(self.log)))
            if msg["ev"] == "frame":
                self.frames.append(msg)
            if msg["ev"] == ev:
                return msg

    def ask(self, cmd, timeout=5.0):
        self.proc.stdin.write(cmd + "\n")
        self.proc.stdin.flush()
        return self.wait("answer", timeout)["res"]

    def take_frames(self, n, timeout=5.0):
        end = time.monotonic() + timeout
        while len(self.frames) < n and time.monotonic() < end:
            try:
                msg = self.q.get(timeout=0.05)
            except queue.Empty:
                continue
            if msg["ev"] == "frame":
                self.frames.append(msg)
        got, self.frames = self.frames[:n], self.frames[n:]
        assert len(got) == n, "got %d of %d frames; output:\n%s" % (len(got), n,
                                                                    "".join(self.log))
        return got

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.flush()
                self.proc.wait(3)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(params=["im871a", "amb8465"])
def module(request):
    return request.param


def run(module, sim_opts=None, args=("C1T1", 300, 1000)):
    sim = SIMS[module](**(sim_opts or {}))
    sim.start()
    agent = Agent(sim, module, *args)
    return sim, agent


def test_configures_and_receives_telegrams_with_rssi(module):
    sim, agent = run(module, args=("C1T1", 60000))
    try:
        ready = agent.wait("ready")
        assert ready["health"]["state"] == "ok", ready
        if module == "im871a":
            assert ready["info"] == {"module": "iM871A", "device_mode": "other",
                                     "firmware": "1.5", "hci": "1.7", "uid": "12345678"}
            # the documented request bytes (radio-modules.md), C1+T1 = link mode 10
            assert b"\xa5\x01\x0f\x00" in sim.raw_requests
            assert "`A5 01 03 06 00 02 <linkmode> 30 01 00`" in DOC
            assert sim.raw_requests[-1] == bytes.fromhex("A5 01 03 06 00 02 0A 30 01 00")
            assert sim.config["link_mode"] == 10 and sim.config["auto_rssi"] == 1
        else:
            assert ready["info"] == {"module": "AMB8465", "serial": "0b0a0c0d",
                                     "firmware": "1.4.0"}
            assert "`FF 0A 02 00 80 77`" in DOC and "`FF 04 01 09` → `F3`" in DOC
            assert bytes.fromhex("FF0A02008077") in sim.raw_requests
            assert sim.raw_requests[-1] == bytes.fromhex("FF040109F3")
            assert sim.mode == 0x09
        assert sim.listening() == {"C1", "T1"}
        sent = []
        for i in range(30):
            f, dbm = telegram(i, c=0x44 if i % 2 else 0x46), -60 - i
            assert sim.deliver(f, rssi_dbm=dbm, mode="C1" if i % 3 else "T1")
            sent.append((f.hex(), dbm))
        got = agent.take_frames(30)
        assert [(g["hex"], g["rssi"]) for g in got] == sent
        h = agent.ask("health")
        assert h["telegrams"] == 30 and h["crc_errors"] == 0 and h["garbage_bytes"] == 0
        assert h["overruns"] == 0 and h["state"] == "ok"   # a burst waits, is not dropped
        st = agent.ask("selftest")
        assert st["ok"] and st["ping"], st
        mem = agent.ask("mem")
        assert mem["free"] > 20000, mem       # head room left in the 96K heap
    finally:
        agent.close()
        sim.close()


def test_noise_checksum_error_and_module_reset(module):
    sim, agent = run(module)
    try:
        agent.wait("ready")
        sim.inject_garbage(37)
        sim.deliver(telegram(1), -70)
        sim.inject_garbage(5)
        sim.deliver(telegram(2), -71)
        got = agent.take_frames(2)
        assert [g["hex"] for g in got] == [telegram(1).hex(), telegram(2).hex()]
        sim.corrupt_next()
        sim.deliver(telegram(3), -72)              # lost: checksum/CRC fails
        sim.deliver(telegram(4), -73)
        got = agent.take_frames(1)
        assert got[0]["hex"] == telegram(4).hex() and got[0]["rssi"] == -73
        h = agent.ask("health")
        assert h["garbage_bytes"] >= 42 and h["crc_errors"] == 1 and h["telegrams"] == 3, h
        assert h["state"] == "degraded"

        # power cycle: the module forgets the volatile link mode (and RSSI on the iM871A);
        # C1 meters are not heard until the driver notices and sets it again
        before = sim.stats["requests"]
        sim.reset_module(partial=True)
        assert "C1" not in sim.listening()
        end = time.monotonic() + 5
        while not sim.deliver(telegram(5), -74, mode="C1"):
            assert time.monotonic() < end, "driver never restored the link mode"
            time.sleep(0.05)
        got = agent.take_frames(1)
        assert got[0]["hex"] == telegram(5).hex() and got[0]["rssi"] == -74
        assert sim.stats["requests"] > before
        h = agent.ask("health")
        assert h["reconfigs"] >= 2
        if module == "im871a":
            assert h["module_resets"] >= 1, h
        time.sleep(1.1)                              # degraded_ms = 1000: errors age out
        assert agent.ask("health")["state"] == "ok"
    finally:
        agent.close()
        sim.close()


def test_hanging_module_is_a_fault_then_recovers(module):
    sim, agent = run(module, args=("T1", 60000))
    try:
        agent.wait("ready")
        sim.responding = False
        assert agent.ask("ping")["ping"] is False
        assert agent.ask("ping")["ping"] is False
        h = agent.ask("health")
        assert h["state"] == "fault" and h["timeouts"] == 2, h
        res = agent.ask("mode C1")
        assert "no answer to" in res["error"], res
        sim.responding = True
        assert agent.ask("ping")["ping"] is True
        assert agent.ask("health")["state"] == "degraded"
    finally:
        agent.close()
        sim.close()


def test_app_not_taking_frames(module):
    # ring of 8: one frame handed out, 7 queued, the rest waits in the buffers; a request
    # must still get its answer, so the waiting telegrams are dropped and counted
    sim, agent = run(module, args=("C1T1", 60000))
    try:
        agent.wait("ready")
        agent.ask("pause")
        for i in range(12):
            sim.deliver(telegram(i), -70)
        time.sleep(0.3)
        assert agent.ask("ping")["ping"] is True
        h = agent.ask("health")
        assert h["overruns"] == 4 and h["telegrams"] == 12 and h["queued"] == 7, h
        agent.ask("resume")
        got = agent.take_frames(8)
        assert [g["hex"] for g in got] == [telegram(i).hex() for i in range(8)]
    finally:
        agent.close()
        sim.close()


def test_amb8465_settings_fixed_at_start():
    # factory state: transparent output and no RSSI; the driver turns both on, resets once
    sim, agent = run("amb8465", {"cmd_out": False, "rssi_enable": False}, ("T1", 60000))
    try:
        agent.wait("ready")
        assert sim.nv[5] == 1 and sim.nv[69] == 1 and (0x05, b"") in sim.requests
        assert sim.cmd_out and sim.rssi_enable and sim.mode == 0x08
        assert sim.deliver(telegram(9), -90, mode="T1")
        got = agent.take_frames(1)
        assert got[0]["hex"] == telegram(9).hex() and got[0]["rssi"] == -90
    finally:
        agent.close()
        sim.close()


def test_module_missing_at_start_comes_up_later(module):
    sim = SIMS[module]()
    sim.start()
    sim.responding = False
    agent = Agent(sim, module, "C1T1", 300, 1000)
    try:
        err = agent.wait("error")
        assert "no answer to" in err["error"] and err["health"]["state"] == "unknown", err
        sim.responding = True
        end = time.monotonic() + 5
        while not sim.deliver(telegram(7), -77, mode="C1"):   # until the watchdog set it up
            assert time.monotonic() < end, "driver never brought the module up"
            time.sleep(0.05)
        assert agent.take_frames(1)[0]["hex"] == telegram(7).hex()
        assert agent.ask("health")["state"] in ("ok", "degraded")
    finally:
        agent.close()
        sim.close()


def test_old_im871a_firmware_cannot_listen_c1t1():
    sim, agent = run("im871a", {"firmware": 0x13}, ("C1T1", 60000))
    try:
        err = agent.wait("error")
        assert err["error"] == "im871a: firmware 1.3 cannot listen C1+T1 (needs 1.4)"
        assert all(r[:3] != b"\xa5\x01\x03" for r in sim.raw_requests)   # nothing set
    finally:
        agent.close()
        sim.close()


def test_amb8465_paced_at_9600_baud():
    sim, agent = run("amb8465", {"paced": True}, ("C1", 60000))
    try:
        agent.wait("ready", timeout=8)
        for i in range(5):
            sim.deliver(telegram(i), -80 + i)
        got = agent.take_frames(5)
        assert [(g["hex"], g["rssi"]) for g in got] == [(telegram(i).hex(), -80 + i)
                                                         for i in range(5)]
    finally:
        agent.close()
        sim.close()
