"""boards/esp32-common/boot.py and main.py as an ESP32 runs them, on the micropython binary:
the root filesystem (cwd) holds only these two, the app is in the ROMFS image at /rom, and
sys.path starts as the ESP32's ('' before /rom). boot.py must mount /flash and put the
app's code ahead of the root filesystem, so main.py's `import main` gets the app's main,
not itself."""
import contextlib
import io
import shutil
import subprocess

from mpremote.romfs import make_romfs

from fordel.paths import BOARDS, micropython_binary

APP_MAIN = 'def run():\n    print("APP RUN")\n'
APP_BOARD = ('FLASH = []\ndef mount_flash(path="/flash"):\n'
             '    FLASH.append(path)\n    print("FLASH MOUNTED", path)\n    return path\n')

RUN = r"""
import sys, vfs
with open("app.romfs", "rb") as f:
    ROM = f.read()
vfs.mount(vfs.VfsRom(ROM), "/rom")
sys.path[:] = ["", "/rom", "/rom/lib", ".frozen", "/lib"]       # the ESP32's, with romfs
exec(open("boot.py").read())
print("PATH", sys.path[0])
exec(open("main.py").read())
"""


def test_boot_mounts_flash_and_main_starts_the_app_from_rom(tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    (app / "main.py").write_text(APP_MAIN)
    (app / "board.py").write_text(APP_BOARD)
    with contextlib.redirect_stdout(io.StringIO()):
        rom = make_romfs(str(app), mpy_cross=False)
    root = tmp_path / "root"
    root.mkdir()
    (root / "app.romfs").write_bytes(rom)
    for name in ("boot.py", "main.py"):
        shutil.copy(BOARDS / "esp32-common" / name, root / name)
    p = subprocess.run([micropython_binary(), "-c", RUN], capture_output=True, text=True,
                       timeout=30, cwd=str(root), env={"PATH": "/usr/bin:/bin"})
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.split("\n")[:3] == ["FLASH MOUNTED /flash", "PATH /rom", "APP RUN"], \
        p.stdout + p.stderr
