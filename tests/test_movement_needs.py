"""Incidents with needs in kind (issue #22 item 5): a commune's needs in goods and services
against what was allocated and distributed; the bad input (negative, outside the incident's
area, out of reach); the internal and public pages."""

from decimal import Decimal

import pytest

from nhandao.lib.errors import Refused
from nhandao.movements import needs
from nhandao.movements.models import IncidentNeed
from nhandao.relief import actions as relief
from nhandao.relief.models import Item
from tests.test_relief_fixtures import DAY, hanoi_round, household, make_campaign, unit


@pytest.fixture
def incident(cast):
    inc = relief.create_incident(
        cast.tw_manager, organisation=cast.central, kind="flood", name="Lũ tháng 9", start=DAY
    )
    relief.set_incident_area(cast.tw_manager, inc, unit("4"), houses_damaged=12)
    return inc


def cells(incident, commune_name):
    rows = {r["commune"].name: r for r in needs.response(incident)["communes"]}
    return {n["kind"].code: n for n in rows[commune_name]["needs"]}


def test_needs_in_kind_against_goods_allocated_and_distributed(cast, incident, login):
    needs.set_needs(
        cast.ba_dinh_officer,
        incident,
        unit("4"),
        {"rice": "500", "tarpaulin": "40", "evacuate": "120", "money": "30.000.000"},
    )
    yagi = make_campaign(cast.root, cast.central)
    rice = Item.objects.create(name="Gạo", unit="kg")
    noodles = Item.objects.create(name="Mì tôm", unit="thùng")
    store = relief.create_warehouse(cast.hn_officer, organisation=cast.hanoi, name="Kho HN")
    relief.receive_goods(cast.hn_officer, store, rice, 100, date=DAY, campaign=yagi)
    relief.receive_goods(cast.hn_officer, store, noodles, 10, date=DAY, campaign=yagi)
    for name in ("Phạm Văn An", "Đỗ Thị Bình"):
        household(cast, unit("4"), cast.ba_dinh, name)
    for i, item in enumerate((rice, noodles)):
        rnd = hanoi_round(
            cast, yagi, name=f"Cấp {item.name}", kind="gift", warehouse=store, item=item,
            incident=incident, commune=unit("4"),
        )  # fmt: skip
        relief.add_lines_from_registry(cast.hn_officer, rnd, value=150_000, quantity=5)
        relief.set_round_status(cast.hn_officer, rnd, "open")
        line = rnd.lines.order_by("pk")[i]  # another household each time (no overlap warning)
        relief.confirm_line(cast.hn_officer, line, method="signature")
    got = cells(incident, "Phường Ba Đình")
    assert (got["rice"]["need"], got["rice"]["allocated"], got["rice"]["distributed"]) == (
        Decimal(500),
        Decimal(10),
        Decimal(5),
    )
    assert got["rice"]["gap"] == Decimal(495)
    assert got["tarpaulin"]["distributed"] == 0
    assert got["evacuate"]["need"] == 120 and got["evacuate"]["allocated"] is None
    assert got["money"]["need"] == 30_000_000
    response = needs.response(incident)
    assert response["unmatched"] == [{"item": "Mì tôm", "unit": "thùng", "quantity": Decimal(10)}]
    assert {k.code for k in response["unmatchable"]} == {"house_repair", "evacuate"}
    # the API gives the same table as exact text
    api = login(cast.hn_viewer).get(f"/api/movements/incidents/{incident.pk}/needs").json()
    [ba_dinh] = [c for c in api["communes"] if c["name"] == "Phường Ba Đình"]
    rice = next(n for n in ba_dinh["needs"] if n["kind"] == "rice")
    assert (rice["need"], rice["allocated"], rice["distributed"], rice["gap"]) == (
        "500", "10", "5", "495")  # fmt: skip
    evacuate = next(n for n in ba_dinh["needs"] if n["kind"] == "evacuate")
    assert (evacuate["need"], evacuate["allocated"]) == ("120", None)
    assert api["unmatched"] == [{"item": "Mì tôm", "unit": "thùng", "quantity": "10"}]
    # a second entry replaces the quantity; 0 clears the kind
    needs.set_needs(cast.hn_officer, incident, unit("4"), {"rice": "600", "tarpaulin": "0"})
    got = cells(incident, "Phường Ba Đình")
    assert got["rice"]["need"] == 600 and "tarpaulin" not in got


