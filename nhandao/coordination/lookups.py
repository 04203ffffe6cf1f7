"""Coordination records as a user may reach them (pages and API share these getters): 404
outside reach, 403 without the permission asked for where it is asked."""

from nhandao.coordination.models import Directive, Finding, Programme, SupervisionPlan, Task
from nhandao.donations.models import Donation, Statement
from nhandao.lib.dates import format_date
from nhandao.lib.money import format_vnd
from nhandao.orgs import access
from nhandao.relief.models import Allocation


def get_directive(user, pk, perm: str = "view") -> Directive:
    """A directive of an issuer in reach or with a task for an organisation in reach; `perm`
    other than view is asked at the issuer."""
    directives = Directive.objects.for_user(user).select_related("organisation", "programme")
    directive = access.get_within(directives, pk, "Không tìm thấy văn bản.")
    if perm != "view":
        access.require(user, perm, directive.organisation)
    return directive


def get_task(user, pk, perm: str = "view") -> Task:
    """A task of a directive issued in reach or assigned in reach; `perm` is asked at the
    assignee ("edit": report progress); the issuer's moves are checked by the pipeline."""
    tasks = Task.objects.for_user(user).select_related("directive__organisation", "assignee")
    task = access.get_within(tasks, pk, "Không tìm thấy nhiệm vụ.")
    if perm != "view":
        access.require(user, perm, task.assignee)
    return task


def get_programme(user, pk, perm: str = "view") -> Programme:
    programmes = Programme.objects.for_user(user).select_related("organisation")
    programme = access.get_within(programmes, pk, "Không tìm thấy chương trình phối hợp.")
    if perm != "view":
        access.require(user, perm, programme.organisation)
    return programme


def get_plan(user, pk, perm: str = "view") -> SupervisionPlan:
    """A supervision plan, seen by both sides; `perm` is asked at the supervising body."""
    plans = SupervisionPlan.objects.for_user(user).select_related("organisation", "supervised")
    plan = access.get_within(plans, pk, "Không tìm thấy kế hoạch giám sát.")
    if perm != "view":
        access.require(user, perm, plan.organisation)
    return plan


def get_finding(user, pk, perm: str = "view") -> Finding:
    """A finding, seen by both sides; `perm` is asked at its owner (who answers it)."""
    findings = Finding.objects.for_user(user).select_related("plan__organisation", "owner")
    finding = access.get_within(findings, pk, "Không tìm thấy kết luận giám sát.")
    if perm != "view":
        access.require(user, perm, finding.owner)
    return finding


# the money records a grant opens (orgs.SUBJECT_RECORDS), in words
READ_KINDS = {"donation": "Khoản ủng hộ", "statement": "Sao kê ngân hàng",
              "allocation": "Phân bổ tiền"}  # fmt: skip
MAX_READS = 500


def supervisor_reads(plan: SupervisionPlan, limit: int = MAX_READS):
    """The reads of the plan's grant, newest first (at most `limit`), each with its kind and
    the record it opened in words; and whether older ones were left out. The caller has
    fetched the plan with get_plan (either side)."""
    if plan.grant_id is None:
        return [], False
    rows = list(plan.grant.reads.select_related("user").order_by("-at", "-pk")[: limit + 1])
    more, rows = len(rows) > limit, rows[:limit]
    models = {"donation": Donation, "statement": Statement, "allocation": Allocation}
    found = {}
    for kind, model in models.items():
        ids = [int(r.record_id) for r in rows if r.record_type == kind and r.record_id.isdigit()]
        found[kind] = {str(o.pk): o for o in model.objects.filter(pk__in=ids)}
    for r in rows:
        r.kind_label = READ_KINDS.get(r.record_type, r.record_type)
        record = found.get(r.record_type, {}).get(r.record_id)
        r.what = _describe(r.record_type, record) if record is not None else f"mã {r.record_id}"
    return rows, more


def _describe(kind: str, record) -> str:
    if kind == "donation":
        return f"{format_date(record.received_on)} · {format_vnd(record.amount)}"
    if kind == "statement":
        return (
            f"{record.file_name} ({format_date(record.first_day)}–{format_date(record.last_day)})"
        )
    if kind == "allocation":
        return f"{record} · {format_vnd(record.amount)}"
    return str(record)
