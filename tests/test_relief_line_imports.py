# ruff: noqa: F811  (fixtures are imported from tests/test_relief_fixtures.py by name)
"""An uploaded distribution list is a record: the file, its checksum, who and when, status,
counts and per-row errors. Nothing reaches the round before the preview is confirmed; then
every new row or none. The same file again changes nothing and says so; the refused rows
download as a workbook with the reason."""

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from nhandao.audit.models import AuditEvent
from nhandao.beneficiaries import actions as registry
from nhandao.relief import actions, importers
from nhandao.relief.models import DistributionLine, LineImport
from nhandao.relief.rules import ReliefError
from tests.test_relief_fixtures import (  # noqa: F401  (fixtures)
    DAY,
    allocate,
    ba_dinh_homes,
    funded,
    hanoi_round,
    household,
    unit,
    xlsx,
    yagi,
)


@pytest.fixture
def rnd(cast, funded):
    allocate(cast, funded, cast.hanoi, 5_000_000)
    return hanoi_round(cast, funded)


@pytest.fixture
def homes(cast):
    return ba_dinh_homes(cast)


def good_file(homes) -> bytes:
    return xlsx(
        [
            ["STT", "Mã hộ", "Họ và tên", "Số tiền"],
            [1, homes[0].pk, "Nguyễn Thị Hoa", 1_000_000],
            [2, homes[1].pk, "Trần Văn Nam", "500.000"],
        ]
    )


def bad_file(homes) -> bytes:
    return xlsx(
        [
            ["STT", "Mã hộ", "Họ và tên", "Số tiền"],
            [1, homes[0].pk, "Nguyễn Thị Hoa", 1_000_000],
            [2, 999999, "Ai đó", 200_000],
            [3, homes[1].pk, "Trần Văn Nam", "năm trăm"],
        ]
    )


# ---- the steps ----------------------------------------------------------------------------


def test_an_upload_is_recorded_and_previewed_without_touching_the_round(cast, rnd, homes):
    data = good_file(homes)
    batch, new = importers.start(cast.hn_officer, rnd, "danh-sach.xlsx", data)
    assert new and batch.status == "previewed"
    assert (batch.file_name, batch.uploaded_by, batch.organisation) == (
        "danh-sach.xlsx",
        cast.hn_officer,
        cast.hanoi,
    )
    assert len(batch.checksum) == 64 and batch.read_file() == data
    assert (batch.rows_read, batch.rows_accepted, batch.rows_duplicate, batch.total_value) == (
        2,
        2,
        0,
        1_500_000,
    )
    assert [(r["row"], r["name"], r["value"]) for r in batch.preview] == [
        (2, "Nguyễn Thị Hoa", 1_000_000),
        (3, "Trần Văn Nam", 500_000),
    ]
    assert not DistributionLine.objects.exists()


def test_committing_adds_every_row_and_records_who_and_the_checksum(cast, rnd, homes):
    batch, _ = importers.start(cast.hn_officer, rnd, "danh-sach.xlsx", good_file(homes))
    lines = importers.commit(cast.hn_manager, batch)
    assert [(x.recipient_name, x.value, x.source) for x in lines] == [
        ("Nguyễn Thị Hoa", 1_000_000, "import"),
        ("Trần Văn Nam", 500_000, "import"),
    ]
    batch.refresh_from_db()
    assert (batch.status, batch.created, batch.committed_by) == ("done", 2, cast.hn_manager)
    assert batch.finished_at is not None
    event = AuditEvent.objects.get(action="relief.lines_imported")
    assert event.after["sha256"] == batch.checksum and event.after["created"] == 2


def test_the_same_file_again_changes_nothing_and_says_so(cast, rnd, homes):
    data = good_file(homes)
    first, _ = importers.start(cast.hn_officer, rnd, "danh-sach.xlsx", data)
    importers.commit(cast.hn_officer, first)
    again, new = importers.start(cast.hn_officer, rnd, "ban-sao.xlsx", data)
    assert not new and again.pk == first.pk
    message = importers.repeat_message(again)
    assert "đã được nhập vào đợt" in message and "không thay đổi" in message
    assert "“danh-sach.xlsx”" in message
    assert importers.import_lines(cast.hn_officer, rnd, filename="x.xlsx", data=data) == []
    with pytest.raises(ReliefError, match="đã được nhập vào đợt"):
        importers.commit(cast.hn_officer, again)
    assert LineImport.objects.count() == 1 and DistributionLine.objects.count() == 2


