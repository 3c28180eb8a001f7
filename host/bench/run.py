"""`make bench`: run every benchmark script in host/bench/ and print one table.

Each bench_*.py prints result rows as JSON lines on stdout:
    {"bench": "decode", "metric": "telegrams/s CPython (a)", "value": 12345.6, "unit": "/s", "target": ">= 20000"}
Other stdout lines are passed through as context.
"""
import json
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent


def main():
    rows = []
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"# {script.name}", flush=True)
        proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
        for line in proc.stdout.splitlines():
            try:
                row = json.loads(line)
            except ValueError:
                print("  " + line)
                continue
            if isinstance(row, dict) and "metric" in row:
                rows.append(row)
        if proc.returncode:
            print(proc.stderr[-3000:])
            rows.append({"bench": script.stem, "metric": "FAILED", "value": proc.returncode,
                         "unit": "exit", "target": ""})
    w = max([len(r["metric"]) for r in rows] + [10])
    print()
    print(f"{'bench':<10} {'metric':<{w}} {'value':>14} {'unit':<8} target")
    for r in rows:
        v = r["value"]
        vs = f"{v:,.1f}" if isinstance(v, float) else f"{v:,}" if isinstance(v, int) else str(v)
        print(f"{r['bench']:<10} {r['metric']:<{w}} {vs:>14} {r.get('unit',''):<8} {r.get('target','')}")


if __name__ == "__main__":
    main()
