"""Changing a person or a household: the edit pages and PATCH endpoints share one form each.

Hoa is registered by Ba Đình (a commune chapter of Hà Nội). Whoever may "edit" at Ba Đình may
change her record; her sensitive fields (birth date, CCCD, phone, vulnerabilities, consent)
only with the "sensitive" permission too — the Hà Nội org admin may edit but not read them.
Every change is audited with old and new values; bad input changes nothing.
"""

from datetime import date

import pytest

from nhandao.audit.models import AuditEvent
from nhandao.beneficiaries import actions
from nhandao.beneficiaries.models import HouseholdPoverty, Person, SensitiveRead
from nhandao.orgs.models import AdminMap, AdminUnit


def commune(code, admin_map=AdminMap.NEW):
    return AdminUnit.objects.get(map=admin_map, level="commune", code=code)


@pytest.fixture
def hoa(cast):
    return actions.create_person(
        cast.ba_dinh_officer,
        organisation=cast.ba_dinh,
        full_name="Nguyễn Thị Hoa",
        sex="female",
        birth_date=date(1985, 3, 5),
        birth_year=1985,
        id_number="001185012345",
        phone="0912345678",
        commune=commune("4"),
        village="Tổ 5",
    )


def updates(person):
    return AuditEvent.objects.about(person).filter(action="beneficiaries.person_updated")


def page_data(person, **changes):
    """What the edit page posts back when nothing but `changes` is typed."""
    data = {
        "organisation": person.organisation.code,
        "full_name": person.full_name,
        "sex": person.sex,
        "birth": person.birth_display(),
        "id_number": person.id_number,
        "phone": person.phone,
        "commune_code": person.commune.code,
        "commune_map": AdminMap.NEW,
        "village": person.village,
        "address": person.address,
    }
    data.update(changes)
    return data


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


# ---- who may open the edit page ----

EDIT_PAGE = {
    "outsider": 404,
    "ba_dinh_officer": 200,
    "ba_dinh_accountant": 403,  # sees Hoa, may not change records
    "ngoc_ha_officer": 404,  # a sibling commune
    "hn_viewer": 403,
    "hn_officer": 200,
    "hn_accountant": 403,
    "hn_manager": 200,
    "hn_admin": 200,
    "tq_officer": 404,  # another province
    "front_manager": 404,  # sees Hoa in its area only: not its record to change
    "root": 200,
}


@pytest.mark.parametrize(("who", "status"), EDIT_PAGE.items())
def test_who_may_open_a_persons_edit_page(cast, hoa, login, who, status):
    response = login(getattr(cast, who)).get(f"/doi-tuong/{hoa.pk}/sua/")
    assert response.status_code == status
    if status == 200:
        assert "Nguyễn Thị Hoa" in response.content.decode()


@pytest.mark.parametrize(("who", "status"), EDIT_PAGE.items())
def test_who_may_patch_a_person_through_the_api(cast, hoa, login, who, status):
    response = patch(login(getattr(cast, who)), f"/api/persons/{hoa.pk}", {"village": "Tổ 7"})
    assert response.status_code == status
    hoa.refresh_from_db()
    assert hoa.village == ("Tổ 7" if status == 200 else "Tổ 5")


# ---- the page ----


def test_an_officer_changes_a_person_and_the_change_is_audited_old_and_new(cast, hoa, login):
    client = login(cast.ba_dinh_officer)
    html = client.get(f"/doi-tuong/{hoa.pk}/sua/?muc_dich=xet-ho-tro").content.decode()
    assert 'value="001185012345"' in html and 'value="05/03/1985"' in html
    read = SensitiveRead.objects.get(person=hoa, user=cast.ba_dinh_officer)
    assert read.purpose.code == "xet-ho-tro" and read.channel == "page"
    response = client.post(
        f"/doi-tuong/{hoa.pk}/sua/?muc_dich=xet-ho-tro",
        page_data(hoa, full_name="NGUYỄN THỊ HOÀ", phone="0987 654 321", village="Tổ 6"),
    )
    assert response.status_code == 302 and response.url == f"/doi-tuong/{hoa.pk}/"
    hoa.refresh_from_db()
    assert (hoa.full_name, hoa.phone, hoa.village) == ("Nguyễn Thị Hoà", "0987654321", "Tổ 6")
    assert hoa.name_key == "nguyen thi hoa" and hoa.id_number == "001185012345"
    event = updates(hoa).get()
    assert event.actor == cast.ba_dinh_officer
    # as recorded (the personal values sit beside the chain, decision 0025)
    recorded = event.revealed()
    assert recorded["before"] == {
        "full_name": "Nguyễn Thị Hoa",
        "phone": "0912345678",
        "village": "Tổ 5",
    }
    assert recorded["after"] == {
        "full_name": "Nguyễn Thị Hoà",
        "phone": "0987654321",
        "village": "Tổ 6",
    }


