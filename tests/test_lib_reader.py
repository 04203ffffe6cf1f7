"""The one file reader (lib/reader.py), the amount parser (lib/money.py) and the date parser
(lib/dates.py): every case of issue #13's "Bad input" list, refused with a Vietnamese reason
naming the row and column, and nothing written (counts before and after); the good cases
(UTF-16, Windows-1258, `;`) stored correctly end to end through the importers."""

import tracemalloc
from datetime import date

import pytest

from nhandao.audit.models import LedgerEntry
from nhandao.beneficiaries import importers as registry
from nhandao.beneficiaries.models import ImportStatus, Person
from nhandao.donations import actions
from nhandao.donations.importers import read_statement
from nhandao.donations.models import Donation, StatementLine
from nhandao.lib import reader
from nhandao.lib.dates import DateError, parse_date
from nhandao.lib.money import AmountError, parse_vnd
from nhandao.lib.reader import FileRefused, RowError, read_frame, read_table
from tests.bad_files import MiB, cp1258, xlsx_bomb, xlsx_far_cell
from tests.saoke import FIXTURES, VCB, create_vcb, create_yagi

MEMORY_LIMIT = 200 * MiB


def refused(data, filename="x.csv", **kwargs) -> FileRefused:
    with pytest.raises(FileRefused) as caught:
        read_table(data, filename, **kwargs)
    return caught.value


def peak_while_refusing(data, filename="x.xlsx") -> tuple[FileRefused, int]:
    """The refusal and the peak of Python memory allocated while reaching it."""
    tracemalloc.start()
    try:
        error = refused(data, filename)
        return error, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# ---- amounts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1.500.000", 1_500_000),
        ("1.500.000,00", 1_500_000),
        ("50,000", 50_000),
        ("400.000,00", 400_000),
        ("1500000", 1_500_000),
        ("1,500,000.00", 1_500_000),
        ("50000.0", 50_000),
        ("50000.000", 50_000),
        ("1 500 000 đ", 1_500_000),
        ("500.000 VND", 500_000),
        (1_500_000, 1_500_000),
        (1_500_000.0, 1_500_000),
    ],
)
def test_amounts_in_every_usual_form_are_read(text, amount):
    assert parse_vnd(text) == amount


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("9000000000000000000", "quá lớn"),  # 9×10¹⁸ đ
        (9e18, "quá lớn"),
        ("1.500.000,50", "phần lẻ"),  # đồng has no cents
        ("12.34", "phần lẻ"),
        ("50000.500", "phần lẻ"),
        (1500.5, "phần lẻ"),
        ("1.500,000", "lẫn lộn"),  # dots and commas mixed: which is which cannot be told
        ("1,500.000", "lẫn lộn"),
        ("1.500.000.00", "giống nhau"),
        ("1.50.000", "3 chữ số"),
        ("1.5000", "3 chữ số"),
        ("-50.000", "âm"),
        ("(5.000)", "âm"),
        ("năm trăm", "Không phải số tiền"),
        ("", "Thiếu"),
    ],
)
def test_ambiguous_or_impossible_amounts_are_refused_with_the_reason(text, reason):
    with pytest.raises(AmountError, match=reason):
        parse_vnd(text)


def test_signs_are_read_only_where_the_caller_allows_them():
    assert parse_vnd("-50.000", negative=True) == -50_000
    assert parse_vnd("(5.000)", negative=True) == -5_000
    with pytest.raises(AmountError, match="kiểu 1.500.000"):
        parse_vnd("50,000", style="dot")  # a file that writes 1.500.000 said so


# ---- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["05/09/2024", "5/9/2024", "2024-09-05", "05-09-2024", "2024-09-05 10:30:00", 45540,
     "45540", date(2024, 9, 5)],
)  # fmt: skip
def test_dates_in_every_usual_form_are_read(value):
    assert parse_date(value) == date(2024, 9, 5)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("05/09/24", "4 chữ số"),  # once stored as year 24
        ("0001-01-01", "trước 01/01/2000"),
        ("01/01/0001", "trước 01/01/2000"),
        ("31/02/2024", "không có thật"),
        ("2099-01-01", "sau"),
        ("hôm qua", "không đọc được"),
    ],
)
def test_two_digit_years_and_dates_out_of_bounds_are_refused(value, reason):
    with pytest.raises(DateError, match=reason):
        parse_date(value)


