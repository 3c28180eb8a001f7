"""Device type (EN 13757-7 table, as OMS and wmbusmeters print them) to media names."""
MEDIA = ('other', 'oil', 'electricity', 'gas',
         'heat', 'steam', 'warm water', 'water',
         'heat cost allocation', 'compressed air', 'cooling load volume at outlet', 'cooling load volume at inlet',
         'heat volume at inlet', 'heat/cooling load', 'bus/system component', 'unknown',
         'reserved', 'reserved', 'reserved', 'reserved',
         'calorific value', 'hot water', 'cold water', 'dual register (hot/cold) water meter',
         'pressure', 'a/d converter', 'smoke detector', 'room sensor',
         'gas detector', 'reserved', 'reserved', 'reserved',
         'breaker (electricity)', 'valve (gas or water)', 'reserved', 'reserved',
         'reserved', 'customer unit (display device)', 'reserved', 'reserved',
         'waste water', 'garbage', 'reserved', 'reserved',
         'reserved', 'reserved', 'reserved', 'reserved',
         'reserved', 'communication controller', 'unidirectional repeater', 'bidirectional repeater',
         'reserved', 'reserved', 'radio converter (system side)', 'radio converter (meter side)')


def media_name(device_type):
    if 0 <= device_type < len(MEDIA):
        return MEDIA[device_type]
    return None