@pytest.mark.parametrize(
    "quantities, message",
    [
        ({"rice": "500", "water": "-1"}, "Nước uống: nhu cầu không được âm."),
        ({"rice": "abc"}, "Gạo: “abc” không phải là một số."),
        ({"money": "1,5"}, "Tiền: số tiền tính bằng đồng"),
        ({"tents": "3"}, "Không có loại nhu cầu “tents”"),
    ],
)
def test_bad_needs_are_refused_and_nothing_is_written(cast, incident, quantities, message):
    with pytest.raises(Refused, match=message):
        needs.set_needs(cast.ba_dinh_officer, incident, unit("4"), quantities)
    assert not IncidentNeed.objects.exists()


def test_a_commune_outside_the_incident_or_out_of_reach_is_refused(cast, incident):
    with pytest.raises(Refused, match="không nằm trong địa bàn bị ảnh hưởng"):
        needs.set_needs(cast.ngoc_ha_officer, incident, unit("8"), {"rice": "5"})
    with pytest.raises(Refused, match="nằm ngoài địa bàn bạn được cập nhật"):
        needs.set_needs(cast.ngoc_ha_officer, incident, unit("4"), {"rice": "5"})
    with pytest.raises(Refused, match="nằm ngoài địa bàn bạn được cập nhật"):
        needs.set_needs(cast.tq_officer, incident, unit("4"), {"rice": "5"})
    assert not IncidentNeed.objects.exists()


def test_the_pages_enter_and_show_needs(cast, incident, login, client):
    client = login(cast.ba_dinh_officer)
    url = f"/phong-trao/su-co/{incident.pk}/nhu-cau/"
    page = client.get(url)
    assert page.status_code == 200 and 'id="needs-form"' in page.content.decode()
    form = {"commune": unit("4").pk, "rice": "-5", "water": "200"}
    page = client.post(url, form, follow=True)
    assert "Gạo: nhu cầu không được âm." in page.content.decode()
    assert not IncidentNeed.objects.exists()
    form["rice"] = "500"
    page = client.post(url, form, follow=True)
    assert "Đã lưu nhu cầu của Phường Ba Đình." in page.content.decode()
    assert IncidentNeed.objects.count() == 2
    # the commune officer of another ward sees the incident but has no form, and may not post
    other = login(cast.ngoc_ha_officer)
    assert 'id="needs-form"' not in other.get(url).content.decode()
    assert other.post(url, {"commune": unit("4").pk, "rice": "1"}).status_code == 403
    # the public page: anonymous, the commune and its needs, no form
    client.logout()
    public = client.get(f"/cong-khai/su-co/{incident.pk}/")
    text = public.content.decode()
    assert public.status_code == 200
    assert "Phường Ba Đình" in text and "Gạo" in text and "needs-form" not in text
    assert client.get(f"/cong-khai/su-co/{incident.pk + 99}/").status_code == 404


def test_the_demo_enters_the_typhoons_needs_from_the_damage(cast):
    from nhandao.demo import movements as demo

    yagi = relief.create_incident(
        cast.root, organisation=cast.central, kind="storm", name="Bão số 3 (Yagi)", start=DAY
    )
    relief.set_incident_area(
        cast.root, yagi, unit("4"), houses_damaged=20, houses_destroyed=2, needs_amount=5_000_000
    )
    saved = demo._incident_needs(cast.root)
    assert len(saved) == 6
    got = cells(yagi, "Phường Ba Đình")
    assert (got["rice"]["need"], got["house_repair"]["need"]) == (330, 20)
    assert got["money"]["need"] == 5_000_000 and got["money"]["allocated"] == 0


def test_money_allocated_to_the_communes_organisation_counts_against_its_money_need(cast, incident):
    from tests.test_relief_fixtures import allocate, donate

    yagi = make_campaign(cast.root, cast.central)
    donate(cast.central, yagi, 10_000_000)
    needs.set_needs(cast.hn_officer, incident, unit("4"), {"money": "8000000"})
    allocate(cast, yagi, cast.ba_dinh, 3_000_000, incident=incident)
    allocate(cast, yagi, cast.ngoc_ha, 1_000_000, incident=incident)  # another ward
    allocate(cast, yagi, cast.ba_dinh, 2_000_000)  # not for this incident
    money = cells(incident, "Phường Ba Đình")["money"]
    assert (money["need"], money["allocated"], money["distributed"]) == (8_000_000, 3_000_000, 0)