def test_saving_without_a_change_writes_no_audit_event(cast, hoa, login):
    response = login(cast.ba_dinh_officer).post(f"/doi-tuong/{hoa.pk}/sua/", page_data(hoa))
    assert response.status_code == 302 and not updates(hoa).exists()


def test_an_old_map_commune_is_converted_with_a_warning(cast, hoa, login):
    client = login(cast.ba_dinh_officer)
    response = client.post(
        f"/doi-tuong/{hoa.pk}/sua/",
        page_data(hoa, commune_code="13", commune_map=AdminMap.OLD),  # Quán Thánh, before 2025
        follow=True,
    )
    html = response.content.decode()
    assert "mã cũ" in html and "Phường Quán Thánh" in html
    hoa.refresh_from_db()
    assert hoa.commune == commune("4") and hoa.old_commune == commune("13", AdminMap.OLD)
    # the page shows the new code afterwards; saving it again keeps the old commune as given
    client.post(f"/doi-tuong/{hoa.pk}/sua/", page_data(hoa, village="Tổ 8"))
    hoa.refresh_from_db()
    assert hoa.old_commune == commune("13", AdminMap.OLD) and hoa.village == "Tổ 8"


def test_bad_input_gives_vietnamese_messages_per_field_and_changes_nothing(cast, hoa, login):
    response = login(cast.ba_dinh_officer).post(
        f"/doi-tuong/{hoa.pk}/sua/?muc_dich=xet-ho-tro",
        page_data(
            hoa,
            full_name="   ",
            birth="30/02/1985",
            id_number="001085012345",  # a man's number
            phone="12345",
            commune_code="999999",
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Trường này là bắt buộc" in html  # the name
    assert "Ngày sinh “30/02/1985” không có thật" in html
    assert "không khớp giới tính" in html
    assert "Số điện thoại “12345” không hợp lệ" in html
    assert "Không có xã/phường mã “999999” trên bản đồ từ 01/07/2025" in html
    hoa.refresh_from_db()
    assert hoa.full_name == "Nguyễn Thị Hoa" and hoa.phone == "0912345678"
    assert not updates(hoa).exists()


def test_the_edit_page_asks_a_holder_of_the_right_for_a_purpose_first(cast, hoa, login):
    client = login(cast.ba_dinh_officer)
    html = client.get(f"/doi-tuong/{hoa.pk}/sua/").content.decode()
    assert 'id="purpose-form"' in html and 'name="muc_dich"' in html
    assert "001185012345" not in html and "0912345678" not in html and "05/03/1985" not in html
    assert 'name="id_number"' not in html and 'name="village"' in html
    assert not SensitiveRead.objects.filter(person=hoa).exists()
    html = client.get(f"/doi-tuong/{hoa.pk}/sua/?muc_dich=to-mo").content.decode()
    assert "Mục đích “to-mo” không có trong danh sách" in html and "001185012345" not in html
    assert not SensitiveRead.objects.filter(person=hoa).exists()
    # saved without a purpose: the other fields change, the sensitive ones are not touched
    data = page_data(hoa, village="Tổ 9", phone="0900000000")
    assert client.post(f"/doi-tuong/{hoa.pk}/sua/", data).status_code == 302
    hoa.refresh_from_db()
    assert (hoa.village, hoa.phone) == ("Tổ 9", "0912345678")
    # the person's page passes the purpose already chosen on to the edit page
    html = client.get(f"/doi-tuong/{hoa.pk}/?muc_dich=lien-lac").content.decode()
    assert f'href="/doi-tuong/{hoa.pk}/sua/?muc_dich=lien-lac"' in html


def test_an_editor_without_the_sensitive_right_neither_sees_nor_changes_sensitive_data(
    cast, hoa, login
):
    client = login(cast.hn_admin)  # edit: yes; sensitive: no
    html = client.get(f"/doi-tuong/{hoa.pk}/sua/").content.decode()
    assert "001185012345" not in html and "0912345678" not in html and "05/03/1985" not in html
    assert 'name="id_number"' not in html and 'id="form-note"' in html
    assert not SensitiveRead.objects.filter(person=hoa).exists()
    data = page_data(hoa, village="Tổ 9", id_number="001185099999", phone="0900000000")
    response = client.post(f"/doi-tuong/{hoa.pk}/sua/", data)
    assert response.status_code == 302
    hoa.refresh_from_db()
    assert hoa.village == "Tổ 9"
    assert (hoa.id_number, hoa.phone, hoa.birth_date) == (
        "001185012345",
        "0912345678",
        date(1985, 3, 5),
    )
    assert set(updates(hoa).get().after) == {"village"}


def test_a_sex_contradicting_the_stored_cccd_is_refused_without_showing_the_number(
    cast, hoa, login
):
    response = login(cast.hn_admin).post(f"/doi-tuong/{hoa.pk}/sua/", page_data(hoa, sex="male"))
    html = response.content.decode()
    assert "không khớp với số CCCD đã lưu" in html and "001185012345" not in html
    hoa.refresh_from_db()
    assert hoa.sex == "female"


def test_a_person_joins_a_household_as_its_head_and_leaves_it(cast, hoa, login):
    household = actions.create_household(
        cast.ba_dinh_officer, organisation=cast.ba_dinh, commune=commune("4"), village="Tổ 5"
    )
    client = login(cast.ba_dinh_officer)
    client.post(
        f"/doi-tuong/{hoa.pk}/sua/",
        page_data(hoa, household=household.pk, relationship="head"),
    )
    household.refresh_from_db()
    assert household.head == hoa
    other = actions.create_person(
        cast.ba_dinh_officer, organisation=cast.ba_dinh, full_name="Lê Văn Nam", household=household
    )
    html = client.post(
        f"/doi-tuong/{other.pk}/sua/",
        page_data(other, household=household.pk, relationship="head"),
    ).content.decode()
    assert "Hộ gia đình này đã có chủ hộ “Nguyễn Thị Hoa”" in html
    client.post(f"/doi-tuong/{hoa.pk}/sua/", page_data(hoa, household="", relationship=""))
    household.refresh_from_db()
    hoa.refresh_from_db()
    assert household.head is None and hoa.household is None


def test_a_merged_record_is_not_edited(cast, hoa, login):
    twin = actions.create_person(
        cast.ba_dinh_officer,
        organisation=cast.ba_dinh,
        full_name="Nguyen Hoa",
        commune=commune("4"),
    )
    actions.merge_persons(cast.ba_dinh_officer, hoa, twin)
    client = login(cast.ba_dinh_officer)
    response = client.get(f"/doi-tuong/{twin.pk}/sua/")
    assert response.status_code == 302 and response.url == f"/doi-tuong/{twin.pk}/"
    response = patch(client, f"/api/persons/{twin.pk}", {"village": "Tổ 1"})
    assert response.status_code == 422 and "đã được gộp" in response.json()["detail"]
    twin.refresh_from_db()
    assert twin.village == "" and not updates(twin).exists()


# ---- the API ----


def test_the_api_changes_only_what_is_sent_and_reports_the_old_map_warning(cast, hoa, login):
    client = login(cast.ba_dinh_officer)
    url = f"/api/persons/{hoa.pk}?purpose=yeu-cau-chu-the"  # the answer shows the birth date
    response = patch(client, url, {"commune_code": "13", "birth": "1985"})
    body = response.json()
    assert response.status_code == 200, body
    assert sorted(body["changed"]) == ["birth_date", "old_commune"]
    assert "mã cũ" in body["warnings"][0]
    assert body["person"]["birth_date"] is None and body["person"]["birth_year"] == 1985
    hoa.refresh_from_db()
    assert hoa.phone == "0912345678" and hoa.old_commune == commune("13", AdminMap.OLD)
    event = updates(hoa).get()
    recorded = event.revealed()  # the personal values sit beside the chain (decision 0025)
    assert recorded["before"]["birth_date"] == "1985-03-05"
    assert recorded["after"]["birth_date"] is None
    assert SensitiveRead.objects.get(person=hoa, channel="api").purpose.code == "yeu-cau-chu-the"
    # without a purpose the change is made but its answer leaves the sensitive fields out
    body = patch(client, f"/api/persons/{hoa.pk}", {"village": "Tổ 6"}).json()
    assert body["changed"] == ["village"] and body["person"]["phone"] is None
    assert SensitiveRead.objects.count() == 1


def test_the_api_refuses_sensitive_changes_without_the_right_and_writes_nothing(cast, hoa, login):
    client = login(cast.hn_admin)
    response = patch(client, f"/api/persons/{hoa.pk}", {"village": "Tổ 2", "id_number": None})
    assert response.status_code == 403 and "id_number" in response.json()["detail"]
    response = patch(client, f"/api/persons/{hoa.pk}", {"vulnerabilities": ["disability"]})
    assert response.status_code == 403
    hoa.refresh_from_db()
    assert hoa.village == "Tổ 5" and hoa.id_number == "001185012345" and not hoa.vulnerabilities
    body = patch(client, f"/api/persons/{hoa.pk}", {"village": "Tổ 2"}).json()
    assert body["person"]["village"] == "Tổ 2" and body["person"]["id_number"] is None


def test_the_api_answers_bad_input_with_field_messages_and_writes_nothing(cast, hoa, login):
    response = patch(
        login(cast.ba_dinh_officer),
        f"/api/persons/{hoa.pk}",
        {"id_number": "00118501234", "birth": "31/02/1985", "organisation": "CTD-8"},
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "CCCD gồm 12 chữ số" in errors["id_number"][0]
    assert "không có thật" in errors["birth"][0]
    assert "ngoài phạm vi" in errors["organisation"][0]
    hoa.refresh_from_db()
    assert hoa.id_number == "001185012345" and not updates(hoa).exists()


def test_a_person_is_transferred_to_another_organisation_in_reach(cast, hoa, login):
    response = patch(login(cast.hn_officer), f"/api/persons/{hoa.pk}", {"organisation": "CTD-X8"})
    assert response.status_code == 200
    hoa.refresh_from_db()
    assert hoa.organisation == cast.ngoc_ha
    event = updates(hoa).get()
    assert (event.before, event.after) == (
        {"organisation": cast.ba_dinh.pk},
        {"organisation": cast.ngoc_ha.pk},
    )
    assert login(cast.ba_dinh_officer).get(f"/doi-tuong/{hoa.pk}/sua/").status_code == 404


# ---- households ----


@pytest.fixture
def household(cast):
    household = actions.create_household(
        cast.ba_dinh_officer, organisation=cast.ba_dinh, commune=commune("4"), village="Tổ 3"
    )
    for name, relationship, village in [
        ("Lê Văn Nam", "head", ""),
        ("Lê Thị Mai", "child", ""),
        ("Lê Văn Tư", "child", "Tổ 12"),  # lives elsewhere (studies in another ward)
    ]:
        actions.create_person(
            cast.ba_dinh_officer,
            organisation=cast.ba_dinh,
            full_name=name,
            household=household,
            relationship=relationship,
            village=village,
        )
    return household


HOUSEHOLD_EDIT = {
    "outsider": 404,
    "ba_dinh_officer": 200,
    "ba_dinh_accountant": 403,
    "ngoc_ha_officer": 404,
    "hn_viewer": 403,
    "hn_manager": 200,
    "hn_admin": 200,
    "tq_officer": 404,
    "front_manager": 404,
}


@pytest.mark.parametrize(("who", "status"), HOUSEHOLD_EDIT.items())
def test_who_may_change_a_household(cast, household, login, who, status):
    client = login(getattr(cast, who))
    assert client.get(f"/ho-gia-dinh/{household.pk}/sua/").status_code == status
    response = patch(client, f"/api/households/{household.pk}", {"address": "Số 1 Ngõ 2"})
    assert response.status_code == status


def test_moving_a_household_moves_the_members_living_there_each_audited(cast, household, login):
    client = login(cast.ba_dinh_officer)
    response = client.post(
        f"/ho-gia-dinh/{household.pk}/sua/",
        {"organisation": "CTD-X4", "commune_code": "8", "village": "Tổ 1", "address": ""},
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.commune == commune("8") and household.village == "Tổ 1"
    event = AuditEvent.objects.about(household).get(action="beneficiaries.household_updated")
    assert event.before == {"commune": commune("4").pk, "village": "Tổ 3"}
    assert event.after == {"commune": commune("8").pk, "village": "Tổ 1"}
    members = {p.full_name: p for p in Person.objects.filter(household=household)}
    assert members["Lê Văn Nam"].commune == commune("8") and members["Lê Thị Mai"].village == "Tổ 1"
    assert members["Lê Văn Tư"].commune == commune("4") and members["Lê Văn Tư"].village == "Tổ 12"
    assert updates(members["Lê Thị Mai"]).exists() and not updates(members["Lê Văn Tư"]).exists()


def test_a_household_given_an_old_commune_code_is_converted_with_a_warning(cast, household, login):
    body = patch(
        login(cast.ba_dinh_officer),
        f"/api/households/{household.pk}",
        {"commune_code": "13", "commune_map": AdminMap.OLD},
    ).json()
    assert "mã cũ" in body["warnings"][0] and body["changed"] == ["old_commune"]
    household.refresh_from_db()
    assert household.old_commune == commune("13", AdminMap.OLD)


def test_a_household_with_bad_input_changes_nothing(cast, household, login):
    client = login(cast.ba_dinh_officer)
    html = client.post(
        f"/ho-gia-dinh/{household.pk}/sua/",
        {"organisation": "CTD-X4", "commune_code": "999999", "village": "Tổ 1"},
    ).content.decode()
    assert "không có trên bản đồ cũ lẫn bản đồ mới" in html
    response = patch(
        client,
        f"/api/households/{household.pk}",
        {"village": "Tổ 9", "poverty": {"year": 2026, "status": "poor"}},
    )
    assert response.status_code == 422
    assert "cơ quan xác nhận" in response.json()["errors"]["poverty.certified_by"][0]
    household.refresh_from_db()
    assert household.village == "Tổ 3" and not HouseholdPoverty.objects.exists()


def test_poverty_status_needs_the_sensitive_right_and_is_audited_old_and_new(
    cast, household, login
):
    url = f"/api/households/{household.pk}"
    poverty = {"year": 2026, "status": "poor", "certified_by": "UBND Phường Ba Đình"}
    assert patch(login(cast.hn_admin), url, {"poverty": poverty}).status_code == 403
    page = login(cast.hn_admin).post(f"/ho-gia-dinh/{household.pk}/", poverty)
    assert page.status_code == 403 and not HouseholdPoverty.objects.exists()
    body = patch(login(cast.ba_dinh_officer), f"{url}?purpose=xet-ho-tro", {"poverty": poverty})
    assert body.json()["household"]["poverty"][0]["status"] == "poor"
    patch(login(cast.ba_dinh_officer), url, {"poverty": {**poverty, "status": "near_poor"}})
    event = AuditEvent.objects.about(household).filter(action="beneficiaries.poverty_set").first()
    recorded = event.revealed()  # the sensitive values sit beside the chain (decision 0025)
    assert recorded["before"]["status"] == "poor" and recorded["after"]["status"] == "near_poor"
