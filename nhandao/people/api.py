"""API of people (scoped by people/lookups.py): individuals found without accents, one
individual with their membership history, the members of an organisation on a date; the
leaders of an organisation now, on a date and over time, appointing and ending a post; the
fee year-end close (preview writing nothing, close, reopen); youth groups of a subtree with
their counts. Writes go through the same actions and access checks as the pages."""

from datetime import date

from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from nhandao.lib.errors import Refused
from nhandao.lib.pagination import Pagination
from nhandao.orgs import access
from nhandao.people import leaders, lookups, youth
from nhandao.people import membership as ms
from nhandao.people.models import Individual, PostKind

router = Router(tags=["Hội viên, tình nguyện viên"])


class IndividualRow(Schema):
    id: int
    code: str
    full_name: str
    organisation_id: int


class MembershipRow(Schema):
    organisation_id: int
    kind: str
    started_on: date
    started_via: str
    ended_on: date | None
    end_reason: str


class IndividualOut(IndividualRow):
    memberships: list[MembershipRow]

    @staticmethod
    def resolve_memberships(individual):
        return list(individual.memberships.order_by("started_on", "pk"))


class MembersOnOut(Schema):
    organisation_id: int
    date: date
    members: int


@router.get("/people/individuals", response=list[IndividualRow],
            summary="Cá nhân trong phạm vi của bạn (tìm không dấu)")  # fmt: skip
@paginate(Pagination)
def list_individuals(request, q: str = Query("", max_length=100)):
    return Individual.objects.for_user(request.auth).active().search(q).order_by("name_key", "pk")


@router.get("/people/individuals/{pk}", response=IndividualOut,
            summary="Một cá nhân và quá trình sinh hoạt hội")  # fmt: skip
def get_individual(request, pk: int):
    return lookups.get_individual(request.auth, pk)


@router.get("/people/members-on/{org_pk}", response=MembersOnOut,
            summary="Số hội viên của một tổ chức (cả cấp dưới) vào một ngày")  # fmt: skip
def members_on(request, org_pk: int, on: date | None = None):
    org = access.get_org(request.auth, org_pk)
    day = on or timezone.localdate()
    return {"organisation_id": org.pk, "date": day, "members": ms.count_on(org, day)}


# ---- leadership posts ----------------------------------------------------------------------

YEAR = Query(..., ge=2000, le=2100)


class PostRow(Schema):
    id: int
    post: str
    post_label: str
    individual_id: int
    full_name: str
    started_on: date
    ended_on: date | None
    decision: str
    end_note: str

    @staticmethod
    def resolve_post_label(held):
        return held.get_post_display()

    @staticmethod
    def resolve_full_name(held):
        return held.individual.full_name


class LeadersOut(Schema):
    organisation_id: int
    date: date
    leaders: list[PostRow]
    history: list[PostRow]


class AppointIn(Schema):
    individual_id: int = Field(..., ge=1, le=2**31 - 1)
    post: str = Field(..., max_length=20)
    started_on: date
    ended_on: date | None = None
    decision: str = Field("", max_length=100)


class EndPostIn(Schema):
    ended_on: date
    note: str = Field("", max_length=255)


@router.get("/people/leaders/{org_pk}", response=LeadersOut,
            summary="Lãnh đạo của một tổ chức vào một ngày và qua các thời kỳ")  # fmt: skip
def leaders_of(request, org_pk: int, on: date | None = None):
    org = access.get_org(request.auth, org_pk)
    day = on or timezone.localdate()
    return {"organisation_id": org.pk, "date": day, "leaders": leaders.leaders_on(org, day),
            "history": leaders.history(org)}  # fmt: skip


@router.post("/people/leaders/{org_pk}", response={201: PostRow},
             summary="Ghi một người giữ chức vụ ở tổ chức")  # fmt: skip
