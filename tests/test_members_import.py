"""Member and volunteer lists through the import frame (issue #20, item 8): upload → checked
by a task → confirmed → committed by a queued task; every bad row named, nothing partial;
the same person found, a probable duplicate reported, the same file harmless."""

import csv
import io
from datetime import date, datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from nhandao.lib.exports import Sheet, xlsx_bytes
from nhandao.people import actions as people
from nhandao.people import importers
from nhandao.people import membership as ms
from nhandao.people import volunteers as vol
from nhandao.people.models import (
    Individual,
    ListKind,
    MemberImport,
    Membership,
    MembershipCount,
    Volunteer,
)

MEMBER_HEADER = list(importers.COLUMNS[ListKind.MEMBERS].values())
VOLUNTEER_HEADER = list(importers.COLUMNS[ListKind.VOLUNTEERS].values())


def csv_bytes(header, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def run_import(tasks, actor, org, kind, data, name="ds.csv", *, confirm=True):
    imp = importers.start(actor, org, kind, name, data)
    tasks.run()
    imp.refresh_from_db()
    if confirm and imp.awaiting_confirmation:
        importers.confirm(actor, imp)
        tasks.run()
        imp.refresh_from_db()
    return imp


def summary_matches_rows(org, day):
    return ms.count_on(org, day) == ms.members_on(org, day).count()


def test_a_member_list_is_uploaded_checked_confirmed_and_committed_through_the_pages(
    cast, login, tasks
):
    client = login(cast.ba_dinh_officer)
    page = client.get("/hoi-vien/nhap/")
    assert page.status_code == 200 and "Tải tệp mẫu" in page.content.decode()
    data = xlsx_bytes([Sheet("Hội viên", MEMBER_HEADER, [
        ["Nguyễn Thị Hoa", "05/03/1985", "Nữ", "0912345678", "001185012345", "15/01/2024",
         "Hội viên", ""],
        ["Lê Văn Nam", date(2004, 6, 1), "Nam", "", "", date(2025, 9, 1),
         "Hội viên thanh thiếu niên", "Hội Chữ thập đỏ Phường Ba Đình"],
        ["Trần Bá Danh", "", "", "", "", "02/09/2020", "Hội viên danh dự", "CTD-X4"],
    ])])  # fmt: skip
    upload = SimpleUploadedFile("hoi-vien.xlsx", data)
    answer = client.post("/hoi-vien/nhap/", {"organisation": cast.ba_dinh.code, "file": upload})
    imp = MemberImport.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/nhap-danh-sach/{imp.pk}/"
    assert imp.status == "uploaded" and not Membership.objects.exists()
    tasks.run()
    page = client.get(f"/nhap-danh-sach/{imp.pk}/").content.decode()
    assert "Đã kiểm tra, chờ xác nhận" in page and "Xác nhận nhập 3 dòng" in page
    assert "3 hồ sơ cá nhân mới" in page
    assert not Individual.objects.exists()  # the preview writes nothing
    answer = client.post(f"/nhap-danh-sach/{imp.pk}/nhap/")
    assert answer.status_code == 302
    imp.refresh_from_db()
    assert imp.status == "queued"
    tasks.run()
    imp.refresh_from_db()
    assert (imp.status, imp.rows_accepted, imp.people_created) == ("done", 3, 3)
    rows = {m.individual.full_name: m for m in Membership.objects.select_related("individual")}
    assert rows["Lê Văn Nam"].kind == "youth"
    assert rows["Lê Văn Nam"].started_on == date(2025, 9, 1)
    assert rows["Trần Bá Danh"].kind == "honorary"
    hoa = rows["Nguyễn Thị Hoa"].individual
    assert (hoa.id_number, hoa.phone, hoa.sex, hoa.code) == (
        "001185012345", "0912345678", "female", f"CN{hoa.pk:07d}"
    )  # fmt: skip
    twin = people.create_individual(cast.root, organisation=cast.ngoc_ha, full_name=hoa.full_name)
    assert (hoa.name_key, hoa.family_name, hoa.given_name) == (
        twin.name_key,
        twin.family_name,
        twin.given_name,
    )  # as Individual.save fills them
    assert all(m.started_via == "join" and m.organisation == cast.ba_dinh for m in rows.values())
    # the summary behind "members on a date" kept in step
    for day in (date(2020, 9, 2), date(2024, 1, 15), date(2025, 9, 1), timezone.localdate()):
        assert summary_matches_rows(cast.ba_dinh, day)
    assert ms.count_on(cast.ba_dinh, timezone.localdate()) == 3
    assert "Đã nhập" in client.get(f"/nhap-danh-sach/{imp.pk}/").content.decode()


def test_every_bad_row_is_named_and_nothing_is_written(cast, tasks, client):
    today = timezone.localdate()
    tomorrow = (today + timedelta(days=1)).strftime("%d/%m/%Y")
    data = csv_bytes(MEMBER_HEADER, [
        ["", "01/01/1990", "", "", "", "01/01/2024", "Hội viên", ""],  # 2: no name
        ["An", "31/02/1990", "", "", "", "01/01/2024", "Hội viên", ""],  # 3: no such date
        ["Bình", "01/01/1980", "Nam", "", "", "01/01/2024", "Hội viên thanh thiếu niên", ""],
        ["Chi", "", "X", "12345", "123", tomorrow, "Cán bộ", ""],  # 5: four wrong cells
        ["Dũng", "", "", "", "", "01/01/2024", "Hội viên", "Phường Không Có"],  # 6
        ["Hoa", "01/01/1990", "", "0912345678", "", "01/01/2024", "Hội viên", ""],
        ["Hoa", "01/01/1990", "", "0912345678", "", "02/01/2024", "Hội viên", ""],  # 8: again
        ["Giang", "01/01/1990", "", "", "", "01/01/2024", "Hội viên", ""],  # a good row
    ])  # fmt: skip
    imp = run_import(tasks, cast.ba_dinh_officer, cast.ba_dinh, ListKind.MEMBERS, data)
    assert imp.status == "failed"
    where = {(e["row"], e["column"]) for e in imp.errors}
    assert where == {
        (2, "Họ và tên"), (3, "Ngày sinh"), (4, "Loại hội viên"), (5, "Giới tính"),
        (5, "Số điện thoại"), (5, "Số CCCD"), (5, "Ngày vào Hội"), (5, "Loại hội viên"),
        (6, "Chi hội/đơn vị"), (8, "Họ và tên"),
    }  # fmt: skip
    reasons = {(e["row"], e["column"]): e["reason"] for e in imp.errors}
    assert "16 đến 30 tuổi" in reasons[(4, "Loại hội viên")] and "44 tuổi" in reasons[
        (4, "Loại hội viên")]  # fmt: skip
    assert reasons[(8, "Họ và tên")].startswith("trùng người ở dòng 7")
    assert "không có đơn vị này" in reasons[(6, "Chi hội/đơn vị")]
    assert imp.rows_rejected == 6 and imp.rows_read == 8
    assert not Individual.objects.exists() and not Membership.objects.exists()
    # the page shows them, the rejected rows download as a workbook, row by row
    client.force_login(cast.ba_dinh_officer)
    page = client.get(f"/nhap-danh-sach/{imp.pk}/").content.decode()
    assert "Không dòng nào được nhập" in page and "Phường Không Có" in page
    book = load_workbook(io.BytesIO(client.get(f"/nhap-danh-sach/{imp.pk}/dong-loi.xlsx").content))
    lines = list(book.active.iter_rows(values_only=True))
    assert lines[0][:4] == ("Dòng", "Cột", "Giá trị", "Lý do")
    assert lines[0][4:] == tuple(MEMBER_HEADER)
    assert len(lines) == 1 + len(imp.errors) and lines[1][0] == 2


def test_a_file_without_the_needed_columns_is_refused_as_a_whole(cast, tasks):
    data = csv_bytes(["Họ và tên", "Ngày sinh"], [["An", "01/01/1990"]])
    imp = run_import(tasks, cast.ba_dinh_officer, cast.ba_dinh, ListKind.MEMBERS, data)
    assert imp.status == "failed" and imp.errors[0]["row"] == 0
    assert "Thiếu cột" in imp.errors[0]["reason"] and "Ngày vào Hội" in imp.errors[0]["reason"]


def test_a_known_person_is_found_a_probable_duplicate_is_reported_not_merged(cast, tasks):
    root, org = cast.root, cast.ba_dinh
    by_id = people.create_individual(root, organisation=org, full_name="Phạm Thị Lan",
                                     id_number="001190000001")  # fmt: skip
    same = people.create_individual(root, organisation=org, full_name="Võ Văn Tú",
                                    birth_date=date(1980, 2, 2), phone="0911111111")  # fmt: skip
    maybe = people.create_individual(root, organisation=org, full_name="Đỗ Thị Mai",
                                     birth_date=date(1975, 3, 3), phone="0922222222")  # fmt: skip
    member = people.create_individual(root, organisation=org, full_name="Hồ Văn Kỳ",
                                      birth_date=date(1970, 4, 4))  # fmt: skip
    ms.join(root, member, org, kind="member", started_on=date(2020, 1, 1))
    data = csv_bytes(MEMBER_HEADER, [
        ["PHẠM THỊ LAN", "", "", "", "001 190 000 001", "01/02/2024", "Hội viên", ""],
        ["Võ Văn Tú", "02/02/1980", "", "0911111111", "", "01/02/2024", "Hội viên", ""],
        ["Đỗ Thị Mai", "03/03/1975", "", "0933333333", "", "01/02/2024", "Hội viên", ""],
        ["Hồ Văn Kỳ", "04/04/1970", "", "", "", "01/02/2024", "Hội viên", ""],
    ])  # fmt: skip
    imp = run_import(tasks, cast.ba_dinh_officer, org, ListKind.MEMBERS, data)
    assert imp.status == "done", imp.errors
    assert (imp.rows_accepted, imp.rows_duplicate, imp.people_created) == (3, 1, 1)
    assert imp.likely_duplicates == 1
    (warning,) = imp.warnings
    assert warning["row"] == 4 and maybe.code in warning["reason"]
    assert "không gộp" in warning["reason"]
    assert by_id.memberships.get().started_on == date(2024, 2, 1)
    assert same.memberships.get().kind == "member"
    assert not maybe.memberships.exists()  # a new record got the membership
    assert Individual.objects.filter(name_key="do thi mai").count() == 2
    assert member.memberships.get().started_on == date(2020, 1, 1)  # already present


def test_a_member_elsewhere_is_told_to_transfer_and_nothing_is_written(cast, tasks):
    root = cast.root
    elsewhere = people.create_individual(root, organisation=cast.ngoc_ha, full_name="Lý Văn Ba",
                                         id_number="001190000002")  # fmt: skip
    ms.join(root, elsewhere, cast.ngoc_ha, kind="member", started_on=date(2021, 1, 1))
    data = csv_bytes(MEMBER_HEADER, [
        ["An Nhiên", "", "", "", "", "01/02/2024", "Hội viên", ""],
        ["Lý Văn Ba", "", "", "", "001190000002", "01/02/2024", "Hội viên", ""],
    ])  # fmt: skip
    imp = run_import(tasks, cast.ba_dinh_officer, cast.ba_dinh, ListKind.MEMBERS, data)
    assert imp.status == "failed"
    (error,) = imp.errors  # Ba Đình's officer does not reach Ngọc Hà's record
    assert error["row"] == 3 and "đơn vị khác quản lý" in error["reason"]
    assert "Ngọc Hà" not in error["reason"]
    imp = run_import(tasks, cast.hn_officer, cast.ba_dinh, ListKind.MEMBERS, data)
    assert imp.status == "failed"
    (error,) = imp.errors  # Hà Nội's officer does: told where she is a member
    assert error["row"] == 3 and "Phường Ngọc Hà" in error["reason"]
    assert "chuyển sinh hoạt" in error["reason"]
    assert Membership.objects.count() == 1 and Individual.objects.count() == 1


def test_running_the_same_list_again_is_harmless(cast, tasks, login):
    rows = [
        ["Nguyễn An", "01/01/1990", "", "0912000001", "", "01/01/2024", "Hội viên", ""],
        ["Trần Bình", "02/02/1991", "", "0912000002", "", "01/01/2024", "Hội viên", ""],
    ]
    data = csv_bytes(MEMBER_HEADER, rows)
    first = run_import(tasks, cast.ba_dinh_officer, cast.ba_dinh, ListKind.MEMBERS, data)
    assert first.status == "done" and first.rows_accepted == 2
    # the very same file: answered by the earlier import, no new record
    again = importers.start(cast.ba_dinh_officer, cast.ba_dinh, ListKind.MEMBERS, "x.csv", data)
    assert again.pk == first.pk and again.repeated
    client = login(cast.ba_dinh_officer)
    answer = client.post("/hoi-vien/nhap/", {
        "organisation": cast.ba_dinh.code, "file": SimpleUploadedFile("x.csv", data)},
        follow=True)  # fmt: skip
    assert "không nhập lại, không thêm dòng nào" in answer.content.decode()
    assert MemberImport.objects.count() == 1
    # a re-saved file (other bytes, the same people): every row already present
    resaved = csv_bytes(MEMBER_HEADER, [*rows, ["", "", "", "", "", "", "", ""]]).replace(
        b"\n", b"\r\n"
    )
    second = run_import(tasks, cast.ba_dinh_officer, cast.ba_dinh, ListKind.MEMBERS, resaved)
    assert second.pk != first.pk
    assert (second.status, second.rows_accepted, second.rows_duplicate) == ("done", 0, 2)
    assert Individual.objects.count() == 2 and Membership.objects.count() == 2
    assert MembershipCount.objects.get().delta == 2


def test_a_cancelled_list_writes_nothing_and_may_be_uploaded_again(cast, tasks):
    data = csv_bytes(MEMBER_HEADER, [["An", "", "", "", "", "01/01/2024", "Hội viên", ""]])
    imp = run_import(tasks, cast.ba_dinh_officer, cast.ba_dinh, ListKind.MEMBERS, data,
                     confirm=False)  # fmt: skip
    importers.cancel(cast.ba_dinh_officer, imp)
    assert imp.status == "cancelled" and not Individual.objects.exists()
    again = importers.start(cast.ba_dinh_officer, cast.ba_dinh, ListKind.MEMBERS, "a.csv", data)
    assert again.pk != imp.pk and not again.repeated


def test_the_commit_checks_again_what_changed_since_the_preview(cast, tasks):
    data = csv_bytes(MEMBER_HEADER, [
        ["Lê Hà", "01/01/1990", "", "", "001190000009", "01/01/2024", "Hội viên", ""],
    ])  # fmt: skip
    imp = run_import(tasks, cast.hn_officer, cast.ba_dinh, ListKind.MEMBERS, data,
                     confirm=False)  # fmt: skip
    assert imp.awaiting_confirmation
    # meanwhile she joins Ngọc Hà
    person = people.create_individual(cast.root, organisation=cast.ngoc_ha, full_name="Lê Hà",
                                      id_number="001190000009")  # fmt: skip
    ms.join(cast.root, person, cast.ngoc_ha, kind="member", started_on=date(2023, 1, 1))
    importers.confirm(cast.hn_officer, imp)
    tasks.run()
    imp.refresh_from_db()
    assert imp.status == "failed" and "Phường Ngọc Hà" in imp.errors[0]["reason"]
    assert Membership.objects.count() == 1


def test_only_an_editor_of_the_unit_imports(cast, tasks, login):
    data = csv_bytes(MEMBER_HEADER, [["An", "", "", "", "", "01/01/2024", "Hội viên", ""]])
    client = login(cast.ngoc_ha_officer)
    answer = client.post("/hoi-vien/nhap/", {
        "organisation": cast.ba_dinh.code, "file": SimpleUploadedFile("a.csv", data)})  # fmt: skip
    assert answer.status_code == 422 and not MemberImport.objects.exists()
    imp = run_import(tasks, cast.ba_dinh_officer, cast.ba_dinh, ListKind.MEMBERS, data,
                     confirm=False)  # fmt: skip
    assert client.post(f"/nhap-danh-sach/{imp.pk}/nhap/").status_code == 404
    client = login(cast.hn_viewer)
    assert client.post(f"/nhap-danh-sach/{imp.pk}/nhap/").status_code == 403
    imp.refresh_from_db()
    assert imp.awaiting_confirmation


def test_a_volunteer_list_registers_volunteers_in_their_teams(cast, tasks):
    root, org = cast.root, cast.ba_dinh
    team = vol.create_team(root, org, name="Đội sơ cấp cứu", kind="first_aid")
    known = people.create_individual(root, organisation=org, full_name="Mai Văn Sơn",
                                     birth_date=date(1990, 5, 5), phone="0955555555")  # fmt: skip
    vol.register(root, known, org, since=date(2024, 1, 1))
    youngster = (timezone.localdate() - timedelta(days=365 * 17)).strftime("%d/%m/%Y")
    bad = csv_bytes(VOLUNTEER_HEADER, [
        ["Cao Thị Hạnh", youngster, "Nữ", "", "", "01/03/2025", "", "", ""],
        ["Đinh Văn Hải", "", "", "", "", "01/03/2025", "", "", ""],
        ["Tạ Văn Phú", "01/01/1995", "", "", "", "01/03/2025", "Đội bơi lội", "", ""],
    ])  # fmt: skip
    imp = run_import(tasks, cast.ba_dinh_officer, org, ListKind.VOLUNTEERS, bad)
    assert imp.status == "failed"
    assert {(e["row"], e["column"]) for e in imp.errors} == {
        (2, "Ngày sinh"), (3, "Ngày sinh"), (4, "Đội/nhóm")}  # fmt: skip
    assert "phải từ 18 tuổi" in imp.errors[0]["reason"]
    assert "lập đội trước" in imp.errors[2]["reason"]
    assert Volunteer.objects.count() == 1
    good = csv_bytes(VOLUNTEER_HEADER, [
        ["Tạ Văn Phú", "01/01/1995", "Nam", "", "", "01/03/2025", "đội sơ cấp cứu",
         "Sơ cứu; tiếng Anh", ""],
        ["Mai Văn Sơn", "05/05/1990", "", "0955555555", "", "01/03/2025", "", "", ""],
    ])  # fmt: skip
    imp = run_import(tasks, cast.ba_dinh_officer, org, ListKind.VOLUNTEERS, good)
    assert (imp.status, imp.rows_accepted, imp.rows_duplicate) == ("done", 1, 1)
    phu = Volunteer.objects.get(individual__name_key="ta van phu")
    assert (phu.since, phu.skills, phu.organisation) == (date(2025, 3, 1), "Sơ cứu; tiếng Anh",
                                                         org)  # fmt: skip
    assert list(phu.teams.all()) == [team]
    assert not Membership.objects.exists()  # volunteers need not be members


def test_the_templates_carry_the_vietnamese_headers(cast, login):
    client = login(cast.ba_dinh_officer)
    for url, header in (("/hoi-vien/nhap/mau.xlsx", MEMBER_HEADER),
                        ("/tinh-nguyen/nhap/mau.xlsx", VOLUNTEER_HEADER)):  # fmt: skip
        answer = client.get(url)
        assert answer.status_code == 200
        book = load_workbook(io.BytesIO(answer.content))
        first = list(book.worksheets[0].iter_rows(values_only=True))
        assert list(first[0]) == header and len(first) == 2
        assert book.worksheets[1].title == "Hướng dẫn"


def test_the_template_filled_in_imports_as_it_is(cast, tasks, login):
    """The example row of each template goes through the importer (a team named in it)."""
    vol.create_team(cast.root, cast.ba_dinh, name="Đội sơ cấp cứu", kind="first_aid")
    for kind in (ListKind.MEMBERS, ListKind.VOLUNTEERS):
        data = importers.template_workbook(kind)
        imp = run_import(tasks, cast.ba_dinh_officer, cast.ba_dinh, kind, data, "mau.xlsx")
        assert (imp.status, imp.rows_accepted) == ("done", 1), imp.errors


def test_volunteers_export_with_hours_from_attended_shifts(cast, login):
    root, org = cast.root, cast.ba_dinh
    a = people.create_individual(root, organisation=org, full_name="An Tình",
                                 birth_date=date(1990, 1, 1), phone="0912000009")  # fmt: skip
    b = people.create_individual(root, organisation=cast.ngoc_ha, full_name="Bình Nguyện",
                                 birth_date=date(1990, 1, 1))  # fmt: skip
    va = vol.register(root, a, org, since=date(2025, 1, 1), skills="Sơ cứu")
    vol.register(root, b, cast.ngoc_ha, since=date(2025, 1, 1))
    team = vol.create_team(root, org, name="Đội A", kind="first_aid", members=[va])
    start = timezone.make_aware(datetime(2025, 9, 6, 7, 0))
    for hours, present in ((3, True), (2, False)):
        shift = vol.add_shift(root, team, activity="Trực", starts_at=start,
                              ends_at=start + timedelta(hours=hours))  # fmt: skip
        vol.sign_up(root, shift, va)
        vol.record_attendance(root, shift, present=[va] if present else [],
                              absent=[] if present else [va])  # fmt: skip
    client = login(cast.ba_dinh_officer)
    text = b"".join(client.get("/tinh-nguyen/danh-sach/?format=csv").streaming_content)
    lines = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert lines[0] == ["Mã", "Họ và tên", "Đơn vị", "Tham gia từ", "Đội, nhóm",
                        "Kỹ năng, ngoại ngữ", "Số giờ tình nguyện",
                        "Hạn chế xử lý dữ liệu"]  # fmt: skip
    assert lines[1:] == [[a.code, "An Tình", org.name, "01/01/2025", "Đội A", "Sơ cứu", "3.0", ""]]
    assert "0912000009" not in text.decode("utf-8-sig")
    answer = login(cast.hn_viewer).get("/tinh-nguyen/danh-sach/?format=xlsx")
    rows = list(load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True))
    assert sorted(r[1] for r in rows[1:]) == ["An Tình", "Bình Nguyện"]


