"""Search, the entry form with likely matches, household pages and the registry API."""

from datetime import date

import pytest

from nhandao.audit.models import AuditEvent
from nhandao.beneficiaries import actions
from nhandao.beneficiaries.models import Person, SensitiveRead, SupportRecord
from nhandao.orgs.models import AdminMap, AdminUnit


def commune(code):
    return AdminUnit.objects.get(map=AdminMap.NEW, level="commune", code=code)


@pytest.fixture
def people(cast):
    hoa = actions.create_person(
        cast.ba_dinh_officer,
        organisation=cast.ba_dinh,
        full_name="Nguyễn Thị Hoa",
        sex="female",
        birth_year=1985,
        id_number="001185012345",
        phone="0912345678",
        commune=commune("4"),
        village="Tổ 5",
    )
    duc = actions.create_person(
        cast.ngoc_ha_officer,
        organisation=cast.ngoc_ha,
        full_name="Đặng Văn Đức",
        sex="male",
        birth_year=1950,
        commune=commune("4"),
    )
    lan = actions.create_person(
        cast.tq_officer,
        organisation=cast.tuyen_quang,
        full_name="Nguyễn Thị Lan",
        birth_year=1970,
        commune=cast.tq_commune.admin_unit,
    )
    return hoa, duc, lan


def names(response):
    return response.content.decode()


@pytest.mark.parametrize(
    "query", ["nguyen thi hoa", "NGUYỄN HOA", "hoa nguyen", "001185012345", "0912 345 678"]
)
def test_search_ignores_diacritics_case_and_order_and_finds_numbers(cast, people, login, query):
    html = names(login(cast.ba_dinh_officer).get("/doi-tuong/", {"q": query}))
    assert "Nguyễn Thị Hoa" in html
    assert "Nguyễn Thị Lan" not in html


def test_duc_is_found_by_dang_van_duc_and_shown_as_someone_elses_in_the_area(cast, people, login):
    html = names(login(cast.ba_dinh_officer).get("/doi-tuong/", {"q": "dang van duc"}))
    assert "Đặng Văn Đức" in html and "cùng địa bàn" in html


def test_a_province_officer_does_not_find_people_of_another_province(cast, people, login):
    html = names(login(cast.tq_officer).get("/doi-tuong/", {"q": "nguyen thi"}))
    assert "Nguyễn Thị Lan" in html and "Nguyễn Thị Hoa" not in html


def test_the_entry_form_shows_likely_matches_in_the_area_before_saving(cast, people, login):
    client = login(cast.ba_dinh_officer)  # Đức lives in Ba Đình, registered by Ngọc Hà
    data = {
        "organisation": "CTD-X4",
        "full_name": "DANG DUC",
        "sex": "male",
        "birth": "1951",
        "commune_code": "4",
    }
    html = names(client.post("/doi-tuong/them/", data))
    assert 'id="likely-matches"' in html and "Đặng Văn Đức" in html
    assert Person.objects.count() == 3  # nothing saved yet
    response = client.post("/doi-tuong/them/", {**data, "confirm": "1"})
    assert response.status_code == 302 and Person.objects.count() == 4


def test_the_entry_form_reports_bad_input_in_vietnamese_and_saves_nothing(cast, login):
    client = login(cast.ba_dinh_officer)
    html = names(
        client.post(
            "/doi-tuong/them/",
            {
                "organisation": "CTD-X4",
                "full_name": "Lê Văn Bảy",
                "sex": "male",
                "birth": "30/02/1970",
                "commune_code": "4",
                "phone": "12345",
            },
        )
    )
    assert "không có thật" in html and "Số điện thoại “12345” không hợp lệ" in html
    assert not Person.objects.exists()


