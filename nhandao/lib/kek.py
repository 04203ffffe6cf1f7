"""The key-encryption key (KEK): it wraps the secrets stored in the database (the
organisations' Ed25519 signing keys), so that a copy of the database alone — a backup, a
dump — cannot sign anything.

Where it comes from (docs/decisions/0014-keys.md):

- `NHANDAO_KEK`: the current KEK, 32 random bytes in URL-safe base64
  (`python -c "import secrets; print(secrets.token_urlsafe(32))"`);
  `NHANDAO_KEK_PREVIOUS`: earlier KEKs, comma-separated, still accepted to unwrap;
- or `NHANDAO_KEK_FILE`: a file (a container secret) whose first line is the current KEK and
  whose further lines are earlier ones;
- neither, in development only (`NHANDAO_DEV=1`): a key derived from SECRET_KEY.

Every wrapped blob names the KEK that wrapped it (`k1.<kek id>.<nonce+ciphertext>`), so
rotating the KEK is: put the new one first, keep the old one as previous, run
`nhandao rotate_keys --rewrap`, then drop the old one. Blobs without that prefix were
wrapped, before KEKs existed, with the key derived from SECRET_KEY; they still unwrap, and
`rotate_keys --rewrap` moves them under the KEK.
"""

import base64
import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "k1"
LEGACY_ID = "legacy"


class KeyUnavailable(Exception):
    """A wrapped secret whose KEK is not configured (or that was tampered with)."""


@dataclass(frozen=True)
class Kek:
    kek_id: str
    key: bytes


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def parse(text: str) -> Kek:
    """A KEK from its base64 text: exactly 32 bytes, so a passphrase typed by hand (weak,
    and easy to mistype across machines) is refused."""
    try:
        raw = _unb64(text.strip())
    except ValueError as exc:
        raise ImproperlyConfigured("NHANDAO_KEK is not URL-safe base64.") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured(
            "NHANDAO_KEK must be 32 random bytes in URL-safe base64 "
            '(python -c "import secrets; print(secrets.token_urlsafe(32))").'
        )
    return Kek(hashlib.sha256(raw).hexdigest()[:12], raw)


def generate() -> str:
    """A new KEK's text (for the operator to store)."""
    return _b64(os.urandom(32))


def legacy() -> Kek:
    """The wrapping key of the first releases: derived from SECRET_KEY."""
    return Kek(LEGACY_ID, _derive_legacy(settings.SECRET_KEY))


@functools.lru_cache(maxsize=4)
def _derive_legacy(secret: str) -> bytes:
    """Derived once per secret: a checkpoint unwraps thousands of signing keys in a row."""
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"nhandao-receipts",
        info=b"signing-key-encryption",
    ).derive(secret.encode())


def configured() -> list[Kek]:
    """The configured KEKs, current first (empty when none is)."""
    texts: list[str] = []
    if os.environ.get("NHANDAO_KEK"):
        texts.append(os.environ["NHANDAO_KEK"])
        texts += [t for t in os.environ.get("NHANDAO_KEK_PREVIOUS", "").split(",") if t.strip()]
    elif os.environ.get("NHANDAO_KEK_FILE"):
        path = Path(os.environ["NHANDAO_KEK_FILE"])
        try:
            lines = path.read_text().splitlines()
        except OSError as exc:
            raise ImproperlyConfigured(f"NHANDAO_KEK_FILE cannot be read: {exc}") from exc
        texts = [line for line in lines if line.strip() and not line.startswith("#")]
        if not texts:
            raise ImproperlyConfigured(f"NHANDAO_KEK_FILE {path} holds no key.")
    return [parse(t) for t in texts]


def current() -> Kek:
    """The KEK new secrets are wrapped with. Outside development a missing KEK is refused:
    wrapping with SECRET_KEY would let whoever holds the settings and a dump sign receipts."""
    keks = configured()
    if keks:
        return keks[0]
    if getattr(settings, "NHANDAO_DEV", False):
        return legacy()
    raise ImproperlyConfigured(
        "No key-encryption key: set NHANDAO_KEK or NHANDAO_KEK_FILE (deploy/HUONG-DAN.md)."
    )


def _known() -> dict[str, Kek]:
    known = {k.kek_id: k for k in configured()}
    known[LEGACY_ID] = legacy()
    return known


def kek_id_of(blob: str) -> str:
    return blob.split(".", 2)[1] if blob.startswith(PREFIX + ".") else LEGACY_ID


def wrap(secret: bytes, context: bytes) -> str:
    """`secret` sealed with AES-GCM under the current KEK, bound to `context` (so a blob
    copied onto another record does not unwrap)."""
    kek = current()
    nonce = os.urandom(12)
    sealed = AESGCM(kek.key).encrypt(nonce, secret, context)
    if kek.kek_id == LEGACY_ID:
        return _b64(nonce + sealed)
    return f"{PREFIX}.{kek.kek_id}.{_b64(nonce + sealed)}"


def unwrap(blob: str, context: bytes) -> bytes:
    kek_id = kek_id_of(blob)
    body = blob.split(".", 2)[2] if kek_id != LEGACY_ID else blob
    kek = _known().get(kek_id)
    if kek is None:
        raise KeyUnavailable(
            f"The key-encryption key {kek_id} is not configured (NHANDAO_KEK_PREVIOUS?)."
        )
    raw = _unb64(body)
    try:
        return AESGCM(kek.key).decrypt(raw[:12], raw[12:], context)
    except InvalidTag as exc:
        raise KeyUnavailable(f"The secret does not unwrap with key {kek_id}.") from exc


def needs_rewrap(blob: str) -> bool:
    return kek_id_of(blob) != current().kek_id
