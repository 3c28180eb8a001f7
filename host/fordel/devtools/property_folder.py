"""Small property folders for the settlement's tests (docs/settlement.md's format): the
files given as text (written as UTF-8) or bytes (written as they are, for encoding tests),
and the largest-remainder split done by hand in fractions, for expected values."""
from fractions import Fraction
from pathlib import Path


def write_folder(path, files):
    """Write {file name: text or bytes} into the folder `path` (made if missing)."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        (path / name).write_bytes(data)
    return path


def largest_remainder_by_hand(amount, bases):
    """amount øre over bases: floors of the exact shares, the rest one øre each to the
    largest fractional parts (ties: the first listed), in exact fractions."""
    total = sum(bases)
    exact = [Fraction(amount) * b / total for b in bases]
    floors = [int(e) for e in exact]
    order = sorted(range(len(bases)), key=lambda i: exact[i] - floors[i], reverse=True)
    for i in order[:amount - sum(floors)]:
        floors[i] += 1
    return floors
