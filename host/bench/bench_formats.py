"""Heap the codec keeps for compact-frame formats (CI 0x79) it learnt, with 500 Kamstrup
water meters each sending its full frame once through one Decoder, on the micropython binary
(the collector's interpreter). The frames are the flowIQ 2200 vector "VATTEN" (wmbusmeters'
published telegram, ../shared/vectors), decrypted once on the host, with 500 meter ids
written into its link header (outside the ELL payload CRC, so the frames stay valid).
Target: a few entries, not one a meter."""
import json
import os
import subprocess

from fordel import paths
from fordel.devtools import vectors
from wmbus import Decoder, unhex
from wmbus.crc import crc16

ELL_CRC = 17        # L C M M A A A A V T | 8D CC ACC SN SN SN SN | CRC CRC | CI records

SCRIPT = r"""
import gc, binascii
from wmbus import Decoder
full = bytearray(binascii.unhexlify("%s"))
frames = []
for n in range(500):
    f = bytearray(full)
    f[4] = n & 0xFF            # the meter id's low bytes (A field, link header)
    f[5] = (n >> 8) & 0xFF
    frames.append(f)
d = Decoder()
d.decode(frames[0], driver="kamwater")
gc.collect()
a = gc.mem_alloc()
for f in frames:
    d.decode(f, driver="kamwater")
gc.collect()
print("RESULT", gc.mem_alloc() - a, len(d.formats))
"""


def plain_full_frame():
    """The VATTEN frame as the codec holds it after decryption (hex)."""
    case = [c for c in vectors.cases() if c["case_id"] == "kamwater:VATTEN"][0]
    d = Decoder()
    key = unhex(case["key"]) if case.get("key") else None
    d.decode(unhex(case["telegram"]), key=key, driver="kamwater")
    f = bytearray(d.t.frame)
    c = crc16(f, ELL_CRC + 2, len(f))           # the ELL payload CRC, over the plaintext
    f[ELL_CRC], f[ELL_CRC + 1] = c & 0xFF, c >> 8
    f[0] = len(f) - 1
    return bytes(f).hex()


def main():
    env = dict(os.environ, MICROPYPATH=os.pathsep.join([str(paths.SHARED), ".frozen"]))
    script = SCRIPT % plain_full_frame()
    proc = subprocess.run([paths.micropython_binary(), "-X", "heapsize=4M", "-c", script],
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
