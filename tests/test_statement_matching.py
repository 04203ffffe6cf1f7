"""Statements matched (issue #14 item 5): debit lines matched to the allocations they paid
(amount, date window, reference, counterparty account; by hand with a reason otherwise), and
consecutive statements of an account checked for continuity (balances, days).

On the real files: the Agribank slice (running balance) split into consecutive statements,
with the debits of two allocations planted at its end; the Vietcombank slice split into two
statements around the day it lacks (09/09/2024, a gap), its one real debit the SMS fee."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from nhandao.audit import ledger
from nhandao.donations import actions, matching
from nhandao.donations.models import DebitMatch, MatchMethod, StatementLine
from nhandao.lib.errors import Refused
from tests.saoke import FIXTURES, VCB, create_vcb, create_yagi

pytestmark = pytest.mark.django_db

AGRIBANK = "agribank_1500201113838_slice.csv"
BA_DINH_ACCOUNT = "3100205551234"


def rows_of(name):
    text = (FIXTURES / name).read_text(encoding="utf-8")
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    return header, list(reader)


def as_csv(header, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def agribank_debit(previous_row, amount, details, ref):
    """A debit row in the Agribank layout after `previous_row`, its running balance kept."""
    balance = int(previous_row[7]) - amount
    return ["10", "2024-09-12", "", "", ref, str(amount), "", str(balance), "", details]


@pytest.fixture
def yagi(cast):
    return create_yagi(cast)


@pytest.fixture
def agribank(cast, yagi):
    account = actions.create_bank_account(
        cast.root,
        bank="AGRIBANK",
        number="1500201113838",
        holder="Uy ban MTTQ VN TP Ha Noi",
        organisation=cast.hanoi,
        campaign=yagi,
    )
    actions.create_bank_account(
        cast.root,
        bank="AGRIBANK",
        number=BA_DINH_ACCOUNT,
        holder="UBMTTQ phuong Ba Dinh",
        organisation=cast.ba_dinh,
        campaign=yagi,
    )
    return account


def imported(cast, account, name, data):
    statement = actions.import_statement(cast.root, account, filename=name, data=data)
    assert statement.status == "done", statement.errors[:3]
    return statement


def test_consecutive_agribank_statements_follow_each_other(cast, agribank):
    header, rows = rows_of(AGRIBANK)
    first = imported(cast, agribank, "agribank-1.csv", as_csv(header, rows[:120]))
    second = imported(cast, agribank, "agribank-2.csv", as_csv(header, rows[120:]))
    assert first.closing_balance == second.opening_balance == int(rows[119][7])
    assert (first.first_day, second.last_day) == (date(2024, 9, 9), date(2024, 9, 10))
    assert matching.continuity(agribank) == []


def test_a_missing_line_between_two_statements_is_a_balance_break(cast, agribank):
    header, rows = rows_of(AGRIBANK)
    imported(cast, agribank, "agribank-1.csv", as_csv(header, rows[:120]))
    imported(cast, agribank, "agribank-3.csv", as_csv(header, rows[121:]))  # row 121 lost
    (gap,) = matching.continuity(agribank)
    missing = int(rows[120][6])
    assert gap.kind == "balance"
    assert matching.vnd(missing) in gap.message and "agribank-1.csv" in gap.message


def test_the_vietcombank_file_split_around_a_missing_day_lists_the_gap(cast):
    yagi = create_yagi(cast)
    vcb = create_vcb(cast, yagi)
    header, rows = rows_of(VCB)
    assert rows[219][1] == "2024-09-08" and rows[220][1] == "2024-09-10"
    imported(cast, vcb, "vcb-1.csv", as_csv(header, rows[:220]))
    imported(cast, vcb, "vcb-2.csv", as_csv(header, rows[220:]))
    (gap,) = matching.continuity(vcb)
    assert gap.kind == "gap" and "ngày 09/09/2024" in gap.message
    # the same file again adds nothing to check
    imported(cast, vcb, "vcb-1-again.csv", as_csv(header, rows[:200]))
    assert len(matching.continuity(vcb)) == 1


@pytest.fixture
def allocations(cast, agribank, yagi):
    """The first part of the Agribank file received, then three allocations of Hà Nội's
    Yagi money: one to Ba Đình (with its decision number), two of the same amount."""
    header, rows = rows_of(AGRIBANK)
    imported(cast, agribank, "agribank-1.csv", as_csv(header, rows[:200]))
    hanoi = ledger.account_for(cast.hanoi, yagi)
    paid, _into = ledger.transfer(
        hanoi,
        ledger.account_for(cast.ba_dinh, yagi),
        50_000_000,
        booked_on=date(2024, 9, 11),
        memo="Phân bổ theo QĐ 15/QĐ-MTTQ — Phường Ba Đình",
    )
    twins = [
        ledger.transfer(
            hanoi,
            ledger.account_for(org, yagi),
            10_000_000,
            booked_on=date(2024, 9, 11),
            memo=f"Phân bổ theo QĐ {n}/QĐ-MTTQ — {org.name}",
        )[0]
        for n, org in ((16, cast.ngoc_ha), (17, cast.tuyen_quang))
    ]
    return header, rows, paid, twins


def test_debits_are_matched_to_the_allocations_they_paid(cast, agribank, allocations):
    header, rows, paid, twins = allocations
    tail = rows[200:]
    planted = [
        agribank_debit(
            tail[-1],
            50_000_000,
            f"CHUYEN TIEN PHAN BO THEO QD 15/QD-MTTQ TOI TK {BA_DINH_ACCOUNT} MTTQ P BA DINH",
            "99000001",
        )
    ]
    planted.append(agribank_debit(planted[-1], 10_000_000, "CHUYEN TIEN HO TRO", "99000002"))
    planted.append(agribank_debit(planted[-1], 11_000, "PHI CHUYEN TIEN", "99000003"))
    second = imported(cast, agribank, "agribank-2.csv", as_csv(header, tail + planted))
    assert second.debit_lines == 3 and matching.continuity(agribank) == []

    found = {m.line.amount: m for m in DebitMatch.objects.select_related("line")}
    assert set(found) == {50_000_000}  # the twins tie; the fee pays no allocation
    match = found[50_000_000]
    assert match.entry == paid and match.method == MatchMethod.AUTO
    assert match.criteria == ["amount", "date", "reference", "account"]

    # a person decides the tie and names the fee, each with a reason
    twin_line = StatementLine.objects.get(amount=10_000_000, direction="D")
    fee = StatementLine.objects.get(amount=11_000, direction="D")
    with pytest.raises(Refused, match="lý do"):
        matching.match_manually(cast.root, twin_line, twins[1], "  ")
    matching.match_manually(cast.root, twin_line, twins[1], "Chứng từ UNC số 2 ghi Tuyên Quang")
    matching.match_manually(cast.root, fee, None, "Phí chuyển tiền của ngân hàng")
    with pytest.raises(Refused, match="đã được đối chiếu"):
        matching.match_manually(
            cast.root, StatementLine.objects.get(amount=50_000_000, direction="D"), None, "lần nữa"
        )
    assert matching.debits(StatementLine.objects.all()).unmatched == 0


def test_a_debit_imported_before_its_allocation_is_matched_when_run_again(
    cast, agribank, yagi, client, login
):
    header, rows = rows_of(AGRIBANK)
    debit = agribank_debit(
        rows[-1], 5_000_000, f"CT TOI {BA_DINH_ACCOUNT} THEO QD 21/QD-MTTQ", "99000009"
    )
    statement = imported(cast, agribank, "agribank.csv", as_csv(header, [*rows, debit]))
    assert not DebitMatch.objects.exists()
    entry, _ = ledger.transfer(
        ledger.account_for(cast.hanoi, yagi),
        ledger.account_for(cast.ba_dinh, yagi),
        5_000_000,
        booked_on=date(2024, 9, 12),
        memo="Phân bổ theo QĐ 21/QĐ-MTTQ — Phường Ba Đình",
    )
    login(cast.root)
    page = client.get(reverse("statement_detail", args=[statement.pk])).content.decode()
    assert "Chưa đối chiếu" in page and "chưa đối chiếu 1" in page
    client.post(reverse("statement_match", args=[statement.pk]), {"rematch": "1"})
    assert DebitMatch.objects.get().entry == entry
    page = client.get(reverse("statement_detail", args=[statement.pk])).content.decode()
    assert "chưa đối chiếu 0" in page and "Phân bổ theo QĐ 21/QĐ-MTTQ" in page
    campaign_page = client.get(reverse("campaign_detail", args=[yagi.pk])).content.decode()
    assert 'id="debits"' in campaign_page and "đã đối chiếu 1" in campaign_page


def test_the_statement_page_takes_a_manual_match_and_refuses_one_without_reason(
    cast, client, login
):
    yagi = create_yagi(cast)
    vcb = create_vcb(cast, yagi)
    statement = imported(cast, vcb, VCB, (FIXTURES / VCB).read_bytes())
    fee = StatementLine.objects.get(bank_account=vcb, direction="D")
    assert fee.amount == 55_000
    login(cast.root)
    url = reverse("statement_match", args=[statement.pk])
    refused = client.post(url, {"line": fee.pk, "reason": ""})
    assert refused.status_code == 200 and "Hãy ghi lý do" in refused.content.decode()
    client.post(url, {"line": fee.pk, "reason": "Phí SMS tháng 08/2024"})
    assert DebitMatch.objects.get(line=fee).reason == "Phí SMS tháng 08/2024"
    page = client.get(reverse("statement_detail", args=[statement.pk])).content.decode()
    assert "Phí SMS tháng 08/2024" in page
