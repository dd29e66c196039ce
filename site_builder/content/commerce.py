"""Checkers for the selling side of an item: bank payment, GTIN, preview image."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from site_builder.content.images import load_image
from site_builder.content.schema import Problem, describe, localizable, sentence
from site_builder.gtin import GtinError, validate_gtin
from site_builder.messages import N_, Msg
from site_builder.vietqr import PaymentInfo, VietQRError

PAYMENT_KEYS = ("bank", "account", "account_name", "amount", "note")

# The messages of site_builder/vietqr.py and gtin.py are plain English; these templates
# (the same sentences, with the final full stop added here) let them be shown translated.
# A message that no template reproduces exactly is shown in English.
VIETQR_MESSAGES = (
    N_("bank is missing."),
    N_("unknown bank BIN '{name}'."),
    N_("unknown bank '{name}'."),
    N_("account must be text, not a number."),
    N_("account is missing."),
    N_("account '{account}' must contain digits only."),
    N_("account '{account}' has {count} digits; it must have 6 to 19."),
    N_("amount must be a whole number of VND."),
    N_("amount must be greater than 0."),
    N_("amount {amount} is too large (at most 13 digits)."),
    N_("note must be text."),
    N_("note contains characters that banks do not accept: {characters}."),
    N_("note is {length} characters long; banks accept at most 25."),
)
VIETQR_HINTS = (
    N_("Known banks: {banks}; or the 6-digit BIN of one of them."),
    N_('Write it in quotes, e.g. account: "0123456789", so leading zeros are kept.'),
    N_("Give the account number (6 to 19 digits)."),
    N_("Remove letters, dots and dashes; spaces are ignored."),
    N_("Copy the account number exactly as the bank gave it."),
    N_("Write digits only, e.g. amount: 150000 (no dots, commas, decimals or currency sign)."),
    N_("Leave the amount out to let the buyer type it."),
    N_("Check for extra zeros; the amount is in VND."),
    N_('Write it in quotes, e.g. note: "XM-D01".'),
    N_(
        "Use only letters, digits, spaces and . , - / "
        "(Vietnamese accents are removed automatically)."
    ),
    N_("Shorten '{note}', e.g. keep only the item code."),
)
GTIN_MESSAGES = (
    N_("GTIN must be text."),
    N_("GTIN is empty."),
    N_("GTIN '{gtin}' contains characters other than digits."),
    N_("GTIN '{gtin}' has {count} digits; a GTIN has 8, 12, 13 or 14."),
    N_("GTIN '{gtin}' has check digit {digit}, expected {expected}."),
)
GTIN_HINTS = (
    N_('Write it in quotes, e.g. gtin: "8934563138165".'),
    N_("Copy the digits printed under the barcode."),
    N_("A GTIN is 8, 12, 13 or 14 digits, as printed under the barcode."),
    N_("Copy all the digits printed under the barcode."),
    N_(
        "Copy all the digits printed under the barcode. "
        'Write it in quotes, e.g. gtin: "012345678905", so leading zeros are kept.'
    ),
    N_("Check the digits against the barcode; the last digit is computed from the others."),
)


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
            localizable(sentence(exc.message), VIETQR_MESSAGES),
            localizable(exc.hint, VIETQR_HINTS),
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
        raise Problem(
            localizable(sentence(exc.message), GTIN_MESSAGES), localizable(exc.hint, GTIN_HINTS)
        ) from None


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
            return value
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
        return value  # the loader checks that it is also listed under images

    return check
