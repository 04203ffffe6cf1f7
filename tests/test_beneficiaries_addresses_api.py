"""The API of humanitarian addresses, sponsors and sponsorships: the same forms, actions and
scoping as the pages (test_beneficiaries_addresses.py).

Bà Sáu is a humanitarian address of Ba Đình (Hà Nội); Công ty Bình An sponsors her.
Whoever reaches Ba Đình sees both; Tuyên Quang and the Front do not (404); a user with no role
gets 403 on the lists; creating needs "edit".
"""

from datetime import date

import pytest

from nhandao.audit.models import AuditEvent
from nhandao.beneficiaries import actions
from nhandao.beneficiaries.models import HumanitarianAddress, Sponsor, Sponsorship
from nhandao.orgs.models import AdminMap, AdminUnit


@pytest.fixture
def sau(cast):
    person = actions.create_person(
        cast.ba_dinh_officer,
        organisation=cast.ba_dinh,
        full_name="Bùi Thị Sáu",
        commune=AdminUnit.objects.get(map=AdminMap.NEW, level="commune", code="4"),
    )
    address = actions.create_address(
        cast.ba_dinh_officer,
        organisation=cast.ba_dinh,
        person=person,
        needs="Gạo, thuốc men hằng tháng",
        since=date(2026, 1, 1),
    )
    sponsor = actions.create_sponsor(
        cast.ba_dinh_officer, organisation=cast.ba_dinh, name="Công ty TNHH Bình An"
    )
    return address, sponsor


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


READ = {
    "outsider": 404,
    "ba_dinh_officer": 200,
    "ba_dinh_accountant": 200,
    "ngoc_ha_officer": 404,
    "hn_viewer": 200,
    "hn_officer": 200,
    "hn_accountant": 200,
    "hn_manager": 200,
    "hn_admin": 200,
    "tq_officer": 404,
    "front_manager": 404,
    "tw_admin": 200,
}


@pytest.mark.parametrize(("who", "status"), READ.items())
def test_who_reads_an_address_a_sponsor_and_a_sponsorship(cast, sau, login, who, status):
    address, sponsor = sau
    sponsorship = actions.commit_sponsorship(
        cast.ba_dinh_officer,
        address,
        sponsor=sponsor,
        monthly_amount=500_000,
        start=date(2026, 1, 1),
        months=12,
    )
    client = login(getattr(cast, who))
    assert client.get(f"/api/addresses/{address.pk}").status_code == status
    assert client.get(f"/api/sponsors/{sponsor.pk}").status_code == status
    assert client.get(f"/api/sponsorships/{sponsorship.pk}").status_code == status


def test_lists_are_scoped_to_the_user_and_need_a_role(cast, sau, login):
    address, sponsor = sau
    body = login(cast.hn_viewer).get("/api/addresses").json()
    assert body["count"] == 1 and body["items"][0]["recipient"] == "Bùi Thị Sáu"
    assert body["items"][0]["sponsor_count"] == 0
    assert login(cast.tq_officer).get("/api/addresses").json()["count"] == 0
    assert login(cast.tq_officer).get("/api/sponsors").json()["count"] == 0
    assert login(cast.tq_officer).get("/api/sponsorships").json()["count"] == 0
    for url in ("/api/addresses", "/api/sponsors", "/api/sponsorships"):
        assert login(cast.outsider).get(url).status_code == 403
    sponsors = login(cast.hn_viewer).get("/api/sponsors", {"q": "binh an"}).json()
    assert [s["name"] for s in sponsors["items"]] == ["Công ty TNHH Bình An"]


def test_addresses_without_a_sponsor_are_listed_apart(cast, sau, login):
    address, sponsor = sau
    client = login(cast.ba_dinh_officer)
    assert client.get("/api/addresses", {"without_sponsor": True}).json()["count"] == 1
    actions.commit_sponsorship(
        cast.ba_dinh_officer,
        address,
        sponsor=sponsor,
        goods="Gạo 10 kg",
        start=date(2026, 1, 1),
        months=6,
    )
    assert client.get("/api/addresses", {"without_sponsor": True}).json()["count"] == 0
    assert client.get("/api/addresses").json()["items"][0]["sponsor_count"] == 1


