"""Statement import: the three built-in layouts on real slices (sums recomputed from the
files), a generic column mapping, idempotency, the balance check, bad input, donors."""

import csv
import io
import json
from datetime import date

import openpyxl
import pytest
from django.core.management import call_command

from nhandao.audit import ledger
from nhandao.audit.models import LedgerAccount, LedgerEntry
from nhandao.campaigns import actions as campaign_actions
from nhandao.campaigns.models import CampaignKind
from nhandao.donations import actions, importers
from nhandao.donations.importers import fold_expr, read_statement
from nhandao.donations.models import Donation, Donor, Statement, StatementLine
from nhandao.lib.text import search_key
from tests.saoke import FIXTURES, VCB, create_vcb, create_yagi

AGRI = "agribank_1500201113838_slice.csv"
AGRI_LOST = "agribank_1500201113838_lost_amounts.csv"
UNIFIED = "yagi_sample10k_vcb_slice.csv"
MIXED = "yagi_sample10k_mixed.csv"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def yagi(cast):
    return create_yagi(cast)


@pytest.fixture
def vcb(cast, yagi):
    return create_vcb(cast, yagi)


@pytest.fixture
def agribank(cast, yagi):
    return actions.create_bank_account(
        cast.root,
        bank="AGRIBANK",
        number="1500201113838",
        holder="UB MTTQ VN TP Ha Noi",
        organisation=cast.hanoi,
    )


