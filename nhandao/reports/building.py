"""A report's figures: its own values, its children's approved totals, formulas on top.

Own values: computed indicators are read live from the records while the report is being
written, and from their snapshot once it is submitted (the live value is still shown beside
it when a later correction changed it); entered indicators are what the organisation typed.
Totals = own + the children's approved totals (each child's totals were snapshotted when it
was approved, so a national report sums 34 rows per indicator, not 3,321 communes' records).
Formulas (total value, ratio to the state budget) are evaluated on the totals at each level."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Q, Sum

from nhandao.lib.money import format_vnd
from nhandao.orgs.models import Organisation, OrgLevel
from nhandao.reports import indicators
from nhandao.reports.models import Indicator, Report, ReportStatus, ReportValue, Source, Target
from nhandao.reports.periods import Period, months, parse

Values = dict[tuple[str, str], int]  # (indicator code, breakdown) → value


def shown(value, unit: str) -> str:
    """A figure as an office writes it: "1.500.000", "14,2 lần", "—"."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".") + (
            f" {unit}" if unit == "lần" else ""
        )
    return format_vnd(value, symbol=False)


@dataclass
class Line:
    indicator: Indicator
    value: int | float | None  # the total shown in the report
    own: int | float | None
    from_children: int | None
    previous: int | float | None
    breakdowns: dict[str, int] = field(default_factory=dict)
    live: int | None = None  # the records' value now, when it differs from the snapshot
    target: int | None = None  # the organisation's target for the period (reports.Target)

    @property
    def shown_target(self) -> str:
        return shown(self.target, self.indicator.unit)

    @property
    def achieved(self) -> float | None:
        """% đạt: the value against the target; None without a target or with a target of 0."""
        if self.target is None or not self.target or self.value is None:
            return None
        return self.value / self.target * 100

    @property
    def shown(self) -> str:
        return shown(self.value, self.indicator.unit)

    @property
    def shown_previous(self) -> str:
        return shown(self.previous, self.indicator.unit)

    @property
    def shown_own(self) -> str:
        return shown(self.own or 0, self.indicator.unit)

    @property
    def shown_children(self) -> str:
        return shown(self.from_children, self.indicator.unit)

    @property
    def shown_live(self) -> str:
        return shown(self.live, self.indicator.unit)

    @property
    def change(self) -> float | None:
        """+6 %: the change against the same period a year earlier."""
        if self.value is None or not self.previous:
            return None
        return (self.value - self.previous) / self.previous * 100


@dataclass
class ChildStatus:
    organisation: Organisation
    report: Report | None

    @property
    def status(self) -> str:
        return self.report.status if self.report else ReportStatus.DRAFT

    @property
    def status_label(self) -> str:
        return self.report.status_label if self.report else "Chưa lập"

    @property
    def settled(self) -> bool:
        """Approved, or marked as not reporting: the parent may be approved."""
        return self.status in (ReportStatus.APPROVED, ReportStatus.NOT_REPORTING)


def period_of(report: Report) -> Period:
    return parse(report.period, report.form.cutoff)


def children_of(org: Organisation, period: Period) -> list[Organisation]:
    """The organisations that report to `org` for the period: its children of the same kind
    (a partner company or a mass organisation under a chapter does not send it this report)
    active at some time in it — a commune merged into `org` mid-year reports for the months
    it existed."""
    return list(
        Organisation.objects.filter(parent=org, kind=org.kind)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=period.end))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=period.start))
        .order_by("name")
    )


def children_status(report: Report) -> list[ChildStatus]:
    children = children_of(report.organisation, period_of(report))
    reports = {
        r.organisation_id: r
        for r in Report.objects.filter(
            form=report.form, period=report.period, organisation__in=children
        )
    }
    return [ChildStatus(child, reports.get(child.pk)) for child in children]


def computed_now(report: Report) -> Values:
    """The computed indicators of the report's own organisation, read from the records now."""
    period = period_of(report)
    values: Values = {}
    for indicator in report.form.indicators.filter(source=Source.COMPUTED):
        provider = indicators.PROVIDERS[indicator.expression or indicator.code]
        for breakdown, value in provider(report.organisation, period.start, period.end).items():
            values[(indicator.code, breakdown)] = value
    return values


