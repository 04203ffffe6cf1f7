# ruff: noqa: F811  (fixtures are imported from tests/test_relief_fixtures.py by name)
"""The monthly trend on the report page (issue #17): the organisation's own computed money
indicators month by month; the months add up to the period's computed value."""

from datetime import date

from nhandao.reports import actions, building
from tests.test_relief_fixtures import DAY, donate, make_campaign  # noqa: F401

PERIOD = "2024-H2"


def test_the_months_of_the_period_add_up_to_the_computed_value(cast, login):
    campaign = make_campaign(cast.root, cast.central)
    donate(cast.ba_dinh, campaign, 5_000_000, day=date(2024, 7, 3))
    donate(cast.ba_dinh, campaign, 7_000_000, day=date(2024, 9, 15))
    donate(cast.ba_dinh, campaign, 2_000_000, day=date(2024, 9, 30))
    donate(cast.ba_dinh, campaign, 1_000_000, day=date(2024, 5, 1))  # another period
    donate(cast.ngoc_ha, campaign, 9_000_000, day=date(2024, 9, 1))  # another organisation
    report = actions.open_report(cast.ba_dinh_officer, cast.ba_dinh, PERIOD)
    trend = building.monthly_trend(report)
    assert trend.labels == ["07/2024", "08/2024", "09/2024", "10/2024", "11/2024", "12/2024"]
    by_code = {indicator.code: values for indicator, values in trend.series}
    assert by_code["received_money"] == [5_000_000, 0, 9_000_000, 0, 0, 0]
    assert all(i.unit == "đồng" for i, _ in trend.series)
    computed = building.computed_now(report)
    for code, values in by_code.items():
        assert sum(values) == computed.get((code, ""), 0), code

    html = login(cast.ba_dinh_officer).get(f"/bao-cao/{report.pk}/").content.decode()
    assert 'id="report-trend"' in html and "reports-trend.js" in html
    assert "09/2024" in html and "9.000.000" in html
