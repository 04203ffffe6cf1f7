"""Personal data, the remainders of issue #15 (decision 0025, addendum): API reads of
sensitive data state a purpose (`purpose` or the X-Purpose header) or are refused 422; the
export asks for one."""

import io
from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone

from nhandao.audit import ledger
from nhandao.audit.models import AuditEvent
from nhandao.beneficiaries import actions, privacy
from nhandao.beneficiaries.models import SensitiveRead
from nhandao.lib.errors import Refused
from nhandao.lib.models import Notification
from nhandao.orgs.models import AdminMap, AdminUnit
from nhandao.people import actions as people
from nhandao.people import membership as ms
from nhandao.people import privacy as people_privacy
from nhandao.people.models import Individual, IndividualDataRequest
from nhandao.reports import actions as reports
from nhandao.reports.models import Report


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
    commune = AdminUnit.objects.get(map=AdminMap.NEW, level="commune", code="4")
    household = actions.create_household(
        cast.ba_dinh_officer, organisation=cast.ba_dinh, commune=commune
    )
    client = login(cast.ba_dinh_officer)
    assert client.get(f"/api/households/{household.pk}").status_code == 422
    client.get(f"/api/households/{household.pk}", {"purpose": "xet-ho-tro"})
    event = AuditEvent.objects.about(household).get(action="beneficiaries.sensitive_read")
    assert event.after == {"fields": ["poverty"], "channel": "api", "purpose": "xet-ho-tro"}


# ---- deadlines: reports due or late, data requests near their legal deadline ------------------


def deadlines(*args) -> str:
    out = io.StringIO()
    call_command("deadlines", *args, stdout=out)
    return out.getvalue()


def test_the_documented_output_of_deadlines_with_nothing_due(cast):
    assert deadlines() == "Không có việc nào đến hạn trong 7 ngày tới.\n"
    with pytest.raises(CommandError, match="--days phải từ 0 đến 365"):
        deadlines("--days", "400")


def test_deadlines_list_reports_due_soon_or_late_and_requests_near_their_deadline(
    cast, hoa, time_machine
):
    time_machine.move_to(timezone.make_aware(datetime(2026, 6, 1, 9, 0)), tick=False)
    report = reports.open_report(cast.ba_dinh_officer, cast.ba_dinh, "2026-H1")
    Report.objects.filter(pk=report.pk).update(due_on=date(2026, 6, 5))
    late = reports.open_report(cast.hn_officer, cast.hanoi, "2025-H2")
    Report.objects.filter(pk=late.pk).update(due_on=date(2026, 5, 30))
    far = reports.open_report(cast.ngoc_ha_officer, cast.ngoc_ha, "2025-H1")
    Report.objects.filter(pk=far.pk).update(due_on=date(2026, 7, 1))
    req = privacy.receive_request(cast.ba_dinh_officer, hoa, "erase", "Chính chủ")
    assert "yêu cầu" not in deadlines()  # received now: 72 hours left, not yet near
    time_machine.move_to(timezone.make_aware(datetime(2026, 6, 3, 19, 0)), tick=False)
    lines = deadlines().splitlines()
    assert lines == [
        f"30/05/2026 · quá hạn 4 ngày · báo cáo · {cast.hanoi.name} · "
        f"Báo cáo {late.period_label} (Đang soạn)",
        f"09:00 04/06/2026 · còn 14 giờ · yêu cầu về dữ liệu cá nhân · {cast.ba_dinh.name} · "
        f"Xoá dữ liệu #{req.pk} (đối tượng thụ hưởng)",
        f"05/06/2026 · còn 2 ngày · báo cáo · {cast.ba_dinh.name} · "
        f"Báo cáo {report.period_label} (Đang soạn)",
        "3 việc cần nhắc.",
    ]
    assert "Ngọc Hà" not in "\n".join(lines)  # due in July


