"""Coordination records as a user may reach them (pages and API share these getters): 404
outside reach, 403 without the permission asked for where it is asked."""

from nhandao.coordination.models import Directive, Finding, Programme, SupervisionPlan, Task
from nhandao.orgs import access


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
