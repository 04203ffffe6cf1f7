"""The supervision grant over the supervised organisation's money pages (issue #21,
decision 0019): statements and allocations open read-only to the supervising body for the
plan's period and window, each read logged; both sides see the read log."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from nhandao.coordination import actions
from nhandao.donations.lookups import get_statement
from nhandao.orgs.models import SupervisedRead
from nhandao.relief.lookups import get_allocation
from tests.test_access_matrix import _supervised_money

TODAY = timezone.localdate()


@pytest.fixture
def plan(cast):
    return actions.create_plan(
        cast.front_manager, organisation=cast.front, supervised=cast.ba_dinh,
        title="Giám sát quỹ bão Yagi", subject="funds",
        period_start=date(2024, 9, 1), period_end=date(2024, 12, 31),
        access_from=TODAY - timedelta(days=1), access_until=TODAY + timedelta(days=20),
    )  # fmt: skip


def test_statements_and_allocations_open_read_only_within_the_period_each_read_logged(cast, plan):
    statement, allocation = _supervised_money(cast, date(2024, 9, 20))
    reader = cast.front_manager
    assert get_statement(reader, statement.pk, read_only=True) == statement
    assert get_allocation(reader, allocation.pk, read_only=True) == allocation
    kinds = list(SupervisedRead.objects.order_by("pk").values_list("record_type", flat=True))
    assert kinds == ["statement", "allocation"]
    with pytest.raises(Http404):  # the steps of the money holder stay out of reach
        get_statement(reader, statement.pk)
    with pytest.raises(Http404):
        get_allocation(reader, allocation.pk)
    old_statement, old_allocation = _supervised_money_before(cast)
    with pytest.raises(PermissionDenied, match="chỉ được xem sổ sách từ 01/09/2024"):
        get_statement(reader, old_statement.pk, read_only=True)
    with pytest.raises(PermissionDenied, match="khoản này ngày 20/03/2024"):
        get_allocation(reader, old_allocation.pk, read_only=True)
    plan.grant.valid_until = TODAY - timedelta(days=1)
    plan.grant.save()
    with pytest.raises(Http404):
        get_allocation(reader, allocation.pk, read_only=True)
    assert SupervisedRead.objects.count() == 2  # refusals are not reads


def _supervised_money_before(cast):
    return _supervised_money(cast, date(2024, 3, 20), tag="2")


def test_both_sides_see_the_read_log_and_nobody_else(cast, plan, login, client):
    statement, allocation = _supervised_money(cast, date(2024, 9, 20))
    front = login(cast.front_manager)
    page = front.get(f"/sao-ke/{statement.pk}/")
    assert page.status_code == 200 and "chỉ đọc" in page.content.decode()
    assert front.get(f"/cuu-tro/phan-bo/{allocation.pk}/").status_code == 200
    url = f"/giam-sat/{plan.pk}/nhat-ky-xem/"
    for who in (cast.front_manager, cast.ba_dinh_officer, cast.hn_viewer):
        shown = login(who).get(url)
        assert shown.status_code == 200, who
        text = shown.content.decode()
        assert "Sao kê ngân hàng" in text and "Phân bổ tiền" in text and "2 lượt xem" in text
        assert "500.000 ₫" in text  # the allocation in words
    assert login(cast.tq_officer).get(url).status_code == 404
    plan_page = login(cast.ba_dinh_officer).get(f"/giam-sat/{plan.pk}/").content.decode()
    assert url in plan_page and "2 lượt" in plan_page
    client.force_login(cast.ba_dinh_officer)
    answer = client.get(f"/api/coordination/plans/{plan.pk}/reads").json()
    assert [r["record_type"] for r in answer] == ["allocation", "statement"]
