"""A person files a request about their data on the public page (no account); it waits in
the organisation's queue, identity not yet verified, its legal deadline running; an officer
verifies who they are and links it to their record, and the usual workflow goes on
(orgs/datarequests.py, portal/datarequests.py; decision 0025)."""

import io
import re
from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from nhandao.audit.models import AuditEvent
from nhandao.beneficiaries import actions, privacy
from nhandao.beneficiaries.models import DataRequest
from nhandao.lib.models import Notification
from nhandao.orgs import datarequests
from nhandao.orgs.models import AdminMap, AdminUnit, DataRequestFiling
from nhandao.people import actions as people
from nhandao.people.models import IndividualDataRequest

URL = "/cong-khai/yeu-cau-du-lieu/"


@pytest.fixture
def hoa(cast):
    return actions.create_person(
        cast.ba_dinh_officer, organisation=cast.ba_dinh, full_name="Nguyễn Thị Hoa",
        sex="female", birth_date=date(1985, 3, 4), phone="0912345678",
        commune=AdminUnit.objects.get(map=AdminMap.NEW, level="commune", code="4"),
    )  # fmt: skip


@pytest.fixture
def an(cast):
    return people.create_individual(
        cast.ba_dinh_officer, organisation=cast.ba_dinh, full_name="Trần Văn An",
        birth_date=date(1990, 5, 1), phone="0912000111",
    )  # fmt: skip


def filed(cast, **changes):
    data = {"kind": "see", "full_name": "Nguyễn Thị Hoa", "contact": "0912 345 678",
            "organisation": cast.ba_dinh.pk, "records": "beneficiary",
            "detail": "Tôi muốn biết hội đang giữ những thông tin gì về tôi."}  # fmt: skip
    data.update(changes)
    return data


def nothing_written():
    return not (
        DataRequestFiling.objects.exists()
        or Notification.objects.filter(kind="requests").exists()
        or AuditEvent.objects.filter(action="orgs.data_request_filing").exists()
    )


def test_the_public_form_is_linked_from_every_footer_and_open_to_anyone(cast, client):
    page = client.get("/cong-khai/").content.decode()
    assert f'href="{URL}"' in page and "Yêu cầu về dữ liệu cá nhân" in page
    response = client.get(URL)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Yêu cầu về dữ liệu cá nhân của tôi" in text and "Nghị định 13/2023" in text
    for words in ("Xem, nhận bản sao dữ liệu", "Tôi không rõ", "Số điện thoại hoặc thư điện tử"):
        assert words.lower() in text.lower()
    assert "CTD-X4" not in text  # the organisation is picked by name, never by a code


def test_a_filed_request_waits_unverified_with_its_deadline_and_tells_the_holders(cast, client):
    before = timezone.now()
    response = client.post(URL, filed(cast))
    assert response.status_code == 200
    filing = DataRequestFiling.objects.get()
    text = response.content.decode()
    assert filing.reference in text and re.fullmatch(r"YC\d{4}-\d{6}", filing.reference)
    assert f"{timezone.localtime(filing.due_at):%d/%m/%Y}" in text
    assert filing.status == "unverified" and filing.organisation == cast.ba_dinh
    assert filing.due_at - filing.received_at == timedelta(hours=72)
    assert filing.received_at >= before and filing.contact == "0912345678"
    assert filing.history.get().to_status == "unverified"
    told = {n.user for n in Notification.objects.filter(kind="requests")}
    assert cast.ba_dinh_officer in told and cast.hn_viewer not in told
    event = AuditEvent.objects.get(action="orgs.data_request_filing")
    assert "Hoa" not in f"{event.object_repr} {event.after}"  # no personal data in the chain
    assert "0912345678" not in str(event.after)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"full_name": "  "}, "Họ và tên: Không được để trống."),
        ({"contact": "gọi tôi"}, "Cần một số điện thoại (9–11 chữ số) hoặc một địa chỉ thư"),
        ({"contact": "12345"}, "Cần một số điện thoại (9–11 chữ số)"),
        ({"kind": "mua-ban"}, "Bạn muốn: Hãy chọn một loại trong danh sách."),
        ({"kind": ""}, "Bạn muốn: Hãy chọn xem, sửa, xoá hoặc hạn chế."),
        ({"organisation": ""}, "Hãy chọn tổ chức đang giữ dữ liệu của bạn"),
        ({"organisation": "999999"}, "Hãy chọn một tổ chức trong danh sách."),
        ({"records": "khac"}, "Dữ liệu nào: Hãy chọn một mục trong danh sách."),
        ({"detail": "x" * 4001}, "Tối đa 4.000 ký tự."),
    ],
)
def test_bad_input_is_refused_in_vietnamese_and_nothing_is_written(cast, client, changes, message):
    response = client.post(URL, filed(cast, **changes))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert nothing_written()


