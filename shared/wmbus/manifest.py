# wmbus: the wM-Bus / OMS codec (link, ELL, AFL, TPL, AES modes 5/7, records, drivers).
# micropython-lib style manifest: freezing it into a firmware puts its bytecode, qstrs and
# constants in flash. drivers/mkindex.py is a host tool and stays out.
metadata(description="Wireless M-Bus / OMS telegram codec", version="0.1.0")

package("wmbus", base_path="..", opt=3)
