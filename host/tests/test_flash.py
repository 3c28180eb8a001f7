"""`fordel flash` without hardware: the images it would write are built and read back the
way the board reads them (the partition table by ESP-IDF's documented layout, the root
filesystem by littlefs-python and by MicroPython's own VfsLfs2, the app image by
MicroPython's VfsRom on the micropython binary)."""
import hashlib
import os
import struct
import subprocess
import sys

import littlefs
import pytest

from fordel.device import flash
from fordel.paths import BOARDS, micropython_binary

FORDEL = os.path.join(os.path.dirname(sys.executable), "fordel")


@pytest.fixture(scope="module")
def regions():
    return {what: (off, data) for off, data, what in flash.images("esp32-im871a")}


def test_partition_table_layout(regions):
    off, data = regions["partition table"]
    assert off == 0x8000 and len(data) == 0xC00
    entries = []
    i = 0
    while data[i:i + 2] == b"\xaa\x50":
        magic, typ, sub, poff, size, label, flags = struct.unpack_from("<2sBBII16sI", data, i)
        entries.append((label.rstrip(b"\0").decode(), typ, sub, poff, size))
        i += 32
    # the MD5 entry: EB EB, 14 x FF, MD5 over the entries before it (ESP-IDF format)
    assert data[i:i + 16] == b"\xeb\xeb" + b"\xff" * 14
    assert data[i + 16:i + 32] == hashlib.md5(data[:i]).digest()
    assert set(data[i + 32:]) == {0xFF}
    by = {e[0]: e for e in entries}
    assert by["factory"][1:3] == (0, 0) and by["factory"][3] == 0x10000
    assert by["romfs"][1:3] == (1, 0x8F)               # MicroPython's ROMFS partition
    assert by["records"][3:] == (0x300000, 0x100000)    # the store's partition, unchanged
    end = 0
    for name, _t, _s, poff, size in sorted(entries, key=lambda e: e[3]):
        assert poff >= end and poff % 0x1000 == 0, name
        end = poff + size
    assert end <= 4 << 20
    # the app image and root filesystem go exactly at their partitions
    assert regions["collector app (ROMFS)"][0] == by["romfs"][3]
    assert regions["boot.py, main.py"][0] == by["vfs"][3]
    assert len(regions["collector app (ROMFS)"][1]) <= by["romfs"][4]


def test_root_filesystem_mounts_with_littlefs_python(regions):
    _, img = regions["boot.py, main.py"]
    fs = littlefs.LittleFS(block_size=4096, block_count=len(img) // 4096, read_size=32,
                           prog_size=32, lookahead_size=32, mount=False)
    fs.context.buffer[:] = img
    fs.mount()
    assert sorted(fs.listdir("/")) == ["boot.py", "main.py"]
    for name in ("boot.py", "main.py"):
        with fs.open(name, "rb") as f:
            assert f.read() == (BOARDS / "esp32-common" / name).read_bytes()


MP_CHECK = r"""
import sys, vfs
sys.path.insert(0, %(sim)r)
import blockdev
bdev = blockdev.FileBlockDevice(%(root)r, 0)
vfs.mount(vfs.VfsLfs2(bdev, readsize=32, progsize=32, lookahead=32), "/root")
import os
print(sorted(os.listdir("/root")))
with open(%(app)r, "rb") as f:
    rom = f.read()
vfs.mount(vfs.VfsRom(rom), "/rom")
names = os.listdir("/rom")
print("board.mpy" in names, "esp32board.mpy" in names, "main.mpy" in names)
sys.path.insert(0, "/rom")
import coding
print(coding.KINDS)
"""


def test_micropython_reads_both_images(regions, tmp_path):
    root, app = tmp_path / "root.img", tmp_path / "app.romfs"
    root.write_bytes(regions["boot.py, main.py"][1])
    app.write_bytes(regions["collector app (ROMFS)"][1])
    p = subprocess.run([micropython_binary(), "-X", "heapsize=2M", "-c",
                        MP_CHECK % {"sim": str(BOARDS / "sim"), "root": str(root),
                                    "app": str(app)}],
                       capture_output=True, text=True, timeout=60,
                       env={"MICROPYPATH": ".frozen", "PATH": "/usr/bin:/bin"})
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.split("\n")[:3] == ["['boot.py', 'main.py']", "True True True",
                                         "('hca', 'hot_water', 'cold_water', 'heat')"]


