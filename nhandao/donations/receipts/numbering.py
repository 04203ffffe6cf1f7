"""Issuing receipts: numbered per organisation and year without gaps (a locked counter),
the signed payload, and the automatic receipts of campaigns with `auto_receipts` on."""

import json
import secrets

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
from nhandao.donations.receipts.keys import _private, b64, key_for, sign
from nhandao.orgs.models import Organisation


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


def now_year() -> int:
    return timezone.localdate().year
