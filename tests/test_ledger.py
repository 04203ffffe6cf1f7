"""The hash-chained ledger: append-only, balances never negative, corrections by reversal,
transfers respect earmarks, and verify() names the first altered entry."""

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from nhandao.audit import ledger
from nhandao.audit.models import AppendOnlyError, EntryKind, LedgerEntry

DAY = date(2024, 9, 10)


@pytest.fixture
def fund(cast):
    return ledger.account_for(cast.hanoi)


def test_entries_chain_each_to_the_previous_entry_of_their_account(cast, fund):
    first = ledger.post(fund, 500_000, booked_on=DAY, memo="a")
    second = ledger.post(fund, 200_000, booked_on=DAY, memo="b")
    assert first.prev_hash == ledger.GENESIS and second.prev_hash == first.hash
    assert (first.seq, second.seq) == (1, 2)
    assert fund.balance() == 700_000
    assert ledger.verify(fund).ok and ledger.verify(fund).checked == 2


def test_the_canonical_text_of_an_entry_never_changes():
    # Chains already published are verified offline with this text: a JSON array, UTF-8,
    # no spaces. Changing it would make every existing chain look altered.
    values = [7, 42, "2024-09-12T03:04:05.000006+00:00", "2024-09-12", "donation", 500000,
              1500000, 'Chuyển khoản: ĐẶNG THỊ HOA "ủng hộ"', "stmt:20240912abc", None, "",
              "Kế toán MTTQ", "0" * 64]  # fmt: skip
    assert ledger.digest(values) == (
        "193f922f8c79da3bfd0d27f82b0bef10f95ad3dc450851ab67bc283c21b9f8bd"
    )


def test_an_account_is_organisation_campaign_and_earmark(cast):
    plain = ledger.account_for(cast.hanoi)
    earmarked = ledger.account_for(cast.hanoi, earmark="unit:ba dinh", earmark_label="Ba Đình")
    assert plain.pk != earmarked.pk
    assert ledger.account_for(cast.hanoi).pk == plain.pk


def test_the_balance_can_never_go_below_zero(cast, fund):
    ledger.post(fund, 100_000, booked_on=DAY)
    with pytest.raises(ledger.LedgerError, match="Số dư không đủ"):
        ledger.post(fund, -100_001, booked_on=DAY)
    assert fund.balance() == 100_000 and fund.entries.count() == 1


def test_a_zero_amount_is_refused(cast, fund):
    with pytest.raises(ledger.LedgerError, match="khác 0"):
        ledger.post(fund, 0, booked_on=DAY)


def test_entries_cannot_be_edited_or_deleted_by_the_application(cast, fund):
    entry = ledger.post(fund, 100_000, booked_on=DAY)
    entry.amount = 1
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_the_database_itself_refuses_update_and_delete(cast, fund):
    entry = ledger.post(fund, 100_000, booked_on=DAY)
    for sql in (
        "UPDATE audit_ledgerentry SET amount = 1 WHERE id = %s",
        "DELETE FROM audit_ledgerentry WHERE id = %s",
    ):
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    assert LedgerEntry.objects.get(pk=entry.pk).amount == 100_000


def test_a_mistake_is_corrected_by_a_reversing_entry_once(cast, fund):
    entry = ledger.post(fund, 300_000, booked_on=DAY)
    reversal = ledger.reverse(entry, memo="nhập nhầm")
    assert reversal.amount == -300_000 and reversal.kind == EntryKind.REVERSAL
    assert reversal.reverses_id == entry.pk and fund.balance() == 0
    with pytest.raises(ledger.LedgerError, match="đã được đảo"):
        ledger.reverse(entry)
    assert ledger.verify(fund).ok


def test_two_entries_cannot_claim_the_same_place_in_the_chain(cast, fund):
    entry = ledger.post(fund, 1_000, booked_on=DAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            account=fund,
            seq=entry.seq,
            at=entry.at,
            booked_on=DAY,
            kind="donation",
            amount=5,
            balance_after=1_005,
            prev_hash=entry.prev_hash,
            hash="x" * 64,
        )


def test_transfers_move_money_between_accounts_of_parent_and_child(cast, fund):
    child = ledger.account_for(cast.ba_dinh)
    ledger.post(fund, 1_000_000, booked_on=DAY)
    out, into = ledger.transfer(fund, child, 400_000, booked_on=DAY, memo="phân bổ")
    assert out.transfer == into.transfer and out.amount == -400_000 and into.amount == 400_000
    assert fund.balance() == 600_000 and child.balance() == 400_000
    with pytest.raises(ledger.LedgerError, match="Số dư không đủ"):
        ledger.transfer(fund, child, 600_001, booked_on=DAY)


def test_earmarked_money_only_leaves_to_its_earmark(cast):
    earmarked = ledger.account_for(cast.hanoi, earmark="unit:ba dinh", earmark_label="Ba Đình")
    ledger.post(earmarked, 500_000, booked_on=DAY)
    with pytest.raises(ledger.LedgerError, match="chỉ được chuyển"):
        ledger.transfer(earmarked, ledger.account_for(cast.ngoc_ha), 100, booked_on=DAY)
    same = ledger.account_for(cast.ba_dinh, earmark="unit:ba dinh", earmark_label="Ba Đình")
    ledger.transfer(earmarked, same, 100, booked_on=DAY)
    assert same.balance() == 100


