# meterrecord: the collector's CBOR record schema (shared with the host's ingest).
import os

metadata(description="fordel meter record schema (CBOR)", version="1")

files = []
for folder, _, names in os.walk("."):          # this manifest's folder: the package
    for name in names:
        rel = os.path.relpath(os.path.join(folder, name), ".").replace(os.sep, "/")
        if name.endswith(".py") and rel != "manifest.py":
            files.append(rel)
package("meterrecord", files=sorted(files), base_path="..", opt=3)
