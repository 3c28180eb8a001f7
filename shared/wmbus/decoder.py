"""Decoder: frames in, named readings out. Keeps what a stream of telegrams needs between
frames: the keys, each meter's configured driver and the compact-frame formats (CI 0x79)
learnt from full frames."""
from . import drivers as _drivers
from . import link
from .crc import crc16
from .dv import Records
from .errors import NO_DRIVER, NOT_ENCRYPTED, UNKNOWN_FORMAT, WMBusError
from .media import media_name

# compact-frame formats learnt from full frames, by format signature (the CRC-16 of the
# DIF/VIF bytes: a property of the format, the same for every meter sending it). A property
# has a handful (one per meter type and configuration), so 500 meters cost a few entries.
MAX_FORMATS = 16
MAX_MERGED_METERS = 600     # merge=True (host tools): meters whose last reading is kept
MAX_FITTED_METERS = 64      # meters whose driver was told apart by fit (Decoder._best_fit)


class Decoder:
    """decode(frame) -> dict like wmbusmeters' JSON: "_", "media", "meter", "name", "id",
    the driver's fields, plus "manufacturer".

    keys:    {meter id text (8 hex digits, lower case): key, 16 bytes AES-128 or 8 DES}
    drivers: {meter id text: driver name}   (a meter's coding; else detected)
    names:   {meter id text: name}
    """

    def __init__(self, keys=None, drivers=None, names=None, frame_format="auto", merge=False,
                 keyed_must_decrypt=False):
        self.keys = keys if keys is not None else {}
        self.drivers = drivers if drivers is not None else {}
        self.names = names if names is not None else {}
        self.frame_format = frame_format
        self.t = link.Telegram()
        self.rec = Records()
        self.formats = {}           # format signature -> DIF/VIF bytes (MAX_FORMATS at most)
        # merge=True: each result also carries the meter's fields from its earlier telegrams
        # (a meter alternating two telegram layouts reads as one meter; wmbusmeters' output)
        self.merge = merge
        self.last = {}
        # the collector: a meter with a key must send telegrams encrypted with it (security
        # mode 5/7, ELL, or the maker's own AES); anything else is refused (NOT_ENCRYPTED):
        # a plaintext telegram could come from anyone's transmitter
        self.keyed_must_decrypt = keyed_must_decrypt
        self.fitted = {}            # meter id -> driver module chosen by fit (ambiguous header)
        self._ambiguous = None      # this telegram's candidates when none fitted best

    def decode(self, frame, key=None, driver=None, name=None, out=None):
        """One frame -> its reading as a dict. `out`: a dict to clear and fill instead of a
        new one (the collector reuses one: no dict allocated per telegram)."""
        t = self.t
        if key is None:
            key = self.keys
        try:
            link.parse(t, frame, key, self.frame_format)
        except WMBusError:
            raise
        except (IndexError, ValueError, TypeError, KeyError) as e:
            raise WMBusError("malformed frame (%s)" % (e,), t.id or None)
        drv = self._driver(t, driver)
        rec = self.rec
        ci = t.ci
        try:
            if ci in link.COMPACT_CIS:
                self._compact(t, rec, drv)
            elif ci <= 0x7A and drv.records:
                rec.parse(t.payload, t.pos, t.end, t.id, None, drv.compact)
                if rec.fmt_len > 0 and drv.compact:
                    self._learn(rec)
            else:
                rec.n = 0
                rec.data = t.payload
        except WMBusError:
            raise
        except (IndexError, ValueError, TypeError, KeyError) as e:
            raise WMBusError("malformed data records (%s)" % (e,), t.id)
        media = None
        if drv.media_map is not None and t.device_type in drv.media_map:
            media = drv.media_map[t.device_type]
        elif drv.media_from_type:
            media = media_name(t.device_type)
            if media is None or media == "reserved":
                media = drv.media
        else:
            media = drv.media
        if name is None:
            name = self.names.get(t.id, "")
        if out is None:
            out = {}
        else:
            out.clear()
        out["_"] = "telegram"
        out["media"] = media
        out["meter"] = drv.name
        out["name"] = name
        out["id"] = t.id
        try:
            drv.fill(t, rec, out)
        except WMBusError:
            raise
        except (IndexError, ValueError, TypeError, KeyError, ZeroDivisionError) as e:
            raise WMBusError("driver %s: malformed payload (%s)" % (drv.name, e), t.id)
        if self.keyed_must_decrypt and not t.decrypted and link._key(t, key) is not None:
            raise WMBusError("not encrypted with the meter's key (security mode %d): refused"
                             % t.security, t.id, NOT_ENCRYPTED)
        out["manufacturer"] = t.manufacturer
        if self._ambiguous is not None:
            # several drivers declare this header and fit the telegram equally: read with the
            # standard OMS meanings, say so, and list the records those leave unread (never
            # a maker's names guessed)
            out["detection"] = "ambiguous: " + " ".join(self._ambiguous)
            if drv.records and "unknown_records" not in out:
                from .drivers import _unknown
                _unknown.report(drv.fields, rec, out)
        if self.merge:
            prev = self.last.get(t.id)
            if prev is not None and prev.get("meter") == out["meter"]:
                merged = dict(prev)
                merged.update(out)
                out = merged
            elif len(self.last) >= MAX_MERGED_METERS:
                self.last.pop(next(iter(self.last)))
            self.last[t.id] = out       # the caller gets this dict: a new one each telegram
        return out

    def _driver(self, t, name):
        if name is None:
            name = self.drivers.get(t.id)
        self._ambiguous = None
        if name:
            return _drivers.load(name)
        mods = _drivers.detect(t.manufacturer, t.version, t.device_type)
        if not mods and t.id != t.dll_id and len(t.frame) > 9:
            f = t.frame
            mods = _drivers.detect(link.manufacturer_code(f[2] | f[3] << 8), f[8], f[9])
        if len(mods) == 1:
            return _drivers.load(mods[0])
        if mods:
            m = self._best_fit(t, mods)
            if m is not None:
                return _drivers.load(m)
            self._ambiguous = mods
        g = _drivers.generic(t.device_type)
        if g is None:
            raise WMBusError("no driver for manufacturer %s version 0x%02X type 0x%02X"
                             % (t.manufacturer, t.version, t.device_type), t.id, NO_DRIVER)
        return _drivers.load(g)

    def _best_fit(self, t, mods):
        """Of several drivers declaring the header, the one whose declaration takes the most
        of this telegram's data records (remembered per meter); None when they tie or the
        payload is not records they can be compared on."""
        m = self.fitted.get(t.id)
        if m is not None and m in mods:
            return m
        if t.ci in link.COMPACT_CIS or t.ci > 0x7A:     # data records as decode() parses
            return None
        cands = [_drivers.load(m) for m in mods]
        for d in cands:
            if not d.records:
                return None
        rec = self.rec
        try:
            rec.parse(t.payload, t.pos, t.end, t.id)
        except WMBusError:
            return None
        best, best_n, tie = None, -1, False
        for i in range(len(mods)):
            n = cands[i].records_taken(rec)
            if n > best_n:
                best, best_n, tie = mods[i], n, False
            elif n == best_n:
                tie = True
        if tie:
            return None
        if len(self.fitted) >= MAX_FITTED_METERS:
            self.fitted.pop(next(iter(self.fitted)))
        self.fitted[t.id] = best
        return best

    def _learn(self, rec):
        sig = crc16(rec.fmt, 0, rec.fmt_len)
        fmts = self.formats
        if sig not in fmts:
            if len(fmts) >= MAX_FORMATS:
                fmts.pop(next(iter(fmts)))
            fmts[sig] = bytes(rec.fmt[0:rec.fmt_len])

    def _compact(self, t, rec, drv):
        p = t.payload
        pos = t.pos
        if t.security and pos + 2 <= t.end and p[pos] == 0x2F and p[pos + 1] == 0x2F:
            pos += 2                # the decryption check bytes before the compact header
        if pos + 4 > t.end:
            raise WMBusError("truncated compact frame header", t.id)
        sig = p[pos] | p[pos + 1] << 8
        dcrc = p[pos + 2] | p[pos + 3] << 8
        fmt = self.formats.get(sig)
        if fmt is None:
            fmt = drv.format_for(sig)
        if fmt is None:
            raise WMBusError("compact frame (format signature %04x) before any full frame "
                             "with that format: its format is unknown" % sig, t.id,
                             UNKNOWN_FORMAT)
        # the 2 bytes after the signature are a data checksum whose definition varies by
        # maker (Kamstrup's is not EN 13757 CRC-16 over the data); the frame is already
        # covered by the DLL and ELL CRCs, so it is not checked here
        t.compact_crc = dcrc
        rec.parse(p, pos + 4, t.end, t.id, fmt)
