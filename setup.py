"""The wheel carries the MicroPython side (firmware/, boards/, shared/ packages) inside the
fordel package as fordel/device_code/, for the commands that run it (`fordel decode
--as-collector`, `fordel demo`, diagnostics on the sim board); fordel.paths finds it there
when fordel is not run from a checkout. Everything else is in pyproject.toml."""
import pathlib
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = pathlib.Path(__file__).resolve().parent
DEVICE_CODE = (("firmware", "firmware"), ("boards", "boards"),
               ("shared/wmbus", "shared/wmbus"), ("shared/meterrecord", "shared/meterrecord"))
SKIP = shutil.ignore_patterns("tests", "__pycache__", "*.pyc")


class BuildPyWithDeviceCode(build_py):
    def run(self):
        super().run()
        if self.editable_mode:          # an editable install runs from the checkout
            return
        dst = pathlib.Path(self.build_lib) / "fordel" / "device_code"
        for src, rel in DEVICE_CODE:
            shutil.copytree(HERE / src, dst / rel, ignore=SKIP, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildPyWithDeviceCode})