def test_a_caller_may_widen_the_bounds_for_birth_dates():
    assert parse_date("05/03/1950", earliest=date(1900, 1, 1)) == date(1950, 3, 5)


# ---- encodings, delimiters, headers --------------------------------------------------------

NAMES = "Họ và tên;Mã xã/phường\nNguyễn Thị Hoa;4\nTrần Văn Đức;7\nLê Thị Ngọc Ánh;8\n"


def is_registry_header(cells):
    return "Họ và tên" in cells


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (NAMES.encode(), "UTF-8"),
        (NAMES.encode("utf-8-sig"), "UTF-8 (có BOM)"),
        (NAMES.encode("utf-16"), "UTF-16"),
        (NAMES.encode("utf-16-le"), "UTF-16"),
        (cp1258(NAMES), "Windows-1258"),
    ],
)
def test_the_encoding_is_detected_reported_and_the_names_read_as_written(data, encoding):
    table = read_table(data, "x.csv", is_header=is_registry_header)
    assert (table.encoding, table.delimiter) == (encoding, ";")
    assert table.description == f"CSV, {encoding}, dấu chấm phẩy"
    assert [cells[0] for _, cells in table.rows] == [
        "Nguyễn Thị Hoa", "Trần Văn Đức", "Lê Thị Ngọc Ánh",
    ]  # fmt: skip


def test_western_windows_1252_is_not_taken_for_vietnamese():
    table = read_table("Name,Town\nCafé Müller,Zürich\n".encode("cp1252"), "x.csv")
    assert table.encoding == "Windows-1252" and table.rows[0][1] == ["Café Müller", "Zürich"]


def test_the_header_is_found_below_title_rows_and_rows_keep_their_numbers():
    data = "DANH SÁCH;;\n;;\nHọ và tên;Mã xã/phường;\nNguyễn Thị Hoa;4;\n\nTrần Văn Đức;7;\n"
    table = read_table(data.encode(), "x.csv", is_header=is_registry_header)
    assert table.header_row == 3 and table.header[:2] == ["Họ và tên", "Mã xã/phường"]
    assert [number for number, _ in table.rows] == [4, 6]  # the blank row 5 left out


def test_tab_separated_files_are_read():
    table = read_table(b"a\tb\n1\t2\n", "x.txt")
    assert table.delimiter == "\t" and table.rows == [(2, ["1", "2"])]


def test_the_frame_has_the_same_rows_and_numbers_as_the_table():
    data = ("tiêu đề\n" + NAMES).encode("utf-16")
    frame = read_frame(data, "x.csv", is_header=is_registry_header).lines.collect()
    assert frame["row_no"].to_list() == [3, 4, 5]
    assert frame["c0"].to_list() == ["Nguyễn Thị Hoa", "Trần Văn Đức", "Lê Thị Ngọc Ánh"]


# ---- bad files -----------------------------------------------------------------------------


def test_a_truncated_last_line_is_refused():
    error = refused(b"page,date,doc_no,debit_vnd,credit_vnd,details\n1,2024-09-02,1.1,,50")
    assert "bị cắt" in error.message and "dòng 2" in error.message
    assert error.errors == [RowError(2, "", "1,2024-09-02,1.1,,50", "Dòng bị cắt giữa chừng.")]


def test_a_quote_left_open_is_refused():
    error = refused(b'a,b\n1,"ung ho\n2,3\n')
    assert "dấu ngoặc kép mở ở dòng 2" in error.message


def test_a_last_line_without_newline_but_complete_is_read():
    assert read_table(b"a,b\n1,2", "x.csv").rows == [(2, ["1", "2"])]


def test_a_control_character_is_refused_with_its_row_and_column():
    error = refused("Họ và tên,Ghi chú\nHoa,ok\nBình,x\x07y\n".encode())
    assert error.errors == [
        RowError(3, "Ghi chú", "x\x07y", error.errors[0].reason),
    ]
    assert "U+0007" in error.errors[0].reason and "Dòng 3, cột “Ghi chú”" in error.message


def test_a_one_mebibyte_field_is_refused_before_any_database_sees_it():
    error = refused(b"ten,ghi_chu\nHoa," + b"x" * MiB + b"\n")
    (row,) = error.errors
    assert (row.row, row.column) == (2, "ghi_chu")
    assert row.reason == "Ô dài 1.048.576 ký tự, quá giới hạn 4.000 ký tự."


