"""A bank-payment (VietQR) code to print next to an item's page code.

Stickers and booklet chapters may carry one, always in a frame of its own and with
its own caption, so nobody scans the payment code to read about the item or the
page code to pay.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from site_builder.print_errors import PrintError
from site_builder.render.qr import QrSymbol, make_qr

if TYPE_CHECKING:
    from site_builder.vietqr import PaymentInfo

#: The first caption line of a payment code made by `PaymentQr.from_info`.
PAY_CAPTION = "Chuyển khoản / Pay"


@dataclass(frozen=True)
class PaymentQr:
    """A payment QR symbol and the lines printed with it, first line first (in bold).

    E.g. ``("Chuyển khoản / Pay", "Vietcombank", "HTX CHE (VI DU)")``.
    """

    qr: QrSymbol
    label_lines: tuple[str, ...]

    def __post_init__(self) -> None:
        lines = tuple(
            unicodedata.normalize("NFC", " ".join(str(x).split())) for x in self.label_lines
        )
        if not lines or not all(lines):
            raise PrintError(
                f"payment code {self.qr.data[:24]}…: its label needs at least one line of "
                "text and no empty lines (e.g. 'Chuyển khoản / Pay' and the bank's name), "
                "so nobody mistakes it for the product's code."
            )
        object.__setattr__(self, "label_lines", lines)

    @classmethod
    def from_info(
        cls,
        info: PaymentInfo,
        error_correction: str = "M",
        label_lines: tuple[str, ...] | None = None,
    ) -> PaymentQr:
        """The code of a `site_builder.vietqr.PaymentInfo`, captioned
        "Chuyển khoản / Pay", the bank's name and the account holder (when known)."""
        if label_lines is None:
            label_lines = (PAY_CAPTION, info.bank.name)
            if info.account_name:
                label_lines += (info.account_name,)
        return cls(make_qr(info.payload, error_correction), label_lines)
