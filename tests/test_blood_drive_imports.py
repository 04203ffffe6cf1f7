"""A drive's registration list and the centre's result sheet through the import frame
(issue #19, items 3 and 4): every row through the officer's action, bad rows named with
nothing written, the same file again harmless."""

import io
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from nhandao.audit.models import AuditEvent
from nhandao.blood import drive_imports
from nhandao.blood.models import (
    BloodImport,
    Deferral,
    Donation,
    Donor,
    DriveStatus,
    ImportPurpose,
    Registration,
)
from nhandao.lib.exports import Sheet, xlsx_bytes
from nhandao.lib.imports import ImportStatus
from tests.test_blood import TODAY, _history, frozen_today, make_donor, make_drive  # noqa: F401

REG = list(drive_imports.REGISTRATION_COLUMNS.values())
RES = list(drive_imports.RESULT_COLUMNS.values())


def _xlsx(header, rows) -> bytes:
    return xlsx_bytes([Sheet("Danh sách", header, rows)])


def _upload(client, drive, what, data: bytes, name="ds.xlsx"):
    return client.post(f"/hien-mau/dot/{drive.pk}/nhap/{what}/",
                       {"file": SimpleUploadedFile(name, data)}, follow=True)  # fmt: skip


# Mã, Họ và tên, Ngày sinh, Giới tính, Số điện thoại, Nhóm máu, Cân nặng (kg)
SCHOOL = [
    ["", "Lê Văn Bình", "02/03/1990", "Nam", "0912345678", "A+", "65"],
    ["", "Trần Thị Hoa", "15/07/1999", "Nữ", "", "", ""],
]


def test_a_schools_list_registers_known_and_new_donors_once(cast, login):
    drive = make_drive(cast, status=DriveStatus.OPEN)
    known = make_donor(cast, "Trần Thị Hoa", sex="female", born=date(1999, 7, 15))
    client = login(cast.ba_dinh_officer)
    page = client.get(f"/hien-mau/dot/{drive.pk}/").content.decode()
    assert f"/hien-mau/dot/{drive.pk}/nhap/dang-ky/" in page
    form = client.get(f"/hien-mau/dot/{drive.pk}/nhap/dang-ky/").content.decode()
    assert "Tải tệp mẫu" in form and "Họ và tên" in form
    data = _xlsx(REG, SCHOOL)
    answer = _upload(client, drive, "dang-ky", data).content.decode()
    assert "Đã đăng ký 2 người; 0 người đã đăng ký từ trước." in answer
    registered = Registration.objects.filter(drive=drive)
    names = {r.donor.individual.full_name for r in registered.all()}
    assert names == {"Lê Văn Bình", "Trần Thị Hoa"}
    assert registered.get(donor=known).source == "officer"  # the officer's action
    new = Donor.objects.get(individual__full_name="Lê Văn Bình")
    assert (new.abo, new.rh, new.weight_kg, new.organisation) == ("A", "+", 65, drive.organisation)
    assert Donor.objects.count() == 2
    # the very same file: answered by the earlier import
    again = _upload(client, drive, "dang-ky", data).content.decode()
    assert "đã được nhập lúc" in again and registered.count() == 2
    # a longer list with the same people: they are "already present", not errors
    longer = _xlsx(REG, [*SCHOOL, ["", "Phạm Văn Tư", "01/01/1995", "Nam", "", "O+", ""]])
    answer = _upload(client, drive, "dang-ky", longer, "ds2.xlsx").content.decode()
    assert "Đã đăng ký 1 người; 2 người đã đăng ký từ trước." in answer
    assert registered.count() == 3 and Donor.objects.count() == 3
    imp = BloodImport.objects.filter(drive=drive).latest("pk")
    assert imp.purpose == ImportPurpose.REGISTRATIONS and imp.status == ImportStatus.DONE
    event = AuditEvent.objects.filter(action="blood.import").latest("pk")
    assert event.after == {"drive": drive.pk, "accepted": 1, "duplicate": 2}


