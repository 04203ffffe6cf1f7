"""Receipts (biên nhận): numbered per organisation and year without gaps, signed with the
organisation's Ed25519 key, verifiable by anyone at /verify/<code> or offline with the
published public key.

The QR code carries the verification address with the payload and its signature, so an
altered payload (another amount, another date) or a payload signed with another key is
rejected. Private keys are stored encrypted (AES-GCM) under a key derived from
settings.SECRET_KEY with HKDF; public keys are published at /khoa-cong-khai/.

Receipts are issued on request (issue) or automatically for the named donations of a
campaign with `auto_receipts` on: at once for a donation typed in, in batches after a
statement import (issue_missing). Printed as HTML (templates/donations/receipt_print.html)
or as a PDF (receipt_pdf) with the DejaVu Sans font shipped in data/fonts/.

One module per part: keys (the Ed25519 keys and their wrapping), numbering (issuing, with
the automatic receipts), rendering (HTML helpers and PDF), verification. The public names
are re-exported here: `from nhandao.donations import receipts` then `receipts.issue(...)`.
"""

from nhandao.donations.receipts.keys import b64, key_for, published_keys, sign, unb64
from nhandao.donations.receipts.numbering import (
    AUTO_BATCH,
    RECEIPT_COLUMNS,
    awaiting_automatic,
    issue,
    issue_missing,
    now_year,
    wants_automatic,
)
from nhandao.donations.receipts.rendering import (
    A5,
    FONTS,
    amount_in_words,
    goods_text,
    qr_query,
    receipt_pdf,
)
from nhandao.donations.receipts.verification import Verdict, verify

__all__ = [
    "A5",
    "AUTO_BATCH",
    "FONTS",
    "RECEIPT_COLUMNS",
    "Verdict",
    "amount_in_words",
    "awaiting_automatic",
    "b64",
    "goods_text",
    "issue",
    "issue_missing",
    "key_for",
    "now_year",
    "published_keys",
    "qr_query",
    "receipt_pdf",
    "sign",
    "unb64",
    "verify",
    "wants_automatic",
]
