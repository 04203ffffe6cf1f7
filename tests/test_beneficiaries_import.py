"""Importing lists: template, preview, every row validated, all or nothing, idempotent,
duplicates within the file and against the registry, stop for review."""

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from nhandao.beneficiaries import actions, importers
from nhandao.beneficiaries.models import (
    ImportBatch,
    ImportStatus,
    MatchCandidate,
    Person,
    SupportRecord,
)
from nhandao.lib.errors import Refused
from nhandao.orgs.models import AdminMap, AdminUnit

HEADER = "Mã nguồn,Họ và tên,Giới tính,Ngày sinh,Số CCCD/CMND,Điện thoại,Địa chỉ,Thôn/xóm/tổ dân phố,Mã xã/phường\n"  # noqa: E501
GOOD = (
    HEADER
    + "A1,Nguyễn Thị Hoa,Nữ,05/03/1985,001185012345,0912345678,Số 5 Quán Thánh,Tổ 5,4\n"
    + "A2,TRAN VAN BINH,Nam,1950,,,,Tổ 2,13\n"  # old code of Quán Thánh → Ba Đình
    + "A3,Lê Thị Mai,nữ,1990-07-12,,0988 111 222,,Tổ 7,8\n"
)


def csv_batch(cast, text, org=None, name="danh-sach.csv"):
    batch = importers.start(cast.ba_dinh_officer, org or cast.ba_dinh, name, text.encode())
    return importers.preview(batch)


def test_the_template_has_vietnamese_headers_and_a_sample_row(login, cast):
    response = login(cast.ba_dinh_officer).get("/doi-tuong/nhap/mau.xlsx")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0][:3] == ["Mã nguồn", "Họ và tên", "Giới tính"] and "Mã xã/phường" in rows[0]
    assert rows[1][1] == "Nguyễn Thị Hoa"


def test_a_good_file_is_previewed_then_imported_with_old_codes_converted(cast):
    batch = csv_batch(cast, GOOD)
    assert batch.status == ImportStatus.PREVIEW and (batch.rows, batch.new_rows) == (3, 3)
    assert Person.objects.count() == 0  # preview writes no person
    assert batch.warnings[0]["row"] == 3 and "mã cũ" in batch.warnings[0]["message"]
    importers.commit(cast.ba_dinh_officer, batch)
    binh = Person.objects.get(external_id="A2")
    assert binh.commune.name == "Phường Ba Đình" and binh.old_commune.name == "Phường Quán Thánh"
    assert binh.full_name == "Tran Van Binh" and binh.birth_year == 1950
    assert Person.objects.get(external_id="A3").phone == "0988111222"
    assert Person.objects.filter(organisation=cast.ba_dinh).count() == 3


def test_reimporting_the_same_rows_adds_nothing(cast):
    importers.commit(cast.ba_dinh_officer, csv_batch(cast, GOOD))
    again = csv_batch(cast, GOOD + "A4,Phạm Văn Tư,Nam,1970,,,,,4\n")
    assert (again.new_rows, again.known_rows) == (1, 3)
    importers.commit(cast.ba_dinh_officer, again)
    assert Person.objects.count() == 4


def test_rows_without_a_source_id_are_recognised_by_name_birth_and_commune(cast):
    text = HEADER + ",Đỗ Văn Hải,Nam,1961,,,,,4\n"
    importers.commit(cast.ba_dinh_officer, csv_batch(cast, text))
    assert csv_batch(cast, text).new_rows == 0


def test_every_bad_row_is_reported_with_row_column_and_reason_and_nothing_is_written(cast):
    text = (
        HEADER
        + "B1,Nguyễn Văn An,Nam,1980,123,,,,4\n"
        + "B2,Trần Thị Bé,Nữ,31/02/1990,,,,,4\n"
        + "B3,Lê Văn Cường,Nam,1975,,,,,999999\n"
        + "B4,,Nam,1975,,,,,4\n"
        + "B5,Hồ Thị Duyên,Nữ,1985,001085012345,,,,4\n"
        + "B6,Đinh Văn Em,Nam,1970,,,,,4\n"  # a good row: not imported either
    )
    batch = csv_batch(cast, text)
    assert batch.status == ImportStatus.INVALID
    errors = {(e["row"], e["column"]): e["message"] for e in batch.errors}
    assert "CCCD gồm 12 chữ số" in errors[(2, "Số CCCD/CMND")]
    assert "không có thật" in errors[(3, "Ngày sinh")]
    assert "không có trên bản đồ cũ lẫn mới" in errors[(4, "Mã xã/phường")]
    assert "không được để trống" in errors[(5, "Họ và tên")]
    assert "không khớp giới tính" in errors[(6, "Số CCCD/CMND")]
    with pytest.raises(Refused, match="Chỉ nhập được tệp đã kiểm tra không có dòng lỗi"):
        importers.commit(cast.ba_dinh_officer, batch)
    assert Person.objects.count() == 0


