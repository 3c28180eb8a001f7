"""Decode hex telegrams from stdin on the collector's interpreter (MicroPython), one JSON line
each, exactly as the collector's codec sees them. Run by `fordel decode --as-collector`:

    FORDEL_ROMFS=build/firmware.romfs micropython -X heapsize=<96K + image> \
        firmware/tools/decode_stream.py [--keys K.csv] [--key HEX] [--driver NAME]
        [--format json|text]   < telegrams.hex

The firmware image is mounted as the collector's ROM (boards/sim/boot.py explains the heap
cap: 96K for the app's objects, plus the image, which an ESP32 keeps in flash).
"""
import gc
import json
import os
import sys

if os.getenv("FORDEL_ROMFS"):          # the firmware image, as the collector runs it
    import vfs
    with open(os.getenv("FORDEL_ROMFS"), "rb") as _f:
        _ROM = _f.read()
    vfs.mount(vfs.VfsRom(_ROM), "/rom")
    sys.path.insert(0, "/rom")

from wmbus import Decoder, WMBusError, unhex  # noqa: E402
from wmbus.keys import parse_key, read_keys  # noqa: E402


def main(argv):
    keys, drivers = {}, {}
    driver = None
    fmt = "json"
    i = 1
    while i < len(argv):
        a = argv[i]
        v = argv[i + 1] if i + 1 < len(argv) else ""
        if a == "--keys":
            with open(v) as f:
                keys, drivers = read_keys(f, v)
        elif a == "--key":
            keys["*"] = parse_key(v, "--key: ")
        elif a == "--driver":
            driver = v
        elif a == "--format":
            fmt = v
        else:
            print("unknown option", a)
            return 2
        i += 2
    dec = Decoder(keys=keys, drivers=drivers, merge=True)
    failed = 0
    n = 0
    while True:
        line = sys.stdin.readline()
        if not line:
            break
        line = line.strip()
        if not line:
            continue
        n += 1
        # "WHERE<tab>HEX" from `fordel decode --as-collector` (file and line of the
        # telegram), or plain hex
        where, tab, hexpart = line.partition("\t")
        if not tab:
            where, hexpart = "stdin line %d" % n, line
        try:
            r = dec.decode(unhex(hexpart), driver=driver)
        except WMBusError as e:
            failed += 1
            sys.stderr.write("error: %s (%s)\n" % (e, where))
            if fmt == "json":
                print(json.dumps({"_": "error", "id": e.meter, "error": e.reason,
                                  "kind": e.kind, "where": where}))
            continue
        except MemoryError:
            gc.collect()
            failed += 1
            sys.stderr.write("error: out of memory decoding %s\n" % where)
            continue
        if fmt == "json":
            print(json.dumps(r))
        else:
            print(" ".join("%s=%s" % (k, r[k]) for k in r if k != "_"))
    return 1 if failed else 0


sys.exit(main(sys.argv))
