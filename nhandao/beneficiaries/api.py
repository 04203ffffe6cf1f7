"""API of the registry and the duplicate review queue; same forms and access rules as the pages.

A person is returned in full to users who reach its owning organisation; sensitive fields
only with the "sensitive" permission (each read logged); people of other organisations in
the user's area come back with name, commune and support history only.
"""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from nhandao.api import FormInvalid
from nhandao.beneficiaries import actions, forms, matching, views, visibility
from nhandao.beneficiaries.models import MergeRecord, Person
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


def supports_out(person: Person) -> list[dict]:
    return [
        {
            "id": s.pk,
            "organisation_id": s.organisation_id,
            "organisation_name": s.organisation.name,
            "date": s.date,
            "kind": s.kind,
            "value": s.value,
        }
        for s in person.supports.select_related("organisation").order_by("-date", "-pk")
    ]


class PersonPage(Schema):
    count: int
    page: int
    items: list[PersonOut]


PAGE_SIZE = 50


@router.get(
    "/persons", response=PersonPage, summary="Tìm đối tượng (tên không dấu, CCCD, điện thoại)"
)
def list_persons(request, q: str = "", page: int = 1):
    persons = views.search_persons(request.auth, q).select_related("organisation", "commune")
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
    clean = form.cleaned_data
    if not payload.confirm:
        matches = matching.likely_matches(
            request.auth,
            full_name=clean["full_name"],
            commune=clean.get("commune"),
            birth_year=clean.get("birth_year"),
            id_number=clean.get("id_number"),
            phone=clean.get("phone"),
        )
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
    return Status(
        201,
        {
            "id": s.pk,
            "organisation_id": s.organisation_id,
            "organisation_name": s.organisation.name,
            "date": s.date,
            "kind": s.kind,
            "value": s.value,
        },
    )


# ---- review queue ----


class CandidateOut(Schema):
    id: int
    score: float
    method: str
    reasons: dict
    person_a: PersonOut
    person_b: PersonOut


def candidate_out(user, c) -> dict:
    def side(p):
        full = access.can(user, "view", p.organisation)
        return person_out(p, visibility.FULL if full else visibility.AREA, False)

    return {
        "id": c.pk,
        "score": c.score,
        "method": c.method,
        "reasons": c.reasons,
        "person_a": side(c.person_a),
        "person_b": side(c.person_b),
    }


@router.get("/duplicates", response=list[CandidateOut], summary="Cặp hồ sơ có thể trùng")
@paginate(PageNumberPagination)
def list_candidates(request):
    pairs = (
        views.candidates_for(request.auth)
        .select_related(
            "person_a__organisation",
            "person_b__organisation",
            "person_a__commune",
            "person_b__commune",
        )
        .order_by("-score", "pk")
    )
    return [candidate_out(request.auth, c) for c in pairs[:1000]]


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
    candidate = views.get_candidate(request.auth, candidate_id)
    form = forms.DecisionForm(payload.dict())
    if not form.is_valid():
        raise FormInvalid(form)
    if form.cleaned_data["decision"] == "distinct":
        actions.mark_distinct(request.auth, candidate)
        return {"status": "distinct"}
    survivor, merged = candidate.person_a, candidate.person_b
    if form.cleaned_data.get("survivor") == candidate.person_b_id:
        survivor, merged = merged, survivor
    merge = actions.merge_persons(request.auth, survivor, merged, candidate)
    return {"status": "merged", "merge_id": merge.pk}


@router.post("/merges/{merge_id}/undo", response=DecisionOut, summary="Hoàn tác một lần gộp")
def undo(request, merge_id: int):
    merge = get_object_or_404(
        MergeRecord.objects.select_related("survivor__organisation", "merged__organisation"),
        pk=merge_id,
    )
    if not access.can(request.auth, "view", merge.survivor.organisation):
        raise PermissionDenied("Bạn không có quyền với lần gộp này.")
    try:
        actions.undo_merge(request.auth, merge)
    except ValueError as error:
        raise PermissionDenied(str(error)) from None
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
    household, full = views._get_household(request.auth, household_id)
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
    if access.can(request.auth, "sensitive", household.organisation):
        data["poverty"] = list(household.poverty_statuses.all())
        visibility.log_household_read(request.auth, household, "api")
    return data