def test_bad_registration_rows_are_named_and_nothing_is_written(cast, login):
    drive = make_drive(cast, status=DriveStatus.OPEN)
    rows = [
        *SCHOOL,
        ["", "Võ Văn Già", "01/01/1960", "Nam", "", "", ""],  # 66 at the drive's date
        ["", "", "01/01/1990", "Nữ", "", "", ""],
        ["", "Đỗ Thị Lan", "31/02/1990", "Nữ", "", "Z+", ""],
        ["HM9999999", "Ai Đó", "01/01/1990", "Nam", "", "", ""],
    ]
    answer = _upload(login(cast.ba_dinh_officer), drive, "dang-ky", _xlsx(REG, rows))
    text = answer.content.decode()
    assert "Dòng 5, cột “Họ và tên”: không được để trống" in text
    assert "Dòng 6, cột “Ngày sinh”" in text and "Dòng 6, cột “Nhóm máu”" in text
    assert "không nhập dòng nào" in text
    assert Registration.objects.count() == 0 and Donor.objects.count() == 0
    # the field errors fixed, the rules of the action still apply row by row
    rows[3][1], rows[4][2], rows[4][5] = "Ngô Văn Út", "28/02/1990", "O"
    text = _upload(login(cast.ba_dinh_officer), drive, "dang-ky", _xlsx(REG, rows)).content
    text = text.decode()
    assert "Dòng 4, cột “Ngày sinh”: Người hiến 66 tuổi vào ngày 04/12/2026" in text
    assert "Dòng 7, cột “Mã người hiến”: Không có người hiến mã HM9999999." in text
    assert Registration.objects.count() == 0 and Donor.objects.count() == 0
    failed = BloodImport.objects.filter(drive=drive, status=ImportStatus.FAILED)
    assert failed.count() == 2


def test_a_list_for_a_drive_closed_to_registrations_is_refused_whole(cast, login):
    drive = make_drive(cast)
    drive.status = DriveStatus.RESULTS
    drive.save(update_fields=["status"])
    client = login(cast.ba_dinh_officer)
    form = client.get(f"/hien-mau/dot/{drive.pk}/nhap/dang-ky/").content.decode()
    assert "đã đóng đăng ký" in form and 'id="drive-import-form"' not in form
    text = _upload(client, drive, "dang-ky", _xlsx(REG, SCHOOL)).content.decode()
    assert "đã đóng đăng ký" in text and Registration.objects.count() == 0


# + Loại, Thể tích (ml), Hoãn đến ngày, Lý do
def test_a_result_sheet_records_donations_and_deferrals_once(cast, login):
    drive = make_drive(cast)  # held today
    an = make_donor(cast)
    binh = make_donor(cast, "Lê Văn Bình", born=date(1990, 3, 2), phone="0912345678")
    from nhandao.blood import actions

    actions.register(cast.root, drive, an)
    rows = [
        [an.code, "", "", "", "", "", "", "Toàn phần", "350", "", ""],
        ["", "Lê Văn Bình", "", "", "0912345678", "", "", "Toàn phần", "250", "", ""],
        ["", "Trần Thị Hoa", "15/07/1999", "Nữ", "", "", "", "", "", "04/03/2027", "Huyết áp"],
    ]
    client = login(cast.ba_dinh_officer)
    data = _xlsx(RES, rows)
    text = _upload(client, drive, "ket-qua", data).content.decode()
    assert "Đã ghi 3 kết quả; 0 kết quả đã có, bỏ qua." in text
    assert Donation.objects.get(donor=an).unregistered is False
    assert Donation.objects.get(donor=binh).unregistered is True  # accepted, flagged
    assert Registration.objects.get(donor=an).attended is True
    deferral = Deferral.objects.get(drive=drive)
    assert deferral.until == date(2027, 3, 4) and deferral.reason == "Huyết áp"
    assert deferral.donor.individual.full_name == "Trần Thị Hoa"
    an.refresh_from_db()
    assert an.donation_count == 1 and an.eligible_from is not None
    assert "đã được nhập lúc" in _upload(client, drive, "ket-qua", data).content.decode()
    text = _upload(client, drive, "ket-qua", _xlsx(RES, rows[:2]), "b.xlsx").content.decode()
    assert "Đã ghi 0 kết quả; 2 kết quả đã có, bỏ qua." in text
    assert Donation.objects.count() == 2 and Deferral.objects.count() == 1


