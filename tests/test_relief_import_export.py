# ruff: noqa: F811  (fixtures are imported from tests/test_relief_fixtures.py by name)
"""Importing a beneficiary list (Excel or CSV): every row checked first, Vietnamese messages
naming the row and the column, duplicates rejected, nothing written on any error. And the
printable distribution list with a signature column, as .xlsx and .docx."""

import io

import pytest
from openpyxl import load_workbook

from nhandao.relief import actions, exports, importers
from nhandao.relief.models import DistributionLine
from nhandao.relief.rules import ReliefError
from tests.bad_files import cp1258
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
    return hanoi_round(cast, funded, place="Phường Ba Đình")


@pytest.fixture
def homes(cast):
    return ba_dinh_homes(cast, ("Nguyễn Thị Hoa", "Trần Văn Nam"))


def test_an_excel_list_becomes_lines_of_the_round(cast, rnd, homes):
    data = xlsx(
        [
            ["STT", "Mã hộ", "Họ và tên", "Số tiền"],
            [1, homes[0].pk, "NGUYEN THI HOA", 1_000_000],
            [2, homes[1].pk, "Trần Văn Nam", "500.000"],
        ]
    )
    lines = importers.import_lines(cast.hn_officer, rnd, filename="ds.xlsx", data=data)
    assert [(line.recipient_name, line.value) for line in lines] == [
        ("Nguyễn Thị Hoa", 1_000_000),
        ("Trần Văn Nam", 500_000),
    ]


def test_a_csv_list_with_a_citizen_id_column_is_accepted(cast, rnd, homes):
    head = homes[0].head
    head.id_number = "001190012345"
    head.save()
    data = 'Số CCCD,Họ và tên,Số tiền\n001190012345,Nguyễn Thị Hoa,"1.000.000"\n'.encode()
    lines = importers.import_lines(cast.hn_officer, rnd, filename="ds.csv", data=data)
    assert lines[0].person_id == head.pk and lines[0].value == 1_000_000


def test_a_windows_1258_semicolon_list_with_decimal_zeros_is_read_as_written(cast, rnd, homes):
    # Vietnamese Excel's "CSV": Windows-1258, `;`, a title row, amounts "1.500.000,00" (once
    # read as 150.000.000 đ, ×100)
    text = (
        "DANH SÁCH CẤP PHÁT;;\n"
        f"Mã hộ;Họ và tên;Số tiền\n{homes[0].pk};Nguyễn Thị Hoa;1.500.000,00\n"
        f"{homes[1].pk};Trần Văn Nam;500.000\n"
    )
    lines = importers.import_lines(cast.hn_officer, rnd, filename="ds.csv", data=cp1258(text))
    assert [(line.recipient_name, line.value) for line in lines] == [
        ("Nguyễn Thị Hoa", 1_500_000),
        ("Trần Văn Nam", 500_000),
    ]


def test_a_cut_list_is_refused_and_nothing_is_written(cast, rnd, homes):
    data = f"Mã hộ,Họ và tên,Số tiền\n{homes[0].pk},Nguyễn Thị Hoa,1000000\n{homes[1].pk},Tr"
    with pytest.raises(importers.ImportRejected) as caught:
        importers.import_lines(cast.hn_officer, rnd, filename="ds.csv", data=data.encode())
    assert "bị cắt" in caught.value.errors[0] and caught.value.batch.status == "invalid"
    assert caught.value.batch.errors[-1]["row"] == 3
    assert DistributionLine.objects.count() == 0


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_written(cast, rnd, homes):
    data = xlsx(
        [
            ["Mã hộ", "Họ và tên", "Số tiền"],
            [homes[0].pk, "Nguyễn Thị Hoa", "một triệu"],
            [999999, "Ai đó", 1000],
            [homes[1].pk, "Lê Văn Khác", 1000],
            [homes[0].pk, "", 2000],
        ]
    )
    with pytest.raises(importers.ImportRejected) as caught:
        importers.import_lines(cast.hn_officer, rnd, filename="ds.xlsx", data=data)
    assert caught.value.errors == [
        "Dòng 2, cột “Số tiền”: “một triệu” không phải số tiền hợp lệ: " + NOT_A_NUMBER,
        "Dòng 3, cột “Mã hộ”: không có hộ mã “999999” trong sổ đối tượng.",
        "Dòng 4, cột “Họ và tên”: “Lê Văn Khác” không khớp hồ sơ trong sổ đối tượng.",
        # row 2 names the same household: reported now, not after row 2 is fixed
        "Dòng 5, cột “Mã hộ”: trùng hộ “Nguyễn Thị Hoa” với Dòng 2.",
    ]
    assert DistributionLine.objects.count() == 0
    batch = caught.value.batch
    assert batch.status == "invalid" and batch.rows == 4
    assert batch.errors[0] == {
        "row": 2,
        "column": "Số tiền",
        "message": "“một triệu” không phải số tiền hợp lệ: " + NOT_A_NUMBER,
    }


NOT_A_NUMBER = "Không phải số tiền (chỉ gồm chữ số, dấu chấm, dấu phẩy)."


def test_duplicate_rows_in_an_imported_list_reject_the_whole_file(cast, rnd, homes):
    data = xlsx(
        [["Mã hộ", "Số tiền"], [homes[0].pk, 1000], [homes[1].pk, 1000], [homes[0].pk, 1000]]
    )
    with pytest.raises(importers.ImportRejected) as caught:
        importers.import_lines(cast.hn_officer, rnd, filename="ds.xlsx", data=data)
    assert caught.value.errors == ["Dòng 4, cột “Mã hộ”: trùng hộ “Nguyễn Thị Hoa” với Dòng 2."]
    assert DistributionLine.objects.count() == 0


def test_a_file_without_a_recipient_column_is_refused(cast, rnd):
    with pytest.raises(ReliefError, match="Thiếu cột xác định người nhận"):
        importers.import_lines(cast.hn_officer, rnd, filename="ds.csv", data=b"Ten,So tien\na,1\n")
    with pytest.raises(ReliefError, match="Chỉ nhận tệp Excel"):
        importers.import_lines(cast.hn_officer, rnd, filename="ds.pdf", data=b"%PDF")


def test_the_distribution_list_prints_with_a_signature_column(cast, rnd, homes):
    actions.add_lines_from_registry(cast.hn_officer, rnd, value=750_000)
    sheet = load_workbook(io.BytesIO(exports.distribution_xlsx(rnd))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows.index(tuple(exports.LIST_HEADERS))
    assert rows[header][-1] == "Ký nhận"
    assert rows[header + 1] == (1, "Nguyễn Thị Hoa", "Phường Ba Đình", None, 750_000, None)
    assert rows[header + 3][1] == "Tổng cộng" and rows[header + 3][4] == 1_500_000
    from docx import Document

    doc = Document(io.BytesIO(exports.distribution_docx(rnd)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "DANH SÁCH CẤP PHÁT" in text
    table = doc.tables[1]
    assert [c.text for c in table.rows[0].cells][-1] == "Ký nhận"
    assert [c.text for c in table.rows[1].cells][1] == "Nguyễn Thị Hoa"
    assert [c.text for c in table.rows[-1].cells][4] == "1.500.000"
