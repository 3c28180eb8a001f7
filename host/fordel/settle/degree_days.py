"""Degree days (graddage, base 17 °C) of a Danish normal year, per month, for splitting a
heating year between tenancies by how cold their part of it was.

Source: Dansk Fjernvarme's normal year (3,112 degree days) as published by Danish district-
heating companies, e.g. Nyborg Forsyning & Service (nfs.as, "Normal år ... Kilde: Dansk
Fjernvarme") and Hals Fjernvarme (halsfjernvarme.dk/selvbetjening/graddage)."""
import calendar
import datetime

NORMAL_YEAR = (519, 486, 444, 311, 154, 58, 22, 18, 91, 207, 341, 461)


def between(lo, hi):
    """Degree days of the normal year from date lo to date hi, both included (each month's
    degree days spread evenly over its days)."""
    total = 0.0
    d = lo
    while d <= hi:
        last = datetime.date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])
        end = min(last, hi)
        total += NORMAL_YEAR[d.month - 1] * ((end - d).days + 1) / last.day
        d = end + datetime.timedelta(days=1)
    return total