def test_a_donation_inside_the_interval_refuses_the_whole_sheet(cast, login):
    drive = make_drive(cast)
    early = make_donor(cast)
    _history(early, 1, last=date(2026, 11, 1))  # 12 weeks not yet passed on 04/12/2026
    ok = make_donor(cast, "Lê Văn Bình", born=date(1990, 3, 2))
    rows = [
        [ok.code, "Lê Văn Bình", "", "", "", "", "", "Toàn phần", "350", "", ""],
        [early.code, "", "", "", "", "", "", "Toàn phần", "350", "", ""],
        [ok.code, "", "", "", "", "", "", "Toàn phần", "350", "04/03/2027", ""],
        [ok.code, "", "", "", "", "", "", "Máu gì", "300", "", ""],
        ["", "Chỉ Có Tên", "", "", "", "", "", "Toàn phần", "350", "", ""],
    ]
    text = _upload(login(cast.ba_dinh_officer), drive, "ket-qua", _xlsx(RES, rows)).content
    text = text.decode()
    assert "Dòng 4, cột “Hoãn đến ngày”: một dòng ghi lần hiến hoặc tạm hoãn" in text
    assert "Dòng 5, cột “Loại”" in text and "không nhập dòng nào" in text
    assert "Dòng 6, cột “Họ và tên”: ghi thêm mã người hiến, ngày sinh hoặc số điện" in text
    del rows[2:]
    rows.append([ok.code, "Lê Văn Bảy", "", "", "", "", "", "Toàn phần", "350", "", ""])
    text = _upload(login(cast.ba_dinh_officer), drive, "ket-qua", _xlsx(RES, rows)).content
    text = text.decode()
    assert f"Dòng 4, cột “Mã người hiến”: Mã {ok.code} là của Lê Văn Bình, không phải" in text
    assert "Dòng 3: Nguyễn Văn An hiến lần trước ngày 01/11/2026" in text
    assert "chưa đủ khoảng cách" in text
    assert Donation.objects.filter(drive=drive).count() == 0  # row 2 was fine: rolled back
    assert not AuditEvent.objects.filter(action="blood.donation").exists()


def test_a_result_sheet_needs_a_held_drive(cast, login):
    drive = make_drive(cast, status=DriveStatus.OPEN)
    rows = [["", "Lê Văn Bình", "02/03/1990", "Nam", "", "", "", "Toàn phần", "350", "", ""]]
    text = _upload(login(cast.ba_dinh_officer), drive, "ket-qua", _xlsx(RES, rows)).content
    assert "Chỉ nhập bảng kết quả khi đợt ở tình trạng" in text.decode()
    assert Donation.objects.count() == 0 and Donor.objects.count() == 0


def test_the_templates_carry_the_importers_columns_and_csv_is_read(cast, login):
    from openpyxl import load_workbook

    drive = make_drive(cast, status=DriveStatus.OPEN)
    client = login(cast.ba_dinh_officer)
    for what, columns in (("dang-ky", REG), ("ket-qua", RES)):
        answer = client.get(f"/hien-mau/dot/{drive.pk}/nhap/{what}/mau.xlsx")
        sheet = load_workbook(io.BytesIO(answer.content)).active
        assert [c.value for c in sheet[1]] == columns
    assert client.get(f"/hien-mau/dot/{drive.pk}/nhap/khac/").status_code == 404
    csv = "Họ và tên,Ngày sinh\nLê Văn Bình,02/03/1990\n".encode()
    text = _upload(client, drive, "dang-ky", csv, "ds.csv").content.decode()
    assert "Đã đăng ký 1 người" in text
    text = _upload(client, drive, "dang-ky", "Họ và tên\nAi\n".encode(), "x.csv").content
    assert "Thiếu cột: “Ngày sinh”." in text.decode()


