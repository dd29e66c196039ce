"""Checkers for the selling side of an item: bank payment, GTIN, preview image."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from site_builder.content.images import load_image
from site_builder.content.schema import Problem, describe, sentence
from site_builder.gtin import GtinError, validate_gtin
from site_builder.messages import Msg
from site_builder.vietqr import PaymentInfo, VietQRError

PAYMENT_KEYS = ("bank", "account", "account_name", "amount", "note")


def payment(value: Any) -> PaymentInfo:
    """`payment: {bank, account, account_name?, amount?, note?}` -> a checked PaymentInfo."""
    if not isinstance(value, dict):
        raise Problem(
            Msg("expected bank details, found {found}.", found=describe(value)),
            Msg(
                'Write them as lines under payment:, e.g. "  bank: Vietcombank" and '
                '"  account: \\"0123456789\\"".'
            ),
        )
    for key in value:
        if key not in PAYMENT_KEYS:
            raise Problem(
                Msg("this field is not known."),
                Msg("Known fields: {fields}.", fields=", ".join(PAYMENT_KEYS)),
                (key,),
            )
    for key in ("bank", "account"):
        if key not in value:
            raise Problem(
                Msg("the bank details need '{key}'.", key=key),
                Msg("Add a line '  {key}: ...'.", key=key),
            )
    try:
        return PaymentInfo.create(
            bank=str(value["bank"]),
            account=value["account"],
            account_name=str(value["account_name"]) if value.get("account_name") else None,
            amount=value.get("amount"),
            note=value.get("note"),
        )
    except VietQRError as exc:
        raise Problem(
            sentence(exc.message),
            exc.hint,
            (exc.field,),
        ) from None


def gtin(value: Any) -> str:
    """A GTIN-8/12/13/14 with a correct check digit, returned as 14 digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        raise Problem(
            Msg('write the GTIN in quotes, e.g. gtin: "8934563138165".'),
            Msg("Without quotes a number starting with 0 is read wrongly."),
        )
    try:
        return validate_gtin(value)
    except GtinError as exc:
        raise Problem(sentence(exc.message), exc.hint) from None


def preview_image(folder: Path) -> Any:
    """The picture shown when the page is shared: a file here, or an absolute https URL."""

    def check(value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise Problem(Msg("expected an image file name or an https:// address."))
        value = value.strip()
        if "://" in value:
            try:
                parts = urlsplit(value)
            except ValueError:  # brackets read as a broken IPv6 address
                parts = urlsplit("")
            if parts.scheme != "https" or not parts.netloc:
                raise Problem(
                    Msg("'{value}' is not an https:// address.", value=value),
                    Msg("Facebook and Zalo only show previews from https:// addresses."),
                )
            return str(value)
        if "/" in value or "\\" in value:
            raise Problem(
                Msg(
                    "'{value}' is a relative address; a preview image must be a file in this "
                    "folder or a full https:// address.",
                    value=value,
                ),
                Msg("Write only the file name (e.g. doll.jpg) or the whole address."),
            )
        load_image(folder, value)
        return str(value)  # the loader checks that it is also listed under images

    return check
