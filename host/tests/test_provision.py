"""`fordel provision` against `fordel sim board` (the firmware behind its console pty, as
mpremote and a technician reach it), and the ways it must refuse: a bad coding row, a
wrong port, a board in its bootloader, a port where nothing answers."""
import os
import subprocess
import sys
import threading
import tty

import pytest

from fordel.device.simboard import SimBoard
from fordel.sim.im871a import Im871aSimulator
from fordel.sim.property import SimProperty

FORDEL = os.path.join(os.path.dirname(sys.executable), "fordel")

TOML = """collector_id = "hus-7"
link_mode = "C1T1"
upload_every_s = 60
"""


def fordel(*args, timeout=120):
    return subprocess.run([FORDEL, *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def board(tmp_path):
    sim = Im871aSimulator()
    b = SimBoard(tmp_path / "board")
    b.start(sim.start())
    yield b
    b.stop()
    sim.close()


@pytest.fixture
def files(tmp_path):
    prop = SimProperty(apartments=3, hca_per_apartment=2, seed=5)
    (tmp_path / "collector.toml").write_text(TOML)
    (tmp_path / "coding.csv").write_text(prop.coding_csv())
    return tmp_path / "collector.toml", tmp_path / "coding.csv", len(prop.rows)


def status(b):
    con = b.console(timeout=10)
    try:
        return b.wait_for(lambda: con.query("status"), 30, "the console")
    finally:
        con.close()


def test_provision_writes_reads_back_and_restarts(board, files):
    toml, csv, n = files
    assert status(board)["collector_id"] == "unnamed"       # a fresh board
    p = fordel("provision", "--port", board.port, str(toml), str(csv))
    assert p.returncode == 0, p.stdout + p.stderr
    assert "read back" in p.stdout and "hus-7 is collecting: %d meters coded" % n in p.stdout
    st = status(board)
    assert st["collector_id"] == "hus-7" and st["coded_meters"] == n
    assert st["coding_error"] is None and st["config_error"] is None
    # what is on the board's flash is byte for byte the technician's file
    back = board.workdir / "back.csv"
    subprocess.run([os.path.join(os.path.dirname(sys.executable), "mpremote"), "connect",
                    board.port, "fs", "cp", ":/flash/coding.csv", str(back)], check=True,
                   capture_output=True, timeout=60)
    assert back.read_bytes() == csv.read_bytes()


def test_bad_rows_are_all_listed_and_nothing_is_written(tmp_path, files):
    toml, csv, _ = files
    lines = csv.read_text().splitlines()
    lines[2] = lines[2].replace(",hca,", ",gas,", 1)
    lines.append(lines[1])                                   # coded twice
    csv.write_text("\n".join(lines) + "\n")
    toml.write_text(TOML + 'upload_url = "ftp://x"\n')
    # the port does not exist: the files are refused before any port is opened
    p = fordel("provision", "--port", "/dev/does-not-exist", str(toml), str(csv))
    assert p.returncode != 0
    assert "row 3: kind 'gas'" in p.stderr and "coded twice" in p.stderr
    assert "upload_url 'ftp://x' must start with http:// or https://" in p.stderr
    assert "nothing written" in p.stderr


def test_wrong_port(files):
    toml, csv, _ = files
    p = fordel("provision", "--port", "/dev/does-not-exist", str(toml), str(csv))
    assert p.returncode != 0 and "cannot open /dev/does-not-exist" in p.stderr


def fake_port(answer):
    """A pty whose far end answers every write with `answer` (b"" = never answers)."""
    master, slave = os.openpty()
    tty.setraw(master)
    tty.setraw(slave)

    def serve():
        while True:
            try:
                if os.read(master, 1024) and answer:
                    os.write(master, answer)
            except OSError:
                return
    threading.Thread(target=serve, daemon=True).start()
    return master, slave, os.ttyname(slave)


@pytest.mark.parametrize("answer,says", [
    (b"rst:0x1 (POWERON_RESET),boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\n"
     b"waiting for download\r\n", "is in its bootloader"),
    (b"", "no MicroPython REPL answers on"),
])
def test_bootloader_and_silent_board(files, answer, says):
    toml, csv, _ = files
    master, slave, path = fake_port(answer)
    try:
        p = fordel("provision", "--port", path, "--timeout", "2", str(toml), str(csv))
    finally:
        os.close(slave)
        os.close(master)
    assert p.returncode != 0 and says in p.stderr, p.stdout + p.stderr
