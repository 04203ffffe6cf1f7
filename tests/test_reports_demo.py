"""The demo reports: the last half-year, a draft, a returned report, the province waiting."""

from datetime import date

from nhandao.demo import reports as demo
from nhandao.reports import building
from nhandao.reports.models import Report


def test_the_demo_leaves_reports_in_the_states_a_leader_meets(cast):
    assert demo.last_half_year(date(2026, 12, 3)) == "2026-H1"
    assert demo.last_half_year(date(2027, 3, 1)) == "2026-H2"
    demo.seed_province(cast.root, cast.hanoi, leader=cast.hn_manager, draft=cast.ba_dinh,
                       returned=cast.ngoc_ha, period="2026-H1")  # fmt: skip
    states = {r.organisation.code: r.status for r in Report.objects.filter(period="2026-H1")}
    assert states == {"CTD-1": "draft", "CTD-X4": "draft", "CTD-X8": "returned"}
    returned = Report.objects.get(organisation=cast.ngoc_ha)
    assert returned.return_comment and returned.values.filter(scope="own").exists()
    # the province set its chapters' targets: "% đạt" shows on their reports
    budget = next(x for x in building.lines(returned) if x.indicator.code == "state_budget")
    assert budget.target == 10_000_000 and budget.achieved is not None
