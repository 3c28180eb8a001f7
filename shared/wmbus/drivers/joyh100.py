"""Joy Technology JOY-H100 heat cost allocator (JOY, versions 0x0B and 0x0C): standard OMS
records. HCA units at storage 0 are the current reading, HCA units and date at storage 1
the set-date (billing) reading and its date; storage 2 and 3 dates are the last cover
opening and temperature sensor alarm (all zero: none, printed null); HCA units at storage
7-18 the consumption of the
12 previous months, 19-21 of the 3 previous billing years. Error flags (VIF FD 17 at
storage 4) by the maker's bit names; TPL status bit 2 is the radio module's battery."""
from ..driver import Driver, F, Status

_FLAGS = ((0x01, "OPEN_COVER"), (0x02, "MEMORY_ERROR"), (0x04, "TEMP_SENSOR_ERROR"),
          (0x08, "BATTERY_LOW"))

_FIELDS = (
    F("consumption_hca", "HeatCostAllocation"),
    F("target_hca", "HeatCostAllocation", storage=1),
    F("meter_datetime", "DateTime"),
    F("target_date", "Date", storage=1),
    F("flow_temperature_c", "FlowTemperature"),
    F("return_temperature_c", "ReturnTemperature"),
    F("open_cover_alarm_date", "Date", storage=2),
    F("temp_sensor_alarm_date", "Date", storage=3),
    F("historic_{n}_hca", "HeatCostAllocation", storage=(7, 18), offset=-6),
    F("historic_{n}_year_hca", "HeatCostAllocation", storage=(19, 21), offset=-18),
)


def _decode(t, rec, out):
    for k in ("open_cover_alarm_date", "temp_sensor_alarm_date"):
        if out.get(k) == "2000-00-00":     # all zero: no alarm recorded
            out[k] = None


DRIVER = Driver(
    "joyh100", "HeatCostAllocationMeter", "heat cost allocation",
    detect=(("JOY", 0x0B, 0x08), ("JOY", 0x0C, 0x08)),
    fields=_FIELDS,
    # error flags at storage 4; TPL status bit 2 is the radio module's battery
    status=Status(_FLAGS, mask=0xFF, storage=4,
                  tpl_mfct=((0x04, "RADIO_MODULE_BATTERY_LOW"),)),
    decode=_decode,
    report_unknown=True,
)