def test_the_same_file_while_its_preview_waits_gives_back_that_preview(cast, rnd, homes):
    data = good_file(homes)
    first, _ = importers.start(cast.hn_officer, rnd, "danh-sach.xlsx", data)
    again, new = importers.start(cast.hn_officer, rnd, "danh-sach.xlsx", data)
    assert not new and again.pk == first.pk and again.status == "previewed"
    assert "đang chờ xác nhận" in importers.repeat_message(again)


def test_the_same_file_for_another_round_is_a_new_import(cast, rnd, homes):
    data = good_file(homes)
    importers.commit(cast.hn_officer, importers.start(cast.hn_officer, rnd, "a.xlsx", data)[0])
    other = hanoi_round(cast, rnd.campaign, name="Đợt 2")
    batch, new = importers.start(cast.hn_officer, other, "a.xlsx", data)
    assert new and batch.status == "previewed" and batch.rows_accepted == 2


def test_rows_already_in_the_list_are_skipped_and_a_changed_value_is_an_error(cast, rnd, homes):
    actions.add_lines(cast.hn_officer, rnd, [("Dòng 1", homes[0], None, 1_000_000, None)])
    revised = xlsx(
        [
            ["Mã hộ", "Số tiền"],
            [homes[0].pk, 1_000_000],  # already there, same value: skipped
            [homes[2].pk, 700_000],  # new
        ]
    )
    batch, _ = importers.start(cast.hn_officer, rnd, "bo-sung.xlsx", revised)
    assert (batch.status, batch.rows_duplicate, batch.rows_accepted) == ("previewed", 1, 1)
    assert [r["known"] for r in batch.preview] == [True, False]
    lines = importers.commit(cast.hn_officer, batch)
    assert [x.recipient_name for x in lines] == ["Lê Thị Mai"]
    changed = xlsx([["Mã hộ", "Số tiền"], [homes[0].pk, 900_000]])
    batch, _ = importers.start(cast.hn_officer, rnd, "sua.xlsx", changed)
    assert batch.status == "failed"
    assert batch.errors == [
        {
            "row": 2,
            "column": "Mã hộ",
            "value": str(homes[0].pk),
            "reason": "“Nguyễn Thị Hoa” đã có trong danh sách của đợt này với trị giá "
            "1.000.000 ₫ (tệp ghi 900.000 ₫).",
        }
    ]


def test_a_bad_file_is_invalid_with_every_error_and_nothing_is_written(cast, rnd, homes):
    batch, _ = importers.start(cast.hn_officer, rnd, "loi.xlsx", bad_file(homes))
    assert batch.status == "failed"
    assert [(e["row"], e["column"]) for e in batch.errors] == [(3, "Mã hộ"), (4, "Số tiền")]
    with pytest.raises(importers.ImportRejected) as caught:
        importers.commit(cast.hn_officer, batch)
    assert caught.value.errors[0] == (
        "Dòng 3, cột “Mã hộ”: không có hộ mã “999999” trong sổ đối tượng."
    )
    assert not DistributionLine.objects.exists()


