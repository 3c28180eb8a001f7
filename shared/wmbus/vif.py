"""Value information: VIF codes (EN 13757-3 tables 10-14, incl. the 0xFD and 0xFB extension
tables) as quantities with a scale to one base unit per quantity.

A record's VIF is normalised to one int `code`: primary VIF 0x00-0x7B as is, 0xFD table
0x100|vife, 0xFB table 0x200|vife, plain-text VIF 0x37C, manufacturer-specific 0x37F,
any VIF 0x37E. Base units: volume m³, energy kWh, power kW, flow m³/h, mass kg, mass flow
kg/h, temperature °C (differences K), pressure bar, time s, HCA units, voltage V, current A.
"""

# name: (first code, last code, kind, exponent of the first code)
#   kind "exp": value * 10**(code - first + exponent); "time": unit from the last 2 bits;
#   "none": no scaling (ids, dates, flags, counters).
QUANTITY = {
    "EnergyWh": (0x00, 0x07, "exp", -6),        # Wh 10^(n-3) -> kWh
    "EnergyJ": (0x08, 0x0F, "expj", 0),         # J 10^n -> kWh
    "Volume": (0x10, 0x17, "exp", -6),          # m³
    "Mass": (0x18, 0x1F, "exp", -3),            # kg
    "OnTime": (0x20, 0x23, "time", 0),
    "OperatingTime": (0x24, 0x27, "time", 0),
    "PowerW": (0x28, 0x2F, "exp", -6),          # W 10^(n-3) -> kW
    "PowerJh": (0x30, 0x37, "expj", 0),         # J/h -> kW
    "VolumeFlow": (0x38, 0x3F, "exp", -6),      # m³/h
    "VolumeFlowExt": (0x40, 0x47, "exp", -7, 60),  # m³/min -> m³/h
    "VolumeFlowExtS": (0x48, 0x4F, "exp", -9, 3600),  # m³/s -> m³/h
    "MassFlow": (0x50, 0x57, "exp", -3),        # kg/h
    "FlowTemperature": (0x58, 0x5B, "exp", -3),
    "ReturnTemperature": (0x5C, 0x5F, "exp", -3),
    "TemperatureDifference": (0x60, 0x63, "exp", -3),
    "ExternalTemperature": (0x64, 0x67, "exp", -3),
    "Pressure": (0x68, 0x6B, "exp", -3),        # bar
    "Date": (0x6C, 0x6C, "none", 0),
    "DateTime": (0x6D, 0x6D, "none", 0),
    "HeatCostAllocation": (0x6E, 0x6E, "none", 0),
    "AveragingDuration": (0x70, 0x73, "time", 0),
    "ActualityDuration": (0x74, 0x77, "time", 0),
    "FabricationNo": (0x78, 0x78, "none", 0),
    "EnhancedIdentification": (0x79, 0x79, "none", 0),
    "BusAddress": (0x7A, 0x7A, "none", 0),
    # 0xFD table
    "CreditCurrency": (0x100, 0x103, "exp", -3),
    "DebitCurrency": (0x104, 0x107, "exp", -3),
    "AccessNumber": (0x108, 0x108, "none", 0),
    "Medium": (0x109, 0x109, "none", 0),
    "Manufacturer": (0x10A, 0x10A, "none", 0),
    "ParameterSet": (0x10B, 0x10B, "none", 0),
    "ModelVersion": (0x10C, 0x10C, "none", 0),
    "HardwareVersion": (0x10D, 0x10D, "none", 0),
    "FirmwareVersion": (0x10E, 0x10E, "none", 0),
    "SoftwareVersion": (0x10F, 0x10F, "none", 0),
    "CustomerLocation": (0x110, 0x110, "none", 0),
    "Customer": (0x111, 0x111, "none", 0),
    "AccessCodeUser": (0x112, 0x112, "none", 0),
    "AccessCodeOperator": (0x113, 0x113, "none", 0),
    "AccessCodeSystemOperator": (0x114, 0x114, "none", 0),
    "AccessCodeDeveloper": (0x115, 0x115, "none", 0),
    "Password": (0x116, 0x116, "none", 0),
    "ErrorFlags": (0x117, 0x117, "none", 0),
    "ErrorMask": (0x118, 0x118, "none", 0),
    "DigitalOutput": (0x11A, 0x11A, "none", 0),
    "DigitalInput": (0x11B, 0x11B, "none", 0),
    "BaudRate": (0x11C, 0x11C, "none", 0),
    "ResponseDelayTime": (0x11D, 0x11D, "none", 0),
    "Retry": (0x11E, 0x11E, "none", 0),
    "RemoteControl": (0x11F, 0x11F, "none", 0),
    "FirstStorageNr": (0x120, 0x120, "none", 0),
    "LastStorageNr": (0x121, 0x121, "none", 0),
    "SizeOfStorageBlock": (0x122, 0x122, "none", 0),
    "StorageInterval": (0x124, 0x127, "time", 0),
    "DurationSinceReadout": (0x12C, 0x12F, "time", 0),
    "StartOfTariff": (0x130, 0x133, "time", 0),
    "DurationOfTariff": (0x134, 0x137, "time", 0),   # 0x130 is reserved, 0x131-0x133
    "PeriodOfTariff": (0x138, 0x13B, "time", 0),
    "Dimensionless": (0x13A, 0x13A, "none", 0),
    "Voltage": (0x140, 0x14F, "exp", -9),
    "Amperage": (0x150, 0x15F, "exp", -12),
    "ResetCounter": (0x160, 0x160, "none", 0),
    "CumulationCounter": (0x161, 0x161, "none", 0),
    "ControlSignal": (0x162, 0x162, "none", 0),
    "DayOfWeek": (0x163, 0x163, "none", 0),
    "WeekNumber": (0x164, 0x164, "none", 0),
    "TimePointOfDayChange": (0x165, 0x165, "none", 0),
    "StateOfParameterActivation": (0x166, 0x166, "none", 0),
    "SpecialSupplierInformation": (0x167, 0x167, "none", 0),
    "DurationSinceLastCumulation": (0x168, 0x16B, "time", 0),
    "OperatingTimeBattery": (0x16C, 0x16F, "time", 0),
    "DateTimeOfBatteryChange": (0x170, 0x170, "none", 0),
    "RSSI": (0x171, 0x171, "none", 0),
    "DayLightSaving": (0x172, 0x172, "none", 0),
    "ListeningWindowManagement": (0x173, 0x173, "none", 0),
    "RemainingBattery": (0x174, 0x174, "days", 0),
    "NumberStopsOfMeter": (0x175, 0x175, "none", 0),
    "DataContainerForManufacturerSpecificProtocol": (0x176, 0x176, "none", 0),
    # 0xFB table
    "EnergyMWh": (0x200, 0x201, "exp", 2),      # MWh 10^(n-1) -> kWh
    "EnergyGJ": (0x208, 0x209, "expgj", 0),     # GJ 10^(n-1)
    "VolumeM3Big": (0x210, 0x211, "exp", 2),    # m³ 10^(n+2)
    "MassT": (0x218, 0x219, "exp", 5),          # t 10^(n+2) -> kg
    "RelativeHumidity": (0x21A, 0x21B, "exp", -1),
    "VolumeFeet3": (0x221, 0x221, "exp", -1),
    "PowerMW": (0x228, 0x229, "exp", 2),
    "PowerGJh": (0x230, 0x231, "expgj", 0),
    "FlowTemperatureF": (0x258, 0x25B, "exp", -3),
    "ColdWarmTemperatureLimit": (0x274, 0x277, "exp", -3),
    "CumulativeMaxActivePower": (0x278, 0x27F, "exp", -6),
    "PlainText": (0x37C, 0x37C, "none", 0),
    "AnyVIF": (0x37E, 0x37E, "none", 0),
    "ManufacturerSpecific": (0x37F, 0x37F, "none", 0),
}
# Groups of quantities a driver may ask for by one name.
GROUPS = {
    "AnyVolumeVIF": ("Volume", "VolumeM3Big"),
    "AnyEnergyVIF": ("EnergyWh", "EnergyJ", "EnergyMWh", "EnergyGJ"),
    "AnyPowerVIF": ("PowerW", "PowerJh", "PowerMW", "PowerGJh"),
    "AnyFlowVIF": ("VolumeFlow", "VolumeFlowExt", "VolumeFlowExtS"),
    "Energy": ("EnergyWh", "EnergyJ"),
    "Power": ("PowerW", "PowerJh"),
    "AnyTemperature": ("FlowTemperature", "ReturnTemperature", "ExternalTemperature"),
}