def test_a_household_page_shows_members_and_poverty_only_with_the_sensitive_right(cast, login):
    household = actions.create_household(
        cast.ba_dinh_officer, organisation=cast.ba_dinh, commune=commune("4"), village="Tổ 3"
    )
    actions.create_person(
        cast.ba_dinh_officer,
        organisation=cast.ba_dinh,
        full_name="Lê Văn Nam",
        household=household,
        relationship="head",
    )
    client = login(cast.ba_dinh_officer)
    response = client.post(f"/ho-gia-dinh/{household.pk}/", {"year": 2026, "status": "poor"})
    assert "Hộ nghèo/cận nghèo cần ghi cơ quan xác nhận" in names(response)
    client.post(
        f"/ho-gia-dinh/{household.pk}/",
        {"year": 2026, "status": "poor", "certified_by": "UBND Phường Ba Đình"},
    )
    reads = AuditEvent.objects.about(household).filter(action="beneficiaries.sensitive_read")
    html = names(client.get(f"/ho-gia-dinh/{household.pk}/"))  # no purpose stated yet
    assert "Lê Văn Nam" in html and 'id="purpose-form"' in html
    assert "UBND Phường Ba Đình" not in html and not reads.exists()
    html = names(client.get(f"/ho-gia-dinh/{household.pk}/?muc_dich=xet-ho-tro"))
    assert "Hộ nghèo" in html and "UBND Phường Ba Đình" in html
    (read,) = reads.filter(actor=cast.ba_dinh_officer)
    assert read.after["purpose"] == "xet-ho-tro"
    html = names(login(cast.hn_viewer).get(f"/ho-gia-dinh/{household.pk}/"))
    assert "Lê Văn Nam" in html and "UBND Phường Ba Đình" not in html


def test_support_is_recorded_on_the_person_page_and_bad_values_are_refused(cast, people, login):
    duc = people[1]  # registered by Ngọc Hà, lives in Ba Đình
    client = login(cast.ba_dinh_officer)  # another organisation helps someone in its area
    client.post(
        f"/doi-tuong/{duc.pk}/ho-tro/",
        {"organisation": "CTD-X4", "date": "20/01/2026", "kind": "gift", "value": "-5"},
    )
    assert not SupportRecord.objects.exists()
    client.post(
        f"/doi-tuong/{duc.pk}/ho-tro/",
        {"organisation": "CTD-X4", "date": "20/01/2026", "kind": "gift", "value": "300000"},
    )
    support = SupportRecord.objects.get()
    assert support.person == duc and support.organisation == cast.ba_dinh
    html = names(login(cast.ngoc_ha_officer).get(f"/doi-tuong/{duc.pk}/"))
    assert "Hội Chữ thập đỏ Phường Ba Đình" in html and "300.000 ₫" in html


# ---- API ----


def test_the_api_search_hides_sensitive_fields_of_others_and_logs_reads(cast, people, login):
    hoa, duc, lan = people
    client = login(cast.ba_dinh_officer)
    refused = client.get("/api/persons", {"q": "nguyen"})  # sensitive data needs a purpose
    assert refused.status_code == 422 and "mục đích" in refused.json()["errors"]["purpose"][0]
    assert not SensitiveRead.objects.exists()
    body = client.get("/api/persons", {"q": "nguyen", "purpose": "xac-minh"}).json()
    assert [p["full_name"] for p in body["items"]] == ["Nguyễn Thị Hoa"]
    assert body["items"][0]["id_number"] == "001185012345"
    assert SensitiveRead.objects.get(person=hoa, channel="api").purpose.code == "xac-minh"
    body = login(cast.ba_dinh_officer).get("/api/persons", {"q": "duc"}).json()  # no own row
    assert body["items"][0]["visibility"] == "area" and body["items"][0]["id_number"] is None
    assert login(cast.ba_dinh_officer).get(f"/api/persons/{lan.pk}").status_code == 404


