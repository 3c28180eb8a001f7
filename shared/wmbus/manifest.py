# wmbus: the wM-Bus / OMS codec (link, ELL, AFL, TPL, AES modes 5/7, records, drivers).
# micropython-lib style manifest: freezing it into a firmware puts its bytecode, qstrs and
# constants in flash. Host-only modules stay out of the firmware: drivers/mkindex.py (the
# host tool that writes drivers/index.py) and the CPython-only helpers _cpython.py and
# _aes_cpython.py (imported only when running on CPython).
import os

metadata(description="Wireless M-Bus / OMS telegram codec", version="0.1.0")

HOST_ONLY = ("drivers/mkindex.py", "_cpython.py", "_aes_cpython.py")
files = []
for folder, _, names in os.walk("."):          # this manifest's folder: the package
    for name in names:
        rel = os.path.relpath(os.path.join(folder, name), ".").replace(os.sep, "/")
        if name.endswith(".py") and rel != "manifest.py" and rel not in HOST_ONLY:
            files.append(rel)
package("wmbus", files=sorted(files), base_path="..", opt=3)
