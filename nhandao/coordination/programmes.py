"""A programme's indicator table: baseline, target and, for each year, the target and the
actual. An indicator linked to a reports indicator takes its actual from the responsible
party's APPROVED reports (their snapshotted totals: the party and its levels below) — the
year's report when it is approved, else the sum of the year's approved half-years; a later
correction in the records does not move it until a report is approved again. Other actuals
are entered by the responsible party."""

from dataclasses import dataclass, field

from nhandao.coordination.models import ItemIndicator, Programme
from nhandao.reports.models import ReportStatus, ReportValue

REPORTS, ENTERED = "reports", "entered"


@dataclass
class YearCell:
    year: int
    target: int | None = None
    actual: int | None = None
    origin: str = ""  # REPORTS, ENTERED or "" (no figure yet)


@dataclass
class IndicatorRow:
    indicator: ItemIndicator
    cells: list[YearCell] = field(default_factory=list)

    @property
    def total_actual(self) -> int | None:
        values = [c.actual for c in self.cells if c.actual is not None]
        return sum(values) if values else None

    @property
    def percent(self) -> int | None:
        """Actual over the period against the target (for indicators that add up)."""
        target, total = self.indicator.target, self.total_actual
        if not target or total is None:
            return None
        return round(100 * total / target)


def reported_actuals(indicator: ItemIndicator, years: list[int]) -> dict[int, int]:
    """{year: value} from the approved reports of the item's responsible party."""
    if indicator.source_id is None:
        return {}
    values = ReportValue.objects.filter(
        report__organisation=indicator.item.responsible_id,
        report__status=ReportStatus.APPROVED,
        indicator=indicator.source_id,
        breakdown="",
        scope="total",
        report__period__regex=r"^\d{4}(-H[12])?$",
        report__start__year__in=years,
    ).values_list("report__period", "value")
    yearly, halves = {}, {}
    for period, value in values:
        year = int(period[:4])
        if value is None:
            continue
        if len(period) == 4:
            yearly[year] = value
        else:
            halves[year] = halves.get(year, 0) + value
    return {year: yearly.get(year, halves.get(year)) for year in years
            if year in yearly or year in halves}  # fmt: skip


def table(programme: Programme) -> list[tuple]:
    """[(item, [IndicatorRow, …]), …] for the programme page, the API and the Word file."""
    years = programme.years
    out = []
    items = programme.items.select_related("responsible").prefetch_related(
        "partners", "indicators__years", "indicators__source"
    )
    for item in items:
        rows = []
        for indicator in item.indicators.all():
            indicator.item = item
            stored = {y.year: y for y in indicator.years.all()}
            reported = reported_actuals(indicator, years)
            row = IndicatorRow(indicator)
            for year in years:
                cell = YearCell(year, target=getattr(stored.get(year), "target", None))
                if year in reported:
                    cell.actual, cell.origin = reported[year], REPORTS
                entered = None if indicator.source_id else getattr(stored.get(year), "actual", None)
                if year not in reported and entered is not None:
                    cell.actual, cell.origin = entered, ENTERED
                row.cells.append(cell)
            rows.append(row)
        out.append((item, rows))
    return out
