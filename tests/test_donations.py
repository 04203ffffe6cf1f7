"""Donations at the counter (cash, in kind), donors, access, receipts, VietQR, the statement
upload page, exports and the API."""

import io
import json
from datetime import date
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from nhandao.audit import ledger
from nhandao.audit.models import LedgerAccount
from nhandao.campaigns import actions as campaign_actions
from nhandao.donations import actions, receipts, vietqr
from nhandao.donations.models import BankAccount, Donation, Donor, Receipt, Statement

FIXTURES = Path(__file__).parent / "fixtures" / "saoke"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def appeal(cast):
    return campaign_actions.create_campaign(
        cast.root,
        code="LU-HN",
        name="Ủng hộ đồng bào lũ lụt",
        kind="appeal",
        organisation=cast.hanoi,
        launch_date=date(2024, 9, 8),
        status="receiving",
        transfer_memo="LUHN2024",
    )


def cash(**extra):
    return {
        "organisation": "CTD-1",
        "campaign": "LU-HN",
        "received_on": "10/09/2024",
        "amount": "1500000",
        "donor_kind": "individual",
        "donor_name": "Nguyễn Thị Hoa",
        "donor_phone": "0912345678",
        **extra,
    }


def test_cash_entered_at_the_counter_becomes_a_donation_and_a_ledger_entry(cast, login, appeal):
    response = login(cast.hn_accountant).post("/ung-ho/them/cash/", cash())
    donation = Donation.objects.get()
    assert response.status_code == 302 and response.url == f"/ung-ho/{donation.pk}/"
    assert (donation.amount, donation.channel, donation.campaign) == (1_500_000, "cash", appeal)
    fund = LedgerAccount.objects.get(organisation=cast.hanoi, campaign=appeal, earmark="")
    assert fund.balance() == 1_500_000 and donation.ledger_entry.account == fund
    assert donation.donor.phone == "0912345678"


def test_goods_need_a_valuation_in_dong(cast, login, appeal):
    data = cash(goods_item="Mì tôm", goods_quantity="100", goods_unit="thùng")
    page = login(cast.hn_accountant).post("/ung-ho/them/in_kind/", data).content.decode()
    assert "Hiện vật phải có giá trị quy đổi bằng đồng." in page
    assert not Donation.objects.exists()
    data["goods_valuation"] = "12000000"
    login(cast.hn_accountant).post("/ung-ho/them/in_kind/", data)
    donation = Donation.objects.get()
    assert (donation.channel, donation.amount, donation.goods_item) == (
        "in_kind",
        12_000_000,
        "Mì tôm",
    )


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "Số tiền phải lớn hơn 0."),
        ("-5000", "Số tiền phải lớn hơn 0."),
        ("abc", "Số tiền phải là số nguyên (đồng)"),
    ],
)
def test_a_zero_negative_or_unreadable_amount_is_refused(cast, login, appeal, amount, message):
    page = login(cast.hn_accountant).post("/ung-ho/them/cash/", cash(amount=amount))
    assert message in page.content.decode() and not Donation.objects.exists()


def test_an_earmarked_donation_sits_in_its_own_account(cast, appeal):
    actions.record_donation(
        cast.root,
        organisation=cast.hanoi,
        channel="cash",
        received_on=date(2024, 9, 10),
        amount=300_000,
        campaign=appeal,
        earmark_kind="unit",
        earmark_ref="Xã Lũng Cú",
    )
    accounts = LedgerAccount.objects.filter(organisation=cast.hanoi, campaign=appeal)
    assert list(accounts.values_list("earmark", "earmark_label")) == [
        ("unit:xa lung cu", "Xã Lũng Cú")
    ]


def test_an_anonymous_donor_is_recorded_without_a_name(cast, login, appeal):
    login(cast.hn_accountant).post(
        "/ung-ho/them/cash/", cash(donor_kind="anonymous", donor_name="", donor_phone="")
    )
    donation = Donation.objects.get()
    assert donation.donor is None and donation.display_donor == "Ẩn danh"


def test_a_donor_seen_again_with_the_same_phone_is_the_same_donor(cast):
    first = actions.find_or_create_donor(
        cast.root, cast.hanoi, name="NGUYEN THI HOA", phone="0912345678"
    )
    again = actions.find_or_create_donor(
        cast.root, cast.hanoi, name="Nguyễn Thị Hoa", phone="0912345678", consent_publish=True
    )
    other = actions.find_or_create_donor(
        cast.root, cast.hanoi, name="Nguyễn Thị Hoa", phone="0987654321"
    )
    assert first.pk == again.pk != other.pk
    assert Donor.objects.get(pk=first.pk).consent_publish
    assert other.public_name == "Nhà hảo tâm ẩn danh" and again.public_name == "NGUYEN THI HOA"