def test_a_matched_donor_must_agree_with_the_row_and_an_unknown_group_is_learnt(cast, login):
    """Found by phone and name or by code, the row's birth date, sex and blood group are
    compared with what is known: a different one refuses the row (the whole file); a group
    the donor had no record of is taken from the row, and audited."""
    drive = make_drive(cast, status=DriveStatus.OPEN)
    known = make_donor(cast, "Lê Văn Bình", born=date(1990, 3, 2), phone="0912345678")
    blank = make_donor(cast, "Trần Thị Hoa", sex="female", born=date(1999, 7, 15))
    Donor.objects.filter(pk=blank.pk).update(abo="", rh="")  # a donor whose group is unknown
    rows = [
        ["", "Lê Văn Bình", "03/03/1990", "Nam", "0912345678", "", ""],
        [blank.code, "Trần Thị Hoa", "15/07/1999", "Nam", "", "", ""],
        [known.code, "Lê Văn Bình", "02/03/1990", "", "", "B+", ""],
        [known.code, "Lê Văn Bình", "02/03/1990", "", "", "O-", ""],
    ]
    client = login(cast.ba_dinh_officer)
    text = _upload(client, drive, "dang-ky", _xlsx(REG, rows)).content.decode()
    assert (f"Dòng 2, cột “Ngày sinh”: Ngày sinh khác với người hiến {known.code} đã có "
            "(02/03/1990).") in text  # fmt: skip
    assert f"Dòng 3, cột “Giới tính”: Giới tính khác với người hiến {blank.code} đã có" in text
    assert (f"Dòng 4, cột “Nhóm máu”: Nhóm máu B+ khác với nhóm máu đã biết của người hiến "
            f"{known.code} (O+).") in text  # fmt: skip
    assert "Dòng 5, cột “Nhóm máu”: Nhóm máu O- khác" in text  # the same ABO, another Rh
    assert Registration.objects.count() == 0
    imp = BloodImport.objects.get(drive=drive)
    assert f"/hien-mau/nguoi-hien/nhap/{imp.pk}/dong-loi.xlsx" in text
    rows = [[known.code, "Lê Văn Bình", "02/03/1990", "Nam", "", "O", ""],
            [blank.code, "Trần Thị Hoa", "15/07/1999", "Nữ", "", "AB-", ""]]  # fmt: skip
    text = _upload(client, drive, "dang-ky", _xlsx(REG, rows), "c.xlsx").content.decode()
    assert "Đã đăng ký 2 người" in text
    blank.refresh_from_db()
    assert (blank.abo, blank.rh) == ("AB", "-")
    event = AuditEvent.objects.get(action="blood.donor_group")
    assert event.before == {"abo": "", "rh": ""} and event.after == {"abo": "AB", "rh": "-"}


def test_the_rejected_rows_workbook_gives_each_refused_row_as_it_was(cast, login):
    from openpyxl import load_workbook

    drive = make_drive(cast, status=DriveStatus.OPEN)
    rows = [*SCHOOL, ["", "", "01/01/1990", "Nữ", "", "", ""]]
    client = login(cast.ba_dinh_officer)
    _upload(client, drive, "dang-ky", _xlsx(REG, rows))
    imp = BloodImport.objects.get(drive=drive)
    answer = client.get(f"/hien-mau/nguoi-hien/nhap/{imp.pk}/dong-loi.xlsx")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    lines = [[c.value for c in row] for row in sheet.iter_rows()]
    assert lines[0] == ["Dòng", "Cột", "Giá trị", "Lý do", *REG]
    assert lines[1][:4] == [4, "Họ và tên", None, "không được để trống"]
    assert lines[1][4:8] == [None, None, "01/01/1990", "Nữ"]
    assert len(lines) == 2
    assert login(cast.tq_officer).get(
        f"/hien-mau/nguoi-hien/nhap/{imp.pk}/dong-loi.xlsx").status_code == 404  # fmt: skip