def test_a_partner_is_not_a_public_organisation_to_file_with(cast, client):
    from nhandao.orgs.models import OrgKind, OrgLevel
    from tests.conftest import make_org

    partner = make_org(cast.root, cast.hanoi, "DT-1", "Công ty Đối tác", OrgLevel.COMMUNE,
                       kind=OrgKind.PARTNER)  # fmt: skip
    response = client.post(URL, filed(cast, organisation=partner.pk))
    assert response.status_code == 422 and nothing_written()


def test_filing_is_rate_limited_per_client(cast, client, monkeypatch):
    monkeypatch.setenv("PORTAL_RATE_LIMITS", "request=2/3600")
    for _ in range(2):
        assert client.post(URL, filed(cast)).status_code == 200
    response = client.post(URL, filed(cast))
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "Có quá nhiều yêu cầu gửi từ thiết bị này" in response.content.decode()
    assert DataRequestFiling.objects.count() == 2  # the third wrote nothing
    assert client.get(URL).status_code == 200  # reading the form is not counted


def test_the_organisation_picker_finds_public_organisations_by_folded_name(cast, client):
    found = client.get("/cong-khai/tra-cuu/to-chuc", {"q": "ba dinh"}).json()["results"]
    names = [r["text"] for r in found]
    assert "Hội Chữ thập đỏ Phường Ba Đình" in names
    assert all("CTD" not in f"{r['text']} {r['hint']}" for r in found)  # no codes shown
    assert str(cast.ba_dinh.pk) in [r["value"] for r in found]


def test_the_officer_sees_it_in_both_queues_and_others_do_not(cast, client, login):
    client.post(URL, filed(cast, records="unknown"))
    filing = DataRequestFiling.objects.get()
    officer = login(cast.ba_dinh_officer)
    for queue in ("/du-lieu-ca-nhan/", "/ca-nhan/yeu-cau-du-lieu/"):
        text = officer.get(queue).content.decode()
        assert filing.reference in text and "chờ xác minh danh tính" in text
    page = officer.get(f"/du-lieu-ca-nhan/cong-khai/{filing.pk}/").content.decode()
    assert "Nguyễn Thị Hoa" in page and "0912345678" in page and "Tôi không rõ" in page
    assert (
        filing.reference
        not in login(cast.ngoc_ha_officer).get("/du-lieu-ca-nhan/").content.decode()
    )
    assert (
        login(cast.ngoc_ha_officer).get(f"/du-lieu-ca-nhan/cong-khai/{filing.pk}/").status_code
        == 404
    )