def test_a_donation_is_corrected_only_by_a_reversing_entry(cast, login, appeal):
    donation = actions.record_donation(
        cast.root,
        organisation=cast.hanoi,
        channel="cash",
        received_on=date(2024, 9, 10),
        amount=700_000,
        campaign=appeal,
    )
    login(cast.hn_accountant).post(f"/ung-ho/{donation.pk}/huy/", {"reason": "nhập nhầm"})
    donation.refresh_from_db()
    fund = donation.ledger_entry.account
    assert donation.reversed_at is not None and fund.balance() == 0
    assert fund.entries.count() == 2 and ledger.verify(fund).ok


def test_an_accountant_reaches_only_the_money_of_their_own_subtree(cast, login, appeal):
    donation = actions.record_donation(
        cast.root,
        organisation=cast.hanoi,
        channel="cash",
        received_on=date(2024, 9, 10),
        amount=10_000,
        campaign=appeal,
    )
    assert login(cast.tq_officer).get(f"/ung-ho/{donation.pk}/").status_code == 404
    page = login(cast.tq_officer).post("/ung-ho/them/cash/", cash(organisation="CTD-1"))
    assert page.status_code == 403  # no money right anywhere
    assert Donation.objects.count() == 1


def test_an_accountant_of_one_province_cannot_import_into_another_provinces_account(cast, login):
    account = actions.create_bank_account(
        cast.root,
        bank="AGRIBANK",
        number="8888000011",
        holder="Hội CTĐ Tuyên Quang",
        organisation=cast.tuyen_quang,
    )
    client = login(cast.hn_accountant)
    assert client.get(f"/tai-khoan-ngan-hang/{account.pk}/sao-ke/").status_code == 404
    upload = io.BytesIO((FIXTURES / "vcb_0011001932418_slice.csv").read_bytes())
    upload.name = "saoke.csv"
    response = client.post(
        f"/tai-khoan-ngan-hang/{account.pk}/sao-ke/",
        {"file": upload, "layout": "auto", "number_format": "auto", "import": "1"},
    )
    assert response.status_code == 404 and not Statement.objects.exists()
    api = client.post(
        f"/api/bank-accounts/{account.pk}/statements", {"file": io.BytesIO(b"x"), "layout": "auto"}
    )
    assert api.status_code == 404 and not Statement.objects.exists()
    viewer = login(cast.hn_viewer).get("/tai-khoan-ngan-hang/").content.decode()
    assert "8888000011" not in viewer


def test_the_upload_page_previews_then_imports_and_shows_the_reconciliation(cast, login, tasks):
    account = actions.create_bank_account(
        cast.root,
        bank="AGRIBANK",
        number="1500201113838",
        holder="UB MTTQ VN TP Ha Noi",
        organisation=cast.hanoi,
    )
    client = login(cast.hn_accountant)
    upload = io.BytesIO((FIXTURES / "agribank_1500201113838_slice.csv").read_bytes())
    upload.name = "agribank_1500201113838_slice.csv"
    response = client.post(
        f"/tai-khoan-ngan-hang/{account.pk}/sao-ke/",
        {"file": upload, "layout": "auto", "number_format": "auto", "preview": "1"},
    )
    statement = Statement.objects.get()
    page = client.get(response.url).content.decode()
    assert 'id="preview-rows"' in page and "250 dòng" in page and 'id="statement-confirm"' in page
    assert not Donation.objects.exists()
    client.post(f"/sao-ke/{statement.pk}/nhap/")
    assert not Donation.objects.exists()  # queued: the worker imports it
    tasks.run()
    page = client.get(f"/sao-ke/{statement.pk}/").content.decode()
    assert 'id="reconciliation"' in page
    assert 'id="rec-added">250<' in page and "252.757.824 ₫" in page
    assert Donation.objects.count() == 250


def test_an_empty_upload_is_refused_with_the_pages_wording(cast, login):
    account = actions.create_bank_account(
        cast.root, bank="VCB", number="0011001932418", holder="X", organisation=cast.hanoi
    )
    upload = io.BytesIO(b"")
    upload.name = "saoke.csv"
    page = login(cast.hn_accountant).post(
        f"/tai-khoan-ngan-hang/{account.pk}/sao-ke/",
        {"file": upload, "layout": "auto", "number_format": "auto", "preview": "1"},
    )
    assert page.status_code == 200 and not Statement.objects.exists()
    assert "Tệp rỗng (0 byte)" in page.content.decode()
    assert "tập tin" not in page.content.decode().lower()


