"""API of reports (scoped by reports/lookups.py): the list, one report in the shape the
`report` command prints, opening a report, entering values, and the moves."""

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from nhandao.lib.pagination import Pagination
from nhandao.orgs import access
from nhandao.orgs.models import Organisation
from nhandao.reports import actions, building
from nhandao.reports.lookups import get_report
from nhandao.reports.models import Report

router = Router(tags=["Báo cáo"])


class ReportRow(Schema):
    id: int
    organisation_id: int
    period: str
    status: str
    due_on: str

    @staticmethod
    def resolve_due_on(report):
        return report.due_on.isoformat()


class OpenReportIn(Schema):
    organisation: str  # its code, as elsewhere in the API
    period: str


class ReportEntriesIn(Schema):
    values: dict[str, int | None] = {}
    narrative: dict[str, str] | None = None


class ReportTargetsIn(Schema):
    targets: dict[str, int | None]


class ReportPublishIn(Schema):
    published: bool = True


class ReportMoveIn(Schema):
    to_status: str
    note: str = ""


@router.get("/reports", response=list[ReportRow], summary="Báo cáo trong phạm vi của bạn")
@paginate(Pagination)
def list_reports(
    request,
    period: str = Query("", max_length=10),
    status: str = Query("", max_length=16),
):
    reports = Report.objects.for_user(request.auth)
    if period:
        reports = reports.filter(period=period.upper())
    if status:
        reports = reports.filter(status=status)
    return reports.order_by("-end", "organisation__path")


@router.post("/reports", response={201: dict}, summary="Lập (hoặc mở) báo cáo của đơn vị")
def open_report(request, payload: OpenReportIn):
    org = Organisation.objects.filter(code=payload.organisation).first()
    org = access.get_org(request.auth, org.pk if org else None, "edit")
    return Status(201, building.as_json(actions.open_report(request.auth, org, payload.period)))


@router.get("/reports/{report_id}", response=dict, summary="Một báo cáo: chỉ tiêu, cấp dưới")
def report_detail(request, report_id: int):
    return {"id": report_id, **building.as_json(get_report(request.auth, report_id))}


@router.post("/reports/{report_id}/values", response=dict, summary="Nhập số liệu, thuyết minh")
def enter_values(request, report_id: int, payload: ReportEntriesIn):
    report = get_report(request.auth, report_id, "edit")
    report = actions.save_entries(request.auth, report, payload.values, payload.narrative)
    return {"id": report_id, **building.as_json(report)}


@router.post("/reports/{report_id}/targets", response=dict, summary="Đặt chỉ tiêu kế hoạch")
def set_targets(request, report_id: int, payload: ReportTargetsIn):
    report = get_report(request.auth, report_id, "edit")
    actions.set_targets(request.auth, report.organisation, report.period, payload.targets)
    return {"id": report_id, **building.as_json(report)}


@router.post("/reports/{report_id}/publish", response=dict, summary="Công khai, thôi công khai")
def publish_report(request, report_id: int, payload: ReportPublishIn):
    """The page's action: an approved report, by the leaders of its organisation; audited."""
    report = actions.publish(request.auth, get_report(request.auth, report_id), payload.published)
    return {"id": report_id, "published": report.published, **building.as_json(report)}


@router.post("/reports/{report_id}/move", response=dict, summary="Gửi, duyệt, trả lại, mở lại")
def move_report(request, report_id: int, payload: ReportMoveIn):
    report = get_report(request.auth, report_id)
    report = actions.move_report(request.auth, report, payload.to_status, payload.note)
    return {"id": report_id, **building.as_json(report)}