def due_on(form, org: Organisation, period: Period):
    """When the organisation's report for the period is due (form.due_days by level)."""
    return period.end + timedelta(days=int((form.due_days or {}).get(org.level, 15)))


def _stored(report: Report, scope: str, sources=None) -> Values:
    if report.pk is None:  # an unsaved report (the dashboard of a report not yet opened)
        return {}
    rows = report.values.filter(scope=scope).select_related("indicator")
    if sources:
        rows = rows.filter(source__in=sources)
    return {(v.indicator.code, v.breakdown): v.value for v in rows if v.value is not None}


def own_values(report: Report) -> tuple[Values, Values]:
    """(own values as the report states them, the computed ones as the records say now)."""
    live = computed_now(report)
    entered = _stored(report, "own", [Source.ENTERED])
    if report.is_locked and report.status != ReportStatus.NOT_REPORTING:
        return {**_stored(report, "own", [Source.COMPUTED]), **entered}, live
    return {**live, **entered}, live


def children_totals(report: Report, children: list[ChildStatus] | None = None) -> Values:
    """The sum of the approved children's snapshotted totals (`children`: their statuses,
    when the caller has read them already)."""
    children = children_status(report) if children is None else children
    settled = [c.report.pk for c in children if c.report and c.status == ReportStatus.APPROVED]
    rows = (
        ReportValue.objects.filter(report__in=settled, scope="total", value__isnull=False)
        .values("indicator__code", "breakdown")
        .annotate(total=Sum("value"))
    )
    return {(r["indicator__code"], r["breakdown"]): r["total"] for r in rows}


def with_formulas(
    form_indicators: list[Indicator], values: Values
) -> dict[str, int | float | None]:
    """Every indicator of a form with its whole value: the given values, 0 for a figure
    nobody entered, the formulas computed over them (also used by emulation's criteria)."""
    # A figure nobody entered counts as 0 in a sum; a ratio over a budget of 0 is "—".
    whole: dict[str, int | float | None] = {
        i.code: 0 for i in form_indicators if i.source != Source.FORMULA
    }
    whole.update({code: v for (code, b), v in values.items() if b == ""})
    for indicator in form_indicators:
        if indicator.source == Source.FORMULA:
            whole[indicator.code] = indicators.evaluate(indicator.expression, whole)
    return whole


def totals(
    report: Report, own: Values | None = None, from_children: Values | None = None
) -> Values:
    """Own values + approved children's totals, by (code, breakdown); no formulas (`own`,
    `from_children`: when the caller has read them already)."""
    own = own_values(report)[0] if own is None else own
    from_children = children_totals(report) if from_children is None else from_children
    summed: Values = defaultdict(int)
    for values in (own, from_children):
        for key, value in values.items():
            summed[key] += value
    return dict(summed)


def previous_totals(report: Report) -> dict[str, int | float | None]:
    """The same period a year earlier, from that period's approved report (none: nothing)."""
    previous = Report.objects.filter(
        form=report.form,
        organisation=report.organisation,
        period=period_of(report).previous_year(report.form.cutoff).code,
        status=ReportStatus.APPROVED,
    ).first()
    if previous is None:
        return {}
    return with_formulas(report.form.ordered_indicators(), _stored(previous, "total"))


def targets_of(report: Report) -> dict[str, int]:
    """The organisation's targets for the report's period, by indicator code."""
    rows = Target.objects.filter(organisation=report.organisation_id, period=report.period)
    return dict(rows.values_list("indicator__code", "value"))