def test_deadlines_notify_who_must_act_once_a_day(cast, hoa, time_machine):
    time_machine.move_to(timezone.make_aware(datetime(2026, 6, 1, 9, 0)), tick=False)
    req = privacy.receive_request(cast.ba_dinh_officer, hoa, "see", "Chính chủ")
    report = reports.open_report(cast.ba_dinh_officer, cast.ba_dinh, "2026-H1")
    Report.objects.filter(pk=report.pk).update(due_on=date(2026, 6, 4))
    time_machine.move_to(timezone.make_aware(datetime(2026, 6, 4, 10, 0)), tick=False)
    Notification.objects.all().delete()
    out = deadlines("--notify")
    told = Notification.objects.filter(kind="deadlines")
    assert out.splitlines()[-1] == f"Đã gửi {told.count()} thông báo."
    request_users = {n.user for n in told.filter(link=f"/du-lieu-ca-nhan/{req.pk}/")}
    assert cast.ba_dinh_officer in request_users and cast.hn_viewer not in request_users
    subject = told.filter(link=f"/du-lieu-ca-nhan/{req.pk}/").first().subject
    assert subject.startswith("Yêu cầu về dữ liệu cá nhân quá hạn 1 giờ:")
    assert told.filter(link=f"/bao-cao/{report.pk}/", user=cast.ba_dinh_officer).exists()
    assert deadlines("--notify").splitlines()[-1] == "Đã gửi 0 thông báo."  # once a day


# ---- data requests of the people registry (members, volunteers, blood donors) ---------------


@pytest.fixture
def an(cast):
    return people.create_individual(
        cast.ba_dinh_officer, organisation=cast.ba_dinh, full_name="Trần Văn An",
        birth_date=date(1990, 5, 1), phone="0912000111", email="an@example.vn",
        id_number="001090001111", address="Số 3 ngõ 5", consent_contact=True,
        consent_publish=True,
    )  # fmt: skip


def test_an_individuals_request_gets_its_legal_deadline_and_tells_the_other_holders(cast, an):
    before = timezone.now()
    req = people_privacy.receive_request(cast.hn_officer, an, "see", "Chính chủ, qua Hội tỉnh")
    assert req.due_at - req.received_at == timedelta(hours=72) and req.received_at >= before
    assert req.history.get().to_status == "received" and req.organisation == cast.ba_dinh
    told = Notification.objects.filter(kind="requests")
    assert {n.user for n in told} == {cast.ba_dinh_officer}  # the record's organisation
    assert told.get().link == f"/ca-nhan/yeu-cau-du-lieu/{req.pk}/"
    with pytest.raises(Refused, match="Loại yêu cầu") as refused:
        people_privacy.receive_request(cast.ba_dinh_officer, an, "xoa-het", "Chính chủ")
    assert refused.value.field == "kind"
    with pytest.raises(PermissionDenied):
        people_privacy.receive_request(cast.hn_viewer, an, "see", "Chính chủ")
    assert IndividualDataRequest.objects.count() == 1


def test_erasing_an_individual_pseudonymises_and_keeps_fees_receipts_and_ledger(cast, an):
    ms.set_schedule(cast.tw_manager, year=2026, amount_per_month=1_000,
                    exemption_cap_percent=10,
                    shares={"branch": 50, "commune": 30, "province": 15, "central": 5})  # fmt: skip
    membership = ms.join(cast.root, an, cast.ba_dinh, kind="member", started_on=date(2025, 1, 1))
    payment = ms.record_payment(cast.ba_dinh_accountant, membership, year=2026, months=[1, 2],
                                paid_on=date(2026, 3, 1))  # fmt: skip
    req = people_privacy.receive_request(cast.ba_dinh_officer, an, "erase", "Chính chủ")
    with pytest.raises(Refused, match="lý do"):
        people_privacy.answer_request(cast.ba_dinh_officer, req, "refused")
    people_privacy.answer_request(cast.ba_dinh_officer, req, "done")
    an.refresh_from_db()
    assert an.full_name == f"Người đã xoá dữ liệu {an.code}"
    assert (an.phone, an.email, an.id_number, an.address, an.birth_date) == ("", "", "", "", None)
    assert not an.consent_contact and not an.consent_publish and an.erased_at and an.restricted_at
    payment.refresh_from_db()  # the receipt, its amount and the ledger are kept
    assert payment.amount == 2_000 and payment.receipt_number.endswith("-00001")
    assert payment.individual_id == an.pk and an.memberships.count() == 1
    account = ledger.account_for(cast.ba_dinh, earmark=ms.FEE_EARMARK)
    assert account.balance() > 0 and ledger.verify(account).ok
    req.refresh_from_db()
    assert req.status == "done" and req.answered_at is not None
    actions_done = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"people.data_request", "people.data_request_answer",
            "people.individual_erase"} <= actions_done  # fmt: skip
    with pytest.raises(Refused, match="đã được xoá"):
        people_privacy.receive_request(cast.ba_dinh_officer, an, "see", "Chính chủ")


