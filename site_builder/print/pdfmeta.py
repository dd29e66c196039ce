"""PDF metadata and reproducible output.

The same input gives the same bytes: dates come from `PdfMeta.date` (never the
clock), the PDF /ID is a hash of the content, and font subset tags are stable.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from markupsafe import Markup, escape

GENERATOR = "site-builder"


@dataclass(frozen=True)
class PdfMeta:
    title: str
    lang: str
    author: str
    date: datetime.date
    subject: str = ""
    keywords: tuple[str, ...] = ()

    def head_html(self) -> Markup:
        """`<title>` and `<meta>` elements WeasyPrint turns into PDF metadata."""
        date = self.date.isoformat()
        parts = [
            f"<title>{escape(self.title)}</title>",
            f'<meta name="author" content="{escape(self.author)}">',
            f'<meta name="generator" content="{GENERATOR}">',
            f'<meta name="dcterms.created" content="{date}">',
            f'<meta name="dcterms.modified" content="{date}">',
        ]
        if self.subject:
            parts.append(f'<meta name="description" content="{escape(self.subject)}">')
        if self.keywords:
            parts.append(f'<meta name="keywords" content="{escape(", ".join(self.keywords))}">')
        return Markup("\n".join(parts))
