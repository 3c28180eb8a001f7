"""Device type (EN 13757-7 table, as OMS and wmbusmeters print them) to media names."""
# EN 13757-7 device types 0x00..0x37, '|'-separated
MEDIA = (
    "other|oil|electricity|gas|heat|steam|warm water|water|heat cost allocation|"
    "compressed air|cooling load volume at outlet|cooling load volume at inlet|"
    "heat volume at inlet|heat/cooling load|bus/system component|unknown|reserved|"
    "reserved|reserved|reserved|calorific value|hot water|cold water|"
    "dual register (hot/cold) water meter|pressure|a/d converter|smoke detector|"
    "room sensor|gas detector|reserved|reserved|reserved|breaker (electricity)|"
    "valve (gas or water)|reserved|reserved|reserved|customer unit (display device)|"
    "reserved|reserved|waste water|garbage|reserved|reserved|reserved|reserved|"
    "reserved|reserved|reserved|communication controller|unidirectional repeater|"
    "bidirectional repeater|reserved|reserved|radio converter (system side)|"
    "radio converter (meter side)"
)
N_MEDIA = 56


_CACHE = {}


def media_name(device_type):
    """The media name of a device type, or None. MEDIA is one string (not 56 string objects
    on the collector's heap); a site's few device types are cached."""
    name = _CACHE.get(device_type)
    if name is None:
        if not 0 <= device_type < N_MEDIA:
            return None
        i = 0
        for _ in range(device_type):
            i = MEDIA.index("|", i) + 1
        j = MEDIA.find("|", i)
        name = MEDIA[i:] if j < 0 else MEDIA[i:j]
        if len(_CACHE) < 32:
            _CACHE[device_type] = name
    return name
