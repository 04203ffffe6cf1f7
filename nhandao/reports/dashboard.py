"""The leaders' dashboard: for one period, the indicator totals at an organisation with each
child (province → communes) as a row — its status, its approved totals — and a drill-down
into any child's own dashboard, down to a commune. Figures that have a list of records
behind them link to it (the donations list narrowed to the organisation's subtree and the
period).

It reads what the reports hold, as the reports do: the organisation's own report when it
has one, else its figures as they stand (own records live + the children's approved
totals); each child's row is its approved totals (snapshotted at approval), so a national
dashboard reads one row per province per indicator, not the communes' records."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from nhandao.lib.dates import format_date
from nhandao.lib.text import search_terms
from nhandao.orgs import access
from nhandao.orgs.models import Organisation
from nhandao.reports import building
from nhandao.reports.models import Indicator, Report, ReportForm, ReportStatus
from nhandao.reports.periods import Period

# The columns of the children's table, in this order, when the form has them (else the
# form's first ones): what a leader compares first.
KEY_CODES = [
    "received_money",
    "received_goods_value",
    "distributed",
    "people_reached",
    "total_value",
    "ratio_to_budget",
]
MAX_COLUMNS = 6


def records_url(code: str, org: Organisation, period: Period) -> str | None:
    """The list of records behind an indicator, narrowed to `org`'s subtree and the period
    (None: no list for it). Reversed donations are left out, as the indicator does."""
    channel = {"received_money": "money", "received_goods_value": "in_kind"}.get(code)
    if channel is None:
        return None
    query = {
        "don_vi": org.pk,
        "tu": format_date(period.start),
        "den": format_date(period.end),
        "channel": channel,
        "bo_huy": "1",
    }
    return f"{reverse('donation_list')}?{urlencode(query)}"


@dataclass
class Cell:
    value: int | float | None
    unit: str
    url: str | None = None

    @property
    def shown(self) -> str:
        return building.shown(self.value, self.unit)


@dataclass
class Row:
    """One child: its report's status, its approved totals, where to drill."""

    child: building.ChildStatus
    cells: list[Cell]
    late: bool

    @property
    def organisation(self) -> Organisation:
        return self.child.organisation


@dataclass
class Dashboard:
    organisation: Organisation
    period: Period
    form: ReportForm
    report: Report | None  # None: the organisation has not opened its report
    lines: list[building.Line]
    columns: list[Indicator]
    rows: list[Row]
    crumbs: list[Organisation]  # from the user's top organisation down to the parent
    counts: dict[str, int] = field(default_factory=dict)  # status label → children
    shown_rows: list[Row] = field(default_factory=list)  # the rows the filter keeps
    query: str = ""
    only: str = ""  # "" (every child), "late", "waiting" (not yet approved)

    @property
    def line_links(self) -> list[tuple[building.Line, str | None]]:
        return [
            (line, records_url(line.indicator.code, self.organisation, self.period))
            for line in self.lines
        ]


def columns_of(form: ReportForm) -> list[Indicator]:
    ordered = form.ordered_indicators()
    by_code = {i.code: i for i in ordered}
    key = [by_code[c] for c in KEY_CODES if c in by_code]
    return key or ordered[:MAX_COLUMNS]


def _report_or_transient(org: Organisation, form: ReportForm, period: Period):
    """The organisation's report for the period, or an unsaved draft standing for it (its
    figures as they stand now; nothing is written by looking)."""
    report = Report.objects.filter(form=form, organisation=org, period=period.code).first()
    if report is not None:
        return report, report
    transient = Report(
        form=form, organisation=org, period=period.code, start=period.start, end=period.end,
        due_on=period.end, status=ReportStatus.DRAFT,
    )  # fmt: skip
    return None, transient


def crumbs(user, org: Organisation) -> list[Organisation]:
    """The organisations above `org` the user may see, top first (the way back up)."""
    above = access.ancestor_paths(org.path)
    found = Organisation.objects.filter(path__in=above).order_by("path")
    return [o for o in found if access.can(user, "view", o)]


# What the children's table can be narrowed to: a province has a hundred communes or more,
# one card each on a phone, and a leader looks for the late ones or one by name.
ONLY_CHOICES = {"": "Tất cả", "late": "Chậm nộp", "waiting": "Chưa duyệt"}


def keep(row: Row, terms: list[str], only: str) -> bool:
    if only == "late" and not row.late:
        return False
    if only == "waiting" and row.child.settled:
        return False
    name = " ".join(search_terms(row.organisation.name))
    return all(term in name for term in terms)


def build(
    user, org: Organisation, form: ReportForm, period: Period, query: str = "", only: str = ""
) -> Dashboard:
    report, subject = _report_or_transient(org, form, period)
    children = building.children_status(subject)
    values = building.children_table(subject, children)
    columns = columns_of(form)
    today = timezone.localdate()
    rows, counts = [], {}
    for child in children:
        totals = values.get(child.organisation.pk, {})
        cells = [
            Cell(
                totals.get(i.code) if child.status == ReportStatus.APPROVED else None,
                i.unit,
                records_url(i.code, child.organisation, period),
            )
            for i in columns
        ]
        writing = child.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)
        if child.report is not None:
            due = child.report.due_on
        else:
            due = building.due_on(form, child.organisation, period)
        rows.append(Row(child, cells, late=writing and due < today))
        counts[child.status_label] = counts.get(child.status_label, 0) + 1
    return Dashboard(
        organisation=org, period=period, form=form, report=report,
        lines=building.lines(subject, children), columns=columns, rows=rows,
        crumbs=crumbs(user, org), counts=counts, query=query, only=only,
        shown_rows=[r for r in rows if keep(r, search_terms(query), only)],
    )  # fmt: skip
