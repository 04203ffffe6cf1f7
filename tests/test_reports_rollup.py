# ruff: noqa: F811  (fixtures are imported from tests/test_relief_fixtures.py by name)
"""Roll-up as a property (issue #17), like tests/test_figures.py: for random figures of a
province and its communes (a commune merged into another reporting under it, so three
levels), each commune approved or marked as not reporting, the province's approved totals
equal its own figures plus the approved children's totals, computed independently here from
the random inputs; the formulas (total value, ratio to the state budget) are computed from
the rolled-up values, never summed; and an approved child cannot be reopened while the
approved report above counts it."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nhandao.lib.errors import Refused
from nhandao.reports import actions, building
from nhandao.reports.models import ReportStatus
from tests.test_relief_fixtures import donate, make_campaign  # noqa: F401

pytestmark = pytest.mark.django_db
PERIOD = "2024-H2"
ENTERED = ("state_budget", "other_value", "houses")


class Rollback(Exception):
    pass


FIGURES = st.fixed_dictionaries(
    {
        "gifts": st.lists(st.integers(1, 10**9), max_size=2),
        "state_budget": st.sampled_from([0, 1, 1_000_000, 7_500_000_000]),
        "other_value": st.integers(0, 10**10),
        "houses": st.integers(0, 40),
        "reports": st.booleans(),  # approved, else marked "not reporting"
    }
)


def own(figures: dict) -> dict[str, int]:
    return {"received_money": sum(figures["gifts"]),
            **{code: figures[code] for code in ENTERED}}  # fmt: skip


def added(*parts: dict[str, int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for part in parts:
        for code, value in part.items():
            out[code] = out.get(code, 0) + value
    return out


def expected_formulas(totals: dict[str, int]):
    total_value = totals["received_money"] + totals["other_value"]  # no goods received here
    budget = totals["state_budget"]
    return total_value, (total_value / budget if budget else None)


def approve_chain(cast, org, submitter, approver, figures):
    report = actions.open_report(cast.root, org, PERIOD)
    actions.save_entries(cast.root, report, {code: figures[code] for code in ENTERED})
    actions.submit(submitter, report)
    return actions.approve(approver, report)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(hanoi=FIGURES, ba_dinh=FIGURES, quan_thanh=FIGURES, ngoc_ha=FIGURES)
def test_the_parent_totals_are_its_own_plus_its_approved_childrens(
    cast, hanoi, ba_dinh, quan_thanh, ngoc_ha
):
    try:
        with transaction.atomic():
            _check(cast, hanoi, ba_dinh, quan_thanh, ngoc_ha)
            raise Rollback
    except Rollback:
        pass


def _check(cast, hanoi, ba_dinh, quan_thanh, ngoc_ha):
    campaign = make_campaign(cast.root, cast.central)
    orgs = {"hanoi": cast.hanoi, "ba_dinh": cast.ba_dinh, "quan_thanh": cast.quan_thanh,
            "ngoc_ha": cast.ngoc_ha}  # fmt: skip
    inputs = {"hanoi": hanoi, "ba_dinh": ba_dinh, "quan_thanh": quan_thanh, "ngoc_ha": ngoc_ha}
    for name, figures in inputs.items():
        for amount in figures["gifts"]:
            donate(orgs[name], campaign, amount)
    # the merged Quán Thánh reports to Ba Đình, Ba Đình and Ngọc Hà to Hà Nội; the old
    # district, dissolved, does not report
    actions.mark_not_reporting(cast.hn_manager, cast.ba_dinh_district, PERIOD, "Giải thể")
    reports = {}
    for name, parent in (("quan_thanh", "ba_dinh"), ("ba_dinh", "hanoi"), ("ngoc_ha", "hanoi")):
        if parent != "hanoi" and not inputs[parent]["reports"]:
            continue  # its parent does not report: nobody asks it
        if inputs[name]["reports"]:
            reports[name] = approve_chain(
                cast, orgs[name], cast.hn_officer, cast.hn_manager, inputs[name]
            )
        else:
            actions.mark_not_reporting(cast.hn_manager, orgs[name], PERIOD, "Không hoạt động")
    reports["hanoi"] = approve_chain(cast, cast.hanoi, cast.hn_officer, cast.tw_manager, hanoi)

    counted = {n: own(f) if f["reports"] else {} for n, f in inputs.items()}
    ba_dinh_total = added(counted["ba_dinh"], counted["quan_thanh"]) if ba_dinh["reports"] else {}
    expected = added(own(hanoi), ba_dinh_total, counted["ngoc_ha"])
    stored = building._stored(reports["hanoi"], "total")
    assert {code: stored.get((code, ""), 0) for code in expected} == expected
    if ba_dinh["reports"]:
        assert (
            building._stored(reports["ba_dinh"], "total").get(("received_money", ""), 0)
            == (ba_dinh_total["received_money"])
        )

    whole = {line.indicator.code: line.value for line in building.lines(reports["hanoi"])}
    total_value, ratio = expected_formulas(expected)
    assert whole["total_value"] == total_value
    assert whole["ratio_to_budget"] == (pytest.approx(ratio) if ratio is not None else None)

    # an approved child is not reopened while the approved report above counts it
    for name in ("ba_dinh", "ngoc_ha", "quan_thanh"):
        report = reports.get(name)
        if report is None or report.status != ReportStatus.APPROVED:
            continue
        with pytest.raises(Refused, match="cấp trên phải mở lại"):
            actions.reopen(cast.hn_manager, report, "Sửa số liệu")