def test_linking_to_a_person_keeps_the_clock_and_the_workflow_goes_on(cast, client, login, hoa):
    client.post(URL, filed(cast, kind="erase"))
    filing = DataRequestFiling.objects.get()
    officer = login(cast.ba_dinh_officer)
    response = officer.post(f"/du-lieu-ca-nhan/cong-khai/{filing.pk}/", {
        "so": "beneficiaries", "beneficiaries-subject": hoa.pk,
        "note": "Đối chiếu CCCD tại trụ sở"})  # fmt: skip
    req = DataRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/du-lieu-ca-nhan/{req.pk}/"
    assert (req.received_at, req.due_at, req.filing) == (filing.received_at, filing.due_at, filing)
    assert req.person == hoa and req.kind.code == "erase" and req.created_by == cast.ba_dinh_officer
    assert req.requested_by == "Nguyễn Thị Hoa (0912345678), gửi qua trang công khai"
    filing.refresh_from_db()
    assert filing.status == "linked" and filing.answered_at is not None
    assert [h.to_status for h in filing.history.order_by("pk")] == ["unverified", "linked"]
    assert AuditEvent.objects.get(action="orgs.data_request_link").after["status"] == "linked"
    assert AuditEvent.objects.get(action="beneficiaries.data_request").after["filing"] == filing.pk
    privacy.answer_request(cast.ba_dinh_officer, req, "done")
    hoa.refresh_from_db()
    assert hoa.erased_at is not None and hoa.full_name == f"Người đã xoá dữ liệu #{hoa.pk}"
    page = officer.get(f"/du-lieu-ca-nhan/cong-khai/{filing.pk}/").content.decode()
    assert f"/du-lieu-ca-nhan/{req.pk}/" in page and "Liên kết</button>" not in page


def test_linking_to_a_member_of_the_people_registry(cast, client, login, an):
    client.post(URL, filed(cast, records="people", full_name="Trần Văn An"))
    filing = DataRequestFiling.objects.get()
    response = login(cast.ba_dinh_officer).post(f"/du-lieu-ca-nhan/cong-khai/{filing.pk}/", {
        "so": "people", "people-subject": an.code})  # fmt: skip
    req = IndividualDataRequest.objects.get()
    assert response["Location"] == f"/ca-nhan/yeu-cau-du-lieu/{req.pk}/"
    assert req.individual == an and req.due_at == filing.due_at


def test_linking_needs_a_record_in_reach_and_a_refusal_needs_a_reason(cast, client, login, hoa):
    client.post(URL, filed(cast))
    filing = DataRequestFiling.objects.get()
    page = f"/du-lieu-ca-nhan/cong-khai/{filing.pk}/"
    officer = login(cast.ba_dinh_officer)
    response = officer.post(page, {"so": "beneficiaries", "beneficiaries-subject": ""})
    assert response.status_code == 422 and "Hồ sơ: hãy chọn hồ sơ của người gửi" in (
        response.content.decode())  # fmt: skip
    other = actions.create_person(cast.ngoc_ha_officer, organisation=cast.ngoc_ha,
                                  full_name="Lê Văn Ngoài", sex="male")  # fmt: skip
    response = officer.post(page, {"so": "beneficiaries", "beneficiaries-subject": other.pk})
    assert "không tìm thấy hồ sơ đã chọn trong phạm vi của bạn" in response.content.decode()
    response = officer.post(page, {"to": "refused", "note": ""})
    assert "Cần ghi lý do từ chối" in response.content.decode()
    assert not DataRequest.objects.exists()
    filing.refresh_from_db()
    assert filing.status == "unverified"
    officer.post(page, {"to": "refused", "note": "Không xác minh được danh tính sau 2 lần gọi"})
    filing.refresh_from_db()
    assert filing.status == "refused" and filing.answered_at is not None
    assert login(cast.hn_viewer).post(page, {"to": "refused", "note": "x"}).status_code == 404


def test_an_unverified_filing_near_its_deadline_is_reminded(cast, client, time_machine):
    time_machine.move_to(timezone.make_aware(datetime(2026, 6, 1, 9, 0)), tick=False)
    client.post(URL, filed(cast))
    filing = DataRequestFiling.objects.get()
    time_machine.move_to(timezone.make_aware(datetime(2026, 6, 3, 19, 0)), tick=False)
    out = io.StringIO()
    call_command("deadlines", stdout=out)
    assert out.getvalue().splitlines() == [
        f"09:00 04/06/2026 · còn 14 giờ · yêu cầu về dữ liệu cá nhân · {cast.ba_dinh.name} · "
        f"Xem, nhận bản sao dữ liệu {filing.reference} (gửi qua trang công khai, chưa xác minh)",
        "1 việc cần nhắc.",
    ]


def test_the_action_refuses_what_the_form_would(cast):
    with pytest.raises(Exception, match="Tổ chức: hãy chọn"):
        datarequests.file_request(None, "see", "A", "0912345678", "unknown")
    assert nothing_written()


