"""Every field a driver's billing contract names (wmbus.billing) has its place in the record
schema's tables (meterrecord), which compact records index: a driver whose reading had no
place there would never reach a compact record or the readings export."""
from wmbus.drivers import index

import meterrecord


def test_every_billing_field_has_a_place_in_the_record_schema():
    missing = []
    tables = (meterrecord.MAIN_FIELDS, meterrecord.SET_VALUE_FIELDS, meterrecord.SET_DATE_FIELDS)
    for driver, contract in sorted(index.BILLING.items()):
        for name, table in zip(contract[:3], tables):
            if name is not None and name not in table:
                missing.append((driver, name))
    assert missing == []


def test_main_field_follows_the_contract_not_the_first_name_found():
    # caltose names its current reading consumption_hca and its set-date reading target_hca
    values = {"meter": "caltose", "consumption_hca": 7, "target_hca": 3,
              "target_date": "2024-12-31"}
    assert meterrecord.MAIN_FIELDS[meterrecord.main_field(values)] == "consumption_hca"
    r = meterrecord.make_compact(0x12345678, 1700000000, values, meterrecord.main_field(values),
                                 [0, 1000, 1000, 0], b"\x00")
    assert (r[12], r[15], r[16]) == (7, 3, "2024-12-31")
