"""The collector app: radio module -> codec -> coding -> reading policy -> store -> uplink,
with the diagnostics console beside it. The same file runs on the ESP32 boards and on the
`sim` board (MicroPython unix port); only `board` differs.

Flash layout (FLASH = board.mount_flash()):
    FLASH/config.json   {"collector_id": "...", "link_mode": "C1T1", "upload_url": "http://h:p/upload",
                         "upload_key": "<hex HMAC key>", "upload_every_s": 60, "store_every_h": 24}
    FLASH/coding.csv    the technician's meter coding (firmware/coding.py), pushed by provisioning
    FLASH/store/        the record store (firmware/store.py)
"""
import asyncio
import gc
import json
import sys

import board
import coding
import collector
import console
from radio import RadioError, open_radio

def load_config(flash):
    """config.json checked field by field (shared/meterrecord/config.py): a bad or unknown
    value is replaced by its default and named in `status` as config_error, so a typo never
    keeps the collector from collecting. Returns (config, problem text or None)."""
    from meterrecord import config
    given = {}
    try:
        with open(flash + "/config.json") as f:
            given = json.load(f)
        if not isinstance(given, dict):
            raise ValueError("not a JSON object")
    except OSError:
        problems = ["%s/config.json missing, using defaults" % flash]
        given = {}
    except ValueError as e:
        problems = ["%s/config.json is not valid JSON (%s), using defaults" % (flash, e)]
        given = {}
    else:
        problems = []
    cfg, more = config.check(given)
    problems.extend(more)
    error = "; ".join(problems) if problems else None
    if error:
        print("config: " + error)
    return cfg, error


class App:
    """What the console asks about: the collector's counts plus radio and store facts."""

    def __init__(self, cfg, coll, radio, store, uplink, config_error=None):
        self.cfg = cfg
        self.config_error = config_error
        self.coll = coll
        self.radio = radio
        self.store = store
        self.uplink = uplink
        self.radio_info = None

    def status(self):
        d = self.coll.status()
        d["board"] = board.NAME
        d["config_error"] = self.config_error
        if hasattr(board, "network_status"):
            d["network"] = board.network_status()
        d["radio_module"] = board.RADIO_MODULE
        d["radio"] = self.radio.health() if self.radio else {"state": "absent"}
        if self.radio_info:
            d["radio_info"] = self.radio_info
        if self.uplink:
            d["uplink"] = self.uplink.status()
        return d

    def meters(self):
        return self.coll.meters()

    def uncoded(self):
        return self.coll.uncoded()

    async def selftest(self):
        if self.radio is None:
            return {"ok": False, "error": "no radio module"}
        return await self.radio.selftest()


async def radio_loop(radio, coll, app):
    while True:
        try:
            app.radio_info = await radio.start()
            break
        except RadioError as e:
            print("radio: %s; retrying in 5 s" % e)
            await asyncio.sleep(5)
    board.led(1)
    handle = coll.handle_frame
    while True:
        f = await radio.next_frame()
        try:
            handle(f.data, f.rssi_dbm)
        except MemoryError:
            # the heap had no block for this telegram (fragmentation at the limit): it is
            # dropped and counted, the collector goes on; the meter repeats it in minutes, and
            # the store's own writes are all-or-nothing
            coll.memory_errors += 1
            gc.collect()
        # next_frame() returns at once while frames are queued: yield, so that a backlog of
        # telegrams never starves the uplink and the console
        await asyncio.sleep_ms(0)


def build(flash):
    """Everything the app needs, from the files on flash."""
    import reading_policy
    import store as store_mod
    from meterrecord import make_record
    from wmbus import Decoder
    cfg, cfg_error = load_config(flash)
    try:
        table = coding.CodingTable.load(flash + "/coding.csv")
    except OSError:
        print("coding: %s/coding.csv missing: no meters coded yet" % flash)
        table = coding.CodingTable(1)
    except coding.CodingError as e:
        # a bad row must not stop the collector: it runs with no meters coded (the meters it
        # hears show in `uncoded`) and `status` names the file, row and reason until fixed
        print("coding: %s; no meters coded until the file is fixed" % e)
        table = coding.CodingTable(1)
        table.error = str(e)
    dec = Decoder(keyed_must_decrypt=True)   # a keyed meter's plaintext is refused

    def decode(frame, mid, key, driver, out=None):
        return dec.decode(frame, key=key, driver=driver, out=out)

    st = store_mod.Store(flash + "/store")
    policy = reading_policy.ReadingPolicy(max(1, len(table)),
                                          min_interval_s=int(cfg["store_every_h"] * 3600))
    coll = collector.Collector(cfg["collector_id"], table, decode, st, policy, make_record,
                               clock=board.now)
    return cfg, cfg_error, table, coll, st


async def main():
    flash = board.mount_flash()
    cfg, cfg_error, table, coll, st = build(flash)
    if hasattr(board, "network_up"):    # ESP32: Wi-Fi with reconnects, clock from NTP
        asyncio.create_task(board.network_up(cfg))
    radio = open_radio(board.RADIO_MODULE, board.open_radio_uart(), link_mode=cfg["link_mode"])
    up = None
    if cfg["upload_url"]:
        import uplink
        if cfg["ca_cert"] and not cfg["ca_cert"].startswith("/"):
            cfg["ca_cert"] = flash + "/" + cfg["ca_cert"]     # a file on the collector's flash
        try:
            up = uplink.Uplink(cfg, st, clock=board.now,
                               set_clock=getattr(board, "set_time", None))
        except ValueError as e:     # a URL this uplink cannot use: collect, do not upload
            cfg_error = ("%s; " % cfg_error if cfg_error else "") + "upload: %s" % e
            print("config: upload: %s" % e)
    app = App(cfg, coll, radio, st, up, cfg_error)
    con = console.Console(app)
    coll.console = con
    gc.collect()
    print("fordel collector %s on board %s: %d meters coded, free heap %d"
          % (cfg["collector_id"], board.NAME, len(table), gc.mem_free()))
    tasks = [asyncio.create_task(radio_loop(radio, coll, app))]
    if up is not None:
        tasks.append(asyncio.create_task(up.run()))
    reader = board.console_reader() if hasattr(board, "console_reader") else \
        asyncio.StreamReader(getattr(sys.stdin, "buffer", sys.stdin))
    await con.run(reader)
    # the console's input ended (sim board run without a terminal): keep collecting until
    # the board is reset or the process is stopped; the store survives either
    while True:
        await asyncio.sleep(3600)


def run():
    """The app until the board is reset. Anything that escapes it (a bug, a heap exhausted
    outside the telegram path) is printed and the board restarts: an unattended collector
    must not sit at the REPL until somebody comes by. Ctrl-C (KeyboardInterrupt, not an
    Exception) still stops it for the technician and mpremote."""
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        print("collector stopped by Ctrl-C: at the REPL; Ctrl-D or a reset starts it again")
    except Exception as e:
        print("collector stopped: %s: %s; restarting the board" % (type(e).__name__, e))
        sys.print_exception(e)
        board.restart()


if __name__ == "__main__":
    run()
