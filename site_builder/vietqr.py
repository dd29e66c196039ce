"""VietQR payloads: the NAPAS bank-transfer QR (EMVCo merchant-presented mode).

A payload is a string of TLV fields, each `ID(2 digits) LENGTH(2 digits) VALUE`:

    00 = 01                     payload format indicator
    01 = 11 | 12                static (no amount) | dynamic (with an amount)
    38 = { 00 = A000000727      NAPAS GUID
           01 = { 00 = BIN, 01 = account number }
           02 = QRIBFTTA | QRIBFTTC }   transfer to an account | to a card
    53 = 704                    currency: VND
    54 = amount                 whole VND, only in dynamic payloads
    58 = VN                     country
    62 = { 08 = purpose }       the transfer note, only when given
    63 = CRC                    CRC-16/CCITT-FALSE over everything up to and including "6304"

Everything here is pure: no I/O, no global state. Errors are `VietQRError(field, message, hint)`
with `field` one of "bank", "account", "amount", "note", "service" or "payload".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

from site_builder.errors import FieldError
from site_builder.messages import Msg

GUID = "A000000727"
SERVICE_ACCOUNT = "QRIBFTTA"
SERVICE_CARD = "QRIBFTTC"
SERVICES = (SERVICE_ACCOUNT, SERVICE_CARD)

ACCOUNT_MIN_DIGITS = 6
ACCOUNT_MAX_DIGITS = 19
AMOUNT_MAX_DIGITS = 13
NOTE_MAX_LENGTH = 25
#: Punctuation allowed in a note besides ASCII letters, digits and the space.
NOTE_PUNCTUATION = ".,-/"

#: Fields whose value is itself a list of TLV fields (dotted path from the top level).
TEMPLATE_FIELDS = frozenset({"38", "38.01", "62"})


class VietQRError(FieldError):
    """A payment detail that cannot go into a VietQR payload: which field, what, how to fix."""


# --- banks -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bank:
    """A bank that takes VietQR transfers: display name, NAPAS BIN, other accepted names."""

    name: str
    bin: str
    aliases: tuple[str, ...] = ()


KNOWN_BANKS: tuple[Bank, ...] = (
    Bank("Vietcombank", "970436", ("VCB",)),
    Bank("BIDV", "970418"),
    Bank("Agribank", "970405"),
    Bank("VietinBank", "970415"),
    Bank("Techcombank", "970407"),
    Bank("MB Bank", "970422", ("MB", "MBBank")),
    Bank("ACB", "970416"),
    Bank("Sacombank", "970403"),
    Bank("TPBank", "970423"),
    Bank("VPBank", "970432"),
)


def _bank_key(text: str) -> str:
    """Lower case, without spaces, dots, dashes or underscores: 'MB Bank' -> 'mbbank'."""
    return re.sub(r"[\s._-]+", "", text).casefold()


#: Every accepted name (normalised by `_bank_key`) and every BIN -> its bank.
BANKS: Mapping[str, Bank] = MappingProxyType(
    {
        key: bank
        for bank in KNOWN_BANKS
        for key in (_bank_key(bank.name), bank.bin, *(_bank_key(a) for a in bank.aliases))
    }
)


def _known_banks_hint() -> Msg:
    parts = []
    for bank in KNOWN_BANKS:
        extra = [a for a in bank.aliases if _bank_key(a) != _bank_key(bank.name)]
        parts.append(f"{bank.name} ({', '.join(extra)})" if extra else bank.name)
    return Msg("Known banks: {banks}; or the 6-digit BIN of one of them.", banks=", ".join(parts))


def resolve_bank(name_or_bin: str | Bank) -> Bank:
    """The bank named by a short name ('VCB', 'mb bank', 'Agribank') or its 6-digit BIN.

    Case, spaces, dots and dashes are ignored. Only the banks in `KNOWN_BANKS` are
    accepted, so a typo in a BIN cannot send money to the wrong bank.
    """
    if isinstance(name_or_bin, Bank):
        return name_or_bin
    if not isinstance(name_or_bin, str) or not name_or_bin.strip():
        raise VietQRError("bank", Msg("bank is missing"), _known_banks_hint())
    key = _bank_key(name_or_bin)
    bank = BANKS.get(key)
    if bank is None and key.endswith("bank"):
        bank = BANKS.get(key.removesuffix("bank"))
    if bank is None:
        what = "bank BIN" if key.isdigit() else "bank"
        unknown = "unknown bank BIN '{name}'" if what == "bank BIN" else "unknown bank '{name}'"
        raise VietQRError("bank", Msg(unknown, name=name_or_bin.strip()), _known_banks_hint())
    return bank


# --- validation of the other fields ---------------------------------------------------------


def validate_account(account: str) -> str:
    """The account (or card) number as 6-19 digits; spaces between digit groups are removed."""
    if not isinstance(account, str):
        raise VietQRError(
            "account",
            Msg("account must be text, not a number"),
            Msg('Write it in quotes, e.g. account: "0123456789", so leading zeros are kept.'),
        )
    digits = account.replace(" ", "")
    if not digits:
        raise VietQRError(
            "account", Msg("account is missing"), Msg("Give the account number (6 to 19 digits).")
        )
    if not (digits.isascii() and digits.isdigit()):
        raise VietQRError(
            "account",
            Msg("account '{account}' must contain digits only", account=account.strip()),
            Msg("Remove letters, dots and dashes; spaces are ignored."),
        )
    if not ACCOUNT_MIN_DIGITS <= len(digits) <= ACCOUNT_MAX_DIGITS:
        raise VietQRError(
            "account",
            Msg(
                "account '{account}' has {count} digits; it must have 6 to 19",
                account=digits,
                count=len(digits),
            ),
            Msg("Copy the account number exactly as the bank gave it."),
        )
    return digits


def validate_amount(amount: int) -> int:
    """A positive whole number of VND with at most 13 digits (not a bool, float or string)."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise VietQRError(
            "amount",
            Msg("amount must be a whole number of VND"),
            Msg(
                "Write digits only, e.g. amount: 150000 (no dots, commas, decimals or currency "
                "sign)."
            ),
        )
    if amount <= 0:
        raise VietQRError(
            "amount",
            Msg("amount must be greater than 0"),
            Msg("Leave the amount out to let the buyer type it."),
        )
    if len(str(amount)) > AMOUNT_MAX_DIGITS:
        raise VietQRError(
            "amount",
            Msg("amount {amount} is too large (at most 13 digits)", amount=amount),
            Msg("Check for extra zeros; the amount is in VND."),
        )
    return amount


