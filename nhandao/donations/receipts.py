"""Receipts (biên nhận): numbered per organisation and year without gaps, signed with the
organisation's Ed25519 key, verifiable by anyone at /verify/<code> or offline with the
published public key.

The QR code carries the verification address with the payload and its signature, so an
altered payload (another amount, another date) or a payload signed with another key is
rejected. Private keys are stored encrypted (AES-GCM) under a key derived from
settings.SECRET_KEY with HKDF; public keys are published at /khoa-cong-khai/.
"""

import base64
import hashlib
import json
import os
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from nhandao.audit.actions import record
from nhandao.donations.models import Receipt, ReceiptCounter, SigningKey


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _wrapping_key() -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"nhandao-receipts",
        info=b"signing-key-encryption",
    ).derive(settings.SECRET_KEY.encode())


def _raw_public(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def key_for(organisation) -> SigningKey:
    """The organisation's signing key, created on first use."""
    existing = SigningKey.objects.filter(organisation=organisation).first()
    if existing is not None:
        return existing
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    nonce = os.urandom(12)
    sealed = AESGCM(_wrapping_key()).encrypt(nonce, raw, organisation.code.encode())
    public = _raw_public(private)
    return SigningKey.objects.create(
        organisation=organisation,
        key_id=hashlib.sha256(public).hexdigest()[:16],
        public_key=b64(public),
        private_key_encrypted=b64(nonce + sealed),
    )


def _private(key: SigningKey) -> Ed25519PrivateKey:
    blob = unb64(key.private_key_encrypted)
    raw = AESGCM(_wrapping_key()).decrypt(blob[:12], blob[12:], key.organisation.code.encode())
    return Ed25519PrivateKey.from_private_bytes(raw)


def sign(key: SigningKey, payload: str) -> str:
    return b64(_private(key).sign(payload.encode()))


@transaction.atomic
def issue(actor, donation) -> Receipt:
    """The donation's receipt (the same one if already issued); the number comes from a
    locked per-organisation, per-year counter inside the same transaction, so no gaps."""
    existing = Receipt.objects.filter(donation=donation).first()
    if existing is not None:
        return existing
    org = donation.organisation
    year = donation.received_on.year
    ReceiptCounter.objects.get_or_create(organisation=org, year=year)
    counter = ReceiptCounter.objects.select_for_update().get(organisation=org, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    key = key_for(org)
    code = secrets.token_urlsafe(12)
    payload = json.dumps(
        {
            "v": 1,
            "k": key.key_id,
            "c": code,
            "n": f"{counter.last:05d}/{year}",
            "o": org.code,
            "d": donation.received_on.isoformat(),
            "a": donation.amount,
            "m": donation.campaign.code if donation.campaign_id else "",
            "h": donation.ledger_entry.hash[:16],
        },
        separators=(",", ":"),
        sort_keys=True,
    )
    receipt = Receipt.objects.create(
        organisation=org,
        year=year,
        number=counter.last,
        donation=donation,
        code=code,
        payload=payload,
        signature=sign(key, payload),
        issued_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record(
        actor,
        "receipt.issue",
        receipt,
        organisation=org,
        after={"number": receipt.number, "year": year, "donation": donation.pk},
    )
    return receipt


def qr_query(receipt: Receipt) -> str:
    return f"p={b64(receipt.payload.encode())}&s={receipt.signature}"


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


def published_keys():
    return SigningKey.objects.select_related("organisation").order_by("organisation__code")


def now_year() -> int:
    return timezone.localdate().year