def test_a_file_that_cannot_be_imported_is_refused_at_upload_not_left_pending(cast, login, tasks):
    account = actions.create_bank_account(
        cast.root, bank="VCB", number="0011001932418", holder="X", organisation=cast.hanoi
    )
    upload = io.BytesIO("Cột A;Cột B\n1;2\n".encode())
    upload.name = "bang_tinh_la.csv"
    response = login(cast.hn_accountant).post(
        f"/tai-khoan-ngan-hang/{account.pk}/sao-ke/",
        {"file": upload, "layout": "auto", "number_format": "auto", "preview": "1"},
    )
    tasks.run()
    statement = Statement.objects.get()
    assert statement.status == "failed" and statement.errors
    page = login(cast.hn_accountant).get(response.url).content.decode()
    assert "Không nhập được" in page and statement.errors[0]["reason"] in page
    # the file as a whole was refused: no "0 rows" heading, no empty workbook to download
    assert "Lỗi (0 dòng)" not in page and 'id="rejected-xlsx"' not in page
    assert 'id="reconciliation"' not in page  # nor a table of zeros above the reason
    assert not Donation.objects.exists()


def test_rejected_rows_can_be_downloaded_as_a_workbook(cast, login):
    account = actions.create_bank_account(
        cast.root,
        bank="AGRIBANK",
        number="1500201113838",
        holder="UB MTTQ VN TP Ha Noi",
        organisation=cast.hanoi,
    )
    name = "agribank_1500201113838_lost_amounts.csv"
    statement = actions.import_statement(
        cast.root, account, filename=name, data=(FIXTURES / name).read_bytes()
    )
    client = login(cast.hn_accountant)
    page = client.get(f"/sao-ke/{statement.pk}/").content.decode()
    assert 'id="balance-breaks"' in page and 'id="rejected-xlsx"' in page
    response = client.get(f"/sao-ke/{statement.pk}/dong-loi.xlsx")
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    rows = sheet.to_python()
    assert rows[0][:4] == ["Dòng", "Cột", "Giá trị", "Lý do"] and "credit_vnd" in rows[0][4:]
    lost = [r for r in rows[1:] if str(r[3]).startswith("Thiếu số tiền")]
    assert len(lost) == 5 and all(r[1] == "credit_vnd" and r[2] == "" for r in lost)
    assert all(r[4] for r in lost)  # the line as it was in the file follows


def test_lists_export_as_csv_and_xlsx(cast, login, appeal):
    actions.record_donation(
        cast.root,
        organisation=cast.hanoi,
        channel="cash",
        received_on=date(2024, 9, 10),
        amount=123_000,
        campaign=appeal,
        donor_name="Trần Văn Bình",
    )
    client = login(cast.hn_viewer)
    text = client.get("/ung-ho/?format=csv").getvalue().decode("utf-8-sig")
    assert "Trần Văn Bình" in text and "123000" in text and "10/09/2024" in text
    book = client.get("/ung-ho/?format=xlsx").content
    rows = CalamineWorkbook.from_filelike(io.BytesIO(book)).get_sheet_by_index(0).to_python()
    assert rows[1][1] == "Trần Văn Bình" and rows[1][3] == 123000
    by_donor = client.get(f"/chien-dich/{appeal.pk}/so-chi-tiet.xlsx?by=donor").content
    rows = CalamineWorkbook.from_filelike(io.BytesIO(by_donor)).get_sheet_by_index(0).to_python()
    assert rows[1][:3] == ["Trần Văn Bình", 1, 123000]


# --- receipts ------------------------------------------------------------------------------


def _donation(cast, appeal, amount=500_000, org=None):
    return actions.record_donation(
        cast.root,
        organisation=org or cast.hanoi,
        channel="cash",
        received_on=date(2024, 9, 10),
        amount=amount,
        campaign=appeal,
        donor_name="Lê Thị Mai",
    )


def test_receipts_are_numbered_per_organisation_and_year_without_gaps(cast, appeal):
    numbers = [receipts.issue(cast.root, _donation(cast, appeal)).number for _ in range(3)]
    other = receipts.issue(cast.root, _donation(cast, None, org=cast.tuyen_quang))
    assert numbers == [1, 2, 3] and other.number == 1
    donation = Donation.objects.filter(organisation=cast.hanoi).first()
    assert receipts.issue(cast.root, donation).number in numbers  # the same receipt again


def test_a_genuine_receipt_verifies_on_the_public_page(cast, client, appeal):
    receipt = receipts.issue(cast.root, _donation(cast, appeal))
    page = client.get(f"/verify/{receipt.code}?{receipts.qr_query(receipt)}").content.decode()
    assert 'data-genuine="1"' in page and "500.000 ₫" in page and "Ủng hộ đồng bào lũ lụt" in page
    api = client.get(f"/api/receipts/verify/{receipt.code}").json()
    assert api["genuine"] and api["amount"] == 500_000 and api["number"] == "00001/2024"