def strip_diacritics(text: str) -> str:
    """Vietnamese (or any Latin) text without accents: 'Búp bê Đỏ' -> 'Bup be Do'.

    Works on NFC and NFD input alike: the text is decomposed, combining marks are
    dropped and đ/Đ (which have no decomposition) become d/D.
    """
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare.replace("đ", "d").replace("Đ", "D"))


class Note(NamedTuple):
    """A transfer note as it goes into the payload, and whether accents were removed."""

    text: str
    stripped: bool


_NOTE_ALLOWED = re.compile(rf"[A-Za-z0-9 {re.escape(NOTE_PUNCTUATION)}]")


def normalize_note(note: str) -> Note:
    """The purpose text for field 62/08, checked.

    Runs of white space become one space and the ends are trimmed; Vietnamese accents are
    removed (`Note.stripped` says so, for the UI to tell the member). What is left may
    hold only A-Z, a-z, 0-9, the space and `NOTE_PUNCTUATION` (". , - /"): characters
    every bank app accepts in a transfer description.

    At most 25 characters: EMVCo allows 99, but many Vietnamese bank apps cut or refuse
    a longer transfer description taken from a QR code, and a short note keeps the
    code small. An empty note means "no note" (no field 62).
    """
    if not isinstance(note, str):
        raise VietQRError(
            "note", Msg("note must be text"), Msg('Write it in quotes, e.g. note: "XM-D01".')
        )
    collapsed = unicodedata.normalize("NFC", " ".join(note.split()))
    text = strip_diacritics(collapsed)
    bad = list(dict.fromkeys(c for c in text if not _NOTE_ALLOWED.fullmatch(c)))
    if bad:
        listed = ", ".join(f"'{c}'" for c in bad)
        raise VietQRError(
            "note",
            Msg(
                "note contains characters that banks do not accept: {characters}", characters=listed
            ),
            Msg(
                "Use only letters, digits, spaces and . , - / "
                "(Vietnamese accents are removed automatically)."
            ),
        )
    if len(text) > NOTE_MAX_LENGTH:
        raise VietQRError(
            "note",
            Msg("note is {length} characters long; banks accept at most 25", length=len(text)),
            Msg("Shorten '{note}', e.g. keep only the item code.", note=text),
        )
    return Note(text, text != collapsed)


def _validate_service(service: str) -> str:
    if service not in SERVICES:
        raise VietQRError(
            "service",
            f"service '{service}' is not QRIBFTTA (account) or QRIBFTTC (card)",
            "Use QRIBFTTA to pay to a bank account, QRIBFTTC to pay to a card number.",
        )
    return service


# --- encoding ---------------------------------------------------------------------------------


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no xor-out."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def _tlv(field_id: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"TLV field {field_id} is {len(value)} characters long (max 99)")
    return f"{field_id}{len(value):02d}{value}"


