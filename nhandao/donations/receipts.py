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
"""

import base64
import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import segno
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from nhandao.audit.actions import record
from nhandao.audit.ledger import insert_rows
from nhandao.donations.models import (
    Donation,
    DonationRefused,
    DonorKind,
    Receipt,
    ReceiptCounter,
    SigningKey,
)
from nhandao.lib.dates import format_date
from nhandao.lib.money import format_vnd
from nhandao.orgs.models import Organisation


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


def _payload(
    key: SigningKey,
    org_code: str,
    code: str,
    number: int,
    received_on,
    amount: int,
    campaign_code: str,
    ledger_hash: str,
) -> str:
    """The signed text: a canonical JSON object (sorted keys, no spaces)."""
    return json.dumps(
        {
            "v": 1,
            "k": key.key_id,
            "c": code,
            "n": f"{number:05d}/{received_on.year}",
            "o": org_code,
            "d": received_on.isoformat(),
            "a": amount,
            "m": campaign_code or "",
            "h": ledger_hash[:16],
        },
        separators=(",", ":"),
        sort_keys=True,
    )


def _locked_counter(organisation_id: int, year: int) -> ReceiptCounter:
    """The (organisation, year) counter, locked until the transaction ends: whoever holds it
    is the only one numbering that book, so numbers are consecutive and none is lost."""
    ReceiptCounter.objects.get_or_create(organisation_id=organisation_id, year=year)
    return ReceiptCounter.objects.select_for_update().get(
        organisation_id=organisation_id, year=year
    )


@transaction.atomic
def issue(actor, donation) -> Receipt:
    """The donation's receipt (the same one if already issued); the number comes from a
    locked per-organisation, per-year counter inside the same transaction, so no gaps.
    A cancelled donation gets none."""
    if donation.reversed_at is not None:
        raise DonationRefused("Không cấp biên nhận cho khoản đã hủy.")
    existing = Receipt.objects.filter(donation=donation).first()
    if existing is not None:
        return existing
    org = donation.organisation
    year = donation.received_on.year
    counter = _locked_counter(org.pk, year)
    existing = Receipt.objects.filter(donation=donation).first()  # issued while we waited
    if existing is not None:
        return existing
    counter.last += 1
    counter.save(update_fields=["last"])
    key = key_for(org)
    code = secrets.token_urlsafe(12)
    payload = _payload(
        key,
        org.code,
        code,
        counter.last,
        donation.received_on,
        donation.amount,
        donation.campaign.code if donation.campaign_id else "",
        donation.ledger_entry.hash,
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


# --- automatic receipts --------------------------------------------------------------------

AUTO_BATCH = 2000


def wants_automatic(donation) -> bool:
    """Does this donation get its receipt without anyone asking? Its campaign issues
    receipts automatically and the donor is named (not anonymous)."""
    campaign = donation.campaign if donation.campaign_id else None
    donor = donation.donor if donation.donor_id else None
    return bool(
        campaign is not None
        and campaign.auto_receipts
        and donation.reversed_at is None
        and donation.donor_name != ""
        and (donor is None or donor.kind != DonorKind.ANONYMOUS)
    )


def awaiting_automatic():
    """Donations that wants_automatic() and that have no receipt yet (the same rule, in SQL)."""
    return (
        Donation.objects.filter(
            campaign__auto_receipts=True, reversed_at__isnull=True, receipt__isnull=True
        )
        .exclude(donor_name="")
        .exclude(donor__kind=DonorKind.ANONYMOUS)
    )


def issue_missing(
    campaign_ids=None,
    since=None,
    *,
    statement_id: int | None = None,
    actor=None,
    batch_size: int = AUTO_BATCH,
) -> int:
    """Issue the automatic receipts still missing (for these campaigns, donations received on
    or after `since`, or the donations of one statement), in order of date then statement row,
    numbered without gaps after any receipt already issued by hand. Each batch is its own
    transaction, so a 200,000-line statement never holds one long lock; running it again
    issues nothing new. Returns how many receipts were issued."""
    donations = awaiting_automatic()
    if campaign_ids is not None:
        donations = donations.filter(campaign_id__in=list(campaign_ids))
    if since is not None:
        donations = donations.filter(received_on__gte=since)
    if statement_id is not None:
        donations = donations.filter(statement_line__statement_id=statement_id)
    # The counters as they stand before the listing is read: a receipt issued later (by hand,
    # or by another run) moves its book's counter, and the batch then looks that receipt up.
    seen = {
        (c.organisation_id, c.year): c.last
        for c in ReceiptCounter.objects.filter(
            organisation_id__in=donations.values("organisation_id")
        )
    }
    # One read of what the payloads need (a few tens of MB for 200,000 donations), so that
    # a batch never looks its donations up one by one.
    listing = list(
        donations.order_by(
            "received_on", F("statement_line__row_no").asc(nulls_first=True), "pk"
        ).values_list(
            "pk",
            "organisation_id",
            "received_on",
            "amount",
            Coalesce("campaign__code", Value("")),
            Substr("ledger_entry__hash", 1, 16),
        )
    )
    if not listing:
        return 0
    orgs = Organisation.objects.in_bulk({row[1] for row in listing})
    keys = {org_id: key_for(org) for org_id, org in orgs.items()}
    signing = {org_id: (orgs[org_id], key, _private(key)) for org_id, key in keys.items()}
    issued = 0
    for start in range(0, len(listing), batch_size):
        issued += _issue_batch(actor, listing[start : start + batch_size], seen, signing)
    return issued


@transaction.atomic
def _issue_batch(actor, listing: list[tuple], seen: dict, signing: dict) -> int:
    """Receipts for the listed donations, in that order, with their books' counters locked.
    Under the lock, receipts numbered after `seen` (issued since the listing was read) and
    donations reversed meanwhile are skipped: nothing is issued twice, no number is lost."""
    ids = [row[0] for row in listing]
    books = sorted({(org_id, day.year) for _, org_id, day, *_ in listing})
    counters = {book: _locked_counter(*book) for book in books}
    done = set()
    for (org_id, year), counter in counters.items():
        if counter.last != seen.get((org_id, year), 0):
            done |= set(
                Receipt.objects.filter(
                    organisation_id=org_id, year=year, number__gt=seen.get((org_id, year), 0)
                ).values_list("donation_id", flat=True)
            )
    done |= set(
        Donation.objects.filter(
            pk__range=(min(ids), max(ids)), reversed_at__isnull=False
        ).values_list("pk", flat=True)
    )
    first = {book: counter.last + 1 for book, counter in counters.items()}
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    issued_by = actor.pk if getattr(actor, "is_authenticated", False) else None
    receipt_rows = []
    for pk, org_id, day, amount, campaign_code, ledger_hash in listing:
        if pk in done:
            continue
        org, key, private = signing[org_id]
        counter = counters[(org_id, day.year)]
        counter.last += 1
        code = secrets.token_urlsafe(12)
        payload = _payload(
            key, org.code, code, counter.last, day, amount, campaign_code, ledger_hash
        )
        signature = b64(private.sign(payload.encode()))
        receipt_rows.append(
            (org_id, day.year, counter.last, pk, code, payload, signature, now, issued_by)
        )
    insert_rows(Receipt._meta.db_table, RECEIPT_COLUMNS, receipt_rows)
    for book, counter in counters.items():
        seen[book] = counter.last
        if counter.last < first[book]:
            continue
        counter.save(update_fields=["last"])
        org = signing[book[0]][0]
        record(
            actor,
            "receipt.issue_automatic",
            org,
            organisation=org,
            after={
                "year": book[1],
                "from": first[book],
                "to": counter.last,
                "count": counter.last - first[book] + 1,
            },
        )
    return len(receipt_rows)


RECEIPT_COLUMNS = [
    "organisation_id",
    "year",
    "number",
    "donation_id",
    "code",
    "payload",
    "signature",
    "issued_at",
    "issued_by_id",
]


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


# --- the printed receipt (shared by the HTML page and the PDF) -----------------------------

_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def _three_digits(n: int, full: bool) -> list[str]:
    """0 < n < 1000 read aloud; `full` when a higher group came before ("không trăm linh")."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units == 1 and tens >= 2:
        words.append("mốt")
    elif units == 5 and tens >= 1:
        words.append("lăm")
    elif units:
        words.append(_DIGITS[units])
    return words


