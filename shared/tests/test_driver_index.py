# cpython-only: the index is generated on the host from the driver files
"""drivers/index.py is what `python -m wmbus.drivers.mkindex` makes of the driver files."""
import pathlib

from wmbus.drivers import mkindex


def test_index_is_current():
    path = pathlib.Path(mkindex.__file__).with_name("index.py")
    assert path.read_text() == mkindex.build(), (
        "shared/wmbus/drivers/index.py is stale: run `python -m wmbus.drivers.mkindex`")


def test_every_driver_declares_itself():
    from wmbus import drivers
    for mod in mkindex.modules():
        d = drivers.load(mod)
        assert d.name and d.meter_type and d.media, mod
