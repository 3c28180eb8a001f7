"""`fordel flash --port P --board esp32-im871a [--firmware MICROPYTHON.bin]`: put the
collector on an ESP32 over its USB port with esptool (as a library).

What goes where (boards/esp32-common/partitions.csv):

    0x1000    the MicroPython firmware the technician gives (--firmware; left as it is without)
    0x8000    the partition table
    romfs     the app image: firmware/ and shared/ compiled by mpy-cross, with the board's
              board.py and esp32board.py, in MicroPython's ROMFS format (mpremote's romfs)
    vfs       the root littlefs (littlefs-python): boot.py, main.py (boards/esp32-common)
    records   never written: the coding, config and unsent readings survive a reflash

Each region is written and then verified by the MD5 the chip computes over what it reads
back from flash. `--out DIR` builds the images without a board.
"""
import dataclasses
import hashlib
import pathlib
import struct

import click

from .. import mpybuild, paths

FIRMWARE_OFFSET = 0x1000        # ESP32 (not S2/S3/C3): second-stage bootloader + app image
TABLE_OFFSET = 0x8000
TABLE_SIZE = 0xC00
LFS_BLOCK = 4096                # as MicroPython's VfsLfs2 on a partition (4 KiB sectors)
BOARDS = ("esp32-im871a", "esp32-amb8465")

_TYPES = {"app": 0x00, "data": 0x01}
_SUBTYPES = {"factory": 0x00, "phy": 0x01, "nvs": 0x02, "coredump": 0x03, "fat": 0x81,
             "spiffs": 0x82, "littlefs": 0x83}


class FlashError(Exception):
    pass


@dataclasses.dataclass
class Partition:
    name: str
    type: int
    subtype: int
    offset: int
    size: int


def partitions(path=None):
    """The partition table CSV (ESP-IDF's format) as Partitions, in flash order."""
    path = path or paths.BOARDS / "esp32-common" / "partitions.csv"
    out = []
    for line in pathlib.Path(path).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, typ, sub, off, size = [c.strip() for c in line.split(",")[:5]]
        out.append(Partition(name, _TYPES[typ], _SUBTYPES.get(sub) if sub in _SUBTYPES
                             else int(sub, 0), int(off, 0), int(size, 0)))
    return out


def table_binary(parts):
    """ESP-IDF partition table: 32-byte entries (magic AA 50), an MD5 entry (EB EB, 14 x FF,
    MD5 of the entries), padded with FF to 0xC00 bytes."""
    body = b"".join(struct.pack("<2sBBII16sI", b"\xaa\x50", p.type, p.subtype, p.offset,
                                p.size, p.name.encode(), 0) for p in parts)
    body += b"\xeb\xeb" + b"\xff" * 14 + hashlib.md5(body).digest()
    return body + b"\xff" * (TABLE_SIZE - len(body))


def app_image(board):
    """The ROMFS app image for `board` (bytes)."""
    common = paths.BOARDS / "esp32-common"
    out = mpybuild.build_dir().parent / ("app-%s.romfs" % board)
    img = mpybuild.romfs_image(out, extra=[paths.BOARDS / board / "board.py",
                                           common / "esp32board.py"])
    return img.read_bytes()


def root_image(size):
    """MicroPython's root filesystem: a littlefs image of `size` bytes holding boot.py and
    main.py, with VfsLfs2's geometry (4 KiB blocks, 32-byte reads and writes)."""
    import littlefs
    fs = littlefs.LittleFS(block_size=LFS_BLOCK, block_count=size // LFS_BLOCK,
                           read_size=32, prog_size=32, lookahead_size=32,
                           disk_version=0x00020000)
    for name in ("boot.py", "main.py"):
        with fs.open(name, "wb") as f:
            f.write((paths.BOARDS / "esp32-common" / name).read_bytes())
    return bytes(fs.context.buffer)


