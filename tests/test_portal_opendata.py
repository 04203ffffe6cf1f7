"""Open data per campaign (CSV, XLSX, JSON, HXL read back by libhxl) and the signed ledger
export: verified offline by `nhandao verify_ledger` and by the upload page, which name the
first altered entry."""

import csv
import io
import json
from datetime import date

import hxl
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from nhandao.audit import ledger
from nhandao.donations import actions
from nhandao.donations.models import Channel, Donation, Donor, StatementLine
from nhandao.portal import ledger_export
from tests import test_portal_common as common

# the shared fixtures
fresh_cache, statements, vcb, yagi = common.fresh_cache, common.statements, common.vcb, common.yagi

pytestmark = pytest.mark.django_db


def download(client, campaign, dataset, fmt):
    response = client.get(reverse("portal_data", args=[campaign.code, dataset, fmt]))
    assert response.status_code == 200, response
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_received_per_day_as_hxl_reads_back_with_libhxl(client, statements, yagi):
    data = download(client, yagi, "nhan-theo-ngay", "hxl.csv")
    source = hxl.data(io.BytesIO(data), hxl.InputOptions(allow_local=True))
    tags = [str(c) for c in source.columns]
    assert tags[:4] == ["#date", "#meta+channel", "#indicator+donations+num", "#value+received"]
    rows = list(source)
    total = sum(int(r.get("#value+received")) for r in rows)
    assert total == sum(Donation.objects.filter(campaign=yagi).values_list("amount", flat=True))
    assert {r.get("#date") for r in rows} >= {"2024-09-01", "2024-09-11"}
    assert {r.get("#org+code") for r in rows} == {"MTTQ-TW"}


def test_statement_lines_as_published_in_every_format(client, statements, yagi):
    lines = StatementLine.objects.filter(campaign=yagi).count()
    text = download(client, yagi, "dong-sao-ke", "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Ngày" and len(rows) == lines + 1
    assert "0123456789012" not in text and "**********012" in text
    data = json.loads(download(client, yagi, "dong-sao-ke", "json"))
    assert len(data["rows"]) == lines and data["hxl"][0] == "#date"
    book = openpyxl.load_workbook(io.BytesIO(download(client, yagi, "dong-sao-ke", "xlsx")))
    sheet = book.active
    assert sheet.max_row == lines + 2  # header + HXL tags
    hxl_rows = list(
        hxl.data(
            io.BytesIO(download(client, yagi, "dong-sao-ke", "hxl.csv")),
            hxl.InputOptions(allow_local=True),
        )
    )
    assert len(hxl_rows) == lines


def test_allocations_and_distributions_are_aggregated_by_level_and_province(
    client, cast, statements, yagi
):
    source = ledger.account_for(cast.front, yagi)
    target = ledger.account_for(cast.hanoi, yagi)
    ledger.transfer(source, target, 3_000_000, booked_on=date(2024, 9, 15))
    ledger.post(target, -1_000_000, booked_on=date(2024, 9, 16), kind="spend")
    alloc = list(
        hxl.data(
            io.BytesIO(download(client, yagi, "phan-bo", "hxl.csv")),
            hxl.InputOptions(allow_local=True),
        )
    )
    by_code = {
        r.get("#adm1+code"): int(r.get("#value+allocated")) for r in alloc if r.get("#adm1+code")
    }
    assert by_code == {"1": 3_000_000}
    spent = json.loads(download(client, yagi, "phan-phoi", "json"))["rows"]
    assert {r["adm1_name"]: r["value_distributed"] for r in spent if r["adm1_name"]} == {
        "Thành phố Hà Nội": 1_000_000
    }


def test_an_unknown_dataset_or_format_is_404(client, yagi):
    assert client.get(f"/cong-khai/chien-dich/{yagi.code}/du-lieu/ho-so.csv").status_code == 404
    assert client.get(f"/cong-khai/chien-dich/{yagi.code}/du-lieu/phan-bo.exe").status_code == 404


# --- the signed ledger ---------------------------------------------------------------------


@pytest.fixture
def exported(client, cast, statements, yagi, tmp_path):
    donor = Donor.objects.create(
        organisation=cast.front, name="Phạm Bí Mật", name_key="pham bi mat"
    )
    actions.record_donation(
        cast.root,
        organisation=cast.front,
        channel=Channel.CASH,
        received_on=date(2024, 9, 5),
        amount=2_000_000,
        campaign=yagi,
        donor=donor,
    )
    response = client.get(reverse("portal_ledger", args=[yagi.code]))
    assert response.status_code == 200
    path = tmp_path / "so-quy.json"
    path.write_bytes(response.content)
    return path


def test_the_exported_ledger_verifies_offline(exported, capsys):
    call_command("verify_ledger", str(exported))
    out = capsys.readouterr().out
    assert "Sổ quỹ hợp lệ" in out and "1 bút toán ẩn nội dung" in out


def test_the_cash_donors_name_is_withheld_from_the_export(exported):
    text = exported.read_text()
    assert "Phạm Bí Mật" not in text and "Chuyển khoản: Do Duc Loi" in text


def _tamper(path, change):
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document, ensure_ascii=False))


