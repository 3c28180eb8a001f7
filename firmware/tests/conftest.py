# firmware/tests modules import their helpers (flash_script.py) by plain name.
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
