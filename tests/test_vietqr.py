"""VietQR payloads: the public test vector, the CRC, validation messages, round trips, real QR."""

from __future__ import annotations

import unicodedata

import pytest
import qrcode
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.vietqr import (
    BANKS,
    KNOWN_BANKS,
    NOTE_PUNCTUATION,
    Bank,
    PaymentInfo,
    VietQRError,
    build_payload,
    check_crc,
    crc16_ccitt_false,
    normalize_note,
    parse_fields,
    parse_tlv,
    resolve_bank,
    strip_diacritics,
)

VECTOR = (
    "00020101021238540010A00000072701240006970436011010175956000208QRIBFTTA"
    "530370454061800005802VN62230819thanh toan don hang630470FA"
)
BANKS_HINT = (
    "Known banks: Vietcombank (VCB), BIDV, Agribank, VietinBank, Techcombank, MB Bank (MB), "
    "ACB, Sacombank, TPBank, VPBank; or the 6-digit BIN of one of them."
)


def error(exc: pytest.ExceptionInfo[VietQRError]) -> tuple[str, str, str]:
    return exc.value.field, exc.value.message, exc.value.hint


# --- the public vector and the CRC -------------------------------------------------------------


def test_public_test_vector_byte_for_byte() -> None:
    payload = build_payload("Vietcombank", "1017595600", 180000, "thanh toan don hang")
    assert payload == VECTOR


def test_crc_check_value() -> None:
    assert crc16_ccitt_false(b"123456789") == 0x29B1
    assert crc16_ccitt_false(b"") == 0xFFFF


def test_vector_parses() -> None:
    assert check_crc(VECTOR)
    assert parse_tlv(VECTOR)[:2] == [("00", "01"), ("01", "12")]
    assert parse_fields(VECTOR) == {
        "00": "01",
        "01": "12",
        "38.00": "A000000727",
        "38.01.00": "970436",
        "38.01.01": "1017595600",
        "38.02": "QRIBFTTA",
        "53": "704",
        "54": "180000",
        "58": "VN",
        "62.08": "thanh toan don hang",
        "63": "70FA",
    }


def test_check_crc_rejects_tampering() -> None:
    assert not check_crc(VECTOR.replace("180000", "190000"))
    assert not check_crc(VECTOR[:-4] + "70FB")
    assert not check_crc(VECTOR[:-4] + "70FG")
    assert not check_crc(VECTOR[:-8])
    assert not check_crc("")
    assert check_crc(VECTOR[:-4] + "70fa")


def test_static_payload_without_amount_or_note() -> None:
    payload = build_payload("BIDV", "12345678")
    assert payload.startswith("000201010211")
    assert "54" not in parse_fields(payload)
    assert "62.08" not in parse_fields(payload)
    assert parse_fields(payload)["38.01.00"] == "970418"
    assert check_crc(payload)


def test_card_service_and_empty_note() -> None:
    payload = build_payload("970405", "9704 0512 3456 7890", note="   ", service="QRIBFTTC")
    fields = parse_fields(payload)
    assert fields["38.02"] == "QRIBFTTC"
    assert fields["38.01.01"] == "9704051234567890"
    assert "62.08" not in fields


# --- banks ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "bin_"),
    [
        ("Vietcombank", "970436"),
        ("VCB", "970436"),
        ("vcb", "970436"),
        ("BIDV", "970418"),
        ("Agribank", "970405"),
        ("VietinBank", "970415"),
        ("Vietin Bank", "970415"),
        ("Techcombank", "970407"),
        ("MB", "970422"),
        ("MBBank", "970422"),
        ("mb bank", "970422"),
        ("ACB", "970416"),
        ("ACB Bank", "970416"),
        ("Sacombank", "970403"),
        ("TPBank", "970423"),
        ("VPBank", "970432"),
        ("970432", "970432"),
    ],
)
def test_resolve_bank(name: str, bin_: str) -> None:
    assert resolve_bank(name).bin == bin_


def test_bank_table() -> None:
    assert len(KNOWN_BANKS) == 10
    assert all(len(b.bin) == 6 and b.bin.isdigit() for b in KNOWN_BANKS)
    assert BANKS["vcb"] is BANKS["970436"]
    bank = Bank("Test", "970999")
    assert resolve_bank(bank) is bank


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Vietconbank", "unknown bank 'Vietconbank'"),
        ("970999", "unknown bank BIN '970999'"),
        ("  ", "bank is missing"),
    ],
)
def test_unknown_bank(value: str, message: str) -> None:
    with pytest.raises(VietQRError) as exc:
        resolve_bank(value)
    assert error(exc) == ("bank", message, BANKS_HINT)
    assert str(exc.value) == f"bank: {message} {BANKS_HINT}"


