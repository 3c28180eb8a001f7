"""Value information: VIF codes (EN 13757-3 tables 10-14, incl. the 0xFD and 0xFB extension
tables) as quantities with a scale to one base unit per quantity.

A record's VIF is normalised to one int `code`: primary VIF 0x00-0x7B as is, 0xFD table
0x100|vife, 0xFB table 0x200|vife, plain-text VIF 0x37C, manufacturer-specific 0x37F,
any VIF 0x37E. Base units: volume m³, energy kWh, power kW, flow m³/h, mass kg, mass flow
kg/h, temperature °C (differences K), pressure bar, time s, HCA units, voltage V, current A.
"""

# Quantity names (as drivers ask for them) and their code ranges "name first last" (hex).
# A string, not a dict: it costs the collector's heap one object, read only when drivers load.
QUANTITIES = """
EnergyWh 000 007
EnergyJ 008 00f
Volume 010 017
Mass 018 01f
OnTime 020 023
OperatingTime 024 027
PowerW 028 02f
PowerJh 030 037
VolumeFlow 038 03f
VolumeFlowExt 040 047
VolumeFlowExtS 048 04f
MassFlow 050 057
FlowTemperature 058 05b
ReturnTemperature 05c 05f
TemperatureDifference 060 063
ExternalTemperature 064 067
Pressure 068 06b
Date 06c 06c
DateTime 06d 06d
HeatCostAllocation 06e 06e
AveragingDuration 070 073
ActualityDuration 074 077
FabricationNo 078 078
EnhancedIdentification 079 079
BusAddress 07a 07a
CreditCurrency 100 103
DebitCurrency 104 107
AccessNumber 108 108
Medium 109 109
Manufacturer 10a 10a
ParameterSet 10b 10b
ModelVersion 10c 10c
HardwareVersion 10d 10d
FirmwareVersion 10e 10e
SoftwareVersion 10f 10f
CustomerLocation 110 110
Customer 111 111
AccessCodeUser 112 112
AccessCodeOperator 113 113
AccessCodeSystemOperator 114 114
AccessCodeDeveloper 115 115
Password 116 116
ErrorFlags 117 117
ErrorMask 118 118
DigitalOutput 11a 11a
DigitalInput 11b 11b
BaudRate 11c 11c
ResponseDelayTime 11d 11d
Retry 11e 11e
RemoteControl 11f 11f
FirstStorageNr 120 120
LastStorageNr 121 121
SizeOfStorageBlock 122 122
StorageInterval 124 127
DurationSinceReadout 12c 12f
StartOfTariff 130 133
DurationOfTariff 134 137
PeriodOfTariff 138 13b
Dimensionless 13a 13a
Voltage 140 14f
Amperage 150 15f
ResetCounter 160 160
CumulationCounter 161 161
ControlSignal 162 162
DayOfWeek 163 163
WeekNumber 164 164
TimePointOfDayChange 165 165
StateOfParameterActivation 166 166
SpecialSupplierInformation 167 167
DurationSinceLastCumulation 168 16b
OperatingTimeBattery 16c 16f
DateTimeOfBatteryChange 170 170
RSSI 171 171
DayLightSaving 172 172
ListeningWindowManagement 173 173
RemainingBattery 174 174
NumberStopsOfMeter 175 175
DataContainerForManufacturerSpecificProtocol 176 176
EnergyMWh 200 201
EnergyGJ 208 209
VolumeM3Big 210 211
MassT 218 219
RelativeHumidity 21a 21b
VolumeFeet3 221 221
PowerMW 228 229
PowerGJh 230 231
FlowTemperatureF 258 25b
ColdWarmTemperatureLimit 274 277
CumulativeMaxActivePower 278 27f
PlainText 37c 37c
AnyVIF 37e 37e
ManufacturerSpecific 37f 37f
"""
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