def test_an_altered_payload_is_rejected(cast, client, appeal):
    receipt = receipts.issue(cast.root, _donation(cast, appeal))
    data = json.loads(receipt.payload)
    data["a"] = 5_000_000
    forged = receipts.b64(json.dumps(data, separators=(",", ":"), sort_keys=True).encode())
    page = client.get(f"/verify/{receipt.code}?p={forged}&s={receipt.signature}").content.decode()
    assert 'data-genuine="0"' in page and "đã bị sửa hoặc giả mạo" in page


def test_a_payload_signed_with_another_key_is_rejected(cast, client, appeal):
    receipt = receipts.issue(cast.root, _donation(cast, appeal))
    intruder = receipts.key_for(cast.tuyen_quang)
    data = json.loads(receipt.payload)
    data["k"] = intruder.key_id
    payload = json.dumps(data, separators=(",", ":"), sort_keys=True)
    signature = receipts.sign(intruder, payload)
    verdict = receipts.verify(receipt.code, receipts.b64(payload.encode()), signature)
    assert not verdict.genuine
    unknown = receipts.verify(receipt.code, receipts.b64(receipt.payload.encode()), "A" * 86)
    assert not unknown.genuine and "giả mạo" in unknown.message
    assert client.get("/verify/khong-co-ma").status_code == 404


def test_private_keys_are_stored_encrypted_and_public_keys_published(cast, client, appeal):
    receipt = receipts.issue(cast.root, _donation(cast, appeal))
    key = receipt.organisation.signing_keys.get()
    assert key.public_key not in key.private_key_encrypted
    assert key.public_key in client.get("/khoa-cong-khai/").content.decode()


def test_the_receipt_page_prints_with_a_qr_code(cast, login, appeal):
    donation = _donation(cast, appeal)
    client = login(cast.hn_accountant)
    response = client.post(f"/ung-ho/{donation.pk}/bien-nhan/", follow=True)
    page = response.content.decode()
    assert 'id="receipt-qr"' in page and "00001/2024" in page and "BIÊN NHẬN ỦNG HỘ" in page
    assert Receipt.objects.count() == 1


# --- VietQR --------------------------------------------------------------------------------


def test_the_crc_is_crc16_ccitt_false():
    assert vietqr.crc16_ccitt(b"123456789") == 0x29B1


def test_a_campaign_account_gets_a_napas_payload_with_the_memo(cast, login, appeal):
    account = actions.create_bank_account(
        cast.root,
        bank="VCB",
        number="0011001932418",
        holder="MTTQ",
        organisation=cast.hanoi,
        campaign=appeal,
    )
    payload = vietqr.vietqr_payload(account, appeal)
    assert payload.startswith("000201010211")
    assert "0010A000000727" in payload and "0006970436" in payload
    assert "01130011001932418" in payload and "0208QRIBFTTA" in payload
    assert "5303704" in payload and "5802VN" in payload and "0808LUHN2024" in payload
    assert vietqr.check_payload(payload) and not vietqr.check_payload(payload[:-1] + "0")
    page = login(cast.hn_viewer).get(f"/chien-dich/{appeal.pk}/").content.decode()
    assert f'id="vietqr-{account.pk}"' in page and payload in page


def test_the_api_records_cash_and_refuses_goods_without_valuation(cast, login, appeal):
    client = login(cast.hn_accountant)
    ok = client.post(
        "/api/donations",
        {
            "channel": "cash",
            "organisation": "CTD-1",
            "campaign": "LU-HN",
            "received_on": "2024-09-10",
            "amount": 200000,
            "donor_kind": "anonymous",
        },
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["amount"] == 200_000
    bad = client.post(
        "/api/donations",
        {
            "channel": "in_kind",
            "organisation": "CTD-1",
            "received_on": "2024-09-10",
            "goods_item": "Gạo",
            "donor_kind": "anonymous",
        },
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["errors"]["goods_valuation"] == [
        "Hiện vật phải có giá trị quy đổi bằng đồng."
    ]
    assert [d["amount"] for d in client.get("/api/donations").json()["items"]] == [200_000]


def test_the_api_uploads_a_statement_and_reports_its_status(cast, login, tasks):
    account = actions.create_bank_account(
        cast.root, bank="VCB", number="0011001932418", holder="MTTQ", organisation=cast.hanoi
    )
    client = login(cast.hn_accountant)
    upload = io.BytesIO((FIXTURES / "vcb_0011001932418_slice.csv").read_bytes())
    upload.name = "vcb_0011001932418_slice.csv"
    response = client.post(f"/api/bank-accounts/{account.pk}/statements", {"file": upload})
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "queued"  # imported in the background
    tasks.run()
    body = client.get(f"/api/statements/{response.json()['id']}").json()
    assert (body["status"], body["rows_read"], body["rows_accepted"]) == ("done", 360, 360)
    assert body["status_label"] == "Đã nhập" and body["moves"] == []
    assert body["credits_total"] == 87_663_313
    assert BankAccount.objects.get().statements.count() == 1
