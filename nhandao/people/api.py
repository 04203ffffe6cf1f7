"""API of people (scoped by people/lookups.py): individuals found without accents, one
individual with their membership history, the members of an organisation on a date; the
leaders of an organisation now, on a date and over time, appointing and ending a post; the
fee year-end close (preview writing nothing, close, reopen); youth groups of a subtree with
their counts; member and volunteer lists through the import frame (upload, state, confirm,
cancel); a group's activities (listed, recorded) and their roll-up over a period.
Writes go through the same actions and access checks as the pages."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.http import Http404
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from nhandao.lib.api import FormInvalid
from nhandao.lib.errors import Refused
from nhandao.lib.pagination import Pagination
from nhandao.orgs import access
from nhandao.people import forms, importers, leaders, lookups, youth
from nhandao.people import membership as ms
from nhandao.people.models import Individual, ListKind, PostKind, YouthActivityKind

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


class CorrectPostIn(Schema):
    individual_id: int = Field(..., ge=1, le=2**31 - 1)
    started_on: date
    ended_on: date | None = None
    decision: str = Field("", max_length=100)
    reason: str = Field(..., max_length=255)


@router.post("/people/leader-posts/{pk}/correct", response=PostRow,
             summary="Sửa một nhiệm kỳ ghi nhầm (người, ngày, quyết định), có lý do")  # fmt: skip
def leader_correct(request, pk: int, payload: CorrectPostIn):
    held = lookups.get_post(request.auth, pk, "edit")
    try:
        individual = lookups.get_individual(request.auth, payload.individual_id)
    except Http404:  # out of reach or unknown: said on the field, like the form's picker
        raise Refused("Không tìm thấy người này trong phạm vi của bạn.",
                      field="individual_id") from None  # fmt: skip
    return leaders.correct_post(request.auth, held, individual=individual,
                                started_on=payload.started_on, ended_on=payload.ended_on,
                                decision=payload.decision, reason=payload.reason)  # fmt: skip


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
    covered_by_id: int | None
    figures: dict

    @staticmethod
    def resolve_closed_at(close):
        return close.closed_at.isoformat()

    @staticmethod
    def resolve_reopened_at(close):
        return close.reopened_at.isoformat() if close.reopened_at else None


class SubtreeRow(Schema):
    organisation_id: int
    organisation: str
    closed: YearCloseRow | None  # closed on its own before: the subtree close leaves it
    figures: dict


class YearPreviewOut(Schema):
    organisation_id: int
    year: int
    closed: YearCloseRow | None
    figures: dict
    subtree: list[SubtreeRow] | None = None


class ReopenIn(Schema):
    reason: str = Field(..., max_length=255)


@router.get("/people/fee-years/{org_pk}", response=YearPreviewOut,
            summary="Khóa sổ hội phí: xem trước (không ghi gì) hoặc số liệu đã khóa")  # fmt: skip
def year_preview(request, org_pk: int, year: int = YEAR, subtree: bool = False):
    org = access.get_org(request.auth, org_pk, "money")
    standing = ms.closed_year(org, year)
    figures = standing.figures if standing else ms.close_figures(org, year)
    rows = None
    if subtree:  # each organisation of the subtree with books that year, written nowhere
        rows = [{"organisation_id": r["organisation"].pk, "organisation": str(r["organisation"]),
                 "closed": r["closed"], "figures": r["figures"]}
                for r in ms.subtree_figures(org, year)]  # fmt: skip
    return {"organisation_id": org.pk, "year": year, "closed": standing, "figures": figures,
            "subtree": rows}  # fmt: skip


@router.post("/people/fee-years/{org_pk}/close", response={201: YearCloseRow},
             summary="Khóa sổ hội phí một năm đã qua")  # fmt: skip
def year_close(request, org_pk: int, year: int = YEAR, subtree: bool = False):
    org = access.get_org(request.auth, org_pk, "money")
    if subtree:  # with every organisation under it, all or nothing
        return Status(201, ms.close_subtree(request.auth, org, year))
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


# ---- youth groups' activities --------------------------------------------------------------

PersonId = Annotated[int, Field(ge=1, le=2**31 - 1)]


class ActivityRow(Schema):
    id: int
    group_id: int
    organisation_id: int
    held_on: date
    kind: str
    kind_label: str
    title: str
    hours: Decimal | None
    participant_ids: list[int]

    @staticmethod
    def resolve_kind_label(activity):
        return activity.get_kind_display()

    @staticmethod
    def resolve_participant_ids(activity):
        return sorted(m.individual_id for m in (p.membership for p in activity.participants.all()))


class ActivityIn(Schema):
    held_on: date
    kind: str = Field(..., max_length=15)
    title: str = Field(..., max_length=200)
    hours: Decimal | None = Field(None, ge=0, le=24, decimal_places=1)
    participant_ids: list[PersonId] = Field(..., max_length=1000)


class ActivityCount(Schema):
    activities: int
    participants: int


class ActivityChildRow(ActivityCount):
    organisation_id: int
    organisation: str


class ActivityRollupOut(Schema):
    organisation_id: int
    start: date
    end: date
    total: ActivityCount
    own: ActivityCount
    rows: list[ActivityChildRow]


def _activities(group):
    return group.activities.prefetch_related("participants__membership").order_by("-held_on", "-pk")


@router.get("/people/youth/groups/{group_pk}/activities", response=list[ActivityRow],
            summary="Hoạt động của một nhóm thanh thiếu niên, mới nhất trước")  # fmt: skip
@paginate(Pagination)
def group_activities(request, group_pk: int):
    return _activities(lookups.get_youth_group(request.auth, group_pk))


@router.post("/people/youth/groups/{group_pk}/activities", response={201: ActivityRow},
             summary="Ghi một hoạt động của nhóm với những hội viên đã tham gia")  # fmt: skip
def group_activity_record(request, group_pk: int, payload: ActivityIn):
    group = lookups.get_youth_group(request.auth, group_pk, "edit")
    if payload.kind not in YouthActivityKind.values:
        raise Refused("Không có loại hoạt động này: hãy chọn "
                      + ", ".join(f"“{v}” ({label})" for v, label in YouthActivityKind.choices)
                      + ".", field="kind")  # fmt: skip
    wanted = set(payload.participant_ids)
    people = list(youth.group_candidates(group).filter(pk__in=wanted))
    unknown = sorted(wanted - {p.pk for p in people})
    if unknown:  # never a member of this group (or unknown): said on the field, not a 404
        raise Refused("Không phải hội viên của nhóm: "
                      + ", ".join(str(pk) for pk in unknown[:10]) + ".",
                      field="participant_ids")  # fmt: skip
    activity = youth.record_activity(request.auth, group, held_on=payload.held_on,
                                     kind=payload.kind, title=payload.title,
                                     hours=payload.hours, participants=people)  # fmt: skip
    return Status(201, _activities(group).get(pk=activity.pk))


@router.get("/people/youth/{org_pk}/activities", response=ActivityRollupOut,
            summary="Hoạt động thanh thiếu niên của tổ chức và cấp dưới trong một kỳ")  # fmt: skip
def youth_activities_of(request, org_pk: int, start: date | None = None,
                        end: date | None = None):  # fmt: skip
    org = access.get_org(request.auth, org_pk)
    today = timezone.localdate()
    start, end = start or today.replace(month=1, day=1), end or today
    if start > end:
        raise Refused("Ngày cuối không được trước ngày đầu.", field="end")
    figures = youth.activity_rollup(org, start, end)
    rows = [{"organisation_id": r["organisation"].pk, "organisation": str(r["organisation"]),
             "activities": r["activities"], "participants": r["participants"]}
            for r in figures["rows"]]  # fmt: skip
    return {"organisation_id": org.pk, "start": start, "end": end, "total": figures["total"],
            "own": figures["own"], "rows": rows}  # fmt: skip


# ---- member and volunteer lists (the import frame, as the upload pages) ---------------------


class ListImportOut(Schema):
    id: int
    organisation_id: int
    kind: str
    file_name: str
    checksum: str
    uploaded_at: datetime
    status: str
    status_label: str
    repeated: bool
    message: str
    rows_read: int
    rows_accepted: int  # to import (previewed) or imported (done)
    rows_duplicate: int  # already members (volunteers) of their unit
    people_created: int
    likely_duplicates: int
    errors: list[dict]
    warnings: list[dict]

    @staticmethod
    def resolve_repeated(imp):
        return bool(getattr(imp, "repeated", False))

    @staticmethod
    def resolve_message(imp):
        return imp.repeat_message() if getattr(imp, "repeated", False) else ""

    @staticmethod
    def resolve_errors(imp):
        return imp.errors[:500]

    @staticmethod
    def resolve_warnings(imp):
        return imp.warnings[:500]


@router.post("/people/imports", response={201: ListImportOut, 200: ListImportOut},
             summary="Tải lên danh sách hội viên (kind=members) hoặc tình nguyện viên "
             "(kind=volunteers); kiểm tra ở nền, xem ở /people/imports/{id}, rồi xác nhận "
             "(cùng một tệp lần nữa: 200, lần nhập trước)")  # fmt: skip
def list_import_upload(request, file: File[UploadedFile],
                       kind: str = Form(..., max_length=10),  # noqa: B008
                       organisation_id: int = Form(..., ge=1, le=2**31 - 1)):  # fmt: skip  # noqa: B008
    if kind not in ListKind.values:
        raise Refused("Loại danh sách là “members” (hội viên) hoặc “volunteers” (tình nguyện "
                      "viên).", field="kind")  # fmt: skip
    org = access.get_org(request.auth, organisation_id, "edit")
    form = forms.ListImportForm({"organisation": org.code}, {"file": file}, actor=request.auth)
    if not form.is_valid():
        raise FormInvalid(form)
    upload = form.cleaned_data["file"]
    imp = importers.start(request.auth, org, kind, upload.name, upload.read())
    return Status(200 if getattr(imp, "repeated", False) else 201, imp)


@router.get("/people/imports/{pk}", response=ListImportOut,
            summary="Tình trạng danh sách: dòng sẽ nhập, lỗi, người có thể trùng")  # fmt: skip
def list_import_state(request, pk: int):
    return lookups.get_member_import(request.auth, pk)


@router.post("/people/imports/{pk}/confirm", response=ListImportOut,
             summary="Xác nhận nhập danh sách đã kiểm tra (ghi ở nền)")  # fmt: skip
def list_import_confirm(request, pk: int):
    return importers.confirm(request.auth, lookups.get_member_import(request.auth, pk, "edit"))


@router.post("/people/imports/{pk}/cancel", response=ListImportOut,
             summary="Bỏ danh sách đã kiểm tra, không nhập")  # fmt: skip
def list_import_cancel(request, pk: int):
    return importers.cancel(request.auth, lookups.get_member_import(request.auth, pk, "edit"))