def build_payload(
    bank: str | Bank,
    account: str,
    amount: int | None = None,
    note: str | None = None,
    service: str = SERVICE_ACCOUNT,
) -> str:
    """The VietQR payload for a transfer to `account` at `bank`.

    Static (`010211`, the payer types the amount) without `amount`, dynamic (`010212`)
    with it. The note is normalised by `normalize_note`; call that yourself to learn
    whether accents were removed. Raises `VietQRError` for any invalid input.
    """
    bin_ = resolve_bank(bank).bin
    digits = validate_account(account)
    service = _validate_service(service)
    note_text = normalize_note(note).text if note is not None else ""
    if amount is not None:
        amount = validate_amount(amount)

    beneficiary = _tlv("00", bin_) + _tlv("01", digits)
    merchant = _tlv("00", GUID) + _tlv("01", beneficiary) + _tlv("02", service)
    parts = [
        _tlv("00", "01"),
        _tlv("01", "11" if amount is None else "12"),
        _tlv("38", merchant),
        _tlv("53", "704"),
    ]
    if amount is not None:
        parts.append(_tlv("54", str(amount)))
    parts.append(_tlv("58", "VN"))
    if note_text:
        parts.append(_tlv("62", _tlv("08", note_text)))
    body = "".join(parts) + "6304"
    return body + f"{crc16_ccitt_false(body.encode('ascii')):04X}"


# --- decoding (used by tests and by anyone checking a payload) -------------------------------


def parse_tlv(payload: str) -> list[tuple[str, str]]:
    """The top-level `(id, value)` pairs of a TLV string, in order. Strict: no trailing bytes."""
    fields: list[tuple[str, str]] = []
    pos = 0
    while pos < len(payload):
        head = payload[pos : pos + 4]
        if len(head) < 4 or not (head.isascii() and head.isdigit()):
            raise VietQRError("payload", f"no field header at position {pos}: '{head}'")
        field_id, length = head[:2], int(head[2:])
        value = payload[pos + 4 : pos + 4 + length]
        if len(value) < length:
            raise VietQRError(
                "payload",
                f"field {field_id} at position {pos} needs {length} characters, "
                f"only {len(value)} left",
            )
        fields.append((field_id, value))
        pos += 4 + length
    return fields


def parse_fields(payload: str, prefix: str = "") -> dict[str, str]:
    """All leaf fields by dotted path, descending into templates: {'38.01.00': '970436', ...}.

    Raises `VietQRError` for malformed TLV or a repeated field.
    """
    result: dict[str, str] = {}
    for field_id, value in parse_tlv(payload):
        path = f"{prefix}{field_id}"
        children = parse_fields(value, f"{path}.") if path in TEMPLATE_FIELDS else {path: value}
        for key, child in children.items():
            if key in result:
                raise VietQRError("payload", f"field {key} appears twice")
            result[key] = child
    return result


def check_crc(payload: str) -> bool:
    """True when the payload ends with a `6304` field holding the right CRC of what precedes it."""
    if len(payload) < 8 or payload[-8:-4] != "6304":
        return False
    given = payload[-4:]
    if not all(c in "0123456789ABCDEFabcdef" for c in given):
        return False
    try:
        data = payload[:-4].encode("ascii")
    except UnicodeEncodeError:
        return False
    return int(given, 16) == crc16_ccitt_false(data)


# --- a typed view for templates ---------------------------------------------------------------


@dataclass(frozen=True)
class PaymentInfo:
    """Bank-transfer details of an item or the site, validated on creation.

    `account` is stored without spaces. `note` keeps the member's text (with accents);
    `note_text` is what the QR code carries and `note_stripped` whether accents were removed.
    """

    bank: Bank
    account: str
    account_name: str | None = None
    amount: int | None = None
    note: str | None = None
    service: str = SERVICE_ACCOUNT

    def __post_init__(self) -> None:
        object.__setattr__(self, "account", validate_account(self.account))
        if self.amount is not None:
            validate_amount(self.amount)
        if self.note is not None:
            normalize_note(self.note)
        _validate_service(self.service)

    @classmethod
    def create(
        cls,
        bank: str | Bank,
        account: str,
        account_name: str | None = None,
        amount: int | None = None,
        note: str | None = None,
        service: str = SERVICE_ACCOUNT,
    ) -> PaymentInfo:
        """Like the constructor, but `bank` may be a name or BIN (see `resolve_bank`)."""
        return cls(resolve_bank(bank), account, account_name, amount, note, service)

    @property
    def note_text(self) -> str:
        """The note as carried in the payload (no accents); '' when there is none."""
        return normalize_note(self.note).text if self.note is not None else ""

    @property
    def note_stripped(self) -> bool:
        """True when accents were removed from the note, so the UI can say so."""
        return self.note is not None and normalize_note(self.note).stripped

    @property
    def is_dynamic(self) -> bool:
        """True when the amount is fixed in the code (dynamic QR)."""
        return self.amount is not None

    @property
    def payload(self) -> str:
        """The VietQR payload text to encode in a QR code."""
        return build_payload(self.bank, self.account, self.amount, self.note, self.service)
