# ruff: noqa: F811  (fixtures are imported from tests/test_relief_fixtures.py by name)
"""A period for every flow (issue #14, decision 0023's addendum): a campaign's figures over
[start, end] with the opening and closing of every organisation, on the internal campaign
page, the portal's page, so-lieu.json (?tu=&den=) and GET /api/campaigns/{id} (start/end);
a bad or reversed period refused in words."""

import json
import re
from datetime import date

import pytest
from django.urls import reverse

from nhandao.donations import actions as donation_actions
from nhandao.relief import figures
from tests.test_relief_fixtures import DAY, allocate, donate, yagi  # noqa: F401

pytestmark = pytest.mark.django_db

BEFORE, IN, AFTER = date(2024, 9, 9), DAY, date(2024, 9, 20)


def money(amount: int) -> str:
    return f"{amount:,} ₫".replace(",", ".")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def cells(html: str, attribute: str) -> dict[str, list[str]]:
    out = {}
    for key, row in re.findall(rf'<tr data-{attribute}="([^"]+)">(.*?)</tr>', html, re.S):
        out[key] = [text_of(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    return out


@pytest.fixture(autouse=True)
def fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def dated(cast, yagi):
    """10 M at the centre before the period; in it 3 M more and 4 M allocated to Hà Nội,
    which receives 1 M itself; after it 5 M at the centre and a 500,000 đ donation to Hà Nội
    reversed (booked on the day of the reversal: today)."""
    donate(cast.central, yagi, 10_000_000, day=BEFORE)
    donate(cast.central, yagi, 3_000_000, day=IN)
    donate(cast.hanoi, yagi, 1_000_000, day=IN)
    allocate(cast, yagi, cast.hanoi, 4_000_000)  # decided on DAY
    donate(cast.central, yagi, 5_000_000, day=AFTER)
    mistake = donate(cast.hanoi, yagi, 500_000, day=IN)
    donation_actions.reverse_donation(cast.root, mistake, "Ghi nhầm")
    return yagi


def test_the_period_has_its_opening_flows_and_closing_per_organisation(cast, dated):
    f = figures.period_figures(dated, date(2024, 9, 10), date(2024, 9, 16))
    rows = {r.organisation_id: r.flows for r in f.rows}
    central, hanoi = rows[cast.central.pk], rows[cast.hanoi.pk]
    assert (central.opening_balance, central.received) == (10_000_000, 3_000_000)
    assert (central.allocated_out, central.balance) == (4_000_000, 9_000_000)
    # the 500,000 đ reversed today is still in the books of 16/09 (the ledger's truth)
    assert (hanoi.opening_balance, hanoi.received, hanoi.allocated_in) == (0, 1_500_000, 4_000_000)
    assert hanoi.balance == 5_500_000
    assert f.reconciled and central.reconciled and hanoi.reconciled
    assert f.allocated == 4_000_000
    # the next period opens where this one closed, and the whole is not changed by a cut
    later = figures.period_figures(dated, date(2024, 9, 17), None)
    after = {r.organisation_id: r.flows for r in later.rows}
    assert after[cast.central.pk].opening_balance == 9_000_000
    assert after[cast.hanoi.pk].opening_balance == 5_500_000
    assert after[cast.hanoi.pk].received == -500_000  # the reversal, booked today
    now = figures.campaign_figures(dated)
    assert later.total.balance == now.total.balance == 9_000_000 + 5_000_000 + 5_000_000


def test_so_lieu_json_takes_a_period_and_matches_the_page(client, cast, dated):
    url = reverse("portal_figures", args=[dated.code])
    data = json.loads(client.get(url, {"tu": "10/09/2024", "den": "16/09/2024"}).content)
    expected = figures.period_figures(dated, date(2024, 9, 10), date(2024, 9, 16)).public()
    assert data == json.loads(json.dumps(expected))
    assert data["period"] == {"start": "2024-09-10", "end": "2024-09-16"}
    assert (data["opening_balance"], data["received"]["total"]) == (10_000_000, 4_500_000)
    assert data["balance"] == 14_500_000 and data["reconciled"]
    (central,) = [level for level in data["levels"] if level["level"] == "central"]
    assert (central["opening_balance"], central["allocated_out"]) == (10_000_000, 4_000_000)
    whole = json.loads(client.get(url).content)
    assert "period" not in whole and "opening_balance" not in whole["levels"][0]
    page = client.get(
        reverse("portal_campaign", args=[dated.code]), {"tu": "10/09/2024", "den": "16/09/2024"}
    ).content.decode()
    shown = cells(page, "period-level")
    for entry in data["levels"]:
        names = ["opening_balance", "opening_in_stock", "received", "allocated_in"]
        names += ["allocated_out", "spent", "distributed", "in_stock", "balance"]
        assert shown[entry["level"]][1:10] == [money(entry[n]) for n in names]
        assert shown[entry["level"]][10] == "✓"
    assert "Từ 10/09/2024 đến 16/09/2024" in text_of(page)
    plain = client.get(reverse("portal_campaign", args=[dated.code])).content.decode()
    assert "period-reconciliation" not in plain and 'id="period-form"' in plain


def test_a_bad_or_reversed_period_is_refused_in_words(client, dated):
    url = reverse("portal_figures", args=[dated.code])
    reversed_ = client.get(url, {"tu": "15/09/2024", "den": "10/09/2024"})
    assert reversed_.status_code == 422
    body = json.loads(reversed_.content)
    assert body["detail"] == (
        "Khoảng thời gian không hợp lệ: Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."
    )
    assert body["errors"] == {"den": ["Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."]}
    bad = client.get(url, {"tu": "31/02/2024"})
    assert bad.status_code == 422
    assert "Ngày không hợp lệ: ghi theo dạng dd/mm/yyyy" in json.loads(bad.content)["detail"]
    page = client.get(reverse("portal_campaign", args=[dated.code]), {"tu": "31/02/2024"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Ngày không hợp lệ: ghi theo dạng dd/mm/yyyy" in body
    assert "trang hiển thị số liệu toàn chiến dịch" in body
    assert "period-reconciliation" not in body


def test_the_period_is_rate_limited_for_the_public(client, dated, monkeypatch):
    monkeypatch.setenv("PORTAL_RATE_LIMITS", "period=2/60")
    url = reverse("portal_figures", args=[dated.code])
    answers = [client.get(url, {"den": f"1{n}/09/2024"}).status_code for n in range(3)]
    assert answers == [200, 200, 429]
    assert client.get(url).status_code == 200  # the whole campaign is not read by date


def test_the_internal_page_shows_each_organisations_opening_and_closing(cast, login, dated):
    client = login(cast.root)
    url = reverse("relief_campaign", args=[dated.pk])
    page = client.get(url, {"tu": "10/09/2024", "den": "16/09/2024"}).content.decode()
    rows = cells(page, "organisation")
    hanoi = rows[str(cast.hanoi.pk)]
    # opening balance, opening stock, received, allocated in, out, spent, distributed,
    # in stock, balance, ✓
    assert hanoi[1:4] == [money(0), money(0), money(1_500_000)]
    assert hanoi[4] == money(4_000_000) and hanoi[9] == money(5_500_000) and hanoi[10] == "✓"
    assert rows[str(cast.central.pk)][1] == money(10_000_000)
    assert "Từ 10/09/2024 đến 16/09/2024" in text_of(page)
    whole = client.get(url).content.decode()
    assert cells(whole, "organisation")[str(cast.hanoi.pk)][1] == money(1_000_000)  # received
    bad = client.get(url, {"tu": "15/09/2024", "den": "10/09/2024"}).content.decode()
    assert "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu." in bad


def test_the_api_gives_the_period_figures(cast, login, dated):
    client = login(cast.root)
    answer = client.get(f"/api/campaigns/{dated.pk}?start=2024-09-10&end=2024-09-16").json()
    expected = figures.period_figures(dated, date(2024, 9, 10), date(2024, 9, 16)).public()
    assert answer["period"] == json.loads(json.dumps(expected))
    assert client.get(f"/api/campaigns/{dated.pk}").json()["period"] is None
    bad = client.get(f"/api/campaigns/{dated.pk}?start=2024-09-15&end=2024-09-10")
    assert bad.status_code == 422
    assert bad.json()["errors"]["den"] == ["Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."]


def test_a_purchase_is_not_received_before_its_decision(cast, yagi):
    from nhandao.lib.errors import Refused
    from nhandao.relief import actions
    from nhandao.relief.models import AllowedUse

    donate(cast.hanoi, yagi, 2_000_000, day=BEFORE)
    store = actions.create_warehouse(cast.root, organisation=cast.hanoi, name="Kho HN")
    rice = actions.item_named("Gạo", "kg")
    proposal = actions.propose_allocation(
        cast.hn_accountant,
        organisation=cast.hanoi,
        campaign=yagi,
        amount=1_000_000,
        decision_no="QĐ-MUA-1",
        decision_date=IN,
        purpose=AllowedUse.objects.get(code="food_water_medicine"),
        into_stock=True,
    )
    purchase = actions.approve_allocation(cast.hn_manager, proposal)
    with pytest.raises(Refused, match="trước ngày quyết định mua sắm QĐ-MUA-1"):
        actions.receive_goods(cast.root, store, rice, 10, date=BEFORE, purchase=purchase)
    actions.receive_goods(cast.root, store, rice, 10, date=IN, purchase=purchase)
    f = figures.period_figures(yagi, IN, IN)
    assert f.reconciled and f.total.in_stock == 1_000_000
