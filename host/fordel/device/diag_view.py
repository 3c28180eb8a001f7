"""`fordel diag` for people: the collector's JSON answers as aligned tables (rich), times in
the laptop's local time, meters with apartment and room, device types in hex as the
technician's guide and the meters' labels give them, and each reading both as the meter
shows it (raw) and as the settlement uses it (coded)."""
import datetime

from rich import box
from rich.console import Console
from rich.table import Table

from wmbus.media import media_name

_console = None


def console():
    global _console
    if _console is None:
        _console = Console(highlight=False, soft_wrap=False, width=200)
    return _console


def local_time(t):
    if t is None:
        return "-"
    return datetime.datetime.fromtimestamp(t).strftime("%Y-%m-%d %H:%M:%S")


def duration(s):
    if s is None:
        return "-"
    s = int(s)
    d, h, m = s // 86400, s % 86400 // 3600, s % 3600 // 60
    return (f"{d} d " if d else "") + (f"{h} h " if d or h else "") + f"{m} min"


def cell(v):
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.4f}".rstrip("0").rstrip(".")
    if isinstance(v, (list, tuple)):
        return ", ".join(cell(x) for x in v)
    return str(v)


_TIME_KEYS = ("last_seen", "last_time_set", "t", "time")
_STATUS_FIRST = ("collector_id", "board", "radio_module", "uptime_s", "frames", "coded_meters",
                 "config_error", "coding_error", "free_heap", "store_errors", "memory_errors",
                 "last_store_error")


def status_value(key, v):
    if key in _TIME_KEYS:
        return local_time(v)
    if key == "uptime_s":
        return duration(v)
    return cell(v)


def status_table(answer):
    """Top-level facts first, then one section a nested group (radio, store, uplink...)."""
    t = Table(box=box.SIMPLE, show_header=False, pad_edge=False)
    t.add_column("what", style="bold")
    t.add_column("value")
    keys = [k for k in _STATUS_FIRST if k in answer] + sorted(
        k for k in answer if k not in _STATUS_FIRST and not isinstance(answer[k], dict))
    for k in keys:
        style = "red" if k.endswith("error") and answer[k] else None
        t.add_row(k, status_value(k, answer[k]), style=style)
    for k in sorted(k for k in answer if isinstance(answer[k], dict)):
        t.add_section()
        t.add_row(f"[underline]{k}[/]", "")
        for k2 in sorted(answer[k]):
            t.add_row("  " + k2, status_value(k2, answer[k][k2]))
    return t


METER_COLUMNS = (  # (key, heading)
    ("id", "meter"), ("apartment", "apartment"), ("room", "room"), ("kind", "kind"),
    ("last_seen", "last seen"), ("last_rssi_dbm", "RSSI dBm"), ("ok", "ok"),
    ("stored", "stored"), ("not_decoded", "not due"), ("crc_errors", "CRC err"),
    ("decrypt_failures", "wrong key"), ("decode_errors", "decode err"),
    ("last_raw", "raw reading"), ("last_reading", "coded reading"))


def meters_table(items):
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    known = [c for c in METER_COLUMNS if any(c[0] in it for it in items)]
    extra = sorted({k for it in items for k in it} - {c[0] for c in METER_COLUMNS})
    for key, head in known + [(k, k) for k in extra]:
        numeric = key not in ("id", "apartment", "room", "kind", "last_seen")
        t.add_column(head, justify="right" if numeric else "left")
    for it in items:
        style = "red" if it.get("decrypt_failures") and not it.get("ok") else \
            ("yellow" if it.get("last_seen") is None else None)
        t.add_row(*[local_time(it.get(k)) if k == "last_seen" else cell(it.get(k))
                    for k, _ in known + [(k, k) for k in extra]], style=style)
    return t


def device_type(v):
    if v is None:
        return "-"
    name = media_name(v)
    return f"0x{v:02X}" + (f" {name}" if name else "")


def uncoded_table(items):
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for head, right in (("meter", False), ("manufacturer", False), ("device type", False),
                        ("telegrams", True), ("RSSI dBm", True), ("last seen", False)):
        t.add_column(head, justify="right" if right else "left")
    for it in items:
        t.add_row(cell(it.get("id")), cell(it.get("manufacturer")),
                  device_type(it.get("device_type")), cell(it.get("telegrams")),
                  cell(it.get("last_rssi_dbm")), local_time(it.get("last_seen")))
    return t


def tail_line(ev):
    """One telegram of the live tail: local time, meter, RSSI, result, raw -> coded, hex."""
    value = ""
    if ev.get("raw") is not None or ev.get("value") is not None:
        value = f" raw {cell(ev.get('raw'))} coded {cell(ev.get('value'))}"
    return (f"{local_time(ev.get('t'))}  {cell(ev.get('id'))}  {cell(ev.get('rssi_dbm')):>4} dBm"
            f"  {cell(ev.get('result'))}{value}  {ev.get('telegram', '')}")


def show(command, answer):
    c = console()
    if command == "meters":
        items = answer.get("items", [])
        c.print(meters_table(items) if items else "(no meters coded)")
    elif command == "uncoded":
        items = answer.get("items", [])
        c.print(uncoded_table(items) if items else "(no uncoded meters heard)")
    else:
        c.print(status_table(answer))
