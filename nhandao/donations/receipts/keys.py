"""The organisations' Ed25519 signing keys: created on first use, the private half wrapped
by the key-encryption key (lib/kek.py: AES-GCM, bound to the organisation's code), the public
half published at /khoa-cong-khai/. Rotation: `nhandao rotate_keys` (rewrap under a new KEK,
or retire an organisation's signing key for a new one; retired keys still verify)."""

import base64
import hashlib

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import transaction
from django.utils import timezone

from nhandao.donations.models import SigningKey
from nhandao.lib import kek


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _raw_public(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def _new_key(organisation) -> SigningKey:
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    public = _raw_public(private)
    return SigningKey.objects.create(
        organisation=organisation,
        key_id=hashlib.sha256(public).hexdigest()[:16],
        public_key=b64(public),
        private_key_encrypted=kek.wrap(raw, organisation.code.encode()),
    )


def key_for(organisation) -> SigningKey:
    """The organisation's active signing key, created on first use."""
    existing = SigningKey.objects.filter(organisation=organisation, retired_at=None).first()
    if existing is not None:
        return existing
    return _new_key(organisation)


def _private(key: SigningKey) -> Ed25519PrivateKey:
    raw = kek.unwrap(key.private_key_encrypted, key.organisation.code.encode())
    return Ed25519PrivateKey.from_private_bytes(raw)


def sign(key: SigningKey, payload: str) -> str:
    return b64(_private(key).sign(payload.encode()))


def published_keys():
    """Every key, retired ones too: what they signed must still verify."""
    return SigningKey.objects.select_related("organisation").order_by(
        "organisation__code", "created_at"
    )


@transaction.atomic
def rewrap_all() -> int:
    """Every private key not wrapped by the current KEK, unwrapped with the KEK that wrapped
    it and wrapped again with the current one; the signing keys themselves do not change.
    How many were rewrapped."""
    count = 0
    for key in SigningKey.objects.select_related("organisation").select_for_update():
        if not kek.needs_rewrap(key.private_key_encrypted):
            continue
        context = key.organisation.code.encode()
        raw = kek.unwrap(key.private_key_encrypted, context)
        key.private_key_encrypted = kek.wrap(raw, context)
        key.save(update_fields=["private_key_encrypted"])
        count += 1
    return count


@transaction.atomic
def rotate_signing_key(organisation) -> SigningKey:
    """Retire the organisation's active key and create its next one."""
    SigningKey.objects.select_for_update().filter(
        organisation=organisation, retired_at=None
    ).update(retired_at=timezone.now())
    return _new_key(organisation)