def test_the_rejected_rows_workbook_says_what_is_wrong(cast, login):
    batch = csv_batch(cast, HEADER + "B1,Nguyễn Văn An,Nam,1980,123,,,,4\nB2,Ok,Nam,1980,,,,,4\n")
    response = login(cast.ba_dinh_officer).get(f"/doi-tuong/nhap/{batch.pk}/dong-loi.xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    rows = rows.to_python()
    assert rows[0][0] == "Dòng" and rows[0][-1] == "Lỗi"
    assert len(rows) == 2 and rows[1][2] == "Nguyễn Văn An"
    assert "Số CCCD/CMND" in rows[1][-1]


def test_a_file_missing_a_required_column_is_refused(cast):
    batch = csv_batch(cast, "Họ và tên,Ngày sinh\nNguyễn Văn An,1980\n")
    assert batch.status == ImportStatus.INVALID
    assert "Thiếu cột bắt buộc: “Mã xã/phường”" in batch.errors[0]["message"]
    assert Person.objects.count() == 0


def test_duplicates_within_the_file_and_against_the_registry_are_flagged(cast):
    actions.create_person(
        cast.ngoc_ha_officer,
        organisation=cast.ngoc_ha,
        full_name="Nguyễn Thị Hoa",
        birth_date=date(1985, 3, 5),
        commune=AdminUnit.objects.get(map=AdminMap.NEW, level="commune", code="4"),
        village="Tổ 5",
    )
    text = GOOD + "A9,Tran Binh,Nam,1950,,,,Tổ 2,4\n"  # A2 again, typed differently
    batch = csv_batch(cast, text)
    assert batch.likely_duplicates == 3  # Hoa (with Ngọc Hà's record), Bình twice
    importers.commit(cast.ba_dinh_officer, batch)
    names = {
        tuple(sorted([c.person_a.full_name, c.person_b.full_name]))
        for c in MatchCandidate.objects.select_related("person_a", "person_b")
    }
    assert names == {("Nguyễn Thị Hoa", "Nguyễn Thị Hoa"), ("Tran Binh", "Tran Van Binh")}


def test_an_import_adding_too_many_likely_duplicates_stops_for_review(cast, monkeypatch, login):
    monkeypatch.setattr(importers, "DUPLICATE_STOP", 2)
    text = GOOD + "A9,Tran Binh,Nam,1950,,,,Tổ 2,4\n"
    batch = csv_batch(cast, text)
    assert batch.status == ImportStatus.REVIEW
    with pytest.raises(Refused, match="cần lãnh đạo xác nhận"):
        importers.commit(cast.ba_dinh_officer, batch)
    assert Person.objects.count() == 0
    # an officer cannot confirm; a manager can
    response = login(cast.ba_dinh_officer).post(
        f"/doi-tuong/nhap/{batch.pk}/", {"confirm_duplicates": "1"}
    )
    assert response.status_code == 403 and Person.objects.count() == 0
    login(cast.hn_manager).post(f"/doi-tuong/nhap/{batch.pk}/", {"confirm_duplicates": "1"})
    assert Person.objects.count() == 4


def test_an_excel_file_is_uploaded_previewed_and_imported_through_the_pages(cast, login, tasks):
    book = Workbook()
    sheet = book.active
    sheet.append(["Họ và tên", "Giới tính", "Ngày sinh", "Mã xã/phường", "Diện khó khăn"])
    sheet.append(["Nguyễn Văn Tám", "Nam", date(1948, 5, 1), 4, "Người cao tuổi cô đơn"])
    sheet.append(["Vũ Thị Chín", "Nữ", 1952, "4", "Người khuyết tật, Khác"])
    data = io.BytesIO()
    book.save(data)
    client = login(cast.ba_dinh_officer)
    upload = SimpleUploadedFile("ds.xlsx", data.getvalue())
    response = client.post("/doi-tuong/nhap/", {"organisation": "CTD-X4", "file": upload})
    batch = ImportBatch.objects.get()
    assert response.url == f"/doi-tuong/nhap/{batch.pk}/"
    assert 'id="import-checking"' in client.get(response.url).content.decode()  # queued
    tasks.run()
    page = client.get(response.url).content.decode()
    assert "Nhập 2 người mới" in page
    client.post(response.url)
    tam = Person.objects.get(name_key="nguyen van tam")
    assert tam.birth_date == date(1948, 5, 1) and tam.vulnerabilities == ["lonely_elderly"]
    assert Person.objects.get(name_key="vu thi chin").vulnerabilities == ["disability", "other"]


def test_the_command_accepts_english_columns_and_keeps_the_external_id(cast, tmp_path, capsys):
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "external_id",
                "full_name",
                "sex",
                "birth_date",
                "cccd",
                "phone",
                "address",
                "commune_code",
            ]
        )
        writer.writerow(["SYS-1", "Ngô Thị Lan", "female", "1979", "", "", "", "8"])
        writer.writerow(["SYS-2", "Ngô Văn Long", "male", "1981", "", "", "", "4"])
    call_command("import_beneficiaries", str(path), org="CTD-1")
    assert Person.objects.get(external_id="SYS-1").organisation == cast.hanoi
    assert capsys.readouterr().out == (
        "Đã nhập 2 người mới; 0 dòng đã có, bỏ qua; "
        "0 người có thể trùng đã đưa vào danh sách xem xét.\n"
    )
    call_command("import_beneficiaries", str(path), org="CTD-1")  # idempotent
    assert Person.objects.count() == 2
    assert capsys.readouterr().out.startswith("Đã nhập 0 người mới; 2 dòng đã có, bỏ qua; ")
    assert ImportBatch.objects.filter(status=ImportStatus.DONE).count() == 2
    export = tmp_path / "clusters.csv"
    call_command("dedup", export=str(export))
    rows = list(csv.DictReader(export.open(encoding="utf-8")))
    assert sorted(r["external_id"] for r in rows) == ["SYS-1", "SYS-2"]