# --- validation messages ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("account", "message", "hint"),
    [
        (
            1017595600,
            "account must be text, not a number",
            'Write it in quotes, e.g. account: "0123456789", so leading zeros are kept.',
        ),
        ("", "account is missing", "Give the account number (6 to 19 digits)."),
        (
            "1017-5956",
            "account '1017-5956' must contain digits only",
            "Remove letters, dots and dashes; spaces are ignored.",
        ),
        (
            "١٢٣٤٥٦٧",
            "account '١٢٣٤٥٦٧' must contain digits only",
            "Remove letters, dots and dashes; spaces are ignored.",
        ),
        (
            "12345",
            "account '12345' has 5 digits; it must have 6 to 19",
            "Copy the account number exactly as the bank gave it.",
        ),
        (
            "1" * 20,
            f"account '{'1' * 20}' has 20 digits; it must have 6 to 19",
            "Copy the account number exactly as the bank gave it.",
        ),
    ],
)
def test_bad_account(account: str, message: str, hint: str) -> None:
    with pytest.raises(VietQRError) as exc:
        build_payload("VCB", account)
    assert error(exc) == ("account", message, hint)


WHOLE = "Write digits only, e.g. amount: 150000 (no dots, commas, decimals or currency sign)."


@pytest.mark.parametrize(
    ("amount", "message", "hint"),
    [
        (150000.0, "amount must be a whole number of VND", WHOLE),
        ("150000", "amount must be a whole number of VND", WHOLE),
        (True, "amount must be a whole number of VND", WHOLE),
        (0, "amount must be greater than 0", "Leave the amount out to let the buyer type it."),
        (-5, "amount must be greater than 0", "Leave the amount out to let the buyer type it."),
        (
            10**13,
            "amount 10000000000000 is too large (at most 13 digits)",
            "Check for extra zeros; the amount is in VND.",
        ),
    ],
)
def test_bad_amount(amount: int, message: str, hint: str) -> None:
    with pytest.raises(VietQRError) as exc:
        build_payload("VCB", "1017595600", amount)
    assert error(exc) == ("amount", message, hint)


def test_largest_amount() -> None:
    assert parse_fields(build_payload("VCB", "1017595600", 10**13 - 1))["54"] == "9" * 13


NOTE_CHARS_HINT = (
    "Use only letters, digits, spaces and . , - / (Vietnamese accents are removed automatically)."
)


@pytest.mark.parametrize(
    ("note", "message", "hint"),
    [
        (123, "note must be text", 'Write it in quotes, e.g. note: "XM-D01".'),
        (
            "Búp bê #1!",
            "note contains characters that banks do not accept: '#', '!'",
            NOTE_CHARS_HINT,
        ),
        ("Tea 🍵 ", "note contains characters that banks do not accept: '🍵'", NOTE_CHARS_HINT),
        ("Straße", "note contains characters that banks do not accept: 'ß'", NOTE_CHARS_HINT),
        (
            "Thanh toán búp bê Mông XM-D01",
            "note is 29 characters long; banks accept at most 25",
            "Shorten 'Thanh toan bup be Mong XM-D01', e.g. keep only the item code.",
        ),
    ],
)
def test_bad_note(note: str, message: str, hint: str) -> None:
    with pytest.raises(VietQRError) as exc:
        build_payload("VCB", "1017595600", note=note)
    assert error(exc) == ("note", message, hint)


def test_bad_service() -> None:
    with pytest.raises(VietQRError) as exc:
        build_payload("VCB", "1017595600", service="QRPUSH")
    assert error(exc) == (
        "service",
        "service 'QRPUSH' is not QRIBFTTA (account) or QRIBFTTC (card)",
        "Use QRIBFTTA to pay to a bank account, QRIBFTTC to pay to a card number.",
    )


# --- notes and diacritics ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Búp bê Đỏ", "Bup be Do"),
        ("đường", "duong"),
        ("Mật ong Xín Mần", "Mat ong Xin Man"),
        ("Ư Ơ ư ơ Ạ ễ ỹ", "U O u o A e y"),
        ("plain", "plain"),
    ],
)
def test_strip_diacritics(text: str, expected: str) -> None:
    assert strip_diacritics(text) == expected
    assert strip_diacritics(unicodedata.normalize("NFD", text)) == expected


def test_note_reports_stripping() -> None:
    assert normalize_note("XM-D01 bup be") == ("XM-D01 bup be", False)
    assert normalize_note("XM-D01  búp bê\t") == ("XM-D01 bup be", True)
    assert normalize_note(unicodedata.normalize("NFD", "Chè")) == ("Che", True)
    assert normalize_note("a" * 25).text == "a" * 25
    assert normalize_note("ok ., -/") == ("ok ., -/", False)


