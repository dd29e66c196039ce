"""Options shared by the print commands (`stickers`, `booklet`), checked before any work."""

from __future__ import annotations

import argparse
import datetime as dt
import math
import re

from site_builder.errors import SiteError
from site_builder.messages import Msg, _

_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def print_date(text: str | None) -> dt.date:
    """`--date YYYY-MM-DD` (default: today), or a clear message; never a traceback.

    A date written day first, as in Vietnam (01/12/2026: 1 December), is not guessed at:
    the message shows it written the way the command reads it (2026-12-01)."""
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    match = _DAY_FIRST.fullmatch(text.strip())
    if match:
        day, month, year = (int(part) for part in match.groups())
        try:
            meant = dt.date(year, month, day)
        except ValueError:
            pass
        else:
            raise SiteError(
                Msg(
                    "--date {value}: write the date as YYYY-MM-DD (year, month, day), "
                    "e.g. --date {iso} for day {day} of month {month}, {year}.",
                    value=text,
                    iso=meant.isoformat(),
                    day=day,
                    month=month,
                    year=year,
                )
            )
    raise SiteError(
        Msg(
            "--date {value} is not a date: write it as YYYY-MM-DD, e.g. 2026-12-04.",
            value=text,
        )
    )


def finite_mm(text: str) -> float:
    """An argparse type: a length in mm (a plain number; not nan or inf)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(
            _(Msg("'{value}' is not a length in mm; write a number, e.g. 0.5.", value=text))
        )
    return value


def positive_mm(text: str) -> float:
    """An argparse type: a length in mm greater than 0."""
    value = finite_mm(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(
            _(
                Msg(
                    "'{value}' is not a size: write a number of mm greater than 0, e.g. 20.",
                    value=text,
                )
            )
        )
    return value