def images(board, firmware=None):
    """[(offset, bytes, what)] for the board, in flash order; FlashError if one does not fit."""
    if board not in BOARDS:
        raise FlashError("unknown board %r (one of %s)" % (board, ", ".join(BOARDS)))
    parts = {p.name: p for p in partitions()}
    out = []
    if firmware:
        data = pathlib.Path(firmware).read_bytes()
        if data[:1] != b"\xe9":
            raise FlashError("%s is not an ESP32 firmware image (no E9 header byte): give "
                             "MicroPython's ESP32_GENERIC .bin" % firmware)
        if len(data) < 0x10000:
            raise FlashError("%s (%d bytes) is too small to be MicroPython"
                             % (firmware, len(data)))
        limit = parts["factory"].offset + parts["factory"].size - FIRMWARE_OFFSET
        if len(data) > limit:
            raise FlashError("%s (%d bytes) does not fit before the romfs partition"
                             % (firmware, len(data)))
        # MicroPython's .bin holds bootloader, its own partition table and the app: ours is
        # written after it, over that table
        out.append((FIRMWARE_OFFSET, data, "MicroPython " + pathlib.Path(firmware).name))
    out.append((TABLE_OFFSET, table_binary(parts.values()), "partition table"))
    app = app_image(board)
    if len(app) > parts["romfs"].size:
        raise FlashError("app image %d bytes > romfs partition %d" % (len(app),
                                                                    parts["romfs"].size))
    out.append((parts["romfs"].offset, app, "collector app (ROMFS)"))
    out.append((parts["vfs"].offset, root_image(parts["vfs"].size), "boot.py, main.py"))
    return out


def write(port, regions, echo=click.echo, baud=460800):
    """Write and verify every region with esptool, in order (the partition table after the
    firmware that carries another one); hard-reset the board after."""
    from esptool.cmds import attach_flash, detect_chip, reset_chip, run_stub, write_flash
    from esptool.util import FatalError
    try:
        esp = detect_chip(port, baud=115200)
    except (FatalError, OSError) as e:
        raise FlashError("no ESP32 bootloader answers on %s (%s): check the port, or hold "
                         "BOOT while pressing EN" % (port, e)) from e
    try:
        esp = run_stub(esp)
        if baud != 115200:
            esp.change_baud(baud)
        attach_flash(esp)
        with click.progressbar(regions, label="writing", item_show_func=lambda r: r and r[2],
                               file=None) as bar:
            for off, data, what in bar:
                write_flash(esp, [(off, data)], flash_size="keep")
        for off, data, what in regions:
            got = esp.flash_md5sum(off, len(data))
            got = got if isinstance(got, bytes) else bytes.fromhex(got)
            if got != hashlib.md5(data).digest():
                raise FlashError("%s at 0x%x reads back with MD5 %s, not %s"
                                 % (what, off, got.hex(), hashlib.md5(data).hexdigest()))
            echo("verified %-28s 0x%06x %8d bytes md5 %s" % (what, off, len(data),
                                                            got.hex()[:12]))
        reset_chip(esp, "hard-reset")
    except FatalError as e:
        raise FlashError("esptool on %s: %s" % (port, e)) from e
    finally:
        esp._port.close()


@click.command("flash")
@click.option("--port", default=None, help="the ESP32's USB serial port")
@click.option("--board", required=True, type=click.Choice(BOARDS))
@click.option("--firmware", default=None, type=click.Path(exists=True, dir_okay=False),
              help="MicroPython ESP32_GENERIC .bin (written at 0x1000); without it the "
                   "MicroPython on the board stays")
@click.option("--out", default=None, type=click.Path(file_okay=False),
              help="only build the images into this folder (no board needed)")
@click.option("--baud", default=460800, show_default=True)
def flash_cmd(port, board, firmware, out, baud):
    """Write MicroPython, the partition table and the collector app to an ESP32, and
    verify each by the hash of what the chip reads back."""
    try:
        regions = images(board, firmware)
        if out:
            out = pathlib.Path(out)
            out.mkdir(parents=True, exist_ok=True)
            for off, data, what in regions:
                name = out / ("0x%06x.bin" % off)
                name.write_bytes(data)
                click.echo("%s  %8d bytes  %s" % (name, len(data), what))
            return
        if not port:
            raise FlashError("give --port (the board's USB port) or --out (build only)")
        write(port, regions, baud=baud)
    except FlashError as e:
        raise click.ClickException(str(e)) from e
    click.echo("done: the board restarts into the collector; next: fordel provision "
               "--port %s COLLECTOR.toml CODING.csv" % port)
