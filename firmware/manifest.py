# The collector app: everything under firmware/ but its tests and host-side tools, plus the
# shared packages it imports. A board's manifest includes this and adds its board.py.
# The shared packages are require()d from the repository's shared/ folder, registered as a
# library: each is then a package of its own with its own metadata(), as micropython-lib's
# are (include() would run their metadata() a second time in the board's package).
add_library("fordel-shared", "../shared")
require("wmbus", library="fordel-shared")
require("meterrecord", library="fordel-shared")

module("main.py", opt=3)
module("collector.py", opt=3)
module("coding.py", opt=3)
module("coding_csv.py", opt=3)
module("console.py", opt=3)
module("meterstats.py", opt=3)
module("reading_policy.py", opt=3)
module("store.py", opt=3)
module("uplink.py", opt=3)
module("ingest_tls.py", opt=3)
package("radio", opt=3)
