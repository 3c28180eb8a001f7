"""Apator APT-MBUS-NA-1 water meter (aptmbusna, wired M-Bus): standard records; the status
joins the TPL status and the error flags (VIF FD 17, three bytes: P_ = happened in the past,
without prefix = now), bit names as wmbusmeters' aptmbusna driver gives them."""
from ..driver import Driver, F, error_flag_names, status_text, tpl_status_names

ERROR_FLAGS = (
    (0x000001, "P_MAGNETIC_FIELD"), (0x000002, "P_STRONG_LIGHT"),
    (0x000004, "P_MBUS_DISCONNECTED"), (0x000008, "P_DETECTION_WITHOUT_CHANGES"),
    (0x000010, "P_MINIMUM_FLOW"), (0x000020, "P_MAXIMUM_FLOW"), (0x000040, "P_REVERSE_FLOW"),
    (0x000080, "P_LEAK"),
    (0x000100, "P_PROCESSOR_RESET"), (0x000200, "P_CLOCK_HAND_ERROR"),
    (0x000400, "BATTERY_LOW"), (0x000800, "P_DETECTOR_ERROR"),
    (0x010000, "MAGNETIC_FIELD"), (0x020000, "STRONG_LIGHT"), (0x040000, "MBUS_DISCONNECTED"),
    (0x080000, "DETECTION_WITHOUT_CHANGES"), (0x100000, "MINIMUM_FLOW"),
    (0x200000, "MAXIMUM_FLOW"), (0x400000, "REVERSE_FLOW"), (0x800000, "PROCESSOR_RESET"),
)


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status) +
                                error_flag_names(rec, ERROR_FLAGS))


DRIVER = Driver(
    'aptmbusna', 'WaterMeter', 'water',
    detect=(('APA', 21, 7),),
    fields=(
        F('fabrication_no', 'FabricationNo', kind='hex'),
        F('meter_datetime', 'DateTime'),
        F('operating_time_h', 'OperatingTime'),
        F('target_date', 'Date', storage=1),
        F('target_m3', 'Volume', storage=1),
        F('total_m3', 'Volume'),
        F('volume_flow_m3h', 'VolumeFlow'),
    ),
    decode=_decode,
)