# --- PaymentInfo ------------------------------------------------------------------------------


def test_payment_info() -> None:
    info = PaymentInfo.create("vcb", "1017 5956 00", "HTX XIN MAN", 180000, "thanh toán đơn hàng")
    assert info.bank.name == "Vietcombank"
    assert info.account == "1017595600"
    assert info.note_text == "thanh toan don hang"
    assert info.note_stripped
    assert info.is_dynamic
    assert info.payload == VECTOR


def test_payment_info_validates_on_creation() -> None:
    plain = PaymentInfo(resolve_bank("BIDV"), "12345678")
    assert (plain.note_text, plain.note_stripped, plain.is_dynamic) == ("", False, False)
    with pytest.raises(VietQRError) as exc:
        PaymentInfo(resolve_bank("BIDV"), "12345678", amount=0)
    assert exc.value.field == "amount"
    with pytest.raises(VietQRError) as exc:
        PaymentInfo.create("nobank", "12345678")
    assert exc.value.field == "bank"


# --- the parser ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("0002010", "no field header at position 6: '0'"),
        ("0x02", "no field header at position 0: '0x02'"),
        ("00020", "field 00 at position 0 needs 2 characters, only 1 left"),
        ("0002010105abc", "field 01 at position 6 needs 5 characters, only 3 left"),
    ],
)
def test_parse_errors(payload: str, message: str) -> None:
    with pytest.raises(VietQRError) as exc:
        parse_tlv(payload)
    assert (exc.value.field, exc.value.message) == ("payload", message)


def test_parse_fields_rejects_repeats() -> None:
    with pytest.raises(VietQRError) as exc:
        parse_fields("000201000201")
    assert exc.value.message == "field 00 appears twice"


# --- properties: every valid input round-trips, and survives a real QR code ------------------

VIETNAMESE = "ăâđêôơưĂÂĐÊÔƠƯáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
ASCII_NOTE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 " + NOTE_PUNCTUATION

banks = st.sampled_from(KNOWN_BANKS)
bank_names = st.sampled_from(sorted(BANKS))
accounts = st.text(alphabet="0123456789", min_size=6, max_size=19)
amounts = st.none() | st.integers(min_value=1, max_value=10**13 - 1)
notes = st.none() | st.text(alphabet=ASCII_NOTE + VIETNAMESE, max_size=25)
services = st.sampled_from(["QRIBFTTA", "QRIBFTTC"])


@settings(max_examples=300)
@given(bank=bank_names, account=accounts, amount=amounts, note=notes, service=services)
def test_payload_round_trips(
    bank: str, account: str, amount: int | None, note: str | None, service: str
) -> None:
    payload = build_payload(bank, account, amount, note, service)
    assert payload.isascii()
    assert check_crc(payload)
    fields = parse_fields(payload)
    expected = {
        "00": "01",
        "01": "11" if amount is None else "12",
        "38.00": "A000000727",
        "38.01.00": resolve_bank(bank).bin,
        "38.01.01": account,
        "38.02": service,
        "53": "704",
        "58": "VN",
        "63": payload[-4:],
    }
    if amount is not None:
        expected["54"] = str(amount)
    note_text = normalize_note(note).text if note is not None else ""
    if note_text:
        expected["62.08"] = note_text
    assert fields == expected
    top = [field_id for field_id, _ in parse_tlv(payload)]
    assert top == sorted(top) and top[-1] == "63"


@given(st.text(alphabet=ASCII_NOTE + VIETNAMESE, max_size=25))
def test_note_is_the_same_for_nfc_and_nfd(note: str) -> None:
    nfc = normalize_note(unicodedata.normalize("NFC", note))
    assert normalize_note(unicodedata.normalize("NFD", note)) == nfc
    assert nfc.text.isascii()
    assert nfc.stripped == any(c in VIETNAMESE for c in note)


def decode_qr(text: str) -> list[str]:
    qr = qrcode.QRCode(border=4)
    qr.add_data(text)
    qr.make(fit=True)
    image = qr.make_image().get_image().convert("L")
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_vector_qr_decodes() -> None:
    assert decode_qr(VECTOR) == [VECTOR]


@settings(max_examples=40, deadline=None)
@given(bank=banks, account=accounts, amount=amounts, note=notes)
def test_payload_qr_decodes(bank: Bank, account: str, amount: int | None, note: str | None) -> None:
    payload = build_payload(bank, account, amount, note)
    assert decode_qr(payload) == [payload]