def sums(name, credit="credit_vnd", debit="debit_vnd"):
    """(lines, credit lines, credits, debits) recomputed from the fixture with csv."""
    with open(FIXTURES / name, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    credits = [int(r[credit]) for r in rows if r.get(credit)]
    debits = [int(r[debit]) for r in rows if debit and r.get(debit)]
    return len(rows), len(credits), sum(credits), sum(debits)


def do_import(actor, account, name=None, data=None, filename=None, **kwargs):
    data = data if data is not None else (FIXTURES / name).read_bytes()
    return actions.import_statement(actor, account, filename=filename or name, data=data, **kwargs)


def test_the_vietcombank_layout_is_recognised_and_its_sums_match_the_slice(cast, vcb, yagi):
    statement = do_import(cast.root, vcb, VCB)
    lines, credit_lines, credits, debits = sums(VCB)
    assert statement.layout == "vcb" and statement.status == "done", statement.errors[:3]
    assert statement.summary() == {
        "lines": lines,
        "credit_lines": credit_lines,
        "credits_total": credits,
        "debits_total": debits,
        "added": lines,
        "already_present": 0,
        "rejected": 0,
    }
    assert (credits, debits) == (87_663_313, 55_000)
    assert Donation.objects.filter(campaign=yagi).count() == credit_lines
    assert StatementLine.objects.filter(bank_account=vcb, direction="D").count() == 1
    fund = LedgerAccount.objects.get(organisation=cast.front, campaign=yagi)
    assert fund.balance() == credits and ledger.verify(fund).ok
    assert statement.matched == credit_lines and statement.unmatched == 0


def test_reimporting_the_same_file_adds_nothing(cast, vcb):
    first = do_import(cast.root, vcb, VCB)
    counts = (
        Donation.objects.count(),
        StatementLine.objects.count(),
        LedgerEntry.objects.count(),
        Donor.objects.count(),
    )
    again = do_import(cast.root, vcb, VCB)
    assert again.repeated and again.pk == first.pk  # the earlier statement answers
    summary = again.repeat_summary()
    assert summary["added"] == 0 and summary["already_present"] == summary["lines"] == 360
    assert Statement.objects.count() == 1
    assert (
        Donation.objects.count(),
        StatementLine.objects.count(),
        LedgerEntry.objects.count(),
        Donor.objects.count(),
    ) == counts


def test_the_same_file_is_recognised_by_its_checksum_and_the_same_lines_by_their_keys(cast, vcb):
    first = do_import(cast.root, vcb, VCB)
    again = do_import(cast.root, vcb, VCB)
    assert again.pk == first.pk and "đã được nhập" in again.repeat_message()
    # The same lines re-saved by a spreadsheet (CRLF line ends): another checksum, so every
    # line is read and checked again, and still nothing is added.
    resaved = (FIXTURES / VCB).read_bytes().replace(b"\n", b"\r\n")
    third = do_import(cast.root, vcb, data=resaved, filename=VCB)
    assert third.checksum != first.checksum and not third.repeated
    assert third.rows_accepted == 0 and third.rows_duplicate == 360
    assert StatementLine.objects.count() == 360 and Donation.objects.count() == 359


def test_an_overlapping_period_adds_only_the_new_lines(cast, vcb):
    text = (FIXTURES / VCB).read_text(encoding="utf-8").splitlines()
    first = "\n".join(text[:201]) + "\n"
    second = "\n".join([text[0], *text[150:]]) + "\n"
    a = do_import(cast.root, vcb, data=first.encode(), filename="vcb_part1.csv")
    b = do_import(cast.root, vcb, data=second.encode(), filename="vcb_part2.csv")
    assert a.rows_accepted == 200 and b.rows_duplicate == 51 and b.rows_accepted == 360 - 200
    assert StatementLine.objects.count() == 360


def test_lines_sharing_a_key_are_told_apart_by_order_and_an_unsorted_file_is_booked_by_date(
    cast, vcb
):
    # Rows 2 and 3 share day, reference, direction and amount (not duplicates: the messages
    # differ), so their keys differ only by their order; row 4 comes before them in time.
    csv_text = (
        "page,date,doc_no,debit_vnd,credit_vnd,details\n"
        "1,2024-09-05,9.1,,70000,NGUYEN VAN AN ung ho\n"
        "1,2024-09-05,9.1,,70000,TRAN THI BINH ung ho\n"
        "1,2024-09-03,9.2,,30000,ung ho bao lu\n"
    )
    first = do_import(cast.root, vcb, data=csv_text.encode(), filename="x.csv")
    assert first.status == "done" and first.rows_accepted == 3
    keys = set(StatementLine.objects.values_list("line_key", flat=True))
    assert len(keys) == 3 and sum(k.startswith("20240905") for k in keys) == 2
    lines = list(StatementLine.objects.order_by("id").values_list("booked_on", flat=True))
    entries = list(
        LedgerEntry.objects.order_by("account", "seq").values_list("account", "booked_on")
    )
    assert lines == sorted(lines) and entries == sorted(entries)
    # The same lines re-saved with a BOM and CRLF line ends: all recognised by their keys.
    resaved = b"\xef\xbb\xbf" + csv_text.encode().replace(b"\n", b"\r\n")
    again = do_import(cast.root, vcb, data=resaved, filename="x.csv")
    assert again.status == "done" and again.rows_accepted == 0 and again.rows_duplicate == 3


def test_the_agribank_layout_checks_the_running_balance(cast, agribank):
    statement = do_import(cast.root, agribank, AGRI)
    lines, credit_lines, credits, debits = sums(AGRI)
    assert statement.layout == "agribank" and statement.status == "done"
    assert (statement.rows_read, statement.credits_total, statement.debits_total) == (
        lines,
        credits,
        debits,
    )
    assert statement.balance_breaks == []
    assert (statement.opening_balance, statement.closing_balance) == (24_700, 252_782_524)
    # No campaign for this account and no memo: the money sits in the general fund.
    assert statement.unmatched == credit_lines
    assert LedgerAccount.objects.get(organisation=cast.hanoi, campaign=None).balance() == credits


def test_the_balance_check_finds_the_agribank_rows_whose_amount_was_lost(cast, agribank):
    statement = do_import(cast.root, agribank, AGRI_LOST)
    assert statement.status == "failed" and statement.rows_accepted == 0
    lost = [b for b in statement.balance_breaks if b["amount_in_file"] == 0]
    assert [b["reference"] for b in lost] == [
        "194293800",
        "6935328",
        "97761266",
        "190252264",
        "1748197",
    ]
    assert [b["implied_amount"] for b in lost] == [100_000, 100_000, 200_000, 1_000_000, 300_000]
    missing = [e for e in statement.errors if e["reason"].startswith("Thiếu số tiền")]
    assert len(missing) == 5 and all(e["column"] == "credit_vnd" for e in missing)
    assert "theo số dư, số tiền của dòng là 100.000 đồng." in lost[0]["reason"]
    assert StatementLine.objects.count() == Donation.objects.count() == 0
    assert LedgerEntry.objects.count() == 0


def test_the_unified_sample_layout_is_recognised_and_its_sums_match(cast, vcb):
    statement = do_import(cast.root, vcb, UNIFIED)
    lines, credit_lines, credits, _ = sums(UNIFIED, credit="amount_vnd", debit=None)
    assert statement.layout == "unified" and statement.status == "done"
    assert (statement.rows_read, statement.credit_lines, statement.credits_total) == (
        lines,
        credit_lines,
        credits,
    )
    assert credits == 214_323_810


def test_unified_rows_of_another_account_or_without_amount_reject_the_file(cast, vcb):
    statement = do_import(cast.root, vcb, MIXED)
    assert statement.status == "failed"
    reasons = {(e["row"], e["reason"].split(" (")[0].split(",")[0]) for e in statement.errors}
    assert reasons == {
        (7, "Thiếu số tiền."),
        (8, "Thiếu số tiền."),
        (9, "Thiếu số tiền."),
        (10, "Dòng của tài khoản khác"),
        (11, "Dòng của tài khoản khác"),
    }
    assert statement.rows_rejected == 5 and Donation.objects.count() == 0


def test_a_file_of_another_account_is_refused(cast, vcb):
    data = (FIXTURES / AGRI).read_bytes()
    statement = do_import(cast.root, vcb, data=data, filename=AGRI)
    assert statement.status == "failed"
    assert statement.errors[0]["reason"] == (
        "Tệp sao kê của tài khoản 1500201113838, không phải tài khoản 0011001932418 đã chọn."
    )
    assert StatementLine.objects.count() == 0
    # the preview says so before anyone confirms the import
    pending = actions.create_statement(cast.root, vcb, filename=AGRI, data=data)
    assert importers.preview(pending)["error"] == statement.errors[0]["reason"]


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "x.csv", "Tệp rỗng: không có dòng nào."),
        (b"PK\x03\x04garbage-not-a-zip", "x.xlsx", "Tệp XLSX bị hỏng, có mật khẩu"),
        (b"a,b,c\n1,2,3\n", "x.csv", "Không nhận ra mẫu sao kê"),
        ("ngày,nội dung\n".encode(), "x.csv", "Không nhận ra mẫu sao kê"),
    ],
)
def test_unreadable_files_get_a_vietnamese_message_and_nothing_is_written(
    cast, vcb, data, filename, message
):
    statement = do_import(cast.root, vcb, data=data, filename=filename)
    assert statement.status == "failed" and statement.errors[0]["reason"].startswith(message)
    assert StatementLine.objects.count() == 0 and Donation.objects.count() == 0


