"""VietQR: the NAPAS profile of the EMVCo merchant-presented QR payload.

A campaign account's code carries the bank (BIN), the account number, the service
"QRIBFTTA" (transfer to an account) and the campaign's transfer memo, so a donor's banking
app fills them in; statement lines whose message carries the memo match the campaign.
"""

import segno

from nhandao.lib.text import search_key

NAPAS_GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"


def tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"VietQR field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def crc16_ccitt(data: bytes) -> int:
    """CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF), as EMVCo requires."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def build_payload(bin_code: str, account_no: str, memo: str = "", amount: int | None = None):
    """The VietQR text. Static (11) without an amount, dynamic (12) with one."""
    account = tlv("00", bin_code) + tlv("01", account_no)
    merchant = tlv("00", NAPAS_GUID) + tlv("01", account) + tlv("02", SERVICE_TO_ACCOUNT)
    parts = [
        tlv("00", "01"),
        tlv("01", "12" if amount else "11"),
        tlv("38", merchant),
        tlv("53", "704"),
    ]
    if amount:
        parts.append(tlv("54", str(int(amount))))
    parts.append(tlv("58", "VN"))
    if memo:
        parts.append(tlv("62", tlv("08", memo[:50])))
    body = "".join(parts) + "6304"
    return body + f"{crc16_ccitt(body.encode()):04X}"


def check_payload(payload: str) -> bool:
    """True when the payload's CRC matches its content."""
    if len(payload) < 8 or payload[-8:-4] != "6304":
        return False
    return f"{crc16_ccitt(payload[:-4].encode()):04X}" == payload[-4:]


def vietqr_payload(account, campaign=None, amount: int | None = None) -> str:
    memo = campaign.transfer_memo if campaign is not None else ""
    if not account.bin:
        return ""
    return build_payload(account.bin, account.number, memo, amount)


def qr_svg_data_uri(payload: str, scale: int = 4) -> str:
    if not payload:
        return ""
    return segno.make(payload, error="m").svg_data_uri(scale=scale)


def memo_in(description_key_nospace: str, memo: str) -> bool:
    """Does a (folded, spaces removed) transfer message carry the campaign memo?"""
    return bool(memo) and search_key(memo).replace(" ", "") in description_key_nospace
