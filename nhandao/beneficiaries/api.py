"""API of the registry and the duplicate review queue; same forms and access rules as the pages.

A person is returned in full to users who reach its owning organisation; sensitive fields
only with the "sensitive" permission (each read logged); people of other organisations in
the user's area come back with name, commune and support history only.
"""

from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Count, OuterRef, Subquery, Sum
from django.http import Http404
from ninja import Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from nhandao.beneficiaries import actions, forms, review, visibility
from nhandao.beneficiaries.models import (
    HumanitarianAddress,
    MatchCandidate,
    MergeRecord,
    Person,
    Sponsor,
    Sponsorship,
    SupportRecord,
)
from nhandao.lib.api import ErrorOut, FormInvalid
from nhandao.lib.text import search_terms
from nhandao.orgs import access

router = Router(tags=["Đối tượng thụ hưởng"])


class SupportOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str
    date: date
    kind: str
    value: int


class PersonOut(Schema):
    id: int
    full_name: str
    organisation_id: int
    commune_id: int | None
    commune_name: str | None
    visibility: str  # full | area
    status: str
    sex: str | None = None
    birth_year: int | None = None
    village: str | None = None
    household_id: int | None = None
    relationship: str | None = None
    external_id: str | None = None
    # sensitive
    birth_date: date | None = None
    id_number: str | None = None
    phone: str | None = None
    vulnerabilities: list[str] | None = None
    consent_by: str | None = None
    consent_at: date | None = None
    consent_purpose: str | None = None


class PersonDetailOut(PersonOut):
    supports: list[SupportOut]


def person_out(person: Person, level: str, sensitive: bool) -> dict:
    data = {
        "id": person.pk,
        "full_name": person.full_name,
        "organisation_id": person.organisation_id,
        "commune_id": person.commune_id,
        "commune_name": person.commune.name if person.commune_id else None,
        "visibility": level,
        "status": person.status,
    }
    if level == visibility.FULL:
        for name in ("sex", "birth_year", "village", "household_id", "relationship", "external_id"):
            data[name] = getattr(person, name)
    if sensitive:
        for name in Person.SENSITIVE:
            data[name] = getattr(person, name)
    return data


def support_out(s: SupportRecord) -> dict:
    return {
        "id": s.pk,
        "organisation_id": s.organisation_id,
        "organisation_name": s.organisation.name,
        "date": s.date,
        "kind": s.kind,
        "value": s.value,
    }


def supports_out(person: Person) -> list[dict]:
    supports = person.supports.select_related("organisation").order_by("-date", "-pk")
    return [support_out(s) for s in supports]


class PersonPage(Schema):
    count: int
    page: int
    items: list[PersonOut]


PAGE_SIZE = 50