def test_firmware_that_is_not_an_esp32_image_is_refused(tmp_path):
    bad = tmp_path / "micropython.bin"
    bad.write_bytes(b"\x7fELF" + bytes(70000))
    with pytest.raises(flash.FlashError, match="not an ESP32 firmware image"):
        flash.images("esp32-im871a", bad)


def test_flash_on_a_missing_port_says_so(tmp_path):
    p = subprocess.run([FORDEL, "flash", "--port", "/dev/does-not-exist", "--board",
                        "esp32-amb8465"], capture_output=True, text=True, timeout=120)
    assert p.returncode != 0 and "no ESP32 bootloader answers on /dev/does-not-exist" in p.stderr


def test_build_only_writes_the_images(tmp_path):
    p = subprocess.run([FORDEL, "flash", "--board", "esp32-im871a", "--out", str(tmp_path)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert sorted(f.name for f in tmp_path.iterdir()) == ["0x008000.bin", "0x200000.bin",
                                                          "0x280000.bin"]


def test_micropython_image_goes_first_and_our_table_after_it(tmp_path):
    fw = tmp_path / "ESP32_GENERIC.bin"
    fw.write_bytes(b"\xe9" + bytes(0x17FFFF))        # a merged image: 1.5 MiB from 0x1000
    regions = flash.images("esp32-im871a", fw)
    offsets = [off for off, _, _ in regions]
    assert offsets[:2] == [0x1000, 0x8000]           # our table overwrites the one inside
    assert regions[0][1] == fw.read_bytes()
    big = tmp_path / "big.bin"
    big.write_bytes(b"\xe9" + bytes(0x200000))
    with pytest.raises(flash.FlashError, match="does not fit before the romfs partition"):
        flash.images("esp32-im871a", big)


class FakeChip:
    """The calls `flash.write` makes on esptool's loader, on a 4 MiB bytearray."""

    def __init__(self, corrupt_at=None):
        self.mem = bytearray(b"\xff" * (4 << 20))
        self.corrupt_at = corrupt_at
        self.reset = False

        class Port:
            def close(self):
                pass
        self._port = Port()

    def change_baud(self, baud):
        pass

    def flash_md5sum(self, addr, size):
        return hashlib.md5(self.mem[addr:addr + size]).hexdigest()


def fake_esptool(monkeypatch, chip):
    import esptool.cmds as cmds

    def write_flash(esp, addr_data, **kw):
        for off, data in addr_data:
            esp.mem[off:off + len(data)] = data
            if esp.corrupt_at == off:
                esp.mem[off + 100] ^= 0xFF
    monkeypatch.setattr(cmds, "detect_chip", lambda port, baud=115200: chip)
    monkeypatch.setattr(cmds, "run_stub", lambda esp: esp)
    monkeypatch.setattr(cmds, "attach_flash", lambda esp: None)
    monkeypatch.setattr(cmds, "write_flash", write_flash)
    monkeypatch.setattr(cmds, "reset_chip", lambda esp, mode: setattr(esp, "reset", True))


def test_write_verifies_each_region_by_the_chips_md5(monkeypatch):
    regions = flash.images("esp32-im871a")
    chip = FakeChip()
    fake_esptool(monkeypatch, chip)
    said = []
    flash.write("/dev/fake", regions, echo=said.append)
    for off, data, _ in regions:
        assert chip.mem[off:off + len(data)] == data
    assert len([s for s in said if s.startswith("verified")]) == len(regions) and chip.reset
    # a bit that does not stick is caught by the read-back hash, and the board not reset
    bad = FakeChip(corrupt_at=regions[1][0])
    fake_esptool(monkeypatch, bad)
    with pytest.raises(flash.FlashError, match="reads back with MD5"):
        flash.write("/dev/fake", regions, echo=said.append)
    assert not bad.reset
