"""esp32board's Wi-Fi, NTP and clock on the micropython binary, with the ESP32-only modules
(network, machine, esp32, ntptime) replaced by fakes that fail the way a site does: joins
that fail, a link that drops, an NTP server out of reach."""
import json
import subprocess

from fordel.paths import BOARDS, micropython_binary

SCRIPT = r"""
import sys, json, asyncio
sys.path.insert(0, %(common)r)

class Log:
    joins = 0
    connected = False
    rtc = None
    ntp_calls = []

class WLAN:
    def __init__(self, i): pass
    def active(self, on): pass
    def disconnect(self): Log.connected = False
    def connect(self, ssid, pw):
        Log.joins += 1
        Log.connected = Log.joins >= 4          # the first three joins fail
    def isconnected(self): return Log.connected
    def status(self): return 201                # STAT_NO_AP_FOUND
    def ifconfig(self): return ("10.0.0.7", "255.255.255.0", "10.0.0.1", "10.0.0.1")

class network:
    STA_IF = 0
    WLAN = WLAN

class RTC:
    def datetime(self, t): Log.rtc = t

class machine:
    RTC = RTC

class ntptime:
    host = None
    ok = False
    @staticmethod
    def settime():
        Log.ntp_calls.append(ntptime.host)
        if not ntptime.ok:
            raise OSError(110)                  # ETIMEDOUT

class esp32: pass
class vfs: pass
for name, m in (("network", network), ("machine", machine), ("ntptime", ntptime),
                ("esp32", esp32), ("vfs", vfs)):
    sys.modules[name] = m

import esp32board as eb
slept = []
_real_sleep = asyncio.sleep
class fast:
    @staticmethod
    async def sleep(s):
        slept.append(s)
        await _real_sleep(0)
eb.asyncio = fast

async def main():
    asyncio.create_task(eb.network_up({"wifi_ssid": "kaelder", "wifi_password": "x",
                                       "ntp_host": "ntp.example"}))
    for _ in range(400):
        await _real_sleep(0)
    up = eb.network_status()
    Log.connected = False                       # the access point goes away
    ntptime.ok = True
    for _ in range(400):
        await _real_sleep(0)
    eb.set_time(1700000000)
    print(json.dumps({"up": up, "after": eb.network_status(), "joins": Log.joins,
                      "slept": slept[:80], "ntp": Log.ntp_calls, "rtc": Log.rtc}))
asyncio.run(main())
"""


def run():
    p = subprocess.run([micropython_binary(), "-X", "heapsize=1M", "-c",
                        SCRIPT % {"common": str(BOARDS / "esp32-common")}],
                       capture_output=True, text=True, timeout=60,
                       env={"MICROPYPATH": ".frozen", "PATH": "/usr/bin:/bin"})
    assert p.returncode == 0, p.stdout + p.stderr
    return json.loads(p.stdout.strip().splitlines()[-1])


def test_wifi_backoff_reconnect_ntp_and_server_time():
    out = run()
    up, after = out["up"], out["after"]
    # three failed joins, each counted, with the wait doubling 1, 2, 4 s between them
    assert up["failures"] == 3 and up["connects"] == 1 and up["wifi"] == "up"
    assert up["ip"] == "10.0.0.7" and up["last_error"].startswith("ntp ntp.example")
    joins_waits = [s for s in out["slept"] if s in (2, 4)]
    assert joins_waits[:2] == [2, 4]
    # NTP out of reach on the first join: counted, the clock stays unset
    assert up["ntp_failures"] >= 1 and up["clock"] == "unset"
    assert out["ntp"][0] == "ntp.example"
    # the link drops: counted, joined again (the fourth join onwards succeeds), NTP now ok
    assert after["drops"] == 1 and after["connects"] == 2 and after["wifi"] == "up"
    assert after["ntp_syncs"] >= 1
    # set_time from the server's answer: 1700000000 is Tuesday 2023-11-14 22:13:20 UTC;
    # machine.RTC.datetime takes (year, month, day, weekday Monday=0, h, m, s, subseconds)
    assert out["rtc"] == [2023, 11, 14, 1, 22, 13, 20, 0]
    assert after["clock"] == "server" and after["server_time_sets"] == 1