def test_a_file_over_the_size_limit_is_refused_before_reading():
    error = refused(b"a,b\n" + b"1,2\n" * 100, limits=reader.Limits(max_bytes=100))
    assert "quá giới hạn" in error.message


def test_too_many_lines_are_refused_before_parsing():
    error = refused(b"a,b\n" + b"1,2\n" * 100, limits=reader.Limits(max_rows=10))
    assert "101 dòng, quá giới hạn 10 dòng" in error.message


def test_undecodable_bytes_and_old_excel_files_are_refused():
    assert "mã hóa" in refused(b"a,b\n\x81\x8d\x8f\x90\x9d,x\n").message
    assert ".xls" in refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "x.xls").message
    assert "hỏng" in refused(b"not a zip", "x.xlsx").message


def test_a_cell_at_xfd1048576_is_refused_before_the_spreadsheet_parser_allocates_it():
    error, peak = peak_while_refusing(xlsx_far_cell())
    assert "XFD1048576" in error.message and "16.384 cột" in error.message
    assert peak < MEMORY_LIMIT


def test_a_far_cell_is_refused_even_when_the_sheet_declares_no_dimension():
    error, peak = peak_while_refusing(xlsx_far_cell(declare=False))
    assert "có ô XFD1048576" in error.message and peak < MEMORY_LIMIT


def test_a_zip_bomb_is_refused_at_the_limit_with_little_memory():
    bomb = xlsx_bomb(1024 * MiB)  # 1 GB of sheet in about a megabyte
    assert len(bomb) < 2 * MiB
    error, peak = peak_while_refusing(bomb)
    assert "giải nén lớn hơn" in error.message and peak < MEMORY_LIMIT


def test_a_zip_bomb_that_lies_about_its_size_is_refused_at_its_declared_size():
    error, peak = peak_while_refusing(xlsx_bomb(600 * MiB, lying=True))
    assert "bị hỏng" in error.message and peak < MEMORY_LIMIT


def test_an_ordinary_workbook_is_read_with_its_types():
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Họ và tên", "Ngày sinh", "Số tiền"])
    book.active.append(["Hoa", date(1985, 3, 5), 1500000])
    import io

    out = io.BytesIO()
    book.save(out)
    table = read_table(out.getvalue(), "x.xlsx")
    assert table.kind == "xlsx" and table.header == ["Họ và tên", "Ngày sinh", "Số tiền"]
    (number, cells), = table.rows  # fmt: skip
    assert number == 2 and reader.cell_text(cells[1]) == "05/03/1985"
    assert parse_vnd(cells[2]) == 1_500_000


# ---- end to end: the registry --------------------------------------------------------------

REGISTRY = (
    "Mã nguồn;Họ và tên;Giới tính;Ngày sinh;Mã xã/phường\n"
    "A1;Nguyễn Thị Hoa;Nữ;05/03/1985;4\n"
    "A2;Trần Văn Đức;Nam;1950;4\n"
)


@pytest.mark.parametrize("encode", [lambda t: t.encode("utf-16"), cp1258], ids=["utf16", "1258"])
def test_utf16_and_windows_1258_lists_store_the_names_as_written(cast, encode):
    batch = registry.start(cast.ba_dinh_officer, cast.ba_dinh, "ds.csv", encode(REGISTRY))
    batch = registry.preview(batch)
    assert batch.status == ImportStatus.PREVIEW, batch.errors
    registry.commit(cast.ba_dinh_officer, batch)
    names = set(Person.objects.values_list("full_name", flat=True))
    assert names == {"Nguyễn Thị Hoa", "Trần Văn Đức"}
    assert Person.objects.get(external_id="A2").name_key == "tran van duc"


def test_a_registry_list_with_a_control_character_writes_nothing(cast):
    data = REGISTRY.replace("Trần Văn Đức", "Trần Văn\x00Đức").encode()
    batch = registry.preview(registry.start(cast.ba_dinh_officer, cast.ba_dinh, "ds.csv", data))
    assert batch.status == ImportStatus.INVALID
    assert batch.errors == [
        {"row": 3, "column": "Họ và tên", "message": batch.errors[0]["message"]}
    ]
    assert "U+0000" in batch.errors[0]["message"] and not Person.objects.exists()


# ---- end to end: statements ----------------------------------------------------------------

