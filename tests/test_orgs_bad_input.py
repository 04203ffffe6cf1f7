"""Bad input to organisation forms and API calls: a Vietnamese message naming the field,
and nothing written."""

import pytest

from nhandao.audit.models import AuditEvent
from nhandao.orgs.models import Organisation, Role


@pytest.fixture
def admin_api(cast, login):
    client = login(cast.hn_admin)

    def post(url, data):
        before = (Organisation.objects.count(), Role.objects.count(), AuditEvent.objects.count())
        paths = dict(Organisation.objects.values_list("pk", "path"))
        response = client.post(url, data, content_type="application/json")
        if response.status_code >= 400:  # nothing half-written
            after = (Organisation.objects.count(), Role.objects.count(), AuditEvent.objects.count())
            assert after == before
            assert dict(Organisation.objects.values_list("pk", "path")) == paths
        return response

    return post


def errors_of(response):
    assert response.status_code == 422, response.content
    return response.json()["errors"]


def test_merging_an_organisation_into_its_own_descendant_is_refused(cast, admin_api):
    response = admin_api(
        f"/api/orgs/{cast.ba_dinh.pk}/merge", {"sources": ["CTD-1"], "on": "2026-01-01"}
    )
    # Hà Nội (CTD-1) is within hn_admin's reach, but Ba Đình lies below it.
    assert "cấp dưới" in " ".join(errors_of(response)["into"])


def test_merging_an_organisation_into_itself_is_refused(cast, admin_api):
    response = admin_api(
        f"/api/orgs/{cast.ba_dinh.pk}/merge", {"sources": ["CTD-X4"], "on": "2026-01-01"}
    )
    assert "chính nó" in errors_of(response)["sources"][0]


def test_moving_a_node_under_itself_or_its_descendant_is_refused(cast, admin_api):
    response = admin_api(f"/api/orgs/{cast.hanoi.pk}/move", {"new_parent": "CTD-X4"})
    assert "cấp dưới" in errors_of(response)["new_parent"][0]
    response = admin_api(f"/api/orgs/{cast.ba_dinh.pk}/move", {"new_parent": "CTD-X4"})
    assert "chính nó" in errors_of(response)["new_parent"][0]


def test_granting_a_role_outside_the_admins_reach_is_refused(cast, admin_api):
    response = admin_api(
        "/api/roles", {"username": "outsider", "organisation": "CTD-8", "role": "manager"}
    )
    assert "ngoài phạm vi" in errors_of(response)["organisation"][0]
    assert not Role.objects.filter(user=cast.outsider).exists()


def test_an_unknown_unit_code_is_refused(cast, admin_api):
    response = admin_api(
        "/api/orgs",
        {
            "parent": "CTD-1",
            "code": "CTD-NEW",
            "name": "Chi hội",
            "kind": "red_cross",
            "level": "branch",
            "admin_unit_code": "999999",
        },
    )
    assert "999999" in errors_of(response)["admin_unit_code"][0]


def test_a_second_organisation_with_the_same_code_is_refused(cast, admin_api):
    response = admin_api(
        "/api/orgs",
        {
            "parent": "CTD-1",
            "code": "ctd-x4",
            "name": "Trùng mã",
            "kind": "red_cross",
            "level": "commune",
        },
    )
    assert "đã được dùng" in errors_of(response)["code"][0]


def test_an_empty_name_is_refused(cast, admin_api):
    response = admin_api(
        "/api/orgs",
        {
            "parent": "CTD-1",
            "code": "CTD-NEW",
            "name": "   ",
            "kind": "red_cross",
            "level": "branch",
        },
    )
    assert errors_of(response)["name"]
    response = admin_api(f"/api/orgs/{cast.ba_dinh.pk}/rename", {"name": ""})
    assert errors_of(response)["name"]


def test_a_missing_or_mistyped_field_gets_a_vietnamese_message(cast, admin_api):
    response = admin_api(f"/api/orgs/{cast.ba_dinh.pk}/dissolve", {"successor": "CTD-1"})
    assert errors_of(response) == {"on": ["Trường này là bắt buộc."]}
    response = admin_api(
        f"/api/orgs/{cast.ba_dinh.pk}/dissolve", {"successor": "CTD-1", "on": "hôm qua"}
    )
    assert "Ngày không hợp lệ" in errors_of(response)["on"][0]


def test_a_valid_creation_through_the_api_is_written_and_audited(cast, admin_api):
    response = admin_api(
        "/api/orgs",
        {
            "parent": "CTD-X4",
            "code": "CTD-X4-CH1",
            "name": "Chi hội Tổ dân phố 1",
            "kind": "red_cross",
            "level": "branch",
            "admin_unit_code": "4",
        },
    )
    assert response.status_code == 201
    org = Organisation.objects.get(code="CTD-X4-CH1")
    assert org.parent == cast.ba_dinh and org.admin_unit.name == "Phường Ba Đình"
    assert AuditEvent.objects.about(org).filter(action="org.create").exists()


def test_the_html_form_shows_the_message_next_to_the_field(cast, login):
    client = login(cast.hn_admin)
    before = Organisation.objects.count()
    page = client.post(
        "/to-chuc/tao/",
        {
            "parent": "CTD-8",
            "code": "X",
            "name": "Y",
            "kind": "red_cross",
            "level": "branch",
            "admin_map": "2025-07",
        },
    )
    assert page.status_code == 200
    assert "nằm ngoài phạm vi của bạn" in page.content.decode()
    assert Organisation.objects.count() == before


def test_the_merge_page_refuses_a_merge_into_a_descendant(cast, login):
    client = login(cast.hn_admin)
    page = client.post(
        f"/to-chuc/{cast.ba_dinh.pk}/hop-nhat/", {"sources": "CTD-1", "on": "01/01/2026"}
    )
    assert "không thể hợp nhất" in page.content.decode()
    assert Organisation.objects.get(pk=cast.hanoi.pk).status == "active"


def test_a_browser_set_to_english_still_gets_vietnamese_messages(cast, client):
    # the cash form leaves the organisation's "required" message to Django's own catalogue
    client.force_login(cast.hn_accountant)
    english = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
    page = client.post("/ung-ho/them/cash/", {"amount": "1"}, **english).content.decode()
    assert "Trường này là bắt buộc." in page and "This field is required." not in page