def test_the_rejected_rows_download_as_they_were_with_a_reason_column(cast, rnd, homes):
    batch, _ = importers.start(cast.hn_officer, rnd, "loi.xlsx", bad_file(homes))
    sheet = load_workbook(io.BytesIO(importers.rejected_workbook(batch))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = ("Dòng", "Cột", "Giá trị", "Lý do", "STT", "Mã hộ", "Họ và tên", "Số tiền")
    assert rows[0] == header
    assert rows[1] == (
        3,
        "Mã hộ",
        "999999",
        "không có hộ mã “999999” trong sổ đối tượng.",
        2,
        999999,
        "Ai đó",
        200_000,
    )
    assert rows[2][:3] == (4, "Số tiền", "năm trăm")
    assert rows[2][3].startswith("“năm trăm” không phải số tiền hợp lệ")
    assert rows[2][4:] == (3, homes[1].pk, "Trần Văn Nam", "năm trăm")
    assert len(rows) == 3  # the good row is not in it


def test_a_file_level_error_is_a_row_of_the_rejected_workbook(cast, rnd):
    batch, _ = importers.start(cast.hn_officer, rnd, "ds.csv", b"Ten,So tien\na,1\n")
    assert batch.status == "failed" and batch.errors[0]["row"] == 0
    rows = list(load_workbook(io.BytesIO(importers.rejected_workbook(batch))).active.values)
    assert rows[1][0] is None and rows[1][3].startswith("Thiếu cột xác định người nhận")


def test_commit_checks_again_and_refuses_what_changed_since_the_preview(cast, rnd, homes):
    batch, _ = importers.start(cast.hn_officer, rnd, "danh-sach.xlsx", good_file(homes))
    # meanwhile someone adds the second household by hand with another amount
    actions.add_lines(cast.hn_officer, rnd, [("Tay", homes[1], None, 800_000, None)])
    with pytest.raises(importers.ImportRejected, match="với trị giá 800.000 ₫"):
        importers.commit(cast.hn_officer, batch)
    batch.refresh_from_db()
    assert batch.status == "failed" and batch.errors[0]["row"] == 3
    assert list(DistributionLine.objects.values_list("recipient_name", flat=True)) == [
        "Trần Văn Nam"
    ]


def test_a_discarded_preview_cannot_be_committed(cast, rnd, homes):
    batch, _ = importers.start(cast.hn_officer, rnd, "danh-sach.xlsx", good_file(homes))
    importers.discard(cast.hn_officer, batch)
    batch.refresh_from_db()
    assert batch.status == "cancelled"
    with pytest.raises(ReliefError, match="không chuyển sang “Đang nhập”"):
        importers.commit(cast.hn_officer, batch)
    assert not DistributionLine.objects.exists()


def test_a_list_for_a_closed_round_is_invalid(cast, rnd, homes):
    actions.set_round_status(cast.hn_officer, rnd, "cancelled")
    rnd.refresh_from_db()
    batch, _ = importers.start(cast.hn_officer, rnd, "danh-sach.xlsx", good_file(homes))
    assert batch.status == "failed"
    assert "đã kết thúc hoặc đã hủy" in batch.errors[0]["reason"]


def test_a_list_beyond_the_fund_is_previewed_with_a_warning(cast, rnd, homes):
    big = xlsx([["Mã hộ", "Số tiền"], [homes[0].pk, 4_000_000], [homes[1].pk, 2_000_000]])
    batch, _ = importers.start(cast.hn_officer, rnd, "lon.xlsx", big)
    assert batch.status == "previewed"
    assert batch.warnings[0]["reason"].startswith(
        "Danh sách (kể cả các dòng đã có) cần 6.000.000 ₫, quỹ chiến dịch"
    )


def test_someone_without_edit_rights_cannot_upload(cast, rnd, homes):
    with pytest.raises(PermissionDenied, match="không có quyền"):
        importers.start(cast.hn_viewer, rnd, "danh-sach.xlsx", good_file(homes))
    assert not LineImport.objects.exists()


# ---- pages and API ----------------------------------------------------------------------


def upload(client, rnd, data, name="danh-sach.xlsx"):
    return client.post(
        reverse("relief_round_import", args=[rnd.pk]),
        {"file": SimpleUploadedFile(name, data)},
    )


def test_upload_preview_and_commit_through_the_pages(cast, login, rnd, homes):
    client = login(cast.hn_officer)
    data = good_file(homes)
    response = upload(client, rnd, data)
    batch = LineImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("relief_line_import", args=[batch.pk])
    page = client.get(response.url).content.decode()
    assert "Nhập 2 dòng mới" in page and "Trần Văn Nam" in page and "1.500.000 ₫" in page
    assert not DistributionLine.objects.exists()
    response = client.post(reverse("relief_line_import", args=[batch.pk]), follow=True)
    assert "Đã nhập 2 dòng vào danh sách cấp phát" in response.content.decode()
    assert DistributionLine.objects.count() == 2
    round_page = client.get(reverse("relief_round", args=[rnd.pk])).content.decode()
    assert 'id="imports"' in round_page and "danh-sach.xlsx" in round_page
    again = upload(client, rnd, data, "lai.xlsx")
    assert again.url == reverse("relief_line_import", args=[batch.pk])
    page = client.get(again.url).content.decode()
    assert "đã được nhập vào đợt" in page and DistributionLine.objects.count() == 2
    # another file with the same rows (and a note column) adds nothing either
    same_rows = xlsx(
        [
            ["Mã hộ", "Số tiền", "Ghi chú"],
            [homes[0].pk, 1_000_000, "đã kiểm tra"],
            [homes[1].pk, 500_000, ""],
        ]
    )
    other = upload(client, rnd, same_rows, "luu-lai.xlsx")
    page = client.get(other.url).content.decode()
    assert "Mọi dòng của tệp đã có trong danh sách của đợt" in page
    client.post(other.url)
    assert DistributionLine.objects.count() == 2
    assert LineImport.objects.get(pk=other.url.split("/")[-2]).status == "done"


def test_a_bad_upload_shows_its_errors_and_the_rejected_rows_download(cast, login, rnd, homes):
    client = login(cast.hn_officer)
    batch_url = upload(client, rnd, bad_file(homes)).url
    page = client.get(batch_url).content.decode()
    assert "Dòng lỗi (2)" in page and "không có hộ mã “999999”" in page
    assert 'id="commit-import"' not in page
    batch = LineImport.objects.get()
    download = client.get(reverse("relief_line_import_rejected", args=[batch.pk]))
    assert download.status_code == 200 and download.content[:2] == b"PK"
    assert "attachment" in download["Content-Disposition"]


def test_discarding_through_the_page(cast, login, rnd, homes):
    client = login(cast.hn_manager)
    batch_url = upload(client, rnd, good_file(homes)).url
    response = client.post(batch_url, {"action": "discard"})
    assert response.url == reverse("relief_round", args=[rnd.pk])
    assert LineImport.objects.get().status == "cancelled" and not DistributionLine.objects.exists()


@pytest.mark.parametrize(
    "who, status",
    [
        ("hn_officer", 200),
        ("hn_manager", 200),
        ("hn_admin", 200),
        ("root", 200),
        ("hn_viewer", 403),
        ("hn_accountant", 403),
        ("ba_dinh_officer", 404),
        ("tq_officer", 404),
        ("outsider", 404),
    ],
)
def test_who_may_open_an_uploaded_list(cast, login, rnd, homes, who, status):
    batch, _ = importers.start(cast.hn_officer, rnd, "loi.xlsx", bad_file(homes))
    client = login(getattr(cast, who))
    assert client.get(reverse("relief_line_import", args=[batch.pk])).status_code == status
    download = client.get(reverse("relief_line_import_rejected", args=[batch.pk]))
    assert download.status_code == status
    assert client.post(reverse("relief_line_import", args=[batch.pk])).status_code in (
        status,
        302,  # those who may edit are sent back to the page (the file is refused)
    )
    upload_status = upload(client, rnd, good_file(homes)).status_code
    assert upload_status == (302 if status == 200 else status)


def test_the_api_imports_in_one_step_and_recognises_the_same_file(cast, login, rnd, homes):
    client = login(cast.hn_officer)
    url = f"/api/relief/rounds/{rnd.pk}/import"
    data = good_file(homes)
    first = client.post(url, {"file": SimpleUploadedFile("ds.xlsx", data)})
    assert first.status_code == 201 and [x["value"] for x in first.json()] == [1_000_000, 500_000]
    again = client.post(url, {"file": SimpleUploadedFile("ds.xlsx", data)})
    body = again.json()
    assert again.status_code == 200 and body["status"] == "done" and body["created"] == 2
    assert "không thay đổi" in body["detail"] and DistributionLine.objects.count() == 2
    refused = client.post(url, {"file": SimpleUploadedFile("loi.xlsx", bad_file(homes))})
    assert refused.status_code == 422
    assert refused.json()["errors"]["file"][0].startswith("Dòng 3, cột “Mã hộ”")
    record = client.get(f"/api/relief/imports/{refused.json()['import_id']}").json()
    assert record["status"] == "failed"
    assert record["errors"][0] == {
        "row": 3,
        "column": "Mã hộ",
        "value": "999999",
        "reason": "không có hộ mã “999999” trong sổ đối tượng.",
    }


def test_the_api_import_refuses_a_viewer_and_hides_the_round_from_outsiders(
    cast, login, rnd, homes
):
    url = f"/api/relief/rounds/{rnd.pk}/import"
    viewer = login(cast.hn_viewer).post(url, {"file": SimpleUploadedFile("a.xlsx", b"x")})
    assert viewer.status_code == 403
    outsider = login(cast.tq_officer).post(url, {"file": SimpleUploadedFile("a.xlsx", b"x")})
    assert outsider.status_code == 404
    batch, _ = importers.start(cast.hn_officer, rnd, "a.xlsx", good_file(homes))
    assert login(cast.tq_officer).get(f"/api/relief/imports/{batch.pk}").status_code == 404
    assert login(cast.hn_viewer).get(f"/api/relief/imports/{batch.pk}").status_code == 403
    assert not LineImport.objects.exclude(pk=batch.pk).exists()


def test_a_goods_list_needs_quantities_and_counts_them(cast, rnd, homes):
    from nhandao.relief.models import Item

    store = actions.create_warehouse(cast.hn_officer, organisation=cast.hanoi, name="Kho HN")
    rice = Item.objects.create(name="Gạo", unit="kg")
    actions.receive_goods(cast.hn_officer, store, rice, 100, date=date(2024, 9, 14))
    goods = hanoi_round(cast, rnd.campaign, name="Gạo", kind="gift", warehouse=store, item=rice)
    data = xlsx([["Mã hộ", "Số lượng"], [homes[0].pk, 10], [homes[1].pk, 0]])
    batch, _ = importers.start(cast.hn_officer, goods, "gao.xlsx", data)
    assert batch.errors == [
        {"row": 3, "column": "Số lượng", "value": "0", "reason": "cần một số lớn hơn 0."}
    ]
    data = xlsx([["Mã hộ", "Số lượng"], [homes[0].pk, 10], [homes[1].pk, "12,5"]])
    batch, _ = importers.start(cast.hn_officer, goods, "gao2.xlsx", data)
    assert batch.status == "previewed" and batch.total_quantity == 22.5
    lines = importers.commit(cast.hn_officer, batch)
    assert [str(x.quantity) for x in lines] == ["10.00", "12.50"]


def test_a_row_naming_someone_the_organisation_does_not_serve_reads_as_unknown(cast, rnd, homes):
    """A household or person registered and living elsewhere (Tuyên Quang, for a Hà Nội
    round) is refused as if it did not exist: the file does not reveal their name."""
    elsewhere = household(cast, cast.tq_commune.admin_unit, cast.tq_commune, "Hoàng Văn Bảy")
    head = elsewhere.head
    registry.update_person(cast.root, head, id_number="008090012345")
    data = xlsx(
        [
            ["Mã hộ", "Mã đối tượng", "Số CCCD", "Số tiền"],
            [elsewhere.pk, None, None, 500_000],
            [None, head.pk, None, 500_000],
            [None, None, "008090012345", 500_000],
            [homes[0].pk, None, None, 500_000],
        ]
    )
    batch, _ = importers.start(cast.hn_officer, rnd, "ds.xlsx", data)
    assert batch.status == "failed"
    assert [(e["row"], e["column"], e["reason"]) for e in batch.errors] == [
        (2, "Mã hộ", f"không có hộ mã “{elsewhere.pk}” trong sổ đối tượng."),
        (3, "Mã đối tượng", f"không có đối tượng mã “{head.pk}”."),
        (4, "Số CCCD", "số “008090012345” không có trong sổ đối tượng."),
    ]
    assert "Hoàng Văn Bảy" not in str(batch.errors) + str(batch.preview)
    assert not DistributionLine.objects.exists()
