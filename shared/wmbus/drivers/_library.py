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
from ..driver import AT_ERROR, BACKWARD_FLOW, FORWARD_FLOW, F

# name -> (quantity, keyword arguments of F)
_STANDARD = {
    "total_m3": ("Volume", None),
    "total_backward_m3": ("Volume", {"comb": BACKWARD_FLOW}),
    "total_forward_m3": ("Volume", {"comb": FORWARD_FLOW}),
    "target_m3": ("Volume", {"storage": 1}),
    # a date of all one bits is "no date": a date-valued field then prints null, a text
    # field "" (wmbusmeters' PointInTime and Text quantities)
    "target_date": ("Date", {"storage": 1, "invalid": None}),
    "consumption_hca": ("HeatCostAllocation", None),
    "target_hca": ("HeatCostAllocation", {"storage": 1}),
    "total_kwh": ("AnyEnergyVIF", None),
    "target_kwh": ("AnyEnergyVIF", {"storage": 1}),
    "volume_flow_m3h": ("VolumeFlow", None),
    "flow_temperature_c": ("FlowTemperature", None),
    "return_temperature_c": ("ReturnTemperature", None),
    "external_temperature_c": ("ExternalTemperature", None),
    "flow_return_temperature_difference_c": ("TemperatureDifference", None),
    "meter_date": ("Date", {"invalid": ""}),
    "meter_datetime": ("DateTime", {"invalid": ""}),
    "meter_date_at_error": ("Date", {"mtype": AT_ERROR, "invalid": ""}),
    "meter_datetime_at_error": ("DateTime", {"mtype": AT_ERROR, "invalid": ""}),
    "on_time_h": ("OnTime", None),
    "on_time_at_error_h": ("OnTime", {"mtype": AT_ERROR}),
    "operating_time_h": ("OperatingTime", None),
    "actuality_duration_s": ("ActualityDuration", None),
    "actuality_duration_h": ("ActualityDuration", None),
    "battery_v": ("Voltage", None),
    "battery_y": ("RemainingBattery", {"unit": "y"}),
    "access_counter": ("AccessNumber", {"unit": ""}),
    "fabrication_no": ("FabricationNo", {"kind": "readable"}),
    "enhanced_id": ("EnhancedIdentification", {"kind": "readable"}),
    "model_version": ("ModelVersion", {"kind": "readable"}),
    "software_version": ("SoftwareVersion", {"kind": "readable"}),
    "firmware_version": ("FirmwareVersion", {"kind": "readable"}),
    "parameter_set": ("ParameterSet", {"kind": "readable"}),
}


def use(*names):
    """The standard fields of these names (KeyError names one that is not standard)."""
    out = []
    for n in names:
        q, kw = _STANDARD[n]
        out.append(F(n, q, **kw) if kw else F(n, q))
    return tuple(out)


def as_named(name, standard):
    """A standard record under the maker's name for it (e.g. "meter_version" for the
    model version record)."""
    q, kw = _STANDARD[standard]
    return F(name, q, **kw) if kw else F(name, q)