def test_without_an_organisation_each_row_goes_to_its_communes_chapter(cast, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("full_name,commune_code\nNgô Thị Lan,8\nNgô Văn Long,4\n", encoding="utf-8")
    call_command("import_beneficiaries", str(path))
    assert Person.objects.get(full_name="Ngô Thị Lan").organisation == cast.ngoc_ha
    assert Person.objects.get(full_name="Ngô Văn Long").organisation == cast.ba_dinh


def test_the_command_refuses_a_bad_file_and_writes_nothing(cast, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("full_name,commune_code\nNgô Thị Lan,999999\n", encoding="utf-8")
    with pytest.raises(CommandError, match="không nhập dòng nào"):
        call_command("import_beneficiaries", str(path), org="CTD-X4")
    assert Person.objects.count() == 0


def test_a_big_file_is_committed_by_a_background_task(cast, monkeypatch, login, tasks):
    monkeypatch.setattr(importers, "BACKGROUND_FROM", 2)
    batch = csv_batch(cast, GOOD)
    login(cast.ba_dinh_officer).post(f"/doi-tuong/nhap/{batch.pk}/")
    batch.refresh_from_db()
    assert batch.status == ImportStatus.RUNNING and not Person.objects.exists()
    tasks.run()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DONE and batch.created == 3 == Person.objects.count()
    assert batch.progress == batch.rows == 3


# ---- support history ----

SUPPORTS = "Mã nguồn,Ngày,Hình thức,Trị giá (đồng),Ghi chú\nA1,20/01/2026,Quà tặng,500.000,Tết\n"


def test_a_support_history_is_imported_once(cast, login):
    importers.commit(cast.ba_dinh_officer, csv_batch(cast, GOOD))
    client = login(cast.ba_dinh_officer)
    for _ in range(2):
        upload = SimpleUploadedFile("ho-tro.csv", SUPPORTS.encode())
        client.post("/doi-tuong/nhap-ho-tro/", {"organisation": "CTD-X4", "file": upload})
    support = SupportRecord.objects.get()
    assert support.person.external_id == "A1" and support.value == 500_000
    assert support.organisation == cast.ba_dinh and support.kind == "gift"


def test_the_support_command_says_how_many_it_added_and_how_many_it_knew(cast, tmp_path, capsys):
    importers.commit(cast.ba_dinh_officer, csv_batch(cast, GOOD))
    path = tmp_path / "ho-tro.csv"
    path.write_text(SUPPORTS, encoding="utf-8")
    call_command("import_supports", str(path), org="CTD-X4")
    call_command("import_supports", str(path), org="CTD-X4")
    assert capsys.readouterr().out.splitlines() == [
        "Đã nhập 1 lần hỗ trợ; 0 đã có.",
        "Đã nhập 0 lần hỗ trợ; 1 đã có.",
    ]


def test_a_bad_support_history_is_refused_row_by_row_and_nothing_is_written(cast, tmp_path):
    importers.commit(cast.ba_dinh_officer, csv_batch(cast, GOOD))
    path = tmp_path / "ho-tro.csv"
    path.write_text(
        SUPPORTS + "A2,31/02/2026,Tiền mặt,100000,\nZZ,01/02/2026,Bánh,-5,\n", encoding="utf-8"
    )
    with pytest.raises(CommandError, match="không nhập dòng nào"):
        call_command("import_supports", str(path), org="CTD-X4")
    assert not SupportRecord.objects.exists()
    result = importers.import_supports(None, cast.ba_dinh, "x.csv", path.read_bytes())
    errors = {(e["row"], e["column"]): e["message"] for e in result["errors"]}
    assert "không có thật" in errors[(3, "Ngày")]
    assert "Không tìm thấy đối tượng" in errors[(4, "Mã nguồn")]
    assert "không có trong danh mục" in errors[(4, "Hình thức")]
    assert "không được âm" in errors[(4, "Trị giá (đồng)")]