def test_a_person_who_restricted_their_data_can_still_be_linked(cast, client, login, hoa):
    """Restricted persons leave every list and search, but the same person may later ask to
    see or erase their data: the linking picker finds them, marked, within "sensitive" reach."""
    privacy.restrict_person(cast.ba_dinh_officer, hoa)
    assert login(cast.ngoc_ha_officer).get("/tra-cuu/nguoi-yeu-cau?q=hoa").json()["results"] == []
    officer = login(cast.ba_dinh_officer)
    assert officer.get("/tra-cuu/nguoi?q=hoa").json()["results"] == []
    found = officer.get("/tra-cuu/nguoi-yeu-cau?q=nguyen+thi+hoa").json()["results"]
    assert [r["value"] for r in found] == [str(hoa.pk)]
    assert found[0]["text"].startswith("Nguyễn Thị Hoa") and found[0]["text"].endswith(
        " · hạn chế xử lý"
    )
    client.post(URL, filed(cast, kind="erase"))
    filing = DataRequestFiling.objects.get()
    officer.post(f"/du-lieu-ca-nhan/cong-khai/{filing.pk}/", {
        "so": "beneficiaries", "beneficiaries-subject": hoa.pk})  # fmt: skip
    assert DataRequest.objects.get().person == hoa


def test_the_filer_is_told_the_outcome_by_email_or_text_message(cast, client, login, hoa, tasks):
    """A refusal, and the answer of a linked request, reach the contact the filer left: an
    email address by email, a phone by SMS; the pages say so, or say to call."""
    from django.core import mail

    from nhandao.lib import sms

    client.post(URL, filed(cast, contact="hoa@example.vn"))
    by_email = DataRequestFiling.objects.get()
    officer = login(cast.ba_dinh_officer)
    page = f"/du-lieu-ca-nhan/cong-khai/{by_email.pk}/"
    officer.post(page, {"to": "refused", "note": "Không xác minh được danh tính"})
    assert mail.outbox == []  # after commit, by the worker
    tasks.run()
    (message,) = mail.outbox
    assert message.to == ["hoa@example.vn"] and by_email.reference in message.subject
    assert "không được xử lý" in message.body and "Không xác minh được danh tính" in message.body
    by_email.refresh_from_db()
    assert by_email.told_by == "email" and by_email.told_at is not None
    assert 'id="filer-told"' in officer.get(page).content.decode()

    client.post(URL, filed(cast, kind="erase", contact="0912 345 678"))
    by_phone = DataRequestFiling.objects.exclude(pk=by_email.pk).get()
    officer.post(f"/du-lieu-ca-nhan/cong-khai/{by_phone.pk}/", {
        "so": "beneficiaries", "beneficiaries-subject": hoa.pk, "note": "CCCD"})  # fmt: skip
    req = DataRequest.objects.get()
    tasks.run()
    assert sms.outbox == []  # linking is not an outcome
    privacy.answer_request(cast.ba_dinh_officer, req, "done")
    tasks.run()
    (text,) = sms.outbox
    assert text.to == "0912345678" and f"{by_phone.reference} da duoc thuc hien" in text.text
    assert len(text.text) <= sms.SEGMENT
    page = officer.get(f"/du-lieu-ca-nhan/{req.pk}/").content.decode()
    assert 'id="filer-told"' in page and "tin nhắn" in page


def test_without_an_sms_channel_the_page_says_to_call_the_filer(cast, client, login, tasks,
                                                                settings):  # fmt: skip
    settings.SMS_BACKEND = ""  # production without a gateway
    from nhandao.lib import sms

    client.post(URL, filed(cast))
    filing = DataRequestFiling.objects.get()
    officer = login(cast.ba_dinh_officer)
    page = f"/du-lieu-ca-nhan/cong-khai/{filing.pk}/"
    officer.post(page, {"to": "refused", "note": "Trùng yêu cầu trước"})
    tasks.run()
    filing.refresh_from_db()
    assert filing.told_at is None and sms.outbox == []
    text = officer.get(page).content.decode()
    assert 'id="filer-not-told"' in text and "hãy báo họ qua 0912345678" in text
