"""Persons of the registry and the support they received."""

from datetime import date

from ninja import Query, Router, Schema, Status

from nhandao.beneficiaries import actions, forms, lookups, privacy
from nhandao.beneficiaries.models import Person, ReadPurpose, SupportRecord
from nhandao.lib.api import ErrorOut, FormInvalid
from nhandao.lib.pagination import MAX_PAGE
from nhandao.orgs import access

router = Router()


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
    if level == lookups.FULL:
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
    supports = person.supports.counted().select_related("organisation").order_by("-date", "-pk")
    return [support_out(s) for s in supports]


class PurposeOut(Schema):
    code: str
    label: str


@router.get(
    "/purposes",
    response=list[PurposeOut],
    summary="Các mục đích đọc thông tin cá nhân (giá trị của tham số purpose)",
)
def list_purposes(request):
    return [{"code": p.code, "label": p.label} for p in ReadPurpose.objects.filter(active=True)]


class PersonPage(Schema):
    count: int
    page: int
    items: list[PersonOut]


PAGE_SIZE = 50

PURPOSE = Query(
    "",
    max_length=30,
    description="Mục đích đọc thông tin cá nhân (mã, xem /api/purposes); cũng nhận tiêu đề "
    "X-Purpose. Bắt buộc khi câu trả lời có CCCD, điện thoại, ngày sinh hay diện khó khăn.",
)


@router.get(
    "/persons",
    response={200: PersonPage, 422: ErrorOut},
    summary="Tìm đối tượng (tên không dấu, CCCD, điện thoại)",
)
def list_persons(
    request, q: str = "", page: int = Query(1, ge=1, le=MAX_PAGE), purpose: str = PURPOSE
):
    access.require_anywhere(request.auth, "view")
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
        items.append(person_out(p, lookups.FULL if full else lookups.AREA, sensitive))
    if read:  # only the page actually returned, and only with a stated purpose
        why = privacy.require_api_purpose(request)
        actions.log_sensitive_read(request.auth, read, "api", purpose=why)
    return {"count": count, "page": page, "items": items}


@router.get("/persons/{person_id}", response={200: PersonDetailOut, 422: ErrorOut})
def person_detail(request, person_id: int, purpose: str = PURPOSE):
    view = lookups.get_person(request.auth, person_id)
    if view.sensitive:
        why = privacy.require_api_purpose(request)
        actions.log_sensitive_read(request.auth, [view.person], "api", purpose=why)
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
def create_person(request, payload: PersonIn, purpose: str = PURPOSE):
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
    sensitive, why = sensitive_echo(request, person)
    if sensitive:
        actions.log_sensitive_read(request.auth, [person], "api", purpose=why)
    return Status(
        201,
        {
            "person": person_out(person, lookups.FULL, sensitive),
            "warnings": form.warnings,
            "matches": [],
        },
    )


def sensitive_echo(request, person):
    """A write answers with the sensitive fields only when the caller may read them and states
    a purpose (`purpose` or X-Purpose); otherwise they are left out and nothing is read."""
    why = privacy.api_purpose(request)
    return why is not None and access.can(request.auth, "sensitive", person.organisation), why


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
def update_person(request, person_id: int, payload: PersonPatch, purpose: str = PURPOSE):
    person = lookups.get_person_to_edit(request.auth, person_id)
    form = forms.PersonForm.for_update(person, payload.dict(exclude_unset=True), actor=request.auth)
    if not form.is_valid():
        raise FormInvalid(form)
    changed = actions.update_person(request.auth, person, **form.action_fields())
    person = lookups.get_person(request.auth, person_id).person
    sensitive, why = sensitive_echo(request, person)
    if sensitive:
        actions.log_sensitive_read(request.auth, [person], "api", purpose=why)
    return {
        "person": person_out(person, lookups.FULL, sensitive),
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
    view = lookups.get_person(request.auth, person_id)
    form = forms.SupportForm(payload.dict(), actor=request.auth)
    if not form.is_valid():
        raise FormInvalid(form)
    s = actions.record_support(request.auth, person=view.person, **form.cleaned_data)
    return Status(201, support_out(s))