def test_a_person_kept_by_another_unit_is_neither_joined_nor_named_to_the_uploader(cast, tasks):
    """Ngọc Hà's officer lists people whose records Ba Đình keeps: a known CCCD stops the row
    (no second record for it); a probable match is reported without the other record's name
    or code, and a new record is made."""
    root = cast.root
    kept = people.create_individual(root, organisation=cast.ba_dinh, full_name="Kha Văn Ẩn",
                                    id_number="001190000077")  # fmt: skip
    twin = people.create_individual(root, organisation=cast.ba_dinh, full_name="Lò Thị Sa",
                                    birth_date=date(1981, 1, 1), phone="0966666666")  # fmt: skip
    by_id = ["Kha Văn Ẩn", "", "", "", "001190000077", "01/02/2024", "Hội viên", ""]
    by_name = ["Lò Thị Sa", "01/01/1981", "", "0966666666", "", "01/02/2024", "Hội viên", ""]
    imp = run_import(tasks, cast.ngoc_ha_officer, cast.ngoc_ha, ListKind.MEMBERS,
                     csv_bytes(MEMBER_HEADER, [by_id, by_name]))  # fmt: skip
    assert imp.status == "failed"
    (error,) = imp.errors
    assert error["row"] == 2 and "đơn vị khác quản lý" in error["reason"]
    assert kept.full_name not in error["reason"] and kept.code not in error["reason"]
    imp = run_import(tasks, cast.ngoc_ha_officer, cast.ngoc_ha, ListKind.MEMBERS,
                     csv_bytes(MEMBER_HEADER, [by_name]))  # fmt: skip
    assert (imp.status, imp.rows_accepted, imp.people_created) == ("done", 1, 1)
    (warning,) = imp.warnings
    assert "đơn vị khác quản lý hồ sơ" in warning["reason"] and twin.code not in warning["reason"]
    assert not twin.memberships.exists()
    # Hà Nội's officer reaches both units: the records Ba Đình keeps (the older), found
    imp = run_import(tasks, cast.hn_officer, cast.ba_dinh, ListKind.MEMBERS,
                     csv_bytes(MEMBER_HEADER, [by_id]))  # fmt: skip
    assert (imp.status, imp.rows_accepted, imp.people_created) == ("done", 1, 0)
    assert kept.memberships.get().started_on == date(2024, 2, 1)


