"""The fee year close over a whole subtree in one action (issue #20 item 3): the dry run
lists each organisation's figures and writes nothing; the close is all or nothing, leaves an
organisation already closed as it was, and is undone (with a reason) all together."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from nhandao.audit.models import AuditEvent
from nhandao.lib.errors import Refused
from nhandao.people import membership as ms
from nhandao.people.models import FeePayment, FeeYearClose, Membership
from tests.test_members_year_close import SHARES, year_world  # noqa: F401


@pytest.fixture
def two_communes(cast, year_world):  # noqa: F811
    """Ba Đình as in year_world; Ngọc Hà with one member who paid the whole year."""
    from nhandao.people import actions as people

    y = year_world[0]
    who = people.create_individual(cast.root, organisation=cast.ngoc_ha, full_name="Phạm Văn Hà",
                                   birth_date=date(1980, 1, 1))  # fmt: skip
    m = ms.join(cast.root, who, cast.ngoc_ha, kind="member", started_on=date(y - 1, 1, 1))
    ms.record_payment(cast.root, m, year=y, months=list(range(1, 13)), paid_on=date(y, 3, 1))
    return y, m


def test_the_subtree_dry_run_lists_each_organisation_and_writes_nothing(cast, two_communes):
    y, _ = two_communes
    events, closes = AuditEvent.objects.count(), FeeYearClose.objects.count()
    rows = ms.subtree_figures(cast.hanoi, y)
    assert (AuditEvent.objects.count(), FeeYearClose.objects.count()) == (events, closes)
    figures = {r["organisation"].code: (r["figures"]["members"], r["figures"]["collected"],
                                        len(r["figures"]["owing"])) for r in rows}  # fmt: skip
    # the province first (no members of its own), then the communes with books that year
    assert [r["organisation"].code for r in rows][0] == "CTD-1"
    assert figures == {"CTD-1": (0, 0, 0), "CTD-X4": (3, 18_000, 1), "CTD-X8": (1, 12_000, 0)}


def test_the_subtree_closes_in_one_action_and_reopens_together(cast, two_communes):
    y, ngoc_ha_member = two_communes
    ngoc_ha_own = ms.close_year(cast.root, cast.ngoc_ha, y)  # closed on its own before
    close = ms.close_subtree(cast.hn_accountant, cast.hanoi, y)
    assert close.organisation == cast.hanoi and close.figures["subtree_closed"] == 1
    standing = FeeYearClose.objects.filter(year=y, reopened_at__isnull=True)
    assert {(c.organisation.code, c.covered_by_id) for c in standing} == {
        ("CTD-1", None), ("CTD-X4", close.pk), ("CTD-X8", None)}  # fmt: skip
    assert ms.closed_year(cast.ngoc_ha, y) == ngoc_ha_own  # left as it was
    # the commune's year is closed: no payment there; memberships untouched (the Gaia trap)
    half = Membership.objects.get(individual__full_name="Trần Thị Nửa")
    with pytest.raises(Refused, match="đã khóa sổ"):
        ms.record_payment(cast.root, half, year=y, months=[7], paid_on=date(y, 12, 30))
    assert Membership.objects.filter(ended_on__isnull=False).count() == 0
    # closing the province again is refused, whole
    with pytest.raises(Refused, match="mở lại trước khi khóa cả cấp dưới"):
        ms.close_subtree(cast.root, cast.hanoi, y)
    # a commune's accountant cannot undo the province's close
    with pytest.raises(PermissionDenied):
        ms.reopen_year(cast.ba_dinh_accountant, close, "Thu bổ sung")
    ms.reopen_year(cast.hn_accountant, close, "Thu bổ sung tháng 12")
    reopened = FeeYearClose.objects.filter(year=y, reopened_at__isnull=False)
    assert {(c.organisation.code, c.reopen_reason) for c in reopened} == {
        ("CTD-1", "Thu bổ sung tháng 12"), ("CTD-X4", "Thu bổ sung tháng 12")}  # fmt: skip
    assert ms.closed_year(cast.ngoc_ha, y) == ngoc_ha_own  # its own close still stands
    ms.record_payment(cast.root, half, year=y, months=[7], paid_on=date(y, 12, 30))
    assert AuditEvent.objects.filter(action="people.fee_year_reopen").count() == 2


def test_a_subtree_close_is_all_or_nothing(cast, two_communes):
    y, _ = two_communes
    with pytest.raises(PermissionDenied):  # a commune's accountant, at the province
        ms.close_subtree(cast.ba_dinh_accountant, cast.hanoi, y)
    with pytest.raises(Refused, match="chưa kết thúc"):
        ms.close_subtree(cast.root, cast.hanoi, timezone.localdate().year)
    assert not FeeYearClose.objects.exists()
    # a failure half-way (a close row for the last commune already there under a race,
    # simulated by the database constraint) leaves no close at all
    from django.db import IntegrityError

    original = ms.close_figures

    def fail_on_ngoc_ha(org, year):
        if org == cast.ngoc_ha:
            raise IntegrityError("people_fee_year_closed_once")
        return original(org, year)

    ms.close_figures = fail_on_ngoc_ha
    try:
        with pytest.raises(IntegrityError):
            ms.close_subtree(cast.root, cast.hanoi, y)
    finally:
        ms.close_figures = original
    assert not FeeYearClose.objects.exists()
    assert FeePayment.objects.count() == 3


def test_the_subtree_close_on_the_page_and_the_api(cast, login, two_communes):
    y, _ = two_communes
    client = login(cast.hn_accountant)
    page = client.get("/hoi-phi/khoa-so/", {"organisation": "CTD-1", "year": y, "subtree": "on"})
    html = page.content.decode()
    assert "Cả cấp dưới (3 tổ chức)" in html and "Hội Chữ thập đỏ Phường Ngọc Hà" in html
    assert f"Khóa sổ năm {y} cho 3 tổ chức" in html and not FeeYearClose.objects.exists()
    answer = client.post("/hoi-phi/khoa-so/", {"organisation": "CTD-1", "year": y,
                                               "subtree": "on"})  # fmt: skip
    assert answer.status_code == 302
    assert FeeYearClose.objects.filter(reopened_at__isnull=True).count() == 3
    html = client.get(answer.url).content.decode()
    assert "cùng 2 tổ chức cấp dưới" in html
    root = FeeYearClose.objects.get(organisation=cast.hanoi)
    reopened = client.post(f"/api/people/fee-year-closes/{root.pk}/reopen",
                           {"reason": "Sai số liệu"}, content_type="application/json")  # fmt: skip
    assert reopened.status_code == 200, reopened.content
    assert not FeeYearClose.objects.filter(reopened_at__isnull=True).exists()
    url = f"/api/people/fee-years/{cast.hanoi.pk}"
    preview = client.get(url, {"year": y, "subtree": "true"}).json()
    assert [r["figures"]["collected"] for r in preview["subtree"]] == [0, 18_000, 12_000]
    closed = client.post(f"{url}/close?year={y}&subtree=true")
    assert closed.status_code == 201 and closed.json()["figures"]["subtree_closed"] == 2
    assert FeeYearClose.objects.filter(reopened_at__isnull=True).count() == 3
