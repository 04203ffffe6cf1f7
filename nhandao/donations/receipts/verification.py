"""Is a receipt genuine? Checked against the published key and the issuer's book."""

import json
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from nhandao.donations.models import Receipt, SigningKey
from nhandao.donations.receipts.keys import unb64


@dataclass
class Verdict:
    genuine: bool
    message: str
    receipt: Receipt | None = None
    data: dict | None = None


def verify(code: str, payload_b64: str | None = None, signature: str | None = None) -> Verdict:
    """Is this receipt genuine? With a payload and signature (from the QR code) they must be
    signed by a published key and match the stored receipt; with the code alone the stored
    receipt's own signature is checked."""
    receipt = (
        Receipt.objects.select_related("organisation", "donation__campaign")
        .filter(code=code)
        .first()
    )
    if payload_b64 is None and signature is None:
        if receipt is None:
            return Verdict(False, "Không có biên nhận với mã này.")
        payload, signature = receipt.payload, receipt.signature
    else:
        try:
            payload = unb64(payload_b64 or "").decode()
        except (ValueError, UnicodeDecodeError):
            return Verdict(False, "Nội dung mã QR không đọc được: biên nhận không hợp lệ.")
    try:
        data = json.loads(payload)
        key = SigningKey.objects.select_related("organisation").get(key_id=data["k"])
        public = Ed25519PublicKey.from_public_bytes(unb64(key.public_key))
        public.verify(unb64(signature or ""), payload.encode())
    except (ValueError, KeyError, TypeError, SigningKey.DoesNotExist, InvalidSignature):
        return Verdict(False, "Chữ ký không hợp lệ: biên nhận đã bị sửa hoặc giả mạo.")
    if receipt is None or data.get("c") != code or receipt.payload != payload:
        return Verdict(False, "Biên nhận không khớp với sổ của tổ chức phát hành.")
    if key.organisation_id != receipt.organisation_id:
        return Verdict(False, "Biên nhận được ký bằng khóa của tổ chức khác.")
    if receipt.donation.reversed_at is not None:
        return Verdict(False, "Khoản ủng hộ của biên nhận này đã bị hủy.", receipt, data)
    return Verdict(True, "Biên nhận hợp lệ.", receipt, data)
