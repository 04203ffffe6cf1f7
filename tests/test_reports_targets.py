"""Targets per indicator (issue #17): a target for an organisation, period and indicator,
entered by the organisation or set by the level above, shown beside the value with "% đạt"
on the report page, in the workbook and in the JSON; bad targets refused, nothing written."""

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied

from nhandao.audit.models import AuditEvent
from nhandao.lib.errors import Refused
from nhandao.reports import actions, building, outputs
from nhandao.reports.models import Target

PERIOD = "2024-H2"


def report_with_budget(cast, budget=2_500_000):
    report = actions.open_report(cast.ba_dinh_officer, cast.ba_dinh, PERIOD)
    actions.save_entries(cast.ba_dinh_officer, report, {"state_budget": budget})
    return report


def line(report, code):
    return next(x for x in building.lines(report) if x.indicator.code == code)


def test_a_target_shows_beside_the_value_with_the_share_achieved(cast):
    report = report_with_budget(cast)
    assert line(report, "state_budget").target is None
    assert line(report, "state_budget").achieved is None
    actions.set_targets(cast.ba_dinh_officer, cast.ba_dinh, PERIOD, {"state_budget": 5_000_000})
    budget = line(report, "state_budget")
    assert budget.target == 5_000_000
    assert budget.achieved == pytest.approx(50.0)
    data = building.as_json(report)
    row = next(i for i in data["indicators"] if i["code"] == "state_budget")
    assert (row["target"], row["achieved"]) == (5_000_000, 50.0)
    other = next(i for i in data["indicators"] if i["code"] == "received_money")
    assert (other["target"], other["achieved"]) == (None, None)
    event = AuditEvent.objects.filter(action="report.targets").get()
    assert event.after == {"state_budget": 5_000_000}


def test_the_level_above_sets_a_target_and_a_blank_removes_it(cast):
    report = report_with_budget(cast)
    actions.set_targets(cast.hn_manager, cast.ba_dinh, PERIOD, {"state_budget": 1_000_000})
    assert line(report, "state_budget").achieved == pytest.approx(250.0)
    actions.set_targets(cast.hn_manager, cast.ba_dinh, PERIOD, {"state_budget": None})
    assert not Target.objects.exists()
    with pytest.raises(PermissionDenied):  # a viewer sets nothing
        actions.set_targets(cast.hn_viewer, cast.ba_dinh, PERIOD, {"state_budget": 1})


def test_a_target_of_zero_has_no_share(cast):
    report = report_with_budget(cast)
    actions.set_targets(cast.ba_dinh_officer, cast.ba_dinh, PERIOD, {"state_budget": 0})
    assert line(report, "state_budget").target == 0
    assert line(report, "state_budget").achieved is None


@pytest.mark.parametrize(
    "values, message",
    [
        ({"state_budget": -1}, "không được âm"),
        ({"state_budget": "nhiều"}, "phải là một số nguyên"),
        ({"state_budget": 1.5}, "phải là một số nguyên"),
        ({"state_budget": True}, "phải là một số nguyên"),
        ({"state_budget": 10**16}, "quá lớn"),
        ({"total_value": 1}, "Không có chỉ tiêu trong mẫu báo cáo: total_value"),
        ({"no_such": 1}, "Không có chỉ tiêu trong mẫu báo cáo: no_such"),
    ],
)
def test_bad_targets_are_refused_and_nothing_is_written(cast, values, message):
    good = {"received_money": 9_000_000}
    with pytest.raises(Refused, match=message):
        actions.set_targets(cast.ba_dinh_officer, cast.ba_dinh, PERIOD, {**good, **values})
    assert not Target.objects.exists()


def test_the_page_the_workbook_and_the_api_show_and_take_targets(cast, login):
    report = report_with_budget(cast)
    officer = login(cast.ba_dinh_officer)
    bad = officer.post(f"/bao-cao/{report.pk}/ke-hoach/", {"target_state_budget": "-5"})
    assert bad.status_code == 422
    assert "Phải là một số nguyên" in bad.content.decode()
    assert not Target.objects.exists()
    ok = officer.post(f"/bao-cao/{report.pk}/ke-hoach/", {"target_state_budget": "5.000.000"})
    assert ok.status_code == 302
    html = officer.get(f"/bao-cao/{report.pk}/").content.decode()
    assert "% đạt" in html and "5.000.000" in html and "50 %" in html

    sheet = openpyxl.load_workbook(io.BytesIO(outputs.xlsx_bytes(report)))["Chỉ tiêu"]
    header = [c.value for c in sheet[1]]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    budget = rows["state_budget"]
    assert budget[header.index("Kế hoạch")] == 5_000_000
    assert budget[header.index("% đạt")] == 50.0

    response = officer.post(
        f"/api/reports/{report.pk}/targets",
        {"targets": {"state_budget": -3}},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "không được âm" in response.json()["detail"]
    response = officer.post(
        f"/api/reports/{report.pk}/targets",
        {"targets": {"state_budget": 10_000_000}},
        content_type="application/json",
    )
    assert response.status_code == 200
    row = next(i for i in response.json()["indicators"] if i["code"] == "state_budget")
    assert (row["target"], row["achieved"]) == (10_000_000, 25.0)
