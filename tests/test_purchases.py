# ruff: noqa: F811  (fixtures are imported from tests/test_relief_fixtures.py by name)
"""Stock purchases from campaign money (issue #14 item 8, decision 0023) through the pages
and the API: proposed as an allocation into stock on a Decree 93 use, approved by another
person, received into a warehouse naming the approved purchase."""

import re

import pytest
from django.urls import reverse

from nhandao.relief import actions
from nhandao.relief.models import Allocation, AllowedUse, StockMove
from tests.test_relief_fixtures import (  # noqa: F401  (fixtures)
    DAY,
    balance,
    donate,
    make_campaign,
    yagi,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def food(db):
    return AllowedUse.objects.get(code="food_water_medicine")


@pytest.fixture
def store(cast):
    return actions.create_warehouse(cast.root, organisation=cast.hanoi, name="Kho Hà Nội")


def _propose(cast, yagi, food, amount=2_000_000):
    return actions.propose_allocation(
        cast.hn_accountant,
        organisation=cast.hanoi,
        campaign=yagi,
        amount=amount,
        decision_no="QĐ-MUA-7",
        decision_date=DAY,
        purpose=food,
        into_stock=True,
    )


def test_the_allocation_page_proposes_a_purchase_and_refuses_one_without_a_use(
    cast, login, yagi, food
):
    donate(cast.hanoi, yagi, 5_000_000)
    client = login(cast.hn_accountant)
    data = {
        "organisation": "CTD-1",
        "campaign": yagi.code,
        "amount": "2000000",
        "decision_no": "QĐ-MUA-1",
        "decision_date": "15/09/2024",
        "into_stock": "on",
    }
    refused = client.post(reverse("relief_allocation_create"), data)
    assert refused.status_code == 200
    assert refused.context["form"].errors["purpose"] == [
        "Mua hàng nhập kho cần chọn nội dung sử dụng theo Điều 11 Nghị định 93/2021/NĐ-CP."
    ]
    assert not Allocation.objects.exists()
    done = client.post(reverse("relief_allocation_create"), {**data, "purpose": food.pk})
    assert done.status_code == 302
    purchase = Allocation.objects.get()
    assert purchase.into_stock and purchase.status == "proposed"
    assert balance(cast.hanoi, yagi) == 5_000_000  # nothing spent before approval
    page = client.get(reverse("relief_allocation", args=[purchase.pk])).content.decode()
    assert "Mua hàng nhập kho — " in page


def test_the_api_proposes_a_purchase_into_stock(cast, login, yagi, food):
    donate(cast.hanoi, yagi, 5_000_000)
    client = login(cast.hn_accountant)
    body = {
        "organisation": "CTD-1",
        "campaign": yagi.code,
        "amount": 1_000_000,
        "decision_no": "QĐ-MUA-2",
        "decision_date": "2024-09-15",
        "into_stock": True,
    }
    refused = client.post("/api/relief/allocations", body, content_type="application/json")
    assert refused.status_code == 422 and "Điều 11" in refused.json()["errors"]["purpose"][0]
    made = client.post(
        "/api/relief/allocations", {**body, "purpose": food.pk}, content_type="application/json"
    )
    assert made.status_code == 201 and made.json()["into_stock"] is True
    assert made.json()["status"] == "proposed"


def test_the_warehouse_page_receives_only_an_approved_purchase(cast, login, yagi, food, store):
    donate(cast.hanoi, yagi, 5_000_000)
    waiting = _propose(cast, yagi, food, 1_000_000)
    approved = actions.approve_allocation(cast.hn_manager, _propose(cast, yagi, food))
    client = login(cast.hn_officer)
    url = reverse("relief_warehouse", args=[store.pk])
    offered = re.findall(r'<option value="(\d+)"[^>]*>([^<]*)', _purchase_picker(client, url))
    label = f"QĐ QĐ-MUA-7 (15/09/2024) — {food} — 2.000.000 ₫"
    assert offered == [(str(approved.pk), label)]
    goods = {
        "in-item_name": "Gạo",
        "in-unit": "kg",
        "in-quantity": "100",
        "in-date": "16/09/2024",
    }
    refused = client.post(url, {**goods, "in-purchase": waiting.pk})
    assert refused.status_code == 200 and "in-purchase" in refused.content.decode()
    assert refused.context["goods_form"].errors["purchase"]
    assert not StockMove.objects.exists()
    done = client.post(url, {**goods, "in-purchase": approved.pk})
    assert done.status_code == 302
    move = StockMove.objects.get()
    assert (move.purchase_id, move.value, move.campaign_id) == (approved.pk, 2_000_000, yagi.pk)
    assert balance(cast.hanoi, yagi) == 3_000_000  # spent once, by the approval
    assert "QĐ-MUA-7" not in _purchase_picker(client, url)  # received: no longer offered
    assert waiting.pk  # still waiting for its approval


def _purchase_picker(client, url) -> str:
    page = client.get(url).content.decode()
    return re.search(r'<select name="in-purchase".*?</select>', page, re.S).group(0)