_TIME = (1, 60, 3600, 86400)
_KIND = {}   # code -> (kind, exponent of that code)
for _q in QUANTITY.values():
    for _c in range(_q[0], _q[1] + 1):
        if _c not in _KIND:
            _KIND[_c] = (_q[2], _q[3] + (_c - _q[0]), _c - _q[0], _q[4] if len(_q) > 4 else 1)


def ranges(name):
    """[(lo, hi), ...] codes of a quantity or group name; KeyError names it if unknown."""
    if name in GROUPS:
        return tuple(QUANTITY[n][0:2] for n in GROUPS[name])
    q = QUANTITY[name]
    return ((q[0], q[1]),)


def scale(code, raw):
    """raw number of a record with this VIF code -> value in the quantity's base unit."""
    k = _KIND.get(code)
    if k is None or k[0] == "none":
        return raw
    kind, e = k[0], k[1]
    if kind == "exp":
        if k[3] != 1:
            raw = raw * k[3]
        return raw * 10 ** e if e >= 0 else raw / 10 ** (-e)
    if kind == "time":
        return raw * _TIME[k[2] & 3]
    if kind == "days":
        return raw * 86400
    if kind == "expj":      # J 10^n -> kWh
        return raw * 10 ** k[2] / 3600000
    if kind == "expgj":     # GJ 10^(n-1) -> kWh
        return raw * 10 ** (k[2] - 1) * 277777.77777777775
    return raw


def code_name(code):
    for name, q in QUANTITY.items():
        if q[0] <= code <= q[1]:
            return name
    return "0x%03X" % code


# Output units: value in base unit * factor. Names are the suffixes fields carry.
UNIT = {
    "m3": 1, "l": 1000,
    "kwh": 1, "mwh": 0.001, "wh": 1000, "gj": 0.0036, "mj": 3.6,
    "kw": 1, "w": 1000,
    "m3h": 1, "lh": 1000,
    "kg": 1, "t": 0.001, "kgh": 1,
    "c": 1, "k": 1, "bar": 1, "pa": 100000,
    "s": 1, "min": 1 / 60, "h": 1 / 3600, "d": 1 / 86400, "y": 1 / 31556952,
    "hca": 1, "counter": 1, "v": 1, "a": 1, "pct": 1, "rh": 1, "": 1,
}
