"""Humanitarian addresses (địa chỉ nhân đạo): needs, sponsors with commitments, support book."""

from datetime import date

import pytest

from nhandao.beneficiaries import actions
from nhandao.beneficiaries.models import HumanitarianAddress, Sponsorship, SupportRecord
from nhandao.orgs.models import AdminMap, AdminUnit


@pytest.fixture
def address(cast):
    person = actions.create_person(
        cast.ba_dinh_officer,
        organisation=cast.ba_dinh,
        full_name="Bùi Thị Sáu",
        commune=AdminUnit.objects.get(map=AdminMap.NEW, level="commune", code="4"),
    )
    return actions.create_address(
        cast.ba_dinh_officer,
        organisation=cast.ba_dinh,
        person=person,
        needs="Gạo, thuốc men hằng tháng",
        since=date(2026, 1, 1),
    )


def test_an_address_is_registered_through_the_form(cast, login):
    person = actions.create_person(
        cast.ba_dinh_officer, organisation=cast.ba_dinh, full_name="Bùi Văn Bảy"
    )
    client = login(cast.ba_dinh_officer)
    response = client.post(
        "/dia-chi-nhan-dao/them/",
        {"organisation": "CTD-X4", "person": person.pk, "needs": "Sửa nhà", "since": "01/02/2026"},
    )
    address = HumanitarianAddress.objects.get()
    assert response.url == f"/dia-chi-nhan-dao/{address.pk}/" and address.person == person


def test_an_address_needs_a_person_or_household_in_reach(cast, login):
    client = login(cast.ngoc_ha_officer)
    other = actions.create_person(
        cast.ba_dinh_officer, organisation=cast.ba_dinh, full_name="Bùi Văn Bảy"
    )
    html = client.post(
        "/dia-chi-nhan-dao/them/",
        {"organisation": "CTD-X8", "since": "01/02/2026", "person": other.pk},
    ).content.decode()
    assert "Không có đối tượng này trong phạm vi của bạn." in html
    html = client.post(
        "/dia-chi-nhan-dao/them/", {"organisation": "CTD-X8", "since": "01/02/2026"}
    ).content.decode()
    assert "Hãy nhập mã đối tượng hoặc mã hộ gia đình." in html
    assert not HumanitarianAddress.objects.exists()


def test_addresses_without_a_sponsor_are_listed_apart(cast, address, login):
    client = login(cast.ba_dinh_officer)
    assert "Bùi Thị Sáu" in client.get("/dia-chi-nhan-dao/?chua-co=1").content.decode()
    sponsor = actions.create_sponsor(
        cast.ba_dinh_officer, organisation=cast.ba_dinh, name="Công ty TNHH Bình An"
    )
    actions.commit_sponsorship(
        cast.ba_dinh_officer,
        address,
        sponsor=sponsor,
        monthly_amount=500_000,
        start=date(2026, 1, 1),
        months=12,
    )
    assert "Bùi Thị Sáu" not in client.get("/dia-chi-nhan-dao/?chua-co=1").content.decode()
    assert "Bùi Thị Sáu" in client.get("/dia-chi-nhan-dao/").content.decode()


def test_a_sponsor_commits_and_the_support_book_and_sponsor_page_follow(cast, address, login):
    client = login(cast.ba_dinh_officer)
    sponsor = actions.create_sponsor(
        cast.ba_dinh_officer, organisation=cast.ba_dinh, name="Công ty TNHH Bình An"
    )
    bad = client.post(
        f"/dia-chi-nhan-dao/{address.pk}/",
        {"form": "sponsorship", "sponsor": sponsor.pk, "start": "01/01/2026", "months": 12},
    )
    assert "Hãy ghi số tiền mỗi kỳ hoặc hiện vật." in bad.content.decode()
    client.post(
        f"/dia-chi-nhan-dao/{address.pk}/",
        {
            "form": "sponsorship",
            "sponsor": sponsor.pk,
            "monthly_amount": 500000,
            "start": "01/01/2026",
            "months": 12,
        },
    )
    sponsorship = Sponsorship.objects.get()
    assert sponsorship.total_committed == 6_000_000
    client.post(
        f"/dia-chi-nhan-dao/{address.pk}/",
        {
            "form": "support",
            "sponsorship": sponsorship.pk,
            "organisation": "CTD-X4",
            "date": "05/01/2026",
            "kind": "cash",
            "value": 500000,
            "note": "Tháng 1",
        },
    )
    support = SupportRecord.objects.get()
    assert support.person == address.person and support.sponsorship == sponsorship
    html = client.get(f"/dia-chi-nhan-dao/{address.pk}/").content.decode()
    assert "Tháng 1" in html and "6.000.000 ₫" in html
    html = client.get(f"/nha-do-dau/{sponsor.pk}/").content.decode()
    assert "Bùi Thị Sáu" in html and 'id="sponsor-total">500.000 ₫' in html


def test_other_organisations_do_not_see_the_address_or_the_sponsor(cast, address, login):
    sponsor = actions.create_sponsor(
        cast.ba_dinh_officer, organisation=cast.ba_dinh, name="Công ty TNHH Bình An"
    )
    client = login(cast.tq_officer)
    assert client.get(f"/dia-chi-nhan-dao/{address.pk}/").status_code == 404
    assert client.get(f"/nha-do-dau/{sponsor.pk}/").status_code == 404
    response = login(cast.hn_viewer).post(
        f"/dia-chi-nhan-dao/{address.pk}/",
        {
            "form": "sponsorship",
            "sponsor": sponsor.pk,
            "monthly_amount": 1,
            "start": "01/01/2026",
            "months": 1,
        },
    )
    assert response.status_code == 403 and not Sponsorship.objects.exists()
