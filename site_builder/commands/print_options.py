"""Options shared by the print commands (`stickers`, `booklet`), checked before any work."""

from __future__ import annotations

import datetime as dt

from site_builder.errors import SiteError
from site_builder.messages import Msg


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