def test_an_officer_registers_an_address_a_sponsor_and_a_commitment(cast, login):
    person = actions.create_person(
        cast.ba_dinh_officer, organisation=cast.ba_dinh, full_name="Bùi Văn Bảy"
    )
    client = login(cast.ba_dinh_officer)
    response = post(
        client,
        "/api/addresses",
        {"organisation": "CTD-X4", "person": person.pk, "needs": "Sửa nhà", "since": "2026-02-01"},
    )
    assert response.status_code == 201, response.json()
    address = HumanitarianAddress.objects.get(pk=response.json()["id"])
    assert address.person == person and address.needs == "Sửa nhà"
    response = post(
        client,
        "/api/sponsors",
        {"organisation": "CTD-X4", "name": "Ông Trần Văn An", "contact": "0912000111"},
    )
    assert response.status_code == 201
    sponsor_id = response.json()["id"]
    response = post(
        client,
        f"/api/addresses/{address.pk}/sponsorships",
        {"sponsor": sponsor_id, "monthly_amount": 300_000, "start": "2026-02-01", "months": 24},
    )
    assert response.status_code == 201
    assert response.json()["total_committed"] == 7_200_000
    actions.record_support(
        cast.ba_dinh_officer,
        organisation=cast.ba_dinh,
        person=person,
        date=date(2026, 2, 5),
        kind="cash",
        value=300_000,
        sponsorship=Sponsorship.objects.get(),
    )
    detail = client.get(f"/api/addresses/{address.pk}").json()
    assert detail["sponsorships"][0]["sponsor_name"] == "Ông Trần Văn An"
    assert detail["book"][0]["value"] == 300_000
    sponsor = client.get(f"/api/sponsors/{sponsor_id}").json()
    assert sponsor["given_total"] == 300_000 and sponsor["sponsorships"][0]["months"] == 24
    for action in ("address_created", "sponsor_created", "sponsorship_committed"):
        assert AuditEvent.objects.filter(action=f"beneficiaries.{action}").exists()


def test_creating_needs_the_edit_right(cast, sau, login):
    address, sponsor = sau
    client = login(cast.hn_viewer)
    data = {"organisation": "CTD-X4", "person": address.person_id, "since": "2026-02-01"}
    assert post(client, "/api/addresses", data).status_code == 403
    assert post(client, "/api/sponsors", {"organisation": "CTD-X4", "name": "X"}).status_code == 403
    commitment = {"sponsor": sponsor.pk, "monthly_amount": 1, "start": "2026-01-01", "months": 1}
    url = f"/api/addresses/{address.pk}/sponsorships"
    assert post(client, url, commitment).status_code == 403
    assert post(login(cast.tq_officer), url, commitment).status_code == 404
    assert HumanitarianAddress.objects.count() == 1 and Sponsor.objects.count() == 1
    assert not Sponsorship.objects.exists()


def test_bad_input_gets_vietnamese_field_messages_and_nothing_is_written(cast, sau, login):
    address, sponsor = sau
    other = actions.create_person(
        cast.tq_officer, organisation=cast.tuyen_quang, full_name="Hà Văn Chín"
    )
    client = login(cast.ba_dinh_officer)
    errors = post(
        client,
        "/api/addresses",
        {"organisation": "CTD-8", "person": other.pk, "since": "2026-02-01"},
    ).json()["errors"]
    assert "ngoài phạm vi" in errors["organisation"][0]
    assert "Không có đối tượng này trong phạm vi của bạn." in errors["person"][0]
    errors = post(
        client, "/api/addresses", {"organisation": "CTD-X4", "since": "2026-02-01"}
    ).json()["errors"]
    assert errors["person"] == ["Hãy nhập mã đối tượng hoặc mã hộ gia đình."]
    errors = post(client, "/api/sponsors", {"organisation": "CTD-X4", "name": ""}).json()["errors"]
    assert errors["name"] == ["Trường này là bắt buộc."]
    url = f"/api/addresses/{address.pk}/sponsorships"
    errors = post(client, url, {"sponsor": sponsor.pk, "start": "2026-01-01", "months": 12}).json()[
        "errors"
    ]
    assert errors["amount"] == ["Hãy ghi số tiền mỗi kỳ hoặc hiện vật."]
    tq_sponsor = actions.create_sponsor(
        cast.tq_officer, organisation=cast.tuyen_quang, name="Công ty Tuyên Quang"
    )
    errors = post(
        client,
        url,
        {"sponsor": tq_sponsor.pk, "monthly_amount": -5, "start": "2026-01-01", "months": 12},
    ).json()["errors"]
    assert errors["sponsor"] == ["Không có nhà đỡ đầu này trong phạm vi của bạn."]
    assert errors["monthly_amount"] == ["Số tiền không được âm."]
    assert HumanitarianAddress.objects.count() == 1 and Sponsor.objects.count() == 2
    assert not Sponsorship.objects.exists()
