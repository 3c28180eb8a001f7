# shared/tests modules import their helpers by plain name, as they do on MicroPython.
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