def _number_words(n: int, full: bool = False) -> list[str]:
    if n >= 1_000_000_000:
        high, low = divmod(n, 1_000_000_000)
        return _number_words(high, full) + ["tỷ"] + (_number_words(low, True) if low else [])
    words = []
    for value, unit in ((n // 1_000_000, "triệu"), (n // 1000 % 1000, "nghìn"), (n % 1000, "")):
        if value:
            words += _three_digits(value, full or bool(words)) + ([unit] if unit else [])
    return words


def amount_in_words(amount: int) -> str:
    """1500000 → "Một triệu năm trăm nghìn đồng" (as written on Vietnamese receipts)."""
    text = " ".join(_number_words(int(amount))) if amount else "không"
    return f"{text[0].upper()}{text[1:]} đồng"


def goods_text(donation) -> str:
    """ "tiền mặt" or "hiện vật: Gạo 50 kg" (a quantity without needless decimals)."""
    text = donation.get_channel_display().lower()
    if donation.goods_item:
        quantity = ""
        if donation.goods_quantity is not None:
            quantity = f"{donation.goods_quantity.normalize():f}".replace(".", ",")
        parts = [donation.goods_item, quantity, donation.goods_unit]
        text += ": " + " ".join(p for p in parts if p)
    return text


FONTS = Path(__file__).parent / "data" / "fonts"
A5 = (148, 210)  # mm, portrait


def _draw_qr(pdf, text: str, x: float, y: float, size: float) -> None:
    """The QR code as filled rectangles (one per run of dark modules): sharp at any zoom."""
    qr = segno.make(text, error="m")
    matrix = list(qr.matrix_iter(scale=1, border=0))
    module = size / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for row_no, row in enumerate(matrix):
        col = 0
        while col < len(row):
            if not row[col]:
                col += 1
                continue
            start = col
            while col < len(row) and row[col]:
                col += 1
            pdf.rect(x + start * module, y + row_no * module, (col - start) * module, module, "F")


def receipt_pdf(receipt: Receipt, verify_url: str) -> bytes:
    """The receipt as an A5 PDF: the same content as the print page, DejaVu Sans embedded
    (subset) so every Vietnamese letter prints, and the verification QR code."""
    from fpdf import FPDF

    donation = receipt.donation
    org = receipt.organisation
    number = f"{receipt.number:05d}/{receipt.year}"
    pdf = FPDF(format=A5, unit="mm")
    pdf.set_margins(12, 12, 12)
    pdf.set_auto_page_break(True, 12)
    pdf.add_font("DejaVu", "", FONTS / "DejaVuSans.ttf")
    pdf.add_font("DejaVu", "B", FONTS / "DejaVuSans-Bold.ttf")
    pdf.set_title(f"Biên nhận số {number}")
    pdf.set_author(org.name)
    pdf.set_subject(f"Biên nhận ủng hộ, mã kiểm tra {receipt.code}")
    pdf.set_creator("nhandao")
    pdf.set_lang("vi")
    pdf.add_page()
    width = pdf.epw
    top = pdf.get_y()

    pdf.set_font("DejaVu", "B", 8.5)
    pdf.multi_cell(width * 0.46, 4.5, org.name.upper(), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    pdf.cell(width * 0.46, 5, f"Số: {number}", new_x="LMARGIN", new_y="NEXT")
    left_bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + width * 0.48, top)
    pdf.set_font("DejaVu", "B", 8.5)
    pdf.cell(width * 0.52, 4.5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C")
    pdf.set_xy(pdf.l_margin + width * 0.48, top + 4.5)
    pdf.set_font("DejaVu", "", 8.5)
    pdf.cell(width * 0.52, 4.5, "Độc lập - Tự do - Hạnh phúc", align="C")
    pdf.set_y(max(left_bottom, top + 9) + 8)

    pdf.set_font("DejaVu", "B", 15)
    pdf.cell(width, 9, "BIÊN NHẬN ỦNG HỘ", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(5)

    def line(label: str, value: str = "", rest: str = "") -> None:
        pdf.set_font("DejaVu", "", 10.5)
        pdf.write(6, label)
        if value:
            pdf.set_font("DejaVu", "B", 10.5)
            pdf.write(6, value)
        if rest:
            pdf.set_font("DejaVu", "", 10.5)
            pdf.write(6, rest)
        pdf.ln(7.5)

    line("Đã nhận của: ", donation.display_donor)
    line("Số tiền / giá trị: ", format_vnd(donation.amount), f" ({goods_text(donation)})")
    line("Bằng chữ: ", "", amount_in_words(donation.amount) + ".")
    line("Ngày nhận: ", format_date(donation.received_on))
    if donation.campaign_id:
        line("Chiến dịch: ", str(donation.campaign))
    if donation.earmark_ref:
        line("Chỉ định sử dụng: ", donation.earmark_ref)

    pdf.ln(3)
    size = 38
    if pdf.get_y() + size > pdf.h - pdf.b_margin:
        pdf.add_page()
    y = pdf.get_y()
    _draw_qr(pdf, verify_url, pdf.l_margin, y, size)
    pdf.link(pdf.l_margin, y, size, size, verify_url)
    pdf.set_xy(pdf.l_margin + size + 5, y + 1)
    pdf.set_font("DejaVu", "", 8.5)
    pdf.set_text_color(80, 80, 80)
    pdf.multi_cell(
        width - size - 5,
        4.3,
        "Quét mã hoặc mở trang kiểm tra để xác minh biên nhận (chữ ký số Ed25519 của tổ "
        "chức, khóa công khai tại /khoa-cong-khai/).\n"
        f"Trang kiểm tra: {verify_url.split('?')[0]}\n"
        f"Mã biên nhận: {receipt.code}",
        align="L",
    )
    return bytes(pdf.output())