def lines(report: Report, children: list[ChildStatus] | None = None) -> list[Line]:
    """The report's indicator table, in the form's order (`children`: as children_status)."""
    form_indicators = report.form.ordered_indicators()
    own, live = own_values(report)
    from_children = children_totals(report, children)
    summed = totals(report, own, from_children)
    whole = with_formulas(form_indicators, summed)
    own_whole = with_formulas(form_indicators, own)
    previous = previous_totals(report)
    targets = targets_of(report)
    out = []
    for indicator in form_indicators:
        code = indicator.code
        breakdowns = {b: v for (c, b), v in summed.items() if c == code and b}
        differs = (
            report.is_locked
            and indicator.source == Source.COMPUTED
            and live.get((code, ""), 0) != own.get((code, ""), 0)
        )
        out.append(
            Line(
                indicator=indicator,
                value=whole.get(code),
                own=own_whole.get(code),
                from_children=from_children.get((code, "")),
                previous=previous.get(code),
                breakdowns=breakdowns,
                live=live.get((code, ""), 0) if differs else None,
                target=targets.get(code),
            )
        )
    return out


def approved_lines(report: Report) -> list[Line]:
    """The indicator table as the level above approved it: the totals snapshotted on
    approval (formulas over them), beside the same period a year earlier — nothing read live,
    no target, no breakdown. What the portal publishes (an unapproved report has none)."""
    form_indicators = report.form.ordered_indicators()
    if report.status != ReportStatus.APPROVED:
        return []
    whole = with_formulas(form_indicators, _stored(report, "total"))
    previous = previous_totals(report)
    return [
        Line(
            indicator=i,
            value=whole.get(i.code),
            own=None,
            from_children=None,
            previous=previous.get(i.code),
        )  # fmt: skip
        for i in form_indicators
    ]


def snapshot_own(report: Report) -> None:
    """On submission: keep the computed values as they are now."""
    report.values.filter(scope="own", source=Source.COMPUTED).delete()
    codes = {i.code: i for i in report.form.indicators.all()}
    ReportValue.objects.bulk_create(
        ReportValue(
            report=report,
            indicator=codes[code],
            breakdown=b,
            value=v,
            scope="own",
            source=Source.COMPUTED,
        )  # fmt: skip
        for (code, b), v in computed_now(report).items()
    )


def snapshot_totals(report: Report) -> None:
    """On approval: keep own + children's approved totals, which the level above sums."""
    report.values.filter(scope="total").delete()
    codes = {i.code: i for i in report.form.indicators.all()}
    ReportValue.objects.bulk_create(
        ReportValue(
            report=report,
            indicator=codes[code],
            breakdown=b,
            value=v,
            scope="total",
            source=codes[code].source,
        )  # fmt: skip
        for (code, b), v in totals(report).items()
    )


def as_json(report: Report) -> dict:
    """The report for scripts and the API (the shape `nhandao report` prints)."""
    period = period_of(report)

    def plain(value):
        return round(value, 2) if isinstance(value, float) else value

    return {
        "organisation": {"code": report.organisation.code, "name": report.organisation.name},
        "form": report.form.code,
        "period": {
            "code": period.code,
            "label": period.label,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },  # fmt: skip
        "status": report.status,
        "status_label": report.status_label,
        "due_on": report.due_on.isoformat(),
        "indicators": [
            {
                "code": line.indicator.code,
                "name": line.indicator.name,
                "value": plain(line.value),
                "unit": line.indicator.unit,
                "source": line.indicator.source,
                "previous": plain(line.previous),
                "target": line.target,
                "achieved": plain(line.achieved),
                "breakdowns": line.breakdowns,
            }
            for line in lines(report)
        ],
        "children": [
            {"organisation": c.organisation.code, "name": c.organisation.name, "status": c.status}
            for c in children_status(report)
        ],
        "narrative": report.narrative,
    }


def children_table(report: Report, children: list[ChildStatus]) -> dict[int, dict]:
    """Each approved child's totals by indicator code (formulas included), for the annex,
    the dashboard's comparison and the drill-down; one query for all children."""
    approved = {c.report.pk: c.organisation.pk for c in children
                if c.report and c.status == ReportStatus.APPROVED}  # fmt: skip
    rows = ReportValue.objects.filter(
        report__in=approved, scope="total", breakdown="", value__isnull=False
    ).values_list("report_id", "indicator__code", "value")
    per_report: dict[int, Values] = defaultdict(dict)
    for report_id, code, value in rows:
        per_report[report_id][(code, "")] = value
    form_indicators = report.form.ordered_indicators()
    return {
        approved[report_id]: with_formulas(form_indicators, values)
        for report_id, values in per_report.items()
    }