@router.get(
    "/persons", response=PersonPage, summary="Tìm đối tượng (tên không dấu, CCCD, điện thoại)"
)
def list_persons(request, q: str = "", page: int = 1):
    persons = Person.objects.visible_to(request.auth).active().search(q)
    persons = persons.select_related("organisation", "commune")
    page = max(page, 1)
    count = persons.count()
    rows = list(persons.order_by("name_key", "pk")[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    items, read = [], []
    for p in rows:
        full = access.can(request.auth, "view", p.organisation)
        sensitive = full and access.can(request.auth, "sensitive", p.organisation)
        if sensitive:
            read.append(p)
        items.append(person_out(p, visibility.FULL if full else visibility.AREA, sensitive))
    visibility.log_sensitive_read(request.auth, read, "api")  # only the page actually returned
    return {"count": count, "page": page, "items": items}


@router.get("/persons/{person_id}", response=PersonDetailOut)
def person_detail(request, person_id: int):
    view = visibility.get_person(request.auth, person_id)
    if view.sensitive:
        visibility.log_sensitive_read(request.auth, [view.person], "api")
    return {
        **person_out(view.person, view.level, view.sensitive),
        "supports": supports_out(view.person),
    }


class PersonIn(Schema):
    organisation: str
    full_name: str
    sex: str = ""
    birth: str = ""
    id_number: str = ""
    phone: str = ""
    commune_code: str = ""
    commune_map: str = ""
    village: str = ""
    address: str = ""
    household: int | None = None
    relationship: str = ""
    vulnerabilities: list[str] = []
    consent_by: str = ""
    consent_at: date | None = None
    consent_purpose: str = ""
    external_id: str = ""
    confirm: bool = False


class MatchOut(Schema):
    id: int
    full_name: str
    commune_name: str | None
    organisation_name: str


class CreatedOut(Schema):
    person: PersonOut | None
    warnings: list[str]
    matches: list[MatchOut]


@router.post(
    "/persons",
    response={201: CreatedOut, 409: CreatedOut},
    summary="Thêm đối tượng (trả 409 kèm người có thể trùng nếu chưa xác nhận)",
)
def create_person(request, payload: PersonIn):
    data = payload.dict()
    form = forms.PersonForm({k: v for k, v in data.items() if v is not None}, actor=request.auth)
    if not form.is_valid():
        raise FormInvalid(form)
    if not payload.confirm:
        matches = form.likely_matches()
        if matches:
            return Status(
                409,
                {
                    "person": None,
                    "warnings": form.warnings,
                    "matches": [
                        {
                            "id": m.pk,
                            "full_name": m.full_name,
                            "organisation_name": m.organisation.name,
                            "commune_name": m.commune.name if m.commune_id else None,
                        }
                        for m in matches
                    ],
                },
            )
    person = actions.create_person(request.auth, **form.action_fields())
    sensitive = access.can(request.auth, "sensitive", person.organisation)
    return Status(
        201,
        {
            "person": person_out(person, visibility.FULL, sensitive),
            "warnings": form.warnings,
            "matches": [],
        },
    )


class PersonPatch(Schema):
    """Only the fields sent change; null clears a field. Sensitive fields (birth, id_number,
    phone, vulnerabilities, consent_*) need the "sensitive" permission."""

    organisation: str | None = None
    full_name: str | None = None
    sex: str | None = None
    birth: str | None = None
    id_number: str | None = None
    phone: str | None = None
    commune_code: str | None = None
    commune_map: str | None = None
    village: str | None = None
    address: str | None = None
    household: int | None = None
    relationship: str | None = None
    vulnerabilities: list[str] | None = None
    consent_by: str | None = None
    consent_at: date | None = None
    consent_purpose: str | None = None
    external_id: str | None = None


class PersonUpdatedOut(Schema):
    person: PersonOut
    changed: list[str]
    warnings: list[str]


@router.patch(
    "/persons/{person_id}",
    response={200: PersonUpdatedOut, 422: ErrorOut},
    summary="Sửa hồ sơ một người (chỉ các trường gửi lên)",
)
def update_person(request, person_id: int, payload: PersonPatch):
    person = visibility.get_person_to_edit(request.auth, person_id)
    form = forms.PersonForm.for_update(person, payload.dict(exclude_unset=True), actor=request.auth)
    if not form.is_valid():
        raise FormInvalid(form)
    changed = actions.update_person(request.auth, person, **form.action_fields())
    person = visibility.get_person(request.auth, person_id).person
    sensitive = access.can(request.auth, "sensitive", person.organisation)
    if sensitive:
        visibility.log_sensitive_read(request.auth, [person], "api")
    return {
        "person": person_out(person, visibility.FULL, sensitive),
        "changed": changed,
        "warnings": form.warnings,
    }


class SupportIn(Schema):
    organisation: str
    date: date
    kind: str
    value: int
    note: str = ""


@router.post(
    "/persons/{person_id}/supports", response={201: SupportOut}, summary="Ghi nhận một lần hỗ trợ"
)
def add_support(request, person_id: int, payload: SupportIn):
    view = visibility.get_person(request.auth, person_id)
    form = forms.SupportForm(payload.dict(), actor=request.auth)
    if not form.is_valid():
        raise FormInvalid(form)
    s = actions.record_support(request.auth, person=view.person, **form.cleaned_data)
    return Status(201, support_out(s))


class Mapped:
    """Rows (a queryset or a list) turned into output by `fn` one page at a time: the
    paginator slices first, so only the page is loaded and converted."""

    def __init__(self, rows, fn):
        self.rows, self.fn = rows, fn

    def __len__(self):
        return self.rows.count() if hasattr(self.rows, "query") else len(self.rows)

    def __getitem__(self, item):
        return self.fn(list(self.rows[item]))


def each(fn):
    return lambda page: [fn(row) for row in page]


# ---- review queue ----


class CandidateOut(Schema):
    id: int
    score: float
    method: str
    reasons: dict
    person_a: PersonOut
    person_b: PersonOut


def _side(user, p: Person) -> dict:
    """One person of a pair or group, without sensitive fields."""
    full = access.can(user, "view", p.organisation)
    return person_out(p, visibility.FULL if full else visibility.AREA, False)


def candidate_out(user, c) -> dict:
    return {
        "id": c.pk,
        "score": c.score,
        "method": c.method,
        "reasons": c.reasons,
        "person_a": _side(user, c.person_a),
        "person_b": _side(user, c.person_b),
    }


@router.get("/duplicates", response=list[CandidateOut], summary="Cặp hồ sơ có thể trùng")
@paginate(PageNumberPagination)
def list_candidates(request):
    pairs = (
        MatchCandidate.objects.for_reviewer(request.auth)
        .select_related(*review.PAIR_RELATED)
        .order_by("-score", "pk")
    )
    return [candidate_out(request.auth, c) for c in pairs[:1000]]


class GroupOut(Schema):
    key: int
    score: float
    persons: list[PersonOut]
    pairs: list[CandidateOut]
    distinct: list[list[int]]  # pairs of the group's persons decided to be different people


@router.get(
    "/duplicates/groups",
    response=list[GroupOut],
    summary="Nhóm hồ sơ có thể trùng (các cặp có chung một người)",
)
@paginate(PageNumberPagination)
def list_groups(request):
    groups = review.groups_for(request.auth)
    return Mapped(groups, lambda page: [group_out(request.auth, g) for g in review.load(page)])


def group_out(user, group) -> dict:
    persons = group.persons or list(
        {p.pk: p for c in group.pairs for p in (c.person_a, c.person_b)}.values()
    )
    return {
        "key": group.key,
        "score": group.score,
        "persons": [_side(user, p) for p in sorted(persons, key=lambda p: p.pk)],
        "pairs": [candidate_out(user, c) for c in group.pairs],
        "distinct": [[a.pk, b.pk] for a, b in group.distinct],
    }


class GroupMergeIn(Schema):
    pairs: list[int]
    survivor: int


class GroupMergedOut(Schema):
    status: str
    survivor: int
    merge_ids: list[int]


@router.post(
    "/duplicates/groups/merge",
    response=GroupMergedOut,
    summary="Gộp cả một nhóm vào hồ sơ được giữ (mỗi hồ sơ hoàn tác riêng được)",
)
def merge_group(request, payload: GroupMergeIn):
    access.require_anywhere(request.auth, "view")
    form = forms.GroupMergeForm(payload.dict(), actor=request.auth)
    if form.has_error(NON_FIELD_ERRORS, "not_found"):
        raise Http404(forms.GROUP_NOT_FOUND)
    if not form.is_valid():
        raise FormInvalid(form)
    data = form.cleaned_data
    merges = actions.merge_group(
        request.auth, data["survivor_obj"], data["others"], data["candidates"]
    )
    return {
        "status": "merged",
        "survivor": data["survivor_obj"].pk,
        "merge_ids": sorted(m.pk for m in merges),
    }


class DecisionIn(Schema):
    decision: str  # same | distinct
    survivor: int | None = None


class DecisionOut(Schema):
    status: str
    merge_id: int | None = None


@router.post(
    "/duplicates/{candidate_id}/decision",
    response=DecisionOut,
    summary="Quyết định: cùng một người (gộp) hoặc khác người",
)
def decide(request, candidate_id: int, payload: DecisionIn):
    candidate = visibility.get_candidate(request.auth, candidate_id)
    form = forms.DecisionForm(payload.dict())
    if not form.is_valid():
        raise FormInvalid(form)
    if form.cleaned_data["decision"] == "distinct":
        actions.mark_distinct(request.auth, candidate)
        return {"status": "distinct"}
    merge = actions.merge_pair(request.auth, candidate, form.cleaned_data.get("survivor"))
    return {"status": "merged", "merge_id": merge.pk}


@router.post("/merges/{merge_id}/undo", response=DecisionOut, summary="Hoàn tác một lần gộp")
def undo(request, merge_id: int):
    merge = access.get_for_user(
        MergeRecord.objects.select_related("survivor__organisation", "merged__organisation"),
        request.auth,
        merge_id,
        via="survivor__organisation",
    )
    actions.undo_merge(request.auth, merge)
    return {"status": "pending", "merge_id": merge.pk}


# ---- households ----


class PovertyOut(Schema):
    year: int
    status: str
    certified_by: str
    certificate_no: str
    certified_on: date | None


class MemberOut(Schema):
    id: int
    full_name: str
    relationship: str | None = None


class HouseholdOut(Schema):
    id: int
    organisation_id: int
    commune_id: int | None
    visibility: str
    village: str | None = None
    address: str | None = None
    head_id: int | None = None
    members: list[MemberOut]
    poverty: list[PovertyOut] | None = None


@router.get("/households/{household_id}", response=HouseholdOut, summary="Một hộ gia đình")
def household_detail(request, household_id: int):
    household, full = visibility.get_household(request.auth, household_id)
    return household_out(request.auth, household, full)


def household_out(user, household, full: bool) -> dict:
    members = household.members.filter(status="active").order_by("pk")
    data = {
        "id": household.pk,
        "organisation_id": household.organisation_id,
        "commune_id": household.commune_id,
        "visibility": visibility.FULL if full else visibility.AREA,
        "members": [
            {"id": m.pk, "full_name": m.full_name, "relationship": m.relationship if full else None}
            for m in members
        ],
    }
    if full:
        data.update(village=household.village, address=household.address,
                    head_id=household.head_id)  # fmt: skip
    if access.can(user, "sensitive", household.organisation):
        data["poverty"] = list(household.poverty_statuses.all())
        visibility.log_household_read(user, household, "api")
    return data


class PovertyIn(Schema):
    year: int
    status: str
    certified_by: str = ""
    certificate_no: str = ""
    certified_on: date | None = None


class HouseholdPatch(Schema):
    """Only the fields sent change. `poverty` sets the status of one year and needs the
    "sensitive" permission."""

    organisation: str | None = None
    commune_code: str | None = None
    commune_map: str | None = None
    village: str | None = None
    address: str | None = None
    poverty: PovertyIn | None = None


class HouseholdUpdatedOut(Schema):
    household: HouseholdOut
    changed: list[str]
    warnings: list[str]


@router.patch(
    "/households/{household_id}",
    response=HouseholdUpdatedOut,
    summary="Sửa địa chỉ, tổ chức quản lý hoặc diện nghèo của một hộ",
)
def update_household(request, household_id: int, payload: HouseholdPatch):
    household = visibility.get_household_to_edit(request.auth, household_id)
    changes = payload.dict(exclude_unset=True)
    poverty = changes.pop("poverty", None)
    if poverty is not None:
        access.require(request.auth, "sensitive", household.organisation)
    form = forms.HouseholdForm.for_update(household, changes, actor=request.auth)
    poverty_form = forms.PovertyForm(poverty) if poverty is not None else None
    error = FormInvalid(form)  # both forms checked before anything is written
    if poverty_form is not None:
        error.errors.update(
            {f"poverty.{k}": v for k, v in FormInvalid(poverty_form).errors.items()}
        )
    if error.errors:
        raise error
    changed = actions.update_household(
        request.auth,
        household,
        poverty=poverty_form.cleaned_data if poverty_form is not None else None,
        **form.action_fields(),
    )
    household, full = visibility.get_household(request.auth, household_id)
    return {
        "household": household_out(request.auth, household, full),
        "changed": changed,
        "warnings": form.warnings,
    }


# ---- humanitarian addresses, sponsors and their commitments ----


class SponsorshipOut(Schema):
    id: int
    address_id: int
    sponsor_id: int
    sponsor_name: str
    monthly_amount: int
    goods: str
    start: date
    months: int
    total_committed: int


def sponsorship_out(s: Sponsorship) -> dict:
    return {
        "id": s.pk,
        "address_id": s.address_id,
        "sponsor_id": s.sponsor_id,
        "sponsor_name": s.sponsor.name,
        "monthly_amount": s.monthly_amount,
        "goods": s.goods,
        "start": s.start,
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


ADDRESS_RELATED = ("organisation", "person", "household__head")


@router.get(
    "/addresses",
    response=list[AddressOut],
    summary="Địa chỉ nhân đạo trong phạm vi (without_sponsor=true: chưa có nhà đỡ đầu)",
)
@paginate(PageNumberPagination)
def list_addresses(request, without_sponsor: bool = False):
    access.require_anywhere(request.auth, "view")
    addresses = (
        HumanitarianAddress.objects.for_user(request.auth)
        .select_related(*ADDRESS_RELATED)
        .annotate(sponsor_count=Count("sponsorships"))
        .order_by("-since", "pk")
    )
    if without_sponsor:
        addresses = addresses.filter(sponsor_count=0, active=True)
    return Mapped(addresses, each(address_out))


@router.get("/addresses/{address_id}", response=AddressDetailOut, summary="Một địa chỉ nhân đạo")
def address_detail(request, address_id: int):
    address = access.get_for_user(
        HumanitarianAddress.objects.select_related(*ADDRESS_RELATED), request.auth, address_id
    )
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
        given = SupportRecord.objects.filter(sponsorship__sponsor=sponsor).aggregate(
            total=Sum("value")
        )["total"]
    return {
        "id": sponsor.pk,
        "organisation_id": sponsor.organisation_id,
        "name": sponsor.name,
        "contact": sponsor.contact,
        "sponsorship_count": count,
        "given_total": given or 0,
    }


@router.get("/sponsors", response=list[SponsorOut], summary="Nhà đỡ đầu trong phạm vi")
@paginate(PageNumberPagination)
def list_sponsors(request, q: str = ""):
    access.require_anywhere(request.auth, "view")
    sponsors = Sponsor.objects.for_user(request.auth).order_by("name_key", "pk")
    for term in search_terms(q):
        sponsors = sponsors.filter(name_key__contains=term)
    given = (
        SupportRecord.objects.filter(sponsorship__sponsor=OuterRef("pk"))
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
    sponsor = access.get_for_user(Sponsor.objects.all(), request.auth, sponsor_id)
    sponsorships = Sponsorship.objects.filter(sponsor=sponsor).filter(
        access.reach_q(request.auth, "view", via="address__organisation")
    )
    return {
        **sponsor_out(sponsor),
        "sponsorships": [sponsorship_out(s) for s in sponsorships.select_related("sponsor")],
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


def _sponsorships(user):
    """Commitments to addresses in the user's reach."""
    return Sponsorship.objects.filter(
        access.reach_q(user, "view", via="address__organisation")
    ).select_related("sponsor")


@router.get(
    "/sponsorships",
    response=list[SponsorshipOut],
    summary="Cam kết đỡ đầu cho các địa chỉ trong phạm vi",
)
@paginate(PageNumberPagination)
def list_sponsorships(request, sponsor: int | None = None, address: int | None = None):
    access.require_anywhere(request.auth, "view")
    sponsorships = _sponsorships(request.auth).order_by("-start", "pk")
    if sponsor is not None:
        sponsorships = sponsorships.filter(sponsor_id=sponsor)
    if address is not None:
        sponsorships = sponsorships.filter(address_id=address)
    return Mapped(sponsorships, each(sponsorship_out))


@router.get("/sponsorships/{sponsorship_id}", response=SponsorshipOut, summary="Một cam kết")
def sponsorship_detail(request, sponsorship_id: int):
    sponsorship = _sponsorships(request.auth).filter(pk=sponsorship_id).first()
    if sponsorship is None:
        raise Http404("Không tìm thấy cam kết đỡ đầu.")
    return sponsorship_out(sponsorship)


class SponsorshipIn(Schema):
    sponsor: int
    monthly_amount: int | None = None
    goods: str = ""
    start: date
    months: int


@router.post(
    "/addresses/{address_id}/sponsorships",
    response={201: SponsorshipOut},
    summary="Ghi cam kết của một nhà đỡ đầu cho địa chỉ",
)
def create_sponsorship(request, address_id: int, payload: SponsorshipIn):
    address = access.get_for_user(HumanitarianAddress.objects.all(), request.auth, address_id)
    access.require(request.auth, "edit", address.organisation)
    data = {k: v for k, v in payload.dict().items() if v is not None}
    form = forms.SponsorshipForm(data, actor=request.auth)
    if not form.is_valid():
        raise FormInvalid(form)
    sponsorship = actions.commit_sponsorship(request.auth, address, **form.action_fields())
    return Status(201, sponsorship_out(sponsorship))