def test_bulk_appended_entries_verify_like_single_ones(cast, fund):
    ledger.post(fund, 10, booked_on=DAY)
    ledger.append_many(fund, [(DAY, 20, "x", "s1"), (DAY, 30, "y|z", "s2")])
    ledger.post(fund, 40, booked_on=DAY)
    assert fund.balance() == 100 and fund.entries.count() == 4
    assert ledger.verify(fund).ok


def _tamper(sql, params):
    """Alter a stored entry behind the application's back (the triggers set aside)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks before ALTER
            cursor.execute("ALTER TABLE audit_ledgerentry DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE audit_ledgerentry ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_ledgerentry_no_update")
            cursor.execute("DROP TRIGGER audit_ledgerentry_no_delete")
            cursor.execute(sql, params)


def test_verify_names_the_first_altered_entry(cast, fund):
    entries = [ledger.post(fund, amount, booked_on=DAY) for amount in (100, 200, 300, 400)]
    _tamper("UPDATE audit_ledgerentry SET memo = %s WHERE id = %s", ["sửa lén", entries[1].pk])
    result = ledger.verify(fund)
    assert not result.ok and result.first_bad.pk == entries[1].pk
    assert f"#{entries[1].seq}" in result.message and "mã băm" in result.message


def test_verify_detects_a_deleted_entry(cast, fund):
    entries = [ledger.post(fund, amount, booked_on=DAY) for amount in (100, 200, 300)]
    _tamper("DELETE FROM audit_ledgerentry WHERE id = %s", [entries[1].pk])
    result = ledger.verify(fund)
    assert not result.ok and result.first_bad.pk == entries[2].pk


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

OPERATIONS = st.lists(
    st.tuples(st.sampled_from(["post", "spend", "transfer", "reverse"]),
              st.integers(min_value=1, max_value=3_000_000), st.integers(0, 2)),
    max_size=25,
)  # fmt: skip


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=OPERATIONS)
def test_any_sequence_of_postings_keeps_balances_non_negative_and_chains_valid(cast, operations):
    accounts = [ledger.account_for(org) for org in (cast.hanoi, cast.ba_dinh, cast.ngoc_ha)]
    posted = []
    for op, amount, index in operations:
        account = accounts[index]
        try:
            if op == "post":
                posted.append(ledger.post(account, amount, booked_on=DAY))
            elif op == "spend":
                ledger.post(account, -amount, booked_on=DAY, kind=EntryKind.SPEND)
            elif op == "transfer":
                ledger.transfer(account, accounts[(index + 1) % 3], amount, booked_on=DAY)
            elif posted:
                ledger.reverse(posted.pop(amount % len(posted)))
        except ledger.LedgerError:
            pass  # refused moves change nothing
    for account in accounts:
        entries = list(account.entries.order_by("seq"))
        assert account.balance() == sum(e.amount for e in entries) >= 0
        assert all(e.balance_after >= 0 for e in entries)
        assert ledger.verify(account).ok
    # Money is only created by donations and destroyed by spending or reversal.
    total = sum(a.balance() for a in accounts)
    assert total == sum(e.amount for a in accounts for e in a.entries.all())


@settings(max_examples=200, deadline=None)
@given(
    texts=st.lists(st.text(max_size=12), min_size=4, max_size=4),
    numbers=st.lists(st.integers(-(2**62), 2**62), min_size=4, max_size=4),
    reverses=st.one_of(st.none(), st.integers(1, 10**9)),
)
def test_the_fast_rule_2_text_is_the_canonical_text(texts, numbers, reverses):
    """verify_all() writes rule 2's text directly; it must be the encoder's, byte for byte
    (quotes, backslashes, control characters, any letter)."""
    source, transfer, actor, kind = texts
    account, seq, amount, balance = numbers
    values = [account, seq, "2024-09-10T01:02:03.000004+00:00", "2024-09-10", kind, amount,
              balance, "memo", source, reverses, transfer, actor, "f" * 64]  # fmt: skip
    commit = ledger.memo_commit("ab" * 16, "memo")
    expected = ledger._CANONICAL.encode(ledger.rule2_values(values, commit))
    fast = ledger.rule2_text(*values[:7], commit, *values[8:])
    assert fast == expected


def test_the_canonical_text_of_rule_2_never_changes():
    values = [3, 1, "2024-09-10T01:02:03.000004+00:00", "2024-09-10", "donation", 500000,
              500000, "Tiền mặt: Nguyễn Văn A", "", None, "", "hệ thống",
              ledger.GENESIS]  # fmt: skip
    commit = ledger.memo_commit("0123456789abcdef" * 2, values[7])
    assert ledger.rule2_values(values, commit)[0] == 2
    assert ledger.entry_hash(
        **dict(zip(ledger.HASHED_COLUMNS, values, strict=True)),
        hash_rule=2,
        memo_salt="0123456789abcdef" * 2,
    ) == ledger.digest(ledger.rule2_values(values, commit))
    assert commit == PINNED_COMMIT and ledger.digest(ledger.rule2_values(values, commit)) == PINNED


PINNED_COMMIT = "9614157051156154fe3029858223d1773e4a9afc75e29279080041c1d9f8817e"
PINNED = "d83248bb95a500a21e3db9e50e6e6ca717487ab795a15ee323e6700acbbf496b"
