"""Run shared/ test modules on the MicroPython unix port.

    micropython shared/tests/mprun.py test_crc test_codec ...

Each module's top-level ``test_*`` functions are called with no arguments (the same
files run under pytest on CPython, so they use plain ``assert`` and no fixtures).
Prints one line per test and exits 1 if any failed.
"""
import sys


def run(names):
    failed = 0
    passed = 0
    for name in names:
        mod = __import__(name)
        for attr in sorted(dir(mod)):
            if not attr.startswith("test_"):
                continue
            fn = getattr(mod, attr)
            if not callable(fn):
                continue
            try:
                fn()
            except Exception as e:  # report and go on: one failure must not hide others
                failed += 1
                print("FAIL", name + "." + attr, repr(e))
                sys.print_exception(e)
            else:
                passed += 1
                print("PASS", name + "." + attr)
    print("passed", passed, "failed", failed)
    return failed


if __name__ == "__main__":
    sys.exit(1 if run(sys.argv[1:]) else 0)
