"""Settlement file for property-management systems: export.csv and export.json.

CSV: one row per tenancy per pool line (row_type "line") and one total row per tenancy
(row_type "total"); stable column names, documented in docs/statements.md. Money appears
twice: integer øre (exact, for reconciliation) and a DKK string with a decimal point and no
grouping ("1234.56"). The JSON has the same rows plus pools, checks and EED months.
"""
import csv
import io
import json

from . import danish as dk

FORMAT_VERSION = 1

COLUMNS = (
    "format_version", "property", "period_start", "period_end", "tenancy_id", "unit_id",
    "tenant", "liable_from", "liable_to", "days", "row_type", "pool", "pool_name",
    "basis", "basis_unit", "unit_price", "estimated", "amount_ore", "amount_dkk",
    "aconto_ore", "aconto_dkk", "balance_ore", "balance_dkk", "result",
)

RESULT_CODES = {1: "efterbetaling", -1: "tilbagebetaling", 0: "nul"}


def _result_code(balance_ore):
    return RESULT_CODES[(balance_ore > 0) - (balance_ore < 0)]


def _num(value):
    """A quantity as a plain decimal string (point, no grouping, no exponent)."""
    return dk.number(value, 6, group=False).replace(",", ".").rstrip("0").rstrip(".") or "0"


def rows(result):
    """Export rows as dicts with exactly COLUMNS as keys."""
    return list(iter_rows(result))


def iter_rows(result):
    """The export rows one statement at a time (a million statements never in memory)."""
    pools = {p.key: p for p in result.pools}
    for st in result.statements:
        yield from statement_rows(result, pools, st)


def statement_rows(result, pools, st):
    """One statement's export rows: a line row per pool line and a total row."""
    out = []
    base = {
        "format_version": FORMAT_VERSION,
        "property": result.property_name,
        "period_start": result.period_start.isoformat(),
        "period_end": result.period_end.isoformat(),
        "tenancy_id": st.tenancy_id, "unit_id": st.unit_id, "tenant": st.tenant_name or "",
        "liable_from": st.liable_from.isoformat(), "liable_to": st.liable_to.isoformat(),
        "days": st.days,
    }
    estimated_pools = {e.pool for e in st.estimates if getattr(e, "pool", None)}
    for line in st.lines:
        pool = pools[line.pool]
        out.append(dict(base, row_type="line", pool=pool.key, pool_name=pool.name,
                        basis=_num(line.basis), basis_unit=pool.basis_unit,
                        unit_price=_num(pool.unit_price),
                        estimated=int(pool.key in estimated_pools),
                        amount_ore=line.amount_ore, amount_dkk=dk.dkk_plain(line.amount_ore),
                        aconto_ore="", aconto_dkk="", balance_ore="", balance_dkk="",
                        result=""))
    out.append(dict(base, row_type="total", pool="", pool_name="", basis="", basis_unit="",
                    unit_price="", estimated=int(bool(st.estimates)),
                    amount_ore=st.total_ore, amount_dkk=dk.dkk_plain(st.total_ore),
                    aconto_ore=st.aconto_ore, aconto_dkk=dk.dkk_plain(st.aconto_ore),
                    balance_ore=st.balance_ore, balance_dkk=dk.dkk_plain(st.balance_ore),
                    result=_result_code(st.balance_ore)))
    return out


def to_csv(result):
    """CSV text (UTF-8, comma separated, header row, \\r\\n line ends per RFC 4180)."""
    buf = io.StringIO()
    write_csv(result, buf)
    return buf.getvalue()


def write_csv(result, f):
    """to_csv's text written to the text file f, a statement at a time."""
    w = csv.DictWriter(f, fieldnames=COLUMNS)
    w.writeheader()
    w.writerows(iter_rows(result))


def to_dict(result, eed_pages=(), summary_only=False):
    pools = [{"pool": p.key, "name": p.name, "amount_ore": p.amount_ore,
              "amount_dkk": dk.dkk_plain(p.amount_ore), "basis_total": _num(p.basis_total),
              "basis_unit": p.basis_unit, "unit_price": _num(p.unit_price)}
             for p in result.pools]
    checks = [{"name": c.name, "ok": bool(c.ok), "severity": c.severity, "message": c.message}
              for c in result.checks]
    return {
        "format_version": FORMAT_VERSION,
        "property": result.property_name,
        "period_start": result.period_start.isoformat(),
        "period_end": result.period_end.isoformat(),
        "issued": result.issued.isoformat(),
        "utility_statement_date": (result.utility_statement_date.isoformat()
                                   if result.utility_statement_date else None),
        "deadline": result.deadline.isoformat() if result.deadline else None,
        "total_ore": sum(p.amount_ore for p in result.pools),
        "pools": pools,
        "rows": None if summary_only else rows(result),
        "checks": checks,
        "eed": None if summary_only else list(eed_pages),
    }


def to_json(result, eed_pages=()):
    return json.dumps(to_dict(result, eed_pages), ensure_ascii=False, indent=1) + "\n"


def write_json(result, f, eed_pages=()):
    """to_json's text written to the text file f, the rows and EED pages one at a time."""
    head = to_dict(result, summary_only=True)
    f.write("{")
    for k, (key, value) in enumerate(head.items()):
        f.write("," if k else "")
        f.write("\n %s: " % json.dumps(key))
        if key in ("rows", "eed"):
            _write_list(f, iter_rows(result) if key == "rows" else eed_pages)
        else:
            f.write(json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n "))
    f.write("\n}\n")


def _write_list(f, items):
    first = True
    for item in items:
        f.write("[\n  " if first else ",\n  ")
        f.write(json.dumps(item, ensure_ascii=False, indent=1).replace("\n", "\n  "))
        first = False
    f.write("[]" if first else "\n ]")