HEAD = "page,date,doc_no,debit_vnd,credit_vnd,details\n"


@pytest.fixture
def vcb(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return create_vcb(cast, create_yagi(cast))


def counts():
    return (StatementLine.objects.count(), Donation.objects.count(), LedgerEntry.objects.count())


def import_text(cast, account, text, filename="sk.csv"):
    return actions.import_statement(cast.root, account, filename=filename, data=text.encode())


@pytest.mark.parametrize(
    ("line", "column", "reason"),
    [
        ("1,2024-09-02,9.1,,9000000000000000000,ung ho", "credit_vnd", "quá lớn"),
        ("1,0001-01-01,9.1,,50000,ung ho", "date", "trước 01/01/2000"),
        ("1,05/09/24,9.1,,50000,ung ho", "date", "4 chữ số"),
        ('1,2024-09-02,9.1,,"1.500.000,50",ung ho', "credit_vnd", "phần lẻ"),
    ],
)
def test_a_bad_value_rejects_the_statement_and_writes_nothing(cast, vcb, line, column, reason):
    good = "1,2024-09-02,9.0,,50000,NGUYEN VAN AN ung ho\n"
    before = counts()
    statement = import_text(cast, vcb, HEAD + good + line + "\n")
    assert statement.status == "rejected" and counts() == before
    (error,) = statement.errors
    assert (error["row"], error["column"]) == (3, column) and reason in error["reason"]


def test_a_statement_cut_inside_its_last_amount_is_refused_and_writes_nothing(cast, vcb):
    full = (FIXTURES / VCB).read_text(encoding="utf-8")
    cut = full[: full.rstrip("\n").rfind(",", 0, len(full.rstrip("\n")) - 1) - 3]
    before = counts()
    statement = import_text(cast, vcb, cut)
    assert statement.status == "rejected" and counts() == before
    assert "bị cắt" in statement.errors[0]["reason"]
    assert statement.errors[1]["row"] == cut.count("\n") + 1


def test_a_statement_with_a_control_character_names_its_row_and_column(cast, vcb):
    before = counts()
    statement = import_text(cast, vcb, HEAD + "1,2024-09-02,9.0,,50000,ung\x1bho\n")
    assert statement.status == "rejected" and counts() == before
    assert statement.errors[1]["row"] == 2 and statement.errors[1]["column"] == "details"


def test_a_statement_with_a_one_mebibyte_message_is_refused_the_same_on_every_database(cast, vcb):
    before = counts()
    statement = import_text(cast, vcb, HEAD + "1,2024-09-02,9.0,,50000," + "x" * MiB + "\n")
    assert statement.status == "rejected" and counts() == before
    assert statement.errors[1]["reason"] == "Ô dài 1.048.576 ký tự, quá giới hạn 4.000 ký tự."


def test_a_semicolon_statement_in_windows_1258_is_imported(cast, vcb):
    text = (FIXTURES / VCB).read_text(encoding="utf-8").replace(",", ";")
    text = text.replace("xin cam on", "xin cảm ơn Nguyễn Thị Hoa")
    data = cp1258(text)
    assert read_statement(data, "sk.csv").encoding == "Windows-1258"  # shown in the preview
    statement = actions.import_statement(cast.root, vcb, filename="sk.csv", data=data)
    assert statement.status == "done", statement.errors[:3]
    assert statement.lines == 360 and statement.credits_total == 87_663_313
    assert StatementLine.objects.filter(description__contains="cảm ơn Nguyễn Thị Hoa").exists()


def test_too_many_columns_are_refused_by_both_readers():
    data = ",".join(f"c{i}" for i in range(300)).encode() + b"\n" + b"1," * 299 + b"1\n"
    assert "300 cột, quá giới hạn 256 cột" in refused(data).message
    with pytest.raises(FileRefused, match="300 cột"):
        read_frame(data, "x.csv")


def test_a_shared_string_table_declaring_billions_of_strings_is_refused():
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(xlsx_far_cell("B3")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        target.writestr(
            "xl/sharedStrings.xml",
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'count="4000000000" uniqueCount="4000000000"><si><t>x</t></si></sst>',
        )
    assert "hỏng" in refused(out.getvalue(), "x.xlsx").message
    assert read_table(xlsx_far_cell("B3"), "x.xlsx").rows[0][1][0] == "Nguyễn Thị Hoa"