def test_restricting_an_individual_withdraws_both_consents(cast, an):
    req = people_privacy.receive_request(cast.ba_dinh_officer, an, "restrict", "Người đại diện")
    people_privacy.answer_request(cast.ba_dinh_officer, req, "done")
    an.refresh_from_db()
    assert an.restricted_at and not an.erased_at and an.phone == "0912000111"
    assert not an.consent_contact and not an.consent_publish


def test_the_individual_request_pages(cast, an, login):
    client = login(cast.ba_dinh_officer)
    assert 'id="data-request"' in client.get(f"/ca-nhan/{an.pk}/").content.decode()
    url = f"/ca-nhan/{an.pk}/yeu-cau-du-lieu/"
    page = client.post(url, {"kind": "erase", "requested_by": ""})
    assert page.status_code == 422
    assert "Người yêu cầu: không được để trống." in page.content.decode()
    response = client.post(url, {"kind": "erase", "requested_by": "Chính chủ", "detail": "Xoá"})
    req = IndividualDataRequest.objects.get()
    assert response.url == f"/ca-nhan/yeu-cau-du-lieu/{req.pk}/"
    listing = client.get("/ca-nhan/yeu-cau-du-lieu/").content.decode()
    assert "Trần Văn An" in listing
    client.post(f"/ca-nhan/yeu-cau-du-lieu/{req.pk}/", {"to": "done"})
    html = client.get(f"/ca-nhan/yeu-cau-du-lieu/{req.pk}/").content.decode()
    assert "Đã thực hiện" in html and "Người đã xoá dữ liệu" in html
    assert login(cast.hn_viewer).get(f"/ca-nhan/yeu-cau-du-lieu/{req.pk}/").status_code == 404
    assert login(cast.hn_viewer).get("/ca-nhan/yeu-cau-du-lieu/").status_code == 403


def test_the_demo_request_waits_near_its_deadline_and_is_reminded_of(cast):
    from nhandao.demo import beneficiaries as demo

    commune = AdminUnit.objects.get(map=AdminMap.NEW, level="commune", code="4")
    household = actions.create_household(
        cast.ba_dinh_officer, organisation=cast.ba_dinh, commune=commune
    )
    head = actions.create_person(cast.ba_dinh_officer, organisation=cast.ba_dinh,
                                 full_name="Lê Văn Nam", household=household,
                                 relationship="head")  # fmt: skip
    req = demo.seed_data_request({"communes": {"4": cast.ba_dinh}}, receiver="ba_dinh_officer")
    assert req.person == head and req.status == "received" and req.kind.code == "see"
    assert timedelta(hours=21) < req.__class__.objects.get(pk=req.pk).due_at - timezone.now()
    line = deadlines().splitlines()[0]
    assert "còn 21 giờ · yêu cầu về dữ liệu cá nhân" in line and f"#{req.pk}" in line


def test_the_documented_output_of_deadlines(cast, hoa, time_machine):
    """docs/howto.md, "Deadlines": the example block, line for line."""
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "howto.md").read_text()
    block = text.split("$ nhandao deadlines\n", 1)[1].split("```", 1)[0].splitlines()
    time_machine.move_to(timezone.make_aware(datetime(2026, 6, 1, 9, 0)), tick=False)
    late = reports.open_report(cast.hn_officer, cast.hanoi, "2025-H2")
    Report.objects.filter(pk=late.pk).update(due_on=date(2026, 5, 30))
    req = privacy.receive_request(cast.ba_dinh_officer, hoa, "erase", "Chính chủ")
    time_machine.move_to(timezone.make_aware(datetime(2026, 6, 3, 19, 0)), tick=False)
    assert deadlines().splitlines() == [line.replace("#1 ", f"#{req.pk} ") for line in block]


def test_an_erased_or_restricted_individual_gets_nothing_back_by_an_edit(cast, an):
    other = people.create_individual(cast.ba_dinh_officer, organisation=cast.ba_dinh,
                                     full_name="Lê Thị Bình")  # fmt: skip
    people_privacy.restrict_individual(cast.ba_dinh_officer, other)
    with pytest.raises(Refused, match="hạn chế xử lý") as refused:
        people.update_individual(cast.ba_dinh_officer, other, consent_publish=True)
    assert refused.value.field == "consent_publish"
    people.update_individual(cast.ba_dinh_officer, other, address="Số 9")  # other edits go on
    people_privacy.erase_individual(cast.ba_dinh_officer, an)
    with pytest.raises(Refused, match="đã được xoá"):
        people.update_individual(cast.ba_dinh_officer, an, phone="0912000111")
    an.refresh_from_db()
    assert an.phone == "" and not Individual.objects.get(pk=other.pk).consent_publish
