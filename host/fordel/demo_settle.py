"""The demo's last stage: the settlement of the simulated property from the readings that
came through the collector, ingest and the readings export."""
import csv
import io


def settle_demo(out, prop, readings, stage, days=365):
    from .settle.example import make_property
    from .settle.settle_cmd import settle_folder
    import datetime
    meters = list(csv.DictReader(io.StringIO(prop.coding_csv())))
    for m in meters:        # a replaced allocator chained to its successor (replaced_by)
        if m["meter_id"] in prop.replaced:
            m["replaced_by"] = prop.replaced[m["meter_id"]][0]
    installed = {new: (prop.start + datetime.timedelta(seconds=at)).date().isoformat()
                 for new, at in prop.replaced.values()}
    for m in meters:
        if m["meter_id"] in installed:
            m["installed"] = installed[m["meter_id"]]
    start = prop.start.date()
    end = min(start + datetime.timedelta(days=days - 1), datetime.date(start.year, 12, 30))
    folder = make_property(out / "property", meters, readings, period=(start, end),
                           name="Simuleret ejendom")
    stage("property folder written: %s (apartments, meters, tenancies, costs, readings)"
          % folder)
    result, written = settle_folder(folder, out=out / "settlement")
    total = sum(p.amount_ore for p in result.pools)
    stage("settlement: %d pools, %s DKK distributed to the øre over %d statements; %d checks "
          "not ok" % (len(result.pools), "%d.%02d" % divmod(total, 100), len(result.statements),
                      sum(1 for c in result.checks if not c.ok)))
    for p in result.pools:
        stage("  %-45s %12s DKK  %s %s  unit price %.4f"
              % (p.name, "%d.%02d" % divmod(p.amount_ore, 100), p.basis_total, p.basis_unit,
                 p.unit_price))
    gaps = [c for c in result.checks if not c.ok and "ingen aflæsning fra" in c.message]
    for c in result.checks:
        if not c.ok and c not in gaps:
            stage("  board report: %s: %s" % (c.name, c.message))
    if gaps:
        stage("  board report: %d gaps of more than 2 days in meters' daily readings, e.g. "
              "%s" % (len(gaps), gaps[0].message))
    first = next((w for w in written if "statements" in str(w) and str(w).endswith(".html")),
                 None)
    stage("statements written: %d files under %s (open %s)"
          % (len(written), out / "settlement", first))
