"""Blood pages and API as users meet them: the public list and registration on a drive's
page, the officer's result sheet (and its refusals shown on the form), the call list, the
honour list, the certificate and the public honour page (consent), the home page items."""

import io
import json
from datetime import date, timedelta

from docx import Document

from nhandao.audit.models import AuditEvent
from nhandao.blood import honours
from nhandao.blood.models import Donation, Donor, DriveStatus, Honour, Registration
from nhandao.lib.exports import Sheet, xlsx_bytes
from tests.test_blood import TODAY, _history, frozen_today, make_donor, make_drive  # noqa: F401

D = DriveStatus


def test_the_public_finds_upcoming_drives_by_province_and_registers(cast, client):
    drive = make_drive(cast, day=TODAY + timedelta(days=3), status=D.OPEN)
    make_drive(cast, day=TODAY + timedelta(days=4), status=D.OPEN, org=cast.tq_commune,
               name="Hiến máu Tuyên Quang")  # fmt: skip
    page = client.get("/cong-khai/hien-mau/?tinh=1").content.decode()
    assert drive.name in page and "Hiến máu Tuyên Quang" not in page
    url = f"/cong-khai/hien-mau/{drive.code}/"
    assert "Đăng ký hiến máu" in client.get(url).content.decode()
    form = {"full_name": "Hoàng Thị Thu", "birth_date": "12/08/1998", "sex": "female",
            "phone": "0987654321", "weight_kg": "50", "feels_well": "on",
            "consent_contact": "on"}  # fmt: skip
    answer = client.post(url, form)
    assert answer.status_code == 200 and "Bạn đã đăng ký hiến máu ngày" in answer.content.decode()
    registration = Registration.objects.get()
    assert registration.declaration == {"feels_well": True, "no_recent_illness": False,
                                        "no_recent_tattoo": False}  # fmt: skip
    again = client.post(url, form)
    assert again.status_code == 422 and "đã đăng ký đợt" in again.content.decode()
    bad = client.post(url, {**form, "birth_date": "01/01/2010", "phone": "0987000000"})
    assert bad.status_code == 422 and "tuổi" in bad.content.decode()
    assert Registration.objects.count() == 1


def test_public_registration_is_rate_limited_per_client(cast, client, monkeypatch):
    monkeypatch.setenv("PORTAL_RATE_LIMITS", "register=2/600")
    drive = make_drive(cast, day=TODAY + timedelta(days=3), status=D.OPEN)
    url = f"/cong-khai/hien-mau/{drive.code}/"
    for i in range(2):
        form = {"full_name": f"Người Đăng Ký {i}", "birth_date": "12/08/1998", "sex": "female",
                "phone": f"098765432{i}", "weight_kg": "50", "feels_well": "on"}  # fmt: skip
        assert client.post(url, form).status_code == 200
    form = {**form, "full_name": "Người Thứ Ba", "phone": "0987654329"}
    refused = client.post(url, form)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Có quá nhiều lượt đăng ký từ thiết bị này" in refused.content.decode()
    assert Registration.objects.count() == 2
    assert client.get(url).status_code == 200  # reading the page is not limited


def test_the_officer_records_results_and_sees_the_next_date(cast, login):
    drive = make_drive(cast)
    donor = make_donor(cast)
    client = login(cast.ba_dinh_officer)
    sheet = {"donor": donor.code, "kind": "whole", "volume_ml": "350"}
    answer = client.post(f"/hien-mau/dot/{drive.pk}/ket-qua/", sheet, follow=True)
    page = answer.content.decode()
    assert "lần hiến thứ 1; có thể hiến lại từ 26/02/2027" in page
    assert "không đăng ký trước" in page
    # too heavy a bag for the weight: refused on the form, nothing written
    light = make_donor(cast, "Trần Thị Nhẹ", sex="female", weight=43)
    refused = client.post(f"/hien-mau/dot/{drive.pk}/ket-qua/",
                          {"donor": light.code, "kind": "whole", "volume_ml": "350"})  # fmt: skip
    assert refused.status_code == 422
    assert "vượt mức cho cân nặng 43 kg" in refused.content.decode()
    assert Donation.objects.count() == 1
    detail = client.get(f"/hien-mau/nguoi-hien/{donor.pk}/").content.decode()
    assert "Có thể hiến lại từ <strong>26/02/2027</strong>" in detail


