"""Donations, donors, bank accounts, statements and receipts as a user may reach them: one
place for the pages and the API, so that no entry point fetches by primary key without its
scope. Built from orgs/access.py only: 404 outside the user's reach (existence not
revealed), 403 within it without the permission asked for."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from nhandao.donations import matching
from nhandao.donations.models import (
    BankAccount,
    Donation,
    Donor,
    Receipt,
    ReviewLine,
    ReviewStatus,
    Statement,
    StatementLine,
)
from nhandao.lib.dates import DateError, format_date, parse_date
from nhandao.lib.errors import Refused
from nhandao.orgs import access
from nhandao.orgs.models import Organisation

DONATION_RELATED = ("donor", "campaign", "organisation", "ledger_entry", "statement_line")


def get_donation(user, pk, perm: str = "view") -> Donation:
    donations = Donation.objects.select_related(*DONATION_RELATED)
    # a supervising body reads (only reads) the donations of the plan's period: issue #21
    return access.get_for_user(donations, user, pk, perm, supervised=("donation", "received_on"))


def get_donor(user, pk) -> Donor:
    return access.get_for_user(Donor.objects.select_related("organisation"), user, pk)


def get_bank_account(user, pk, perm: str = "view") -> BankAccount:
    accounts = BankAccount.objects.select_related("organisation", "campaign")
    return access.get_for_user(accounts, user, pk, perm)


def get_statement(user, pk, *, read_only: bool = False) -> Statement:
    """A bank statement: reached through its account's organisation, and only with the
    "money" permission there (it lists every transfer of the account). `read_only` (its
    page): a supervising body's live grant over that organisation opens it too, when the
    statement ends within the grant's period, each read logged (issue #21)."""
    statements = Statement.objects.select_related("bank_account__organisation", "campaign")
    via = "bank_account__organisation"
    try:
        return access.get_for_user(statements, user, pk, "money", via=via)
    except Http404:
        if not read_only:
            raise
    return access.get_for_user(statements, user, pk, via=via, supervised=("statement", "last_day"))


def later_review_of_same_row():
    """The same row of the same file set aside again by a later import of it ("import
    again" before every line was corrected): a row is listed once, as its latest."""
    return ReviewLine.objects.filter(
        bank_account=OuterRef("bank_account"),
        checksum=OuterRef("checksum"),
        row_no=OuterRef("row_no"),
        pk__gt=OuterRef("pk"),
    )


def review_lines(user, statement_id=None, status: str = ""):
    """Lines set aside for review, as the review page shows them: those of one statement
    (get_statement: 404 outside the user's reach, 403 without "money"), or of every statement
    the user may open, each row of a file once (later_review_of_same_row). `status`: "open"
    (waiting), "corrected", or both ("")."""
    if statement_id is not None:
        lines = ReviewLine.objects.filter(statement=get_statement(user, statement_id))
    else:
        lines = access.scope(
            ReviewLine.objects.all(), user, "money", via="bank_account__organisation"
        ).exclude(Exists(later_review_of_same_row()))
    if status in ReviewStatus.values:
        lines = lines.filter(status=status)
    return lines.order_by("statement_id", "row_no", "pk")


def get_receipt(user, pk) -> Receipt:
    receipts = Receipt.objects.select_related(
        "organisation", "donation__campaign", "donation__donor"
    )
    return access.get_for_user(receipts, user, pk)


def campaign_debits(user, campaign) -> matching.Debits:
    """The debit lines of the campaign's statements the user may see (the "money"
    permission on the account's organisation), with what they paid."""
    # a debit line names no campaign of its own: the campaign's own accounts' debits count
    lines = access.scope(
        StatementLine.objects.filter(Q(campaign=campaign) | Q(bank_account__campaign=campaign)),
        user,
        "money",
        via="bank_account__organisation",
    )
    return matching.debits(lines)


MAX_ID_DIGITS = 12


@dataclass
class ListFilters:
    """The donations list narrowed to one organisation's subtree, a date range and/or the
    donations still standing (the reports' dashboard links its figures here). `refused`: a
    parameter was wrong (the page says which) and the list shows nothing rather than a
    wider list under a narrower title."""

    organisation: Organisation | None = None
    start: date | None = None
    end: date | None = None
    standing: bool = False
    refused: bool = False

    @property
    def active(self) -> bool:
        return bool(self.organisation or self.start or self.end or self.standing)

    def apply(self, donations):
        if self.refused:
            return donations.none()
        if self.organisation is not None:
            donations = donations.filter(access.subtree_q(self.organisation, "organisation"))
        if self.start is not None:
            donations = donations.filter(received_on__gte=self.start)
        if self.end is not None:
            donations = donations.filter(received_on__lte=self.end)
        if self.standing:
            donations = donations.filter(reversed_at__isnull=True)
        return donations


def _day(raw: str, label: str) -> date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if len(raw) > 20:
        raise Refused(f"{label} “{raw[:20]}…” không phải là ngày (dd/mm/yyyy).", field="tu")
    try:
        return parse_date(raw)
    except DateError as exc:
        raise Refused(f"{label} “{raw}”: {exc}", field="tu") from None


def list_filters(user, params) -> ListFilters:
    """The list's bounded filters from the query string: `don_vi` (an organisation the user
    reaches: it and its subtree), `tu` and `den` (dd/mm/yyyy, 01/01/2000 … next year),
    `bo_huy=1` (leave out reversed donations); Refused in words otherwise."""
    found = ListFilters(standing=params.get("bo_huy") == "1")
    raw_org = (params.get("don_vi") or "").strip()
    if raw_org:
        if not raw_org.isdigit() or len(raw_org) > MAX_ID_DIGITS:
            raise Refused("Không tìm thấy tổ chức cần lọc.", field="don_vi")
        try:
            found.organisation = access.get_org(user, int(raw_org))
        except Http404:
            raise Refused("Không tìm thấy tổ chức cần lọc.", field="don_vi") from None
    found.start = _day(params.get("tu"), "Từ ngày")
    found.end = _day(params.get("den"), "Đến ngày")
    if found.start and found.end and found.start > found.end:
        raise Refused(
            f"Từ ngày {format_date(found.start)} sau đến ngày {format_date(found.end)}.",
            field="tu",
        )
    return found