def test_a_wrong_layout_name_is_reported(cast, vcb):
    statement = do_import(cast.root, vcb, VCB, layout="agribank")
    assert statement.status == "failed"
    assert statement.errors[0]["reason"].startswith("Tệp không đúng mẫu “Agribank")


BAD_ROWS = """page,date,doc_no,debit_vnd,credit_vnd,details
1,2024-09-02,1.1,,50000,NGUYEN VAN AN ung ho
1,31/02/2024,1.2,,50000,ngay sai
1,2024-09-02,1.3,,5O000,so tien sai
1,2024-09-02,1.4,,0,so tien bang 0
1,2024-09-02,1.5,,-20000,so tien am
1,2024-09-02,1.6,10000,20000,ca hai cot
1,2024-09-02,1.1,,50000,NGUYEN VAN AN ung ho
"""


def test_every_bad_row_is_named_with_row_column_and_reason(cast, vcb):
    statement = do_import(cast.root, vcb, data=BAD_ROWS.encode(), filename="bad.csv")
    found = {(e["row"], e["column"], e["reason"].split(" (")[0]) for e in statement.errors}
    assert found == {
        (3, "date", "Ngày “31/02/2024” không có thật."),
        (4, "credit_vnd", "Không phải số tiền"),
        (5, "credit_vnd", "Số tiền bằng 0."),
        (6, "credit_vnd", "Số tiền âm."),
        (7, "credit_vnd", "Dòng có cả số ghi nợ và số ghi có."),
        (8, "doc_no", "Dòng trùng lặp với dòng 2."),
    }
    assert statement.rows_rejected == 6 and statement.status == "failed"
    assert Donation.objects.count() == 0 and LedgerEntry.objects.count() == 0


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_generic_mapping_reads_xlsx_with_title_rows_and_vietnamese_number_formats(cast, vcb):
    data = _xlsx(
        [
            ["SAO KÊ TÀI KHOẢN 0011001932418"],
            ["Từ ngày 01/09/2024 đến ngày 10/09/2024"],
            ["Ngày GD", "Giờ", "Số tham chiếu", "Số tiền", "Số dư", "Nội dung"],
            ["02/09/2024", "08:01", "FT1", "1.000.000", "1.000.000", "TRAN THI BINH chuyen tien"],
            ["02/09/2024", "08:05", "FT2", "50,000", "1,050,000", "ung ho bao lu"],
            ["03/09/2024", "09:00", "FT3", "400.000,00", "1.450.000,00", "Lê Văn Cường ủng hộ"],
            ["03/09/2024", "09:30", "FT4", "-11.000", "1.439.000", "Phi dich vu"],
        ]
    )
    mapping = {
        "date": "Ngày GD",
        "time": "Giờ",
        "reference": "Số tham chiếu",
        "amount": "Số tiền",
        "balance": "Số dư",
        "description": "Nội dung",
    }
    statement = do_import(cast.root, vcb, data=data, filename="saoke.xlsx", mapping=mapping)
    assert statement.status == "done", statement.errors
    assert (
        statement.rows_read,
        statement.credit_lines,
        statement.credits_total,
        statement.debits_total,
    ) == (4, 3, 1_450_000, 11_000)
    assert (statement.opening_balance, statement.closing_balance) == (0, 1_439_000)
    names = set(Donation.objects.values_list("donor_name", flat=True))
    assert names == {"Tran Thi Binh", "", "Lê Văn Cường"}


