"""The organisations' Ed25519 signing keys: created on first use, the private half stored
encrypted (AES-GCM) under a key derived from settings.SECRET_KEY with HKDF, the public half
published at /khoa-cong-khai/."""

import base64
import functools
import hashlib
import os

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from nhandao.donations.models import SigningKey


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _wrapping_key() -> bytes:
    return _derive(settings.SECRET_KEY)


@functools.lru_cache(maxsize=4)
def _derive(secret: str) -> bytes:
    """Derived once per secret: a checkpoint signs with 3,400 keys in a row."""
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"nhandao-receipts",
        info=b"signing-key-encryption",
    ).derive(secret.encode())


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


def published_keys():
    return SigningKey.objects.select_related("organisation").order_by("organisation__code")