def test_an_altered_amount_is_named_as_the_first_altered_entry(exported):
    def change(doc):
        doc["accounts"][0]["entries"][41][4] += 1_000_000  # amount of entry #42

    _tamper(exported, change)
    with pytest.raises(CommandError, match=r"bút toán #42: nội dung đã bị sửa"):
        call_command("verify_ledger", str(exported))


def test_a_removed_entry_is_detected(exported):
    _tamper(exported, lambda doc: doc["accounts"][0]["entries"].pop(10))
    with pytest.raises(CommandError, match=r"bút toán #12: thiếu hoặc thừa bút toán"):
        call_command("verify_ledger", str(exported))


def test_a_rehashed_chain_fails_the_signature(exported):
    """Whoever edits an entry and recomputes every hash after it still cannot re-sign."""

    def change(doc):
        entries = doc["accounts"][0]["entries"]
        prev = ledger_export.GENESIS
        balance = 0
        for row in entries:
            if row[0] == 5:
                row[6] = "Chuyển khoản: NGƯỜI KHÁC"
                row[15] = ledger.memo_commit(row[14], row[6])
            row[11] = prev
            balance += row[4]
            if row[6] is not None or row[13] == 2:  # rule 2: even a withheld memo's commitment
                row[12] = ledger_export.entry_hash(
                    account_id=doc["accounts"][0]["id"],
                    seq=row[0],
                    at=row[1],
                    booked_on=row[2],
                    kind=row[3],
                    amount=row[4],
                    balance_after=row[5],
                    memo=row[6] or "",
                    source=row[7],
                    reverses_id=row[8],
                    transfer=row[9],
                    actor_name=row[10],
                    prev_hash=row[11],
                    hash_rule=row[13],
                    memo_salt=row[14],
                    memo_commit=row[15],
                )
            prev = row[12]

    _tamper(exported, change)
    with pytest.raises(CommandError, match="chữ ký không khớp"):
        call_command("verify_ledger", str(exported))


def test_an_altered_entry_whose_memo_is_withheld_breaks_its_hash(exported):
    """Its memo is withheld, but its hash covers the memo's salted commitment (rule 2), so
    the hash is recomputed and the edit named without even reaching the signature."""

    def change(doc):
        last = doc["accounts"][0]["entries"][-1]
        assert last[6] is None and last[14] is None and last[15]  # commitment, no salt
        last[4] += 1_000_000
        last[5] += 1_000_000

    _tamper(exported, change)
    with pytest.raises(CommandError, match="nội dung đã bị sửa"):
        call_command("verify_ledger", str(exported))


def test_a_changed_withheld_memo_breaks_its_commitment(exported):
    def change(doc):
        last = doc["accounts"][0]["entries"][-1]
        last[15] = ledger.memo_commit("00" * 16, "Tiền mặt: Người Khác")

    _tamper(exported, change)
    with pytest.raises(CommandError, match="nội dung đã bị sửa"):
        call_command("verify_ledger", str(exported))


def test_a_file_that_is_not_a_ledger_is_refused(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("{not json")
    with pytest.raises(CommandError, match="tệp không phải JSON"):
        call_command("verify_ledger", str(path))
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        call_command("verify_ledger", str(tmp_path / "missing.json"))


def test_the_upload_page_verifies_and_names_the_altered_entry(client, exported):
    url = reverse("portal_ledger_verify")
    ok = client.post(url, {"file": SimpleUploadedFile("a.json", exported.read_bytes())})
    assert "Sổ quỹ hợp lệ" in ok.content.decode()
    _tamper(exported, lambda doc: doc["accounts"][0]["entries"][2].__setitem__(4, 1))
    bad = client.post(url, {"file": SimpleUploadedFile("a.json", exported.read_bytes())})
    assert "Sổ quỹ KHÔNG hợp lệ" in bad.content.decode() and "bút toán #3" in bad.content.decode()
    empty = client.post(url, {})
    assert "Hãy chọn tệp sổ quỹ" in empty.content.decode()