MONEY_UNIT = "đồng"


@dataclass
class Trend:
    """The organisation's own computed money indicators month by month over the period (its
    own records, not its children's: those arrive through their reports)."""

    labels: list[str]  # "07/2024"
    series: list[tuple[Indicator, list[int]]]

    @property
    def rows(self) -> list[tuple[str, list[int]]]:
        return [(label, [values[i] for _, values in self.series])
                for i, label in enumerate(self.labels)]  # fmt: skip

    def as_json(self) -> dict:
        return {
            "labels": self.labels,
            "series": [{"name": i.name, "values": v} for i, v in self.series],
            "unit": "₫",
        }


def monthly_trend(report: Report) -> Trend:
    """Computed indicators in đồng, by month of the report's period (a month cut by the
    15/12 cut-off counts only its days inside the period); the months add up to the
    period's own computed value."""
    period = period_of(report)
    form_indicators = [
        i for i in report.form.ordered_indicators()
        if i.source == Source.COMPUTED and i.unit == MONEY_UNIT
    ]  # fmt: skip
    labels, windows = [], []
    for month in months(period):
        start, end = max(month.start, period.start), min(month.end, period.end)
        labels.append(f"{month.start.month:02d}/{month.start.year}")
        windows.append((start, end))
    series = []
    for indicator in form_indicators:
        provider = indicators.PROVIDERS[indicator.expression or indicator.code]
        values = [provider(report.organisation, s, e).get("", 0) or 0 for s, e in windows]
        series.append((indicator, values))
    return Trend(labels=labels, series=series)


@dataclass
class AnnexRow:
    """One commune of the annex: its report's status and its approved totals by code
    (formulas included; empty while its report is not approved)."""

    organisation: Organisation
    status_label: str
    values: dict[str, int | float | None]


def communes_annex(report: Report) -> list[tuple[Organisation, list[AnnexRow]]]:
    """Every commune under the report's organisation (not only its children), grouped by
    its parent (a district before 2025, the province after), each with its status and its
    approved totals: the annex of a province's (or the national) report. Communes of the
    same kind active in the period; four queries whatever their number."""
    org, period = report.organisation, period_of(report)
    communes = list(
        Organisation.objects.filter(
            path__startswith=org.path, kind=org.kind, level=OrgLevel.COMMUNE
        )  # fmt: skip
        .exclude(pk=org.pk)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=period.end))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=period.start))
        .select_related("parent")
        .order_by("parent__path", "name")
    )
    if not communes:
        return []
    below = Report.objects.filter(
        form=report.form,
        period=report.period,
        organisation__path__startswith=org.path,
        organisation__level=OrgLevel.COMMUNE,
    )
    reports = {r.organisation_id: r for r in below.only("pk", "organisation_id", "status")}
    approved = {r.pk for r in reports.values() if r.status == ReportStatus.APPROVED}
    per_report: dict[int, Values] = defaultdict(dict)
    rows = ReportValue.objects.filter(  # a join, not a list of 3,321 ids
        report__in=below.filter(status=ReportStatus.APPROVED).values("pk"),
        scope="total",
        breakdown="",
        value__isnull=False,
    ).values_list("report_id", "indicator__code", "value")
    for report_id, code, value in rows:
        per_report[report_id][(code, "")] = value
    form_indicators = report.form.ordered_indicators()
    groups: dict[int, tuple[Organisation, list[AnnexRow]]] = {}
    for commune in communes:
        own = reports.get(commune.pk)
        status = own.status_label if own else "Chưa lập"
        values = (
            with_formulas(form_indicators, per_report.get(own.pk, {}))
            if own is not None and own.pk in approved
            else {}
        )
        groups.setdefault(commune.parent_id, (commune.parent, []))[1].append(
            AnnexRow(commune, status, values)
        )
    return list(groups.values())
