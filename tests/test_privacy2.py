"""Personal data, the remainders of issue #15 (decision 0025, addendum): API reads of
sensitive data state a purpose (`purpose` or the X-Purpose header) or are refused 422; the
export asks for one."""

from datetime import date

import pytest

from nhandao.beneficiaries import actions
from nhandao.beneficiaries.models import SensitiveRead
from nhandao.orgs.models import AdminMap, AdminUnit


@pytest.fixture
def hoa(cast):
    return actions.create_person(
        cast.ba_dinh_officer,
        organisation=cast.ba_dinh,
        full_name="Nguyễn Thị Hoa",
        sex="female",
        birth_date=date(1985, 3, 4),
        id_number="001185012345",
        phone="0912345678",
        village="Tổ 5",
        commune=AdminUnit.objects.get(map=AdminMap.NEW, level="commune", code="4"),
    )


# ---- API reads with a purpose ---------------------------------------------------------------


def test_an_api_read_of_sensitive_data_without_a_purpose_is_refused_in_vietnamese(cast, hoa, login):
    client = login(cast.ba_dinh_officer)
    response = client.get(f"/api/persons/{hoa.pk}")
    assert response.status_code == 422
    message = response.json()["errors"]["purpose"][0]
    assert message.startswith("Cần nêu mục đích đọc thông tin cá nhân")
    assert "xet-ho-tro (Xét duyệt, cấp phát hỗ trợ)" in message and "X-Purpose" in message
    response = client.get(f"/api/persons/{hoa.pk}", {"purpose": "to-mo"})
    assert response.status_code == 422
    assert "Mục đích “to-mo” không có" in response.json()["errors"]["purpose"][0]
    assert not SensitiveRead.objects.exists()


def test_the_purpose_comes_as_a_parameter_or_a_header_and_is_logged_with_the_read(cast, hoa, login):
    client = login(cast.ba_dinh_officer)
    body = client.get(f"/api/persons/{hoa.pk}", {"purpose": "lien-lac"}).json()
    assert body["phone"] == "0912345678"
    body = client.get(f"/api/persons/{hoa.pk}", HTTP_X_PURPOSE="thanh-tra").json()
    assert body["id_number"] == "001185012345"
    reads = SensitiveRead.objects.filter(person=hoa, channel="api").order_by("pk")
    assert [r.purpose.code for r in reads] == ["lien-lac", "thanh-tra"]


def test_a_reader_without_the_sensitive_right_needs_no_purpose_and_reads_nothing(cast, hoa, login):
    body = login(cast.hn_viewer).get(f"/api/persons/{hoa.pk}").json()
    assert body["visibility"] == "full" and body["id_number"] is None
    body = login(cast.hn_viewer).get("/api/persons", {"q": "hoa"}).json()
    assert body["items"][0]["phone"] is None and not SensitiveRead.objects.exists()


def test_the_purposes_are_listed_for_clients(cast, login):
    codes = [p["code"] for p in login(cast.hn_viewer).get("/api/purposes").json()]
    assert codes[:2] == ["xet-ho-tro", "xac-minh"]


def test_the_published_schema_documents_the_purpose_parameter(client):
    schema = client.get("/api/openapi.json").json()
    for path in ("/api/persons", "/api/persons/{person_id}", "/api/households/{household_id}"):
        names = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
        assert "purpose" in names, path
        assert "422" in schema["paths"][path]["get"]["responses"], path


def test_a_household_poverty_read_states_its_purpose_in_the_audit_log(cast, login):
    from nhandao.audit.models import AuditEvent

    commune = AdminUnit.objects.get(map=AdminMap.NEW, level="commune", code="4")
    household = actions.create_household(
        cast.ba_dinh_officer, organisation=cast.ba_dinh, commune=commune
    )
    client = login(cast.ba_dinh_officer)
    assert client.get(f"/api/households/{household.pk}").status_code == 422
    client.get(f"/api/households/{household.pk}", {"purpose": "xet-ho-tro"})
    event = AuditEvent.objects.about(household).get(action="beneficiaries.sensitive_read")
    assert event.after == {"fields": ["poverty"], "channel": "api", "purpose": "xet-ho-tro"}