def test_the_api_refuses_bad_input_with_field_messages_and_writes_nothing(cast, login):
    response = login(cast.ba_dinh_officer).post(
        "/api/persons",
        {
            "organisation": "CTD-X4",
            "full_name": "Lê Văn Bảy",
            "sex": "male",
            "birth": "1970",
            "id_number": "001070",
            "commune_code": "4",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "CCCD gồm 12 chữ số" in response.json()["errors"]["id_number"][0]
    assert not Person.objects.exists()


def test_the_api_answers_409_with_likely_matches_until_confirmed(cast, people, login):
    client = login(cast.ba_dinh_officer)
    data = {
        "organisation": "CTD-X4",
        "full_name": "Dang Van Duc",
        "birth": "1950",
        "commune_code": "4",
    }
    response = client.post("/api/persons", data, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["matches"][0]["full_name"] == "Đặng Văn Đức"
    response = client.post(
        "/api/persons", {**data, "confirm": True}, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["person"]["visibility"] == "full"


def test_support_through_the_api(cast, people, login):
    hoa = people[0]
    response = login(cast.ba_dinh_officer).post(
        f"/api/persons/{hoa.pk}/supports",
        {"organisation": "CTD-X4", "date": "2026-02-01", "kind": "cash", "value": 1_000_000},
        content_type="application/json",
    )
    assert response.status_code == 201
    detail = login(cast.hn_viewer).get(f"/api/persons/{hoa.pk}").json()
    assert detail["visibility"] == "full" and detail["id_number"] is None  # a viewer
    assert detail["supports"][0]["value"] == 1_000_000
    assert detail["supports"][0]["date"] == str(date(2026, 2, 1))


def csv_download(client, url) -> str:
    """The export streams (lib/exports.py)."""
    return b"".join(client.get(url).streaming_content).decode("utf-8-sig")


def test_the_export_lists_own_people_and_logs_the_sensitive_columns(cast, people, login):
    hoa, duc, lan = people
    client = login(cast.ba_dinh_officer)
    page = client.get("/doi-tuong/xuat.csv")  # the export form: a purpose, or no personal data
    assert page.status_code == 422 and 'id="export-purpose-form"' in page.content.decode()
    unknown = client.get("/doi-tuong/xuat.csv?muc_dich=tim-hieu").content.decode()
    assert "Mục đích “tim-hieu” không có trong danh sách" in unknown
    assert not SensitiveRead.objects.exists()
    text = csv_download(client, "/doi-tuong/xuat.csv?muc_dich=khong")
    assert "Nguyễn Thị Hoa" in text and "001185012345" not in text
    assert not SensitiveRead.objects.exists()
    text = csv_download(client, "/doi-tuong/xuat.csv?muc_dich=thanh-tra")
    assert "Nguyễn Thị Hoa" in text and "001185012345" in text
    assert "Đặng Văn Đức" not in text  # someone else's, only seen in the area
    read = SensitiveRead.objects.get(person=hoa, channel="export")
    assert read.purpose.code == "thanh-tra"
    text = csv_download(login(cast.hn_viewer), "/doi-tuong/xuat.csv")
    assert "Nguyễn Thị Hoa" in text and "001185012345" not in text


def test_the_household_api_shows_poverty_only_with_the_sensitive_right(cast, login):
    household = actions.create_household(cast.ba_dinh_officer, organisation=cast.ba_dinh,
                                         commune=commune("4"), village="Tổ 3")  # fmt: skip
    actions.create_person(cast.ba_dinh_officer, organisation=cast.ba_dinh, full_name="Lê Văn Nam",
                          household=household, relationship="head")  # fmt: skip
    actions.set_poverty(cast.ba_dinh_officer, household, year=2026, status="near_poor",
                        certified_by="UBND Phường Ba Đình")  # fmt: skip
    url = f"/api/households/{household.pk}"
    assert login(cast.ba_dinh_officer).get(url).status_code == 422  # poverty needs a purpose
    body = login(cast.ba_dinh_officer).get(url, HTTP_X_PURPOSE="xet-ho-tro").json()
    assert body["members"][0]["full_name"] == "Lê Văn Nam"
    assert body["poverty"][0]["status"] == "near_poor"
    body = login(cast.hn_viewer).get(f"/api/households/{household.pk}").json()
    assert body["poverty"] is None and body["visibility"] == "full"
    assert login(cast.tq_officer).get(f"/api/households/{household.pk}").status_code == 404
