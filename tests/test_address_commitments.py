"""Humanitarian addresses kept (issue #22 item 4): commitments per period, payments through
the ledger, arrears and the kept rate, reminders, the public list, target progress."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from nhandao.audit.models import LedgerEntry
from nhandao.beneficiaries import actions, commitments
from nhandao.beneficiaries.actions import CommitmentError
from nhandao.beneficiaries.home import payments_due
from nhandao.beneficiaries.models import Sponsorship, SponsorshipPayment, SupportRecord
from nhandao.campaigns.models import Campaign
from nhandao.orgs.models import AdminMap, AdminUnit


@pytest.fixture
def address(cast):
    person = actions.create_person(
        cast.ba_dinh_officer,
        organisation=cast.ba_dinh,
        full_name="Bùi Thị Sáu",
        commune=AdminUnit.objects.get(map=AdminMap.NEW, level="commune", code="4"),
    )
    return actions.create_address(
        cast.ba_dinh_officer,
        organisation=cast.ba_dinh,
        person=person,
        needs="Thuốc men hằng tháng, bệnh tim",
        since=date(2026, 1, 1),
        public_consent=True,
        public_summary="Cụ bà sống một mình, cần hỗ trợ tiền ăn hằng tháng",
    )


@pytest.fixture
def sponsor(cast):
    return actions.create_sponsor(
        cast.ba_dinh_officer, organisation=cast.ba_dinh, name="Công ty TNHH Bình An"
    )


def commit(cast, address, sponsor, **kw):
    fields = {"amount": 500_000, "start": date(2026, 1, 1), "end": date(2026, 12, 31)}
    return actions.commit_sponsorship(
        cast.ba_dinh_officer, address, sponsor=sponsor, **{**fields, **kw}
    )


def test_periods_run_from_start_to_end():
    assert commitments.due_dates(date(2026, 1, 31), date(2026, 4, 30), 1) == [
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)
    ]  # fmt: skip
    assert commitments.due_dates(date(2026, 1, 1), date(2026, 12, 31), 3) == [
        date(2026, 1, 1), date(2026, 4, 1), date(2026, 7, 1), date(2026, 10, 1)
    ]  # fmt: skip
    assert commitments.end_of(date(2026, 1, 1), 12) == date(2026, 12, 31)


def test_a_payment_goes_through_the_ledger_and_the_support_book(cast, address, sponsor):
    s = commit(cast, address, sponsor, every=3, amount=1_500_000)
    assert s.total_committed == 6_000_000
    payment = actions.pay_sponsorship(
        cast.ba_dinh_accountant, s, period=date(2026, 4, 1), paid_on=date(2026, 4, 3)
    )
    assert payment.entry_in.amount == 1_500_000 and payment.entry_out.amount == -1_500_000
    account = payment.entry_in.account
    assert account == payment.entry_out.account and account.earmark == f"address:{address.pk}"
    assert account.balance() == 0 and "Bùi" not in account.earmark_label  # ledgers are public
    assert payment.support.person == address.person and payment.support.value == 1_500_000
    assert payment.support.sponsorship == s


def test_arrears_and_the_kept_rate(cast, address, sponsor):
    s = commit(cast, address, sponsor)
    for month in (1, 2, 4):
        actions.pay_sponsorship(
            cast.ba_dinh_accountant, s, period=date(2026, month, 1), paid_on=date(2026, month, 5)
        )
    st = commitments.standings([s], date(2026, 5, 10))[s.pk]
    assert (st.due, st.paid, st.kept, st.arrears) == (5, 3, 60, 1_000_000)
    assert [p for _, p in st.late] == [date(2026, 3, 1), date(2026, 5, 1)]
    assert st.next_due == date(2026, 3, 1)
    other = actions.create_sponsor(cast.ba_dinh_officer, organisation=cast.ba_dinh, name="Bà Lan")
    commit(cast, address, other, amount=200_000, start=date(2026, 5, 1))
    by_sponsor = commitments.summary(
        Sponsorship.objects.all(), date(2026, 5, 10), lambda x: x.sponsor.name
    )
    assert by_sponsor["Bà Lan"].kept == 0 and by_sponsor["Bà Lan"].arrears == 200_000
    by_org = commitments.summary(Sponsorship.objects.all(), date(2026, 5, 10), lambda x: "org")
    assert (by_org["org"].due, by_org["org"].paid, by_org["org"].kept) == (6, 3, 50)


def test_bad_commitments_are_refused_and_nothing_is_written(cast, address, sponsor):
    with pytest.raises(CommitmentError, match="trước ngày bắt đầu"):
        commit(cast, address, sponsor, end=date(2025, 12, 31))
    with pytest.raises(CommitmentError, match="không được âm"):
        commit(cast, address, sponsor, amount=-1)
    with pytest.raises(CommitmentError, match="số nguyên đồng"):
        commit(cast, address, sponsor, amount=1.5)
    tq = actions.create_sponsor(cast.tq_officer, organisation=cast.tuyen_quang, name="TQ")
    with pytest.raises(CommitmentError, match="phạm vi"):
        commit(cast, address, tq)
    with pytest.raises(PermissionDenied):  # another organisation's address
        actions.commit_sponsorship(
            cast.tq_officer, address, sponsor=tq, amount=1, start=date(2026, 1, 1),
            end=date(2026, 2, 1),
        )  # fmt: skip
    assert not Sponsorship.objects.exists()


def test_bad_payments_are_refused_and_nothing_is_written(cast, address, sponsor):
    s = commit(cast, address, sponsor)
    pay = actions.pay_sponsorship
    who = cast.ba_dinh_accountant
    pay(who, s, period=date(2026, 1, 1), paid_on=date(2026, 1, 2))
    entries = LedgerEntry.objects.count()
    with pytest.raises(CommitmentError, match="đã được trả"):
        pay(who, s, period=date(2026, 1, 1), paid_on=date(2026, 1, 9))
    with pytest.raises(CommitmentError, match="không phải một kỳ"):
        pay(who, s, period=date(2026, 2, 15), paid_on=date(2026, 2, 15))
    with pytest.raises(CommitmentError, match="không phải một kỳ"):
        pay(who, s, period=date(2027, 1, 1), paid_on=date(2027, 1, 1))
    with pytest.raises(CommitmentError, match="hãy ghi lý do"):
        pay(who, s, period=date(2026, 2, 1), paid_on=date(2026, 2, 1), amount=900_000)
    with pytest.raises(CommitmentError, match="không được âm"):
        pay(who, s, period=date(2026, 2, 1), paid_on=date(2026, 2, 1), amount=-5)
    with pytest.raises(CommitmentError, match="số nguyên đồng"):
        pay(who, s, period=date(2026, 2, 1), paid_on=date(2026, 2, 1), amount=10.5)
    with pytest.raises(PermissionDenied):  # the officer records commitments, not money
        pay(cast.ba_dinh_officer, s, period=date(2026, 2, 1), paid_on=date(2026, 2, 1))
    with pytest.raises(PermissionDenied):  # another organisation's address
        pay(cast.tq_officer, s, period=date(2026, 2, 1), paid_on=date(2026, 2, 1))
    assert LedgerEntry.objects.count() == entries and SponsorshipPayment.objects.count() == 1
    assert SupportRecord.objects.count() == 1
    more = pay(who, s, period=date(2026, 2, 1), paid_on=date(2026, 2, 1), amount=900_000,
               reason="Thêm tiền Tết")  # fmt: skip
    assert more.amount == 900_000 and more.reason == "Thêm tiền Tết"


def test_the_page_records_the_next_period_and_shows_refusals(cast, address, sponsor, login):
    s = commit(cast, address, sponsor)
    client = login(cast.ba_dinh_accountant)
    url = f"/dia-chi-nhan-dao/{address.pk}/"
    base = {"form": "payment", "sponsorship": s.pk, "paid_on": "02/01/2026"}
    response = client.post(url, {**base, "period": "01/01/2026"})
    assert response.status_code == 302 and SponsorshipPayment.objects.count() == 1
    html = client.post(url, {**base, "period": "01/01/2026"}).content.decode()
    assert "Kỳ 01/01/2026 của cam kết này đã được trả." in html
    html = client.post(url, {**base, "period": "01/02/2026", "amount": "1,5"}).content.decode()
    assert "Số tiền phải là số nguyên đồng" in html and SponsorshipPayment.objects.count() == 1
    officer = login(cast.ba_dinh_officer)
    assert officer.post(url, {**base, "period": "01/02/2026"}).status_code == 403
    bad = {"form": "sponsorship", "sponsor": sponsor.pk, "amount": 1, "start": "01/03/2026",
           "end": "01/02/2026"}  # fmt: skip
    html = officer.post(url, bad).content.decode()
    assert "Ngày kết thúc (01/02/2026) trước ngày bắt đầu (01/03/2026)." in html
    assert Sponsorship.objects.count() == 1


def test_the_commitments_page_and_the_api(cast, address, sponsor, login):
    s = commit(cast, address, sponsor, start=date(2025, 1, 1), end=date(2025, 3, 31))
    client = login(cast.hn_viewer)
    html = client.get("/dia-chi-nhan-dao/cam-ket/").content.decode()
    assert "Công ty TNHH Bình An" in html and "1.500.000 ₫" in html and "0%" in html
    accountant = login(cast.ba_dinh_accountant)
    response = accountant.post(
        f"/api/sponsorships/{s.pk}/payments",
        {"period": "2025-02-01", "paid_on": "2025-02-03"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["amount"] == 500_000
    again = accountant.post(
        f"/api/sponsorships/{s.pk}/payments",
        {"period": "2025-02-01", "paid_on": "2025-02-04"},
        content_type="application/json",
    )
    assert again.status_code == 422 and "đã được trả" in again.json()["errors"]["period"][0]
    detail = accountant.get(f"/api/sponsorships/{s.pk}").json()
    assert (detail["due"], detail["paid"], detail["kept_percent"]) == (3, 1, 33)
    assert detail["arrears"] == 1_000_000 and len(detail["payments"]) == 1


def test_a_payment_due_within_a_week_is_on_the_officers_home_page(cast, address, sponsor):
    today = date.today()
    assert payments_due(cast.ba_dinh_officer) == []
    commit(cast, address, sponsor, start=today + timedelta(days=3), end=today + timedelta(days=90))
    [item] = payments_due(cast.ba_dinh_officer)
    assert item.count == 1 and item.urgency == "soon" and "Công ty TNHH Bình An" in item.hint
    assert payments_due(cast.tq_officer) == []
    [item] = payments_due(cast.ba_dinh_accountant)  # who pays is reminded too


def test_the_public_list_shows_consenting_addresses_without_a_sponsor_only(
    cast, address, sponsor, client
):
    hidden = actions.create_address(
        cast.ba_dinh_officer,
        organisation=cast.ba_dinh,
        person=actions.create_person(
            cast.ba_dinh_officer, organisation=cast.ba_dinh, full_name="Lê Văn Tám"
        ),
        since=date(2026, 1, 1),
        public_summary="Không đồng ý công khai",
    )
    html = client.get("/cong-khai/dia-chi-nhan-dao/").content.decode()
    assert "Cụ bà sống một mình" in html and "Ba Đình" in html
    assert "Bùi Thị Sáu" not in html and "bệnh tim" not in html  # no name, no needs
    assert hidden.public_summary not in html
    today = date.today()
    commit(
        cast, address, sponsor, start=today - timedelta(days=10), end=today + timedelta(days=300)
    )
    assert "Cụ bà sống một mình" not in client.get("/cong-khai/dia-chi-nhan-dao/").content.decode()


def test_addresses_given_a_sponsor_count_toward_the_movements_target(cast, address, sponsor, tasks):
    from nhandao.movements import actions as movements
    from nhandao.movements import results

    movement = movements.create_movement(
        cast.tw_manager, organisation=cast.central, code="DCND", kind="humanitarian_month",
        name="Mỗi tổ chức, mỗi cá nhân gắn với một địa chỉ nhân đạo", start_month=1,
        start_day=1, end_month=12, end_day=31, defaults={("commune", "addresses"): 3},
    )  # fmt: skip
    edition = movements.launch_edition(
        cast.tw_manager, movement, year=2026, targets={"addresses": 20}
    )
    movements.launch_parts(cast.tw_manager, edition.campaign, depth="all")
    tasks.run()
    ba_dinh = Campaign.objects.get(parent__parent=edition.campaign, organisation=cast.ba_dinh)
    commit(cast, address, sponsor, campaign=ba_dinh)
    commit(cast, address, sponsor, campaign=ba_dinh, start=date(2026, 6, 1))  # same address
    national = results.rollup(edition.campaign, edition, tet_rule=False)
    assert national.own.targets["addresses"] == 20
    assert national.own.results["addresses"] == 1
    hanoi = results.rollup(ba_dinh.parent, edition, tet_rule=False)
    row = {r.organisation_id: r for r in hanoi.parts}[cast.ba_dinh.pk]
    assert row.targets["addresses"] == 3 and row.results["addresses"] == 1


def test_a_payment_recorded_in_error_is_reversed_through_the_ledger_and_paid_again(
    cast, address, sponsor, login
):
    s = commit(cast, address, sponsor)
    wrong = actions.pay_sponsorship(
        cast.ba_dinh_accountant, s, period=date(2026, 1, 1), paid_on=date(2026, 1, 3),
        amount=5_000_000, reason="ghi nhầm",
    )  # fmt: skip
    account = wrong.entry_in.account
    with pytest.raises(CommitmentError, match="Hãy ghi lý do đảo khoản trả."):
        actions.reverse_sponsorship_payment(cast.ba_dinh_accountant, wrong, reason="  ")
    with pytest.raises(PermissionDenied):  # the officer may edit, not move money
        actions.reverse_sponsorship_payment(cast.ba_dinh_officer, wrong, reason="nhầm")
    assert LedgerEntry.objects.filter(account=account).count() == 2
    # the page: the accountant reverses it with a reason
    client = login(cast.ba_dinh_accountant)
    url = f"/dia-chi-nhan-dao/{address.pk}/"
    assert "Đảo khoản này" in client.get(url).content.decode()
    response = client.post(url, {"form": "reverse", "payment": wrong.pk, "reason": "Nhầm số tiền"})
    assert response.status_code == 302
    wrong.refresh_from_db()
    assert wrong.reversed_by == cast.ba_dinh_accountant and wrong.reverse_reason == "Nhầm số tiền"
    entries = list(LedgerEntry.objects.filter(account=account).order_by("seq"))
    assert [e.amount for e in entries] == [5_000_000, -5_000_000, 5_000_000, -5_000_000]
    assert (
        entries[2].reverses_id == wrong.entry_out_id and entries[3].reverses_id == wrong.entry_in_id
    )
    assert account.balance() == 0
    # the support line is annulled, not deleted; the period is due again and can be paid
    assert SupportRecord.objects.filter(pk=wrong.support_id, annulled_at__isnull=False).exists()
    assert list(address.book()) == []
    st = commitments.standings([s], date(2026, 1, 10))[s.pk]
    assert (st.paid, st.arrears) == (0, 500_000)
    html = client.post(url, {"form": "reverse", "payment": wrong.pk, "reason": "lần nữa"},
                       follow=True).content.decode()  # fmt: skip
    assert "đã được đảo lúc" in html and LedgerEntry.objects.filter(account=account).count() == 4
    right = actions.pay_sponsorship(
        cast.ba_dinh_accountant, s, period=date(2026, 1, 1), paid_on=date(2026, 1, 4)
    )
    assert right.amount == 500_000 and [x.value for x in address.book()] == [500_000]
    # the API: a reversal needs a reason; the payment answers with its reversal
    api = f"/api/sponsorships/{s.pk}/payments/{right.pk}/reverse"
    bad = client.post(api, {"reason": ""}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["errors"]["reason"]
    done = client.post(api, {"reason": "Trả nhầm người"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["reverse_reason"] == "Trả nhầm người"
    viewer = login(cast.hn_viewer)
    assert viewer.post(api, {"reason": "x"}, content_type="application/json").status_code == 403