def test_the_command_imports_a_drive_list_and_prints_the_documented_lines(cast, tmp_path):
    import pytest
    from django.core.management import CommandError

    from tests.test_blood_commands import run

    drive = make_drive(cast, status=DriveStatus.OPEN)
    path = tmp_path / "ds.xlsx"
    path.write_bytes(_xlsx(REG, SCHOOL))
    out, _ = run("import_drive", str(path), "--drive", drive.code.lower(),
                 "--kind", "registrations")  # fmt: skip
    assert out == "Đã đăng ký 2 người; 0 người đã đăng ký từ trước.\n"
    out, _ = run("import_drive", str(path), "--drive", drive.code, "--kind", "registrations")
    assert "đã được nhập lúc" in out and Registration.objects.count() == 2
    drive.status = DriveStatus.HELD
    drive.save(update_fields=["status"])
    sheet = tmp_path / "kq.xlsx"
    binh = Donor.objects.get(individual__full_name="Lê Văn Bình")
    sheet.write_bytes(_xlsx(RES, [[binh.code, "", "", "", "", "", "", "Toàn phần", "350", "", ""]]))
    out, _ = run("import_drive", str(sheet), "--drive", drive.code, "--kind", "results")
    assert out == "Đã ghi 1 kết quả; 0 kết quả đã có, bỏ qua.\n"
    bad = tmp_path / "kq2.xlsx"
    bad.write_bytes(_xlsx(RES, [[binh.code, "", "", "", "", "", "", "Máu gì", "350", "", ""]]))
    rejected = tmp_path / "loi.xlsx"
    with pytest.raises(CommandError, match="1 lỗi; không nhập dòng nào."):
        run("import_drive", str(bad), "--drive", drive.code, "--kind", "results",
            "--rejected", str(rejected))  # fmt: skip
    assert rejected.stat().st_size > 0
    with pytest.raises(CommandError, match="Không có đợt hiến máu mã “KHONG”"):
        run("import_drive", str(bad), "--drive", "KHONG", "--kind", "results")


def test_the_api_imports_a_drive_list_through_the_same_frame(cast, login):
    from django.test import Client

    drive = make_drive(cast, status=DriveStatus.OPEN)
    client = login(cast.ba_dinh_officer)
    url = f"/api/blood/drives/{drive.pk}/imports/registrations"
    data = _xlsx(REG, SCHOOL)
    answer = client.post(url, {"file": SimpleUploadedFile("ds.xlsx", data)})
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["status"], body["rows_accepted"], body["purpose"]) == ("done", 2, "registrations")
    again = client.post(url, {"file": SimpleUploadedFile("ds.xlsx", data)})
    assert again.status_code == 200 and "đã được nhập lúc" in again.json()["detail"]
    bad = _xlsx(REG, [["", "", "01/01/1990", "Nữ", "", "", ""]])
    refused = client.post(url, {"file": SimpleUploadedFile("x.xlsx", bad)})
    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"row": 2, "column": "Họ và tên", "value": "",
                                         "reason": "không được để trống"}]  # fmt: skip
    results = f"/api/blood/drives/{drive.pk}/imports/results"
    closed = client.post(results, {"file": SimpleUploadedFile("kq.xlsx", _xlsx(RES, []))})
    assert closed.status_code == 422
    assert closed.json()["errors"][0]["reason"].startswith("Chỉ nhập bảng kết quả")
    assert Registration.objects.count() == 2
    outsider = login(cast.tq_officer)
    assert outsider.post(url, {"file": SimpleUploadedFile("y.xlsx", data)}).status_code == 404
    assert Client().post(url, {"file": SimpleUploadedFile("y.xlsx", data)}).status_code == 401
