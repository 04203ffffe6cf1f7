"""Humanitarian addresses, sponsors and their commitments."""

from datetime import date, datetime

from django.db.models import Count, OuterRef, Subquery, Sum
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from nhandao.beneficiaries import actions, commitments, forms, lookups
from nhandao.beneficiaries.api.paging import Mapped, each
from nhandao.beneficiaries.models import (
    HumanitarianAddress,
    Sponsor,
    Sponsorship,
    SponsorshipPayment,
    SupportRecord,
)
from nhandao.lib.api import FormInvalid
from nhandao.lib.pagination import MAX_ID, Pagination
from nhandao.lib.text import search_terms
from nhandao.orgs import access

router = Router()


class SponsorshipOut(Schema):
    id: int
    address_id: int
    sponsor_id: int
    sponsor_name: str
    campaign_id: int | None
    amount: int
    every: int
    goods: str
    start: date
    end: date
    months: int
    total_committed: int


def sponsorship_out(s: Sponsorship) -> dict:
    return {
        "id": s.pk,
        "address_id": s.address_id,
        "sponsor_id": s.sponsor_id,
        "sponsor_name": s.sponsor.name,
        "campaign_id": s.campaign_id,
        "amount": s.amount,
        "every": s.every,
        "goods": s.goods,
        "start": s.start,
        "end": s.end,
        "months": s.months,
        "total_committed": s.total_committed,
    }


class AddressOut(Schema):
    id: int
    organisation_id: int
    person_id: int | None
    household_id: int | None
    recipient: str
    needs: str
    since: date
    active: bool
    sponsor_count: int


class BookEntryOut(Schema):
    id: int
    date: date
    organisation_name: str
    kind: str
    value: int
    note: str
    sponsorship_id: int | None


class AddressDetailOut(AddressOut):
    sponsorships: list[SponsorshipOut]
    book: list[BookEntryOut]


def address_out(a: HumanitarianAddress) -> dict:
    count = getattr(a, "sponsor_count", None)
    return {
        "id": a.pk,
        "organisation_id": a.organisation_id,
        "person_id": a.person_id,
        "household_id": a.household_id,
        "recipient": str(a.recipient()),
        "needs": a.needs,
        "since": a.since,
        "active": a.active,
        "sponsor_count": a.sponsorships.count() if count is None else count,
    }


@router.get(
    "/addresses",
    response=list[AddressOut],
    summary="Địa chỉ nhân đạo trong phạm vi (without_sponsor=true: chưa có nhà đỡ đầu)",
)
@paginate(Pagination)
def list_addresses(request, without_sponsor: bool = False):
    access.require_anywhere(request.auth, "view")
    addresses = (
        HumanitarianAddress.objects.for_user(request.auth)
        .select_related(*lookups.ADDRESS_RELATED)
        .annotate(sponsor_count=Count("sponsorships"))
        .order_by("-since", "pk")
    )
    if without_sponsor:
        addresses = addresses.filter(sponsor_count=0, active=True)
    return Mapped(addresses, each(address_out))


@router.get("/addresses/{address_id}", response=AddressDetailOut, summary="Một địa chỉ nhân đạo")
def address_detail(request, address_id: int):
    address = lookups.get_address(request.auth, address_id)
    book = address.book().select_related("organisation")
    return {
        **address_out(address),
        "sponsorships": [
            sponsorship_out(s) for s in address.sponsorships.select_related("sponsor")
        ],
        "book": [
            {
                "id": s.pk,
                "date": s.date,
                "organisation_name": s.organisation.name,
                "kind": s.kind,
                "value": s.value,
                "note": s.note,
                "sponsorship_id": s.sponsorship_id,
            }
            for s in book
        ],
    }


class AddressIn(Schema):
    organisation: str
    person: int | None = None
    household: int | None = None
    needs: str = ""
    since: date
    public_consent: bool = False
    public_summary: str = ""