def test_a_mapping_whose_columns_are_missing_is_refused(cast, vcb):
    data = _xlsx([["Ngày", "Nội dung"], ["02/09/2024", "x"]])
    mapping = {"date": "Ngày", "amount": "Số tiền", "description": "Nội dung"}
    statement = do_import(cast.root, vcb, data=data, filename="x.xlsx", mapping=mapping)
    assert statement.status == "failed"
    assert "Không tìm thấy dòng tiêu đề" in statement.errors[0]["reason"]


def test_donors_come_from_the_transfer_message_once_per_name_and_account(cast, vcb):
    line = (
        "MBVCB.6916176124.CAO VIET TUAN chuyen tien.CT tu 0101001222009 CAO VIET TUAN toi "
        "0011001932418 MAT TRAN TO QUOC VN - BAN CUU TRO TW"
    )
    csv_text = (
        "page,date,doc_no,debit_vnd,credit_vnd,details\n"
        f'1,2024-09-02,5.1,,29000,"{line}"\n1,2024-09-03,5.2,,10000,"{line}"\n'
    )
    do_import(cast.root, vcb, data=csv_text.encode(), filename="a.csv")
    donor = Donor.objects.get()
    assert (donor.name, donor.account_no) == ("Cao Viet Tuan", "0101001222009")
    same = actions.find_or_create_donor(cast.root, cast.front, name="CAO VIỆT TUẤN",
                                        account_no="0101001222009")  # fmt: skip
    assert same.pk == donor.pk
    assert donor.donations.count() == 2
    more = csv_text.replace("5.1", "6.1").replace("5.2", "6.2")
    do_import(cast.root, vcb, data=more.encode(), filename="b.csv")
    assert Donor.objects.count() == 1 and donor.donations.count() == 4
    raw = Donation.objects.first().statement_line.description
    assert raw == line


