"""The sim board's flash: a littlefs2 file system (os.VfsLfs2) on an image file, through a
block device with MicroPython's extended interface (readblocks/writeblocks with offset,
ioctl). The same image opens on the host with littlefs-python (block 4096, read/prog 32,
lookahead 32, as VfsLfs2's defaults).

    FORDEL_FLASH_IMAGE   image path (default flash.img in the current folder)
    FORDEL_FLASH_SIZE    size in bytes for a new image (default 1 MiB: an ESP32 data partition)
"""
import os

import vfs

BLOCK = 4096


class FileBlockDevice:
    def __init__(self, path, size):
        self.path = path
        try:
            os.stat(path)
        except OSError:
            with open(path, "wb") as f:            # erased flash reads as 0xFF
                chunk = b"\xff" * BLOCK
                for _ in range(size // BLOCK):
                    f.write(chunk)
        self.f = open(path, "r+b")
        self.f.seek(0, 2)
        self.blocks = self.f.tell() // BLOCK

    def readblocks(self, block, buf, offset=0):
        self.f.seek(block * BLOCK + offset)
        self.f.readinto(buf)

    def writeblocks(self, block, buf, offset=None):
        self.f.seek(block * BLOCK + (offset or 0))
        self.f.write(buf)

    def ioctl(self, op, arg):
        if op == 3:             # sync
            self.f.flush()
            return 0
        if op == 4:             # block count
            return self.blocks
        if op == 5:             # block size
            return BLOCK
        if op == 6:             # erase: littlefs does not need erased blocks to read 0xFF
            return 0
        return 0


def mount(path="/flash", image=None, size=None):
    """Mount the image's littlefs at `path` (formatting a new/blank image); returns path."""
    if path in _mounted:        # boot.py mounted it; main.py asks again
        return path
    image = image or os.getenv("FORDEL_FLASH_IMAGE") or "flash.img"
    size = size or int(os.getenv("FORDEL_FLASH_SIZE") or 1024 * 1024)
    bdev = FileBlockDevice(image, size)
    try:
        fs = vfs.VfsLfs2(bdev)
    except OSError:
        vfs.VfsLfs2.mkfs(bdev)
        fs = vfs.VfsLfs2(bdev)
    vfs.mount(fs, path)
    _mounted.append(path)
    return path


_mounted = []
