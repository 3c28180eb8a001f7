"""The standard OMS records under one name each, defined once for every driver.

EN 13757-3 gives a record its meaning by its function field, VIF (quantity), storage
number, tariff, subunit and combinable VIFEs; the names are the ones wmbusmeters' field
library prints, so readings compare field by field. The general rules:

* storage 0, instantaneous: the current value (volume -> total_m3, HCA units ->
  consumption_hca, date/time -> meter_date / meter_datetime);
* storage 1: the value at the set (target, billing) date and that date (target_m3,
  target_hca, target_date);
* function field "value during error" (AT_ERROR): *_at_error;
* VIFE 0x3C backward flow / 0x3B forward flow: total_backward_m3 / total_forward_m3.

A driver lists the names it uses: `fields=use("total_m3", "meter_datetime") + (F(...),)`.
Maker-specific records stay in the driver.
"""
from ..driver import F

# One line a standard record: name, quantity (vif.py), then F keywords (storage=1,
# comb=0x3C, mtype=3, invalid=none|empty, unit=y, kind=readable). A string, not a dict: on
# the collector it costs one object, and only the fields a driver asks for are built.
# A date of all one bits is "no date": a date-valued field prints null, a text one "".
_STANDARD = """
total_m3 Volume
total_backward_m3 Volume comb=0x3C
total_forward_m3 Volume comb=0x3B
target_m3 Volume storage=1
target_date Date storage=1 invalid=none
consumption_hca HeatCostAllocation
target_hca HeatCostAllocation storage=1
total_kwh AnyEnergyVIF
target_kwh AnyEnergyVIF storage=1
volume_flow_m3h VolumeFlow
flow_temperature_c FlowTemperature
return_temperature_c ReturnTemperature
external_temperature_c ExternalTemperature
flow_return_temperature_difference_c TemperatureDifference
meter_date Date invalid=empty
meter_datetime DateTime invalid=empty
meter_date_at_error Date mtype=3 invalid=empty
meter_datetime_at_error DateTime mtype=3 invalid=empty
on_time_h OnTime
on_time_at_error_h OnTime mtype=3
operating_time_h OperatingTime
actuality_duration_s ActualityDuration
actuality_duration_h ActualityDuration
battery_v Voltage
battery_y RemainingBattery unit=y
access_counter AccessNumber unit= kind=unsigned
fabrication_no FabricationNo kind=readable
enhanced_id EnhancedIdentification kind=readable
model_version ModelVersion kind=readable
software_version SoftwareVersion kind=readable
firmware_version FirmwareVersion kind=readable
parameter_set ParameterSet kind=readable
"""
_VALUES = {"none": None, "empty": ""}


def _field(name, standard):
    i = _STANDARD.find("\n" + standard + " ")
    if i < 0:
        raise KeyError("no standard record %r" % standard)
    parts = _STANDARD[i + 1:_STANDARD.find("\n", i + 1)].split()
    kw = {}
    for p in parts[2:]:
        k, v = p.split("=")
        if k in ("storage", "comb", "mtype"):
            kw[k] = int(v, 0)
        elif k == "invalid":
            kw[k] = _VALUES[v]
        else:
            kw[k] = v
    return F(name, parts[1], **kw)


def use(*names):
    """The standard fields of these names (KeyError names one that is not standard)."""
    return tuple(_field(n, n) for n in names)


def as_named(name, standard):
    """A standard record under the maker's name for it (e.g. "meter_version" for the
    model version record)."""
    return _field(name, standard)