def test_a_line_with_the_campaign_memo_matches_that_campaign(cast, vcb, yagi):
    month = campaign_actions.create_campaign(
        cast.root,
        code="TND-2024",
        name="Tháng Nhân đạo 2024",
        kind=CampaignKind.HUMANITARIAN_MONTH,
        organisation=cast.front,
        launch_date=date(2024, 5, 1),
        transfer_memo="TND2024",
    )
    csv_text = (
        "page,date,doc_no,debit_vnd,credit_vnd,details\n"
        "1,2024-09-02,7.1,,100000,NGUYEN VAN AN ung ho TND 2024\n"
        "1,2024-09-02,7.2,,200000,ung ho bao lu\n"
    )
    do_import(cast.root, vcb, data=csv_text.encode(), filename="memo.csv")
    assert Donation.objects.get(amount=100_000).campaign == month
    assert Donation.objects.get(amount=200_000).campaign == yagi


def test_lines_after_the_receiving_deadline_are_refused(cast, vcb, yagi):
    yagi.receiving_end = date(2024, 9, 5)
    yagi.save()
    statement = do_import(cast.root, vcb, VCB)
    assert statement.status == "failed"
    late = [e for e in statement.errors if "đã kết thúc tiếp nhận ngày 05/09/2024" in e["reason"]]
    assert late and all(e["column"] == "date" for e in late)
    assert Donation.objects.count() == 0


def test_the_vectorised_fold_equals_search_key(cast):
    parsed = read_statement((FIXTURES / AGRI).read_bytes(), AGRI)
    texts = parsed.frame["description"].to_list() + [
        "Đặng Thị Ánh  Tuyết – ỦNG HỘ!",
        "Nguyễn ĐỨC",
        "ÐÌNH Ðức ðạt",
    ]
    import polars as pl

    folded = pl.Series(texts).to_frame("t").select(fold_expr(pl.col("t")))["t"].to_list()
    assert folded == [search_key(t) for t in texts]


def test_the_command_prints_one_json_object(cast, vcb, capsys):
    call_command("import_statement", str(FIXTURES / VCB), "--account", "0011001932418")
    out = json.loads(capsys.readouterr().out)
    assert out == {
        "lines": 360,
        "credit_lines": 359,
        "credits_total": 87_663_313,
        "debits_total": 55_000,
        "added": 360,
        "already_present": 0,
        "rejected": 0,
    }
    call_command(
        "import_statement",
        str(FIXTURES / VCB),
        "--account",
        "0011001932418",
        "--layout",
        "vcb",
        "--campaign",
        "YAGI-2024",
    )
    again = json.loads(capsys.readouterr().out)
    assert again["added"] == 0 and again["already_present"] == 360
    assert again["same_file_as"] == Statement.objects.get().pk  # no second statement


def test_lines_without_a_reference_are_recognised_again_by_their_fallback_key(cast, vcb):
    first = do_import(cast.root, vcb, UNIFIED)
    resaved = (FIXTURES / UNIFIED).read_bytes().replace(b"\n", b"\r\n")  # another checksum
    again = do_import(cast.root, vcb, data=resaved, filename=UNIFIED)
    assert first.rows_accepted == 300 and again.rows_accepted == 0 and again.rows_duplicate == 300
    assert StatementLine.objects.filter(reference="").count() == 300


def test_the_statements_list_links_only_who_may_open_a_statement(cast, agribank, login):
    """A statement lists every transfer of its account: the page that opens it needs "money"
    (lookups.get_statement), so the list under the bank accounts shows it to those only."""
    statement = do_import(cast.root, agribank, AGRI)
    link = f"/sao-ke/{statement.pk}/"
    viewer = login(cast.hn_viewer)
    assert viewer.get(link).status_code == 403
    assert link not in viewer.get("/tai-khoan-ngan-hang/").content.decode()
    assert link in login(cast.hn_accountant).get("/tai-khoan-ngan-hang/").content.decode()
