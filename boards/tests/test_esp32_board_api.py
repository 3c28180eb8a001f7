"""Both ESP32 boards' board.py on the micropython binary, with the ESP32-only modules faked:
each gives the board API the firmware calls (the names of its __all__), opens the radio
UART with its own pins and baud rate (the wiring in its docstring, the module's default
rate from its manual) and pulses its radio's /RESET pin."""
import json
import subprocess

import pytest

from fordel.paths import BOARDS, micropython_binary

SCRIPT = r"""
import sys, json
sys.path[:0] = [%(board)r, %(common)r]
calls = []

class Pin:
    OUT = 1
    def __init__(self, n, mode=None, value=None): self.n = n
    def value(self, v): calls.append(("pin", self.n, v))

class UART:
    def __init__(self, uart_id, **kw):
        calls.append(("uart", uart_id, kw["baudrate"], kw["tx"], kw["rx"]))

class machine:
    Pin = Pin
    UART = UART

class stub: pass
for name, m in (("machine", machine), ("network", stub), ("ntptime", stub), ("esp32", stub),
                ("vfs", stub)):
    sys.modules[name] = m

import board
missing = [n for n in board.__all__ if not hasattr(board, n)]
board.open_radio_uart()
board.reset_radio()
t = board.ticks_ms()
print(json.dumps({"name": board.NAME, "module": board.RADIO_MODULE, "missing": missing,
                  "calls": calls, "ticks": board.ticks_diff(board.ticks_ms(), t) >= 0}))
"""

# board, radio module, baud rate (iM871A: 57600, IMST user manual; AMB8465: 9600, Amber
# user manual), UART 2 on GPIO17 (TX) / GPIO16 (RX), /RESET on GPIO4, LED on GPIO2
BOARDS_WIRED = [("esp32-im871a", "im871a", 57600), ("esp32-amb8465", "amb8465", 9600)]


@pytest.mark.parametrize("name,module,baud", BOARDS_WIRED)
def test_board_api_and_wiring(name, module, baud):
    p = subprocess.run([micropython_binary(), "-c", SCRIPT % {
        "board": str(BOARDS / name), "common": str(BOARDS / "esp32-common")}],
        capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stdout + p.stderr
    got = json.loads(p.stdout.strip().splitlines()[-1])
    assert (got["name"], got["module"], got["missing"]) == (name, module, [])
    calls = [tuple(c) for c in got["calls"]]
    assert calls[0] == ("pin", 2, 0)                      # the status LED, off
    assert ("uart", 2, baud, 17, 16) in calls
    assert calls[-2:] == [("pin", 4, 0), ("pin", 4, 1)]     # /RESET low, then released
    assert got["ticks"]
