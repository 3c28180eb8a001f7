"""Heap the codec keeps for compact-frame formats (CI 0x79) it learnt, with 500 Kamstrup
water meters each sending its full frame once through one Decoder, on the micropython binary
(the collector's interpreter). The frames are the flowIQ 2200 vector with 500 meter ids
(shared/tests/test_compact_formats.py makes them). Target: a few entries, not one a meter."""
import json
import os
import subprocess

from fordel import paths

SCRIPT = r"""
import gc, sys
import test_compact_formats as t
from wmbus import Decoder
full, _ = t.full_plain()
frames = [t.for_meter(full, n) for n in range(500)]
d = Decoder()
d.decode(frames[0], driver="kamwater")
gc.collect()
a = gc.mem_alloc()
for f in frames:
    d.decode(f, driver="kamwater")
gc.collect()
print("RESULT", gc.mem_alloc() - a, len(d.formats))
"""


def main():
    shared = paths.ROOT / "shared"
    env = dict(os.environ, MICROPYPATH=os.pathsep.join([str(shared), str(shared / "tests"),
                                                        ".frozen"]))
    proc = subprocess.run([paths.micropython_binary(), "-X", "heapsize=4M", "-c", SCRIPT],
                          capture_output=True, text=True, env=env, cwd=str(paths.ROOT))
    res = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT")]
    if not res:
        print(json.dumps({"bench": "formats", "metric": "learnt formats, 500 meters",
                          "value": "failed: " + (proc.stdout + proc.stderr)[-200:],
                          "unit": "", "target": ""}))
        return
    heap, n = (int(x) for x in res[0].split()[1:])
    print(json.dumps({"bench": "formats", "metric": "heap kept for learnt compact formats, "
                      "500 Kamstrup meters (%d formats)" % n, "value": heap, "unit": "B",
                      "target": "<= 2048"}))


if __name__ == "__main__":
    main()