def ranges(name):
    """((lo, hi), ...) codes of a quantity or group name; KeyError names it if unknown."""
    if name in GROUPS:
        out = ()
        for n in GROUPS[name]:
            out += ranges(n)
        return out
    i = QUANTITIES.find("\n" + name + " ")
    if i < 0:
        raise KeyError("unknown quantity %r" % name)
    parts = QUANTITIES[i + 1:QUANTITIES.find("\n", i + 1)].split()
    return ((int(parts[1], 16), int(parts[2], 16)),)


_TIME = (1, 60, 3600, 86400)


def _e(raw, e):
    return raw * 10 ** e if e >= 0 else raw / 10 ** (-e)


def scale(code, raw):
    """raw number of a record with this VIF code -> value in the quantity's base unit.
    Arithmetic on the code (no per-code table: the collector's heap is small)."""
    if code < 0x100:
        if code <= 0x07:
            return _e(raw, code - 6)                      # Wh -> kWh
        if code <= 0x0F:
            return raw * 10 ** (code - 8) / 3600000       # J -> kWh
        if code <= 0x17:
            return _e(raw, code - 0x16)                   # m³
        if code <= 0x1F:
            return _e(raw, code - 0x1B)                   # kg
        if code <= 0x27:
            return raw * _TIME[code & 3]                  # on / operating time
        if code <= 0x2F:
            return _e(raw, code - 0x2E)                   # W -> kW
        if code <= 0x37:
            return raw * 10 ** (code - 0x30) / 3600000    # J/h -> kW
        if code <= 0x3F:
            return _e(raw, code - 0x3E)                   # m³/h
        if code <= 0x47:
            return _e(raw * 60, code - 0x47)              # m³/min -> m³/h
        if code <= 0x4F:
            return _e(raw * 3600, code - 0x51)            # m³/s -> m³/h
        if code <= 0x57:
            return _e(raw, code - 0x53)                   # kg/h
        if code <= 0x6B:
            return _e(raw, (code & 3) - 3)                # °C, K, bar
        if 0x70 <= code <= 0x77:
            return raw * _TIME[code & 3]                  # averaging / actuality duration
        return raw
    if code < 0x200:
        if code <= 0x107:
            return _e(raw, (code & 3) - 3)                # currency
        if 0x124 <= code <= 0x13B and code != 0x13A:
            return raw * _TIME[code & 3]
        if 0x140 <= code <= 0x14F:
            return _e(raw, code - 0x149)                  # V
        if 0x150 <= code <= 0x15F:
            return _e(raw, code - 0x15C)                  # A
        if 0x168 <= code <= 0x16F:
            return raw * _TIME[code & 3]
        if code == 0x174:
            return raw * 86400                            # remaining battery, days
        return raw
    if code <= 0x201:
        return _e(raw, code - 0x1FE)                      # MWh 10^(n-1) -> kWh
    if 0x208 <= code <= 0x209:
        return _e(raw, code - 0x209) * 277777.77777777775  # GJ -> kWh
    if 0x210 <= code <= 0x211:
        return _e(raw, code - 0x20E)                      # m³ 10^(n+2)
    if 0x218 <= code <= 0x219:
        return _e(raw, code - 0x213)                      # t 10^(n+2) -> kg
    if 0x21A <= code <= 0x21B:
        return _e(raw, code - 0x21B)                      # % RH
    if 0x228 <= code <= 0x229:
        return _e(raw, code - 0x226)                      # MW -> kW
    if 0x230 <= code <= 0x231:
        return _e(raw, code - 0x231) * 277777.77777777775  # GJ/h -> kW
    if 0x258 <= code <= 0x25B or 0x274 <= code <= 0x277:
        return _e(raw, (code & 3) - 3)
    if 0x278 <= code <= 0x27F:
        return _e(raw, code - 0x27E)                      # W -> kW
    return raw


def code_name(code):
    """The quantity name of a VIF code (diagnostics), scanning the table in place."""
    i = 1
    q = QUANTITIES
    while i < len(q):
        j = q.find("\n", i)
        if j < 0:
            break
        a = q.find(" ", i, j)
        lo = int(q[a + 1:a + 4], 16)
        hi = int(q[a + 5:a + 8], 16)
        if lo <= code <= hi:
            return q[i:a]
        i = j + 1
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