def leader_appoint(request, org_pk: int, payload: AppointIn):
    org = access.get_org(request.auth, org_pk, "edit")
    if payload.post not in PostKind.values:
        raise Refused("Không có chức vụ này: hãy chọn "
                      + ", ".join(f"“{v}” ({label})" for v, label in PostKind.choices) + ".",
                      field="post")  # fmt: skip
    try:
        individual = lookups.get_individual(request.auth, payload.individual_id)
    except Http404:  # out of reach or unknown: said on the field, like the form's picker
        raise Refused("Không tìm thấy người này trong phạm vi của bạn.",
                      field="individual_id") from None  # fmt: skip
    held = leaders.appoint(request.auth, individual, org, post=payload.post,
                           started_on=payload.started_on, ended_on=payload.ended_on,
                           decision=payload.decision)  # fmt: skip
    return Status(201, held)


@router.post("/people/leader-posts/{pk}/end", response=PostRow,
             summary="Ghi ngày thôi giữ chức")  # fmt: skip
def leader_end(request, pk: int, payload: EndPostIn):
    held = lookups.get_post(request.auth, pk, "edit")
    return leaders.end_post(request.auth, held, ended_on=payload.ended_on, note=payload.note)


# ---- fee year-end close ------------------------------------------------------------------


class YearCloseRow(Schema):
    id: int
    organisation_id: int
    year: int
    closed_at: str
    reopened_at: str | None
    reopen_reason: str
    figures: dict

    @staticmethod
    def resolve_closed_at(close):
        return close.closed_at.isoformat()

    @staticmethod
    def resolve_reopened_at(close):
        return close.reopened_at.isoformat() if close.reopened_at else None


class YearPreviewOut(Schema):
    organisation_id: int
    year: int
    closed: YearCloseRow | None
    figures: dict


class ReopenIn(Schema):
    reason: str = Field(..., max_length=255)


@router.get("/people/fee-years/{org_pk}", response=YearPreviewOut,
            summary="Khóa sổ hội phí: xem trước (không ghi gì) hoặc số liệu đã khóa")  # fmt: skip
def year_preview(request, org_pk: int, year: int = YEAR):
    org = access.get_org(request.auth, org_pk, "money")
    standing = ms.closed_year(org, year)
    figures = standing.figures if standing else ms.close_figures(org, year)
    return {"organisation_id": org.pk, "year": year, "closed": standing, "figures": figures}


@router.post("/people/fee-years/{org_pk}/close", response={201: YearCloseRow},
             summary="Khóa sổ hội phí một năm đã qua")  # fmt: skip
def year_close(request, org_pk: int, year: int = YEAR):
    org = access.get_org(request.auth, org_pk, "money")
    return Status(201, ms.close_year(request.auth, org, year))


@router.post("/people/fee-year-closes/{pk}/reopen", response=YearCloseRow,
             summary="Mở lại sổ hội phí (ghi lý do)")  # fmt: skip
def year_reopen(request, pk: int, payload: ReopenIn):
    close = lookups.get_year_close(request.auth, pk, "money")
    return ms.reopen_year(request.auth, close, payload.reason)


# ---- Youth Red Cross groups --------------------------------------------------------------


class YouthCount(Schema):
    groups: int
    members: int


class YouthChildRow(YouthCount):
    organisation_id: int
    organisation: str


class YouthGroupRow(Schema):
    id: int
    organisation_id: int
    name: str
    school: str
    kind: str
    founded_on: date
    members: int


class YouthOut(Schema):
    organisation_id: int
    date: date
    total: YouthCount
    own: YouthCount
    rows: list[YouthChildRow]
    groups: list[YouthGroupRow]


@router.get("/people/youth/{org_pk}", response=YouthOut,
            summary="Nhóm thanh thiếu niên của một tổ chức và cấp dưới, với số liệu")  # fmt: skip
def youth_of(request, org_pk: int, on: date | None = None):
    org = access.get_org(request.auth, org_pk)
    day = on or timezone.localdate()
    figures = youth.rollup(org, day)
    rows = [{"organisation_id": r["organisation"].pk, "organisation": str(r["organisation"]),
             "groups": r["groups"], "members": r["members"]} for r in figures["rows"]]  # fmt: skip
    groups = youth.groups_in(org, day)[:500]
    return {"organisation_id": org.pk, "date": day, "total": figures["total"],
            "own": figures["own"], "rows": rows, "groups": list(groups)}  # fmt: skip
