"""`nhandao blood_due` and `nhandao import_blood` as users run them (call_command), with the
output docs/howto.md documents; the importer's bad input names the row and the column and
writes nothing; importing again adds nothing."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from nhandao.blood.models import BloodImport, Donation, Donor
from nhandao.lib.exports import Sheet, xlsx_bytes
from tests.test_blood import TODAY, frozen_today, give, make_donor  # noqa: F401

HEADER = ["Mã người hiến", "Họ và tên", "Ngày sinh", "Giới tính", "Cân nặng (kg)", "Nhóm máu",
          "Số điện thoại", "Mã xã/phường", "Ngày hiến", "Loại", "Thể tích (ml)"]  # fmt: skip


def workbook(tmp_path, rows, name="hien-mau.xlsx"):
    path = tmp_path / name
    path.write_bytes(xlsx_bytes([Sheet("Người hiến", HEADER, rows)]))
    return str(path)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_blood_due_prints_one_json_object_per_donor_likely_eligible(cast):
    ready = make_donor(cast, "Nguyễn Văn Sẵn")
    give(cast, ready, date(2026, 9, 1))
    later = make_donor(cast, "Nguyễn Văn Chờ")
    give(cast, later, date(2026, 11, 20), "platelets", 250)
    make_donor(cast, "Nguyễn Văn Mới")  # no history: not listed
    out, _ = run("blood_due", "--on", "2026-12-01")
    assert [json.loads(line) for line in out.splitlines()] == [
        {"donor": ready.code, "last_donation": "2026-09-01", "last_type": "whole",
         "eligible_from": "2026-11-24"},
    ]  # fmt: skip
    out, _ = run("blood_due", "--on", "2026-12-04", "--province", "1")
    assert sorted(json.loads(line)["donor"] for line in out.splitlines()) == sorted(
        [ready.code, later.code]
    )
    out, _ = run("blood_due", "--on", "2026-12-04", "--province", "8")
    assert out == ""
    with pytest.raises(CommandError, match="không đúng dạng"):
        run("blood_due", "--on", "04/12/2026")


def test_import_blood_reads_the_template_and_is_idempotent(cast, tmp_path):
    rows = [
        ["KH001", "Lê Văn Bình", "02/03/1990", "Nam", "65", "A+", "0912345678", "4",
         "05/01/2026", "Toàn phần", "350"],
        ["KH001", "Lê Văn Bình", "02/03/1990", "Nam", "65", "A+", "0912345678", "4",
         "10/04/2026", "Tiểu cầu", "250"],
        ["KH002", "Trần Thị Hoa", "15/07/1999", "Nữ", "48", "O", "", "4",
         "20/06/2026", "Toàn phần", "250"],
    ]  # fmt: skip
    path = workbook(tmp_path, rows)
    out, _ = run("import_blood", path, "--org", "CTD-X4")
    assert out.strip() == "Đã nhập 3 lần hiến; 0 lần đã có, bỏ qua."
    binh = Donor.objects.get(code="KH001")
    assert (binh.abo, binh.rh, binh.donation_count, binh.last_kind) == ("A", "+", 2, "platelets")
    assert binh.eligible_from == date(2026, 4, 24)
    assert binh.individual.commune == cast.ba_dinh.admin_unit
    out, _ = run("import_blood", path, "--org", "CTD-X4")
    assert out.startswith("Tệp này (cùng nội dung với “hien-mau.xlsx”) đã được nhập lúc")
    # another file holding the same rows and one more: only the new one is added
    rows.append(["KH002", "Trần Thị Hoa", "15/07/1999", "Nữ", "48", "O", "", "4",
                 "20/10/2026", "Toàn phần", "250"])  # fmt: skip
    out, _ = run("import_blood", workbook(tmp_path, rows, "lan-2.xlsx"), "--org", "CTD-X4")
    assert out.strip() == "Đã nhập 1 lần hiến; 3 lần đã có, bỏ qua."
    assert Donation.objects.count() == 4


def test_import_blood_refuses_bad_rows_naming_row_and_column_and_writes_nothing(cast, tmp_path):
    good = ["KH010", "Đỗ Văn Hải", "01/01/1990", "Nam", "60", "B+", "", "4", "05/01/2026",
            "Toàn phần", "350"]  # fmt: skip
    rows = [
        good,
        ["KH010", "Đỗ Văn Hải", "01/01/1990", "Nam", "60", "B+", "", "4", "01/02/2026",
         "Toàn phần", "350"],  # 4 weeks after: the interval
        ["KH011", "Ngô Thị Lan", "01/01/1990", "Nữ", "43", "O+", "", "4", "05/01/2026",
         "Toàn phần", "350"],  # 43 kg: at most 250 ml
        ["KH012", "Phan Văn Tú", "01/01/1960", "Nam", "60", "A", "", "4", "05/01/2026",
         "Toàn phần", "350"],  # 66 years old
        ["KH013", "Lý Văn Khoa", "01/01/1990", "Nam", "60", "X+", "", "4", "05/01/2027",
         "Toàn phần", "350"],  # a bad group, a future date
    ]  # fmt: skip
    with pytest.raises(CommandError, match="lỗi; không nhập dòng nào"):
        run("import_blood", workbook(tmp_path, rows), "--org", "CTD-X4")
    imp = BloodImport.objects.get()
    errors = {(e["row"], e["column"]): e["reason"] for e in imp.errors}
    assert "chưa đủ khoảng cách sau lần hiến 05/01/2026" in errors[(3, "Ngày hiến")]
    assert "vượt mức cho cân nặng 43 kg" in errors[(4, "Thể tích (ml)")]
    assert "66 tuổi" in errors[(5, "Ngày hiến")]
    assert "Nhóm máu “X+” không hợp lệ" in errors[(6, "Nhóm máu")]
    assert "ở tương lai" in errors[(6, "Ngày hiến")]
    assert not Donor.objects.exists() and not Donation.objects.exists()
    assert imp.status == "failed"


def test_import_blood_refuses_a_file_without_the_template_columns(cast, tmp_path):
    path = tmp_path / "sai.csv"
    path.write_text("Tên,Ngày\nAn,01/01/2026\n", encoding="utf-8")
    with pytest.raises(CommandError):
        run("import_blood", str(path), "--org", "CTD-X4")
    assert not Donor.objects.exists()


def test_a_changed_interval_rule_moves_the_stored_dates_through_the_worker(cast, tasks):
    from nhandao.blood.models import IntervalRule
    from nhandao.blood.tasks import refresh_dates_after_rule_change

    whole = make_donor(cast, "Nguyễn Văn Toàn")
    give(cast, whole, date(2026, 9, 1))
    platelets = make_donor(cast, "Nguyễn Văn Tiểu")
    give(cast, platelets, date(2026, 11, 20), "platelets", 250)
    # the admin adds a longer interval for whole blood: the signal queues the work
    IntervalRule.objects.create(kind="whole", days=90, valid_from=date(2026, 1, 1))
    tasks.run()
    [result] = tasks.results(refresh_dates_after_rule_change)
    assert result.return_value == {"kind": "whole", "donors_changed": 1}
    whole.refresh_from_db(), platelets.refresh_from_db()
    assert whole.eligible_from == date(2026, 11, 30)  # 90 days, not the stored 84
    assert platelets.eligible_from == date(2026, 12, 4)  # another kind: untouched


def test_blood_refresh_recomputes_what_a_change_behind_the_signals_left(cast, tasks):
    from nhandao.blood.models import IntervalRule

    donor = make_donor(cast, "Nguyễn Văn Toàn")
    give(cast, donor, date(2026, 9, 1))
    IntervalRule.objects.filter(kind="whole").update(days=100)  # SQL: no signal
    donor.refresh_from_db()
    assert donor.eligible_from == date(2026, 11, 24)  # still the old 84 days
    out, _ = run("blood_refresh")
    assert out == "Đã tính lại ngày có thể hiến lại: 1 người hiến thay đổi.\n"
    donor.refresh_from_db()
    assert donor.eligible_from == date(2026, 12, 10)
    out, _ = run("blood_refresh", "--kind", "whole")
    assert out == "Đã tính lại ngày có thể hiến lại: 0 người hiến thay đổi.\n"
    with pytest.raises(CommandError, match="Loại “máu” không có"):
        run("blood_refresh", "--kind", "máu")