@router.post("/addresses", response={201: AddressOut}, summary="Đăng ký địa chỉ nhân đạo")
def create_address(request, payload: AddressIn):
    access.require_anywhere(request.auth, "edit")
    data = {k: v for k, v in payload.dict().items() if v is not None}
    form = forms.HumanitarianAddressForm(data, actor=request.auth)
    if not form.is_valid():
        raise FormInvalid(form)
    address = actions.create_address(request.auth, **form.action_fields())
    return Status(201, address_out(address))


class SponsorOut(Schema):
    id: int
    organisation_id: int
    name: str
    contact: str
    sponsorship_count: int
    given_total: int


class SponsorDetailOut(SponsorOut):
    sponsorships: list[SponsorshipOut]


def sponsor_out(sponsor: Sponsor) -> dict:
    count = getattr(sponsor, "sponsorship_count", None)
    given = getattr(sponsor, "given_total", None)
    if count is None:
        count = sponsor.sponsorships.count()
        given = (
            SupportRecord.objects.counted()
            .filter(sponsorship__sponsor=sponsor)
            .aggregate(total=Sum("value"))["total"]
        )
    return {
        "id": sponsor.pk,
        "organisation_id": sponsor.organisation_id,
        "name": sponsor.name,
        "contact": sponsor.contact,
        "sponsorship_count": count,
        "given_total": given or 0,
    }


@router.get("/sponsors", response=list[SponsorOut], summary="Nhà đỡ đầu trong phạm vi")
@paginate(Pagination)
def list_sponsors(request, q: str = ""):
    access.require_anywhere(request.auth, "view")
    sponsors = Sponsor.objects.for_user(request.auth).order_by("name_key", "pk")
    for term in search_terms(q):
        sponsors = sponsors.filter(name_key__contains=term)
    given = (
        SupportRecord.objects.counted()
        .filter(sponsorship__sponsor=OuterRef("pk"))
        .values("sponsorship__sponsor")
        .annotate(total=Sum("value"))
        .values("total")
    )
    sponsors = sponsors.annotate(
        sponsorship_count=Count("sponsorships", distinct=True),
        given_total=Subquery(given),
    )
    return Mapped(sponsors, each(sponsor_out))


@router.get("/sponsors/{sponsor_id}", response=SponsorDetailOut, summary="Một nhà đỡ đầu")
def sponsor_detail(request, sponsor_id: int):
    sponsor = lookups.get_sponsor(request.auth, sponsor_id)
    sponsorships = lookups.sponsorships(request.auth).filter(sponsor=sponsor)
    return {
        **sponsor_out(sponsor),
        "sponsorships": [sponsorship_out(s) for s in sponsorships],
    }


class SponsorIn(Schema):
    organisation: str
    name: str
    contact: str = ""


@router.post("/sponsors", response={201: SponsorOut}, summary="Thêm nhà đỡ đầu")
def create_sponsor(request, payload: SponsorIn):
    access.require_anywhere(request.auth, "edit")
    form = forms.SponsorForm(payload.dict(), actor=request.auth)
    if not form.is_valid():
        raise FormInvalid(form)
    sponsor = actions.create_sponsor(request.auth, **form.cleaned_data)
    return Status(201, sponsor_out(sponsor))


@router.get(
    "/sponsorships",
    response=list[SponsorshipOut],
    summary="Cam kết đỡ đầu cho các địa chỉ trong phạm vi",
)
@paginate(Pagination)
def list_sponsorships(
    request,
    sponsor: int | None = Query(None, ge=1, le=MAX_ID),
    address: int | None = Query(None, ge=1, le=MAX_ID),
):
    access.require_anywhere(request.auth, "view")
    sponsorships = lookups.sponsorships(request.auth).order_by("-start", "pk")
    if sponsor is not None:
        sponsorships = sponsorships.filter(sponsor_id=sponsor)
    if address is not None:
        sponsorships = sponsorships.filter(address_id=address)
    return Mapped(sponsorships, each(sponsorship_out))


