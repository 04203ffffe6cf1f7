"""Reports as a user may reach them: the scoped getter (pages and API share it)."""

from nhandao.orgs import access
from nhandao.reports.models import Report


def get_report(user, pk, perm: str = "view") -> Report:
    """A report of an organisation the user reaches, else 404; then `perm` there (403)."""
    reports = Report.objects.for_user(user).select_related("form", "organisation__parent")
    report = access.get_within(reports, pk, "Không tìm thấy báo cáo.")
    if perm != "view":
        access.require(user, perm, report.organisation)
    return report