def test_the_commit_checks_the_kept_rows_not_the_file_again(cast, tasks, monkeypatch):
    """The preview keeps the rows it checked; the commit checks only what the records can
    have changed (never the file again), then empties what it kept."""
    data = csv_bytes(MEMBER_HEADER, [
        ["Đào Thị Một", "02/02/1990", "Nữ", "0912000001", "", "01/03/2024", "Hội viên", ""],
        ["Đào Văn Hai", "03/03/1991", "Nam", "", "001191000002", "01/03/2024", "Hội viên", ""],
    ])  # fmt: skip
    imp = run_import(tasks, cast.ba_dinh_officer, cast.ba_dinh, ListKind.MEMBERS, data,
                     confirm=False)  # fmt: skip
    assert [r[1] for r in imp.checked_rows] == ["Đào Thị Một", "Đào Văn Hai"]

    def unread(*args, **kwargs):
        raise AssertionError("the commit read the file again")

    monkeypatch.setattr(importers.reader, "read_table", unread)
    importers.confirm(cast.ba_dinh_officer, imp)
    tasks.run()
    imp.refresh_from_db()
    assert imp.status == "done" and imp.checked_rows == []
    people_made = Individual.objects.filter(name_key__startswith="dao ").order_by("name_key")
    assert [(p.full_name, p.phone, p.id_number, p.sex) for p in people_made] == [
        ("Đào Thị Một", "0912000001", "", "female"),
        ("Đào Văn Hai", "", "001191000002", "male"),
    ]
    assert Membership.objects.filter(started_on=date(2024, 3, 1)).count() == 2
    assert summary_matches_rows(cast.ba_dinh, timezone.localdate())


def test_a_unit_dissolved_after_the_preview_fails_the_commit_nothing_written(cast, tasks):
    from nhandao.orgs import actions as orgs

    data = csv_bytes(MEMBER_HEADER, [
        ["Mai Văn Một", "", "", "", "", "01/03/2024", "Hội viên", cast.ba_dinh.code],
        ["Mai Văn Hai", "", "", "", "", "01/03/2024", "Hội viên", cast.ngoc_ha.code],
    ])  # fmt: skip
    imp = run_import(tasks, cast.hn_officer, cast.hanoi, ListKind.MEMBERS, data, confirm=False)
    assert imp.awaiting_confirmation
    orgs.dissolve_organisation(cast.root, cast.ngoc_ha, cast.ba_dinh, timezone.localdate())
    importers.confirm(cast.hn_officer, imp)
    tasks.run()
    imp.refresh_from_db()
    assert imp.status == "failed" and [e["row"] for e in imp.errors] == [3]
    assert "không còn hoạt động" in imp.errors[0]["reason"]
    assert not Individual.objects.filter(name_key__startswith="mai van").exists()
    assert imp.checked_rows == []
