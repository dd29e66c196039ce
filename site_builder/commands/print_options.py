"""Options shared by the print commands (`stickers`, `booklet`), checked before any work."""

from __future__ import annotations

import argparse
import datetime as dt
import math

from site_builder.errors import SiteError
from site_builder.messages import Msg, _


def print_date(text: str | None) -> dt.date:
    """`--date YYYY-MM-DD` (default: today), or a clear message; never a traceback."""
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise SiteError(
            Msg(
                "--date {value} is not a date: write it as YYYY-MM-DD, e.g. 2026-12-04.",
                value=text,
            )
        ) from None


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