class PaymentOut(Schema):
    id: int
    period: date
    paid_on: date
    amount: int
    goods: str
    reason: str
    ledger_in_id: int | None
    ledger_out_id: int | None
    reversed_at: datetime | None
    reverse_reason: str


def payment_out(p: SponsorshipPayment) -> dict:
    return {
        "reversed_at": p.reversed_at,
        "reverse_reason": p.reverse_reason,
        "id": p.pk,
        "period": p.period,
        "paid_on": p.paid_on,
        "amount": p.amount,
        "goods": p.goods,
        "reason": p.reason,
        "ledger_in_id": p.entry_in_id,
        "ledger_out_id": p.entry_out_id,
    }


class SponsorshipDetailOut(SponsorshipOut):
    due: int
    paid: int
    kept_percent: int | None
    arrears: int
    next_due: date | None
    payments: list[PaymentOut]


@router.get(
    "/sponsorships/{sponsorship_id}",
    response=SponsorshipDetailOut,
    summary="Một cam kết: kỳ đến hạn, đã trả, tỉ lệ giữ cam kết, nợ, các khoản trả",
)
def sponsorship_detail(request, sponsorship_id: int):
    s = lookups.get_sponsorship(request.auth, sponsorship_id)
    st = commitments.standings([s], timezone.localdate())[s.pk]
    return {
        **sponsorship_out(s),
        "due": st.due,
        "paid": st.paid,
        "kept_percent": st.kept,
        "arrears": st.arrears,
        "next_due": st.next_due,
        "payments": [payment_out(p) for p in s.payments.all()],
    }


class PaymentIn(Schema):
    period: date
    paid_on: date
    amount: int | None = None
    goods: str = ""
    reason: str = ""


@router.post(
    "/sponsorships/{sponsorship_id}/payments",
    response={201: PaymentOut},
    summary="Ghi một kỳ đã trả theo cam kết (qua sổ quỹ)",
)
def create_payment(request, sponsorship_id: int, payload: PaymentIn):
    sponsorship = lookups.get_sponsorship(request.auth, sponsorship_id)
    payment = actions.pay_sponsorship(request.auth, sponsorship, **payload.dict())
    return Status(201, payment_out(payment))


class ReverseIn(Schema):
    reason: str


@router.post(
    "/sponsorships/{sponsorship_id}/payments/{payment_id}/reverse",
    response={200: PaymentOut},
    summary="Đảo một khoản trả ghi nhầm (bút toán đảo qua sổ quỹ, kỳ đó được ghi lại)",
)
def reverse_payment(request, sponsorship_id: int, payment_id: int, payload: ReverseIn):
    sponsorship = lookups.get_sponsorship(request.auth, sponsorship_id)
    payment = access.get_within(sponsorship.payments.all(), payment_id, "Không tìm thấy khoản trả.")
    payment = actions.reverse_sponsorship_payment(request.auth, payment, reason=payload.reason)
    return payment_out(payment)


class SponsorshipIn(Schema):
    sponsor: int
    amount: int | None = None
    every: int = 1
    goods: str = ""
    start: date
    end: date | None = None
    months: int | None = None
    campaign: str | None = None  # its code
    monthly_amount: int | None = None  # the former name of `amount` (paid monthly)


@router.post(
    "/addresses/{address_id}/sponsorships",
    response={201: SponsorshipOut},
    summary="Ghi cam kết của một nhà đỡ đầu cho địa chỉ",
)
def create_sponsorship(request, address_id: int, payload: SponsorshipIn):
    address = lookups.get_address(request.auth, address_id, "edit")
    data = {k: v for k, v in payload.dict().items() if v is not None}
    form = forms.SponsorshipForm(data, actor=request.auth)
    if not form.is_valid():
        raise FormInvalid(form)
    sponsorship = actions.commit_sponsorship(request.auth, address, **form.action_fields())
    return Status(201, sponsorship_out(sponsorship))
