"""apatoreitn: HeatCostAllocationMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))


DRIVER = Driver(
    'apatoreitn', 'HeatCostAllocationMeter', 'heat cost allocation',
    detect=(('APT', 4, 8),),
    fields=(
    ),
    decode=_decode,
)
# TODO (not standard records): current_hca, previous_hca, current_date, season_start_date, esb_date, temp_room_avg_c, temp_room_prev_avg_c