def test_the_call_list_needs_sensitive_and_is_logged(cast, login):
    drive = make_drive(cast, day=TODAY + timedelta(days=10), status=D.OPEN)
    donor = make_donor(cast, phone="0911222333")
    url = f"/hien-mau/dot/{drive.pk}/danh-sach-goi/"
    answer = login(cast.ba_dinh_officer).get(url)
    body = b"".join(answer.streaming_content).decode("utf-8-sig")
    assert "0911222333" in body and donor.code in body
    assert AuditEvent.objects.filter(action="blood.sensitive_read").exists()
    assert login(cast.ba_dinh_accountant).get(url).status_code == 403


def test_honours_are_proposed_with_a_certificate_and_published_with_consent(cast, login, client):
    hanoi = cast.ba_dinh.admin_unit.province
    named = make_donor(cast, "Nguyễn Văn Công", phone="0911000001")
    hidden = make_donor(cast, "Nguyễn Văn Kín", phone="0911000002", consent=False)
    for donor in (named, hidden):
        _history(donor, 10)
    manager = login(cast.hn_manager)
    page = manager.get(f"/hien-mau/vinh-danh/?tinh={hanoi.code}&nam=2026&dip=04-07")
    assert "Nguyễn Văn Công" in page.content.decode()
    manager.post("/hien-mau/vinh-danh/de-xuat/", {"tinh": hanoi.code, "nam": "2026",
                                                  "dip": "04-07"})  # fmt: skip
    honour = named.honours.get()
    assert honour.donations == 10
    answer = manager.get(f"/hien-mau/vinh-danh/{honour.pk}/giay-chung-nhan/?dinh-dang=docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(answer.content)).paragraphs)
    assert "Nguyễn Văn Công" in text and "Đã 10 lần hiến máu" in text
    public_url = f"/cong-khai/hien-mau/vinh-danh/{hanoi.code}/2026/"
    assert "Nguyễn Văn Công" not in client.get(public_url).content.decode()  # proposed only
    assert honours.honour_list(hanoi, 2026) == []
    # the award decision is recorded for the ticked names: then published, with consent
    ids = [str(h.pk) for h in Honour.objects.all()]
    award = {"honour": ids, "decision": "125/QĐ-UBND", "awarded_on": "20/11/2026",
             "next": f"/hien-mau/vinh-danh/?tinh={hanoi.code}&nam=2026&dip=04-07"}  # fmt: skip
    refused = manager.post("/hien-mau/vinh-danh/da-khen-thuong/",
                           {**award, "awarded_on": "20/12/2026"}, follow=True)  # fmt: skip
    assert "ở tương lai" in refused.content.decode()
    assert not Honour.objects.filter(status="awarded").exists()
    page = manager.post("/hien-mau/vinh-danh/da-khen-thuong/", award, follow=True)
    assert "Đã ghi quyết định khen thưởng cho 2 người." in page.content.decode()
    assert "QĐ 125/QĐ-UBND, 20/11/2026" in page.content.decode()
    public = client.get(public_url).content.decode()
    assert "Nguyễn Văn Công" in public and "Nguyễn Văn Kín" not in public
    again = manager.post("/hien-mau/vinh-danh/da-khen-thuong/", award, follow=True)
    assert "Đã ghi khen thưởng trước đó" in again.content.decode()
    assert AuditEvent.objects.filter(action="blood.honour_award").count() == 2


def test_an_officer_cannot_record_an_award_outside_reach(cast, login):
    hanoi = cast.ba_dinh.admin_unit.province
    donor = make_donor(cast, "Nguyễn Văn Công", phone="0911000001")
    _history(donor, 10)
    honours.propose(cast.hn_manager, hanoi, 2026, "04-07")
    outsider = login(cast.tq_officer)
    award = {"honour": [str(donor.honours.get().pk)], "decision": "1/QĐ",
             "awarded_on": "20/11/2026"}  # fmt: skip
    page = outsider.post("/hien-mau/vinh-danh/da-khen-thuong/", award, follow=True)
    assert "ngoài phạm vi" in page.content.decode()
    assert donor.honours.get().status == "proposed"


def test_the_api_records_a_result_and_answers_the_next_date(cast, login):
    drive = make_drive(cast)
    donor = make_donor(cast)
    client = login(cast.ba_dinh_officer)
    url = f"/api/blood/drives/{drive.pk}/results"
    line = {"donor": donor.code, "kind": "platelets", "volume_ml": 250}
    answer = client.post(url, json.dumps(line), content_type="application/json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["eligible_from"] == "2026-12-18"
    again = client.post(url, json.dumps({"donor": donor.code, "volume_ml": 350}),
                        content_type="application/json")  # fmt: skip
    assert again.status_code == 422 and "đã có lần hiến ngày 04/12/2026" in again.json()["detail"]
    assert client.get(f"/api/blood/donors/{donor.pk}").json()["last_type"] == "platelets"


def test_the_home_page_shows_drives_this_week_and_sheets_to_record(cast, login):
    make_drive(cast, day=TODAY + timedelta(days=2), status=D.OPEN)
    make_drive(cast, day=TODAY - timedelta(days=2), status=D.HELD, name="Đợt đã qua")
    page = login(cast.ba_dinh_officer).get("/").content.decode()
    assert "Đợt hiến máu trong 7 ngày tới" in page
    assert "Đợt hiến máu đã tổ chức, cần nhập kết quả" in page


def test_donors_are_found_without_accents(cast, login):
    make_donor(cast, "Đặng Thị Lựu", phone="0911000003")
    client = login(cast.ba_dinh_officer)
    assert "Đặng Thị Lựu" in client.get("/hien-mau/nguoi-hien/?q=dang+luu").content.decode()
    found = client.get("/tra-cuu/nguoi-hien?q=DANG thi").json()["results"]
    assert [r["text"] for r in found] == ["Đặng Thị Lựu"]
    assert login(cast.ngoc_ha_officer).get("/tra-cuu/nguoi-hien?q=luu").json()["results"] == []
    assert Donor.objects.count() == 1 and date(2026, 12, 4) == TODAY


def test_a_donor_sees_their_own_history_with_a_one_time_code(cast, client):
    from nhandao.lib import sms

    donor = make_donor(cast, phone="0911555666", email="toi@example.vn")
    _history(donor, 5)
    honours.propose(cast.root, cast.ba_dinh.admin_unit.province, 2026)
    url = "/cong-khai/hien-mau/cua-toi/"
    assert client.post(url, {"phone": "0900000000"}).status_code == 200  # not a donor: alike
    assert sms.outbox == []
    client.post(url, {"phone": "0911 555 666"})  # by SMS to the phone typed (tests/test_sms.py)
    code = sms.outbox[0].text.split(": ")[1][:6]
    wrong = client.post(url, {"phone": "0911555666", "code": "000000" if code != "000000" else "1"})
    assert wrong.status_code == 422 and "Mã không đúng" in wrong.content.decode()
    page = client.post(url, {"phone": "0911555666", "code": code}, follow=True).content.decode()
    assert "Có thể hiến lại từ <strong>24/05/2026</strong>" in page and "5 lần hiến" in page
    honour = donor.honours.get()
    answer = client.get(f"/cong-khai/hien-mau/cua-toi/giay-chung-nhan/{honour.pk}/")
    assert answer.status_code == 200
    client.post(url, {"phone": "0911555666"})
    client.post(url, {"phone": "0911555666"})
    limited = client.post(url, {"phone": "0911555666"})
    assert limited.status_code == 429 and "quá nhiều mã" in limited.content.decode()


def test_a_certificate_is_not_served_without_the_code(cast, client):
    donor = make_donor(cast)
    _history(donor, 5)
    (honour,) = honours.propose(cast.root, cast.ba_dinh.admin_unit.province, 2026)
    assert (
        client.get(f"/cong-khai/hien-mau/cua-toi/giay-chung-nhan/{honour.pk}/").status_code == 404
    )


def _workbook(rows) -> bytes:
    from tests.test_blood_commands import HEADER

    return xlsx_bytes([Sheet("Người hiến", HEADER, rows)])


def _upload(client, data: bytes, name="hien-mau.xlsx", org="CTD-X4"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, data)
    return client.post("/hien-mau/nguoi-hien/nhap/", {"organisation": org, "file": upload},
                       follow=True)  # fmt: skip


GOOD_ROWS = [
    ["KH001", "Lê Văn Bình", "02/03/1990", "Nam", "65", "A+", "0912345678", "4",
     "05/01/2026", "Toàn phần", "350"],
    ["KH002", "Trần Thị Hoa", "15/07/1999", "Nữ", "48", "O", "", "4",
     "20/06/2026", "Toàn phần", "250"],
]  # fmt: skip


def test_an_officer_imports_the_donor_workbook_from_the_page_once(cast, login):
    client = login(cast.ba_dinh_officer)
    form = client.get("/hien-mau/nguoi-hien/nhap/").content.decode()
    assert "Đơn vị quản lý người hiến" in form and "Tải tệp mẫu" in form
    data = _workbook(GOOD_ROWS)  # once: a workbook written again carries another timestamp
    page = _upload(client, data).content.decode()
    assert "Đã nhập 2 lần hiến; 0 lần đã có, bỏ qua." in page
    assert Donation.objects.count() == 2
    again = _upload(client, data).content.decode()
    assert "đã được nhập lúc" in again and Donation.objects.count() == 2
    listed = client.get("/hien-mau/nguoi-hien/nhap/").content.decode()
    assert "hien-mau.xlsx" in listed and ">Đã nhập</td>" in listed


def test_a_bad_row_on_the_page_names_row_and_column_and_writes_nothing(cast, login):
    client = login(cast.ba_dinh_officer)
    rows = [*GOOD_ROWS, ["KH003", "Phạm Văn Tư", "01/01/1990", "Nam", "60", "Z+", "", "4",
                         "01/02/2026", "Toàn phần", "350"]]  # fmt: skip
    page = _upload(client, _workbook(rows)).content.decode()
    assert "Dòng 4, cột “Nhóm máu”" in page and "không nhập dòng nào" in page
    assert Donation.objects.count() == 0 and Donor.objects.count() == 0


def test_the_page_refuses_an_organisation_outside_the_users_reach(cast, login):
    from nhandao.orgs.forms import OUT_OF_REACH

    client = login(cast.ba_dinh_officer)
    answer = client.post("/hien-mau/nguoi-hien/nhap/", {"organisation": cast.tq_commune.code})
    assert answer.status_code == 200  # the form again, with the reason on the field
    assert Donation.objects.count() == 0
    assert OUT_OF_REACH % {"value": cast.tq_commune.code} in answer.content.decode()


def test_the_template_workbook_has_the_importers_columns(cast, login):
    from openpyxl import load_workbook

    from nhandao.blood.importers import COLUMNS

    answer = login(cast.ba_dinh_officer).get("/hien-mau/nguoi-hien/nhap/mau.xlsx")
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert [c.value for c in sheet[1]] == list(COLUMNS.values())
