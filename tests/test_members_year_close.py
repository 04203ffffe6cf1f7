"""The fee year-end close (issue #20 item 3): a dry run that writes nothing, a close that
keeps its figures and locks the year's payments at the organisation, an undo with a reason
by the same level or above — and never a membership ended (the Gaia trap)."""

from datetime import date

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from nhandao.audit.models import AuditEvent
from nhandao.lib.errors import Refused
from nhandao.people import actions as people
from nhandao.people import membership as ms
from nhandao.people.models import FeePayment, FeeYearClose, Membership
from tests.concurrency import all_at_once

BORN = date(1980, 1, 1)
SHARES = {"branch": 50, "commune": 30, "province": 15, "central": 5}


@pytest.fixture
def year_world(cast):
    """Last year at Ba Đình: one member paid the whole year, one paid half, one exempted."""
    y = timezone.localdate().year - 1
    root = cast.root
    ms.set_schedule(root, year=y, amount_per_month=1_000, exemption_cap_percent=50,
                    shares=SHARES)  # fmt: skip
    rows = []
    for name in ("Nguyễn Văn Đủ", "Trần Thị Nửa", "Lê Văn Miễn"):
        who = people.create_individual(root, organisation=cast.ba_dinh, full_name=name,
                                       birth_date=date(1980, 1, 1))  # fmt: skip
        rows.append(ms.join(root, who, cast.ba_dinh, kind="member", started_on=date(y - 2, 1, 1)))
    full, half, exempted = rows
    paid = ms.record_payment(root, full, year=y, months=list(range(1, 13)),
                             paid_on=date(y, 12, 1))  # fmt: skip
    ms.record_payment(root, half, year=y, months=[1, 2, 3, 4, 5, 6], paid_on=date(y, 6, 1))
    ms.exempt(root, exempted, year=y, reason="Hộ nghèo")
    return y, rows, paid


def test_the_dry_run_writes_nothing_and_shows_what_the_close_would_do(cast, year_world):
    y, (full, half, _), _ = year_world
    events, closes = AuditEvent.objects.count(), FeeYearClose.objects.count()
    figures = ms.close_figures(cast.ba_dinh, y)
    assert (AuditEvent.objects.count(), FeeYearClose.objects.count()) == (events, closes)
    assert figures["members"] == 3 and figures["members_on_31_12"] == 3
    assert figures["expected"] == 24_000 and figures["collected"] == 18_000
    assert figures["receipts"] == 2 and figures["owed"] == 6_000
    assert [r["name"] for r in figures["owing"]] == ["Trần Thị Nửa"]
    assert (figures["exemptions"], figures["exemption_cap"]) == (1, 1)
    # the commune keeps its own share and the branch's (it has none), the rest goes up
    shares = {s["organisation"]: s["amount"] for s in figures["shares"]}
    assert shares == {cast.ba_dinh.name: 14_400, cast.hanoi.name: 2_700, cast.central.name: 900}
    assert figures["memberships_ended"] == 0


def test_closing_never_ends_a_membership_and_locks_the_year(cast, year_world):
    y, rows, paid = year_world
    open_rows = Membership.objects.filter(ended_on__isnull=True)
    open_before = set(open_rows.values_list("pk", "ended_on"))
    close = ms.close_year(cast.ba_dinh_accountant, cast.ba_dinh, y)
    assert close.figures["collected"] == 18_000 and close.closed_by == cast.ba_dinh_accountant
    # the Gaia trap: those who paid, those who owe, the exempted — all still members
    for m in rows:
        m.refresh_from_db()
        assert m.ended_on is None and m.end_reason == ""
    assert set(Membership.objects.filter(ended_on__isnull=True).values_list(
        "pk", "ended_on")) == open_before  # fmt: skip
    assert ms.members_on(cast.ba_dinh, timezone.localdate()).count() == 3
    # the closed year takes no payment, annulment or exemption; nothing written
    receipts = FeePayment.objects.count()
    with pytest.raises(Refused, match=f"Hội phí năm {y} của .* đã khóa sổ") as refused:
        ms.record_payment(cast.root, rows[1], year=y, months=[7], paid_on=date(y, 12, 30))
    assert refused.value.field == "year" and FeePayment.objects.count() == receipts
    with pytest.raises(Refused, match="đã khóa sổ"):
        ms.annul_payment(cast.root, paid, "Ghi nhầm")
    paid.refresh_from_db()
    assert paid.status == "valid"
    with pytest.raises(Refused, match="đã khóa sổ rồi"):
        ms.close_year(cast.root, cast.ba_dinh, y)
    # another organisation's year stays open
    assert ms.closed_year(cast.ngoc_ha, y) is None


def test_undo_by_the_same_level_or_above_with_a_reason(cast, year_world):
    y, rows, _ = year_world
    close = ms.close_year(cast.ba_dinh_accountant, cast.ba_dinh, y)
    # a sibling commune cannot; a reason is needed
    with pytest.raises(PermissionDenied):
        ms.reopen_year(cast.ngoc_ha_officer, close, "Sai")
    with pytest.raises(Refused, match="lý do mở lại"):
        ms.reopen_year(cast.hn_accountant, close, "  ")
    ms.reopen_year(cast.hn_accountant, close, "Thu thiếu biên lai tháng 12")
    close.refresh_from_db()
    assert close.reopened_by == cast.hn_accountant and not close.standing
    assert AuditEvent.objects.filter(action="people.fee_year_reopen").exists()
    # the year takes payments again; a second close keeps both records
    ms.record_payment(cast.root, rows[1], year=y, months=[7], paid_on=date(y, 12, 30))
    again = ms.close_year(cast.hn_accountant, cast.ba_dinh, y)
    assert again.figures["collected"] == 19_000
    assert FeeYearClose.objects.filter(organisation=cast.ba_dinh, year=y).count() == 2
    with pytest.raises(Refused, match="đã được mở lại"):
        ms.reopen_year(cast.root, close, "lần nữa")


def test_the_current_year_cannot_be_closed_and_rights_are_checked(cast, year_world):
    y, _, _ = year_world
    with pytest.raises(Refused, match="chưa kết thúc"):
        ms.close_year(cast.root, cast.ba_dinh, y + 1)
    with pytest.raises(PermissionDenied):
        ms.close_year(cast.ba_dinh_officer, cast.ba_dinh, y)  # no "money"
    assert not FeeYearClose.objects.exists()


def test_the_page_previews_then_closes_then_reopens(cast, login, year_world):
    y, _, _ = year_world
    client = login(cast.ba_dinh_accountant)
    page = client.get(f"/hoi-phi/khoa-so/?organisation=CTD-X4&year={y}")
    html = page.content.decode()
    assert page.status_code == 200 and "Xem trước — chưa ghi" in html
    assert "Trần Thị Nửa" in html and "18.000" in html and "bị cho thôi sinh hoạt" in html
    assert not FeeYearClose.objects.exists()
    page = client.post("/hoi-phi/khoa-so/", {"organisation": "CTD-X4", "year": str(y)})
    assert page.status_code == 302
    close = FeeYearClose.objects.get()
    html = client.get(page.url).content.decode()
    assert "Đã khóa sổ" in html and "Mở lại sổ" in html
    # a payment through the page is refused with the message on the form
    m = Membership.objects.filter(individual__full_name="Trần Thị Nửa").get()
    page = client.post(f"/hoi-vien/{m.pk}/hoi-phi/", {"year": str(y), "months": ["8"],
                                                     "paid_on": f"30/12/{y}"})  # fmt: skip
    assert page.status_code == 200 and "đã khóa sổ" in page.content.decode()
    page = client.post(f"/hoi-phi/khoa-so/{close.pk}/mo-lai/", {"reason": "Thu bổ sung"})
    assert page.status_code == 302
    close.refresh_from_db()
    assert close.reopen_reason == "Thu bổ sung"


ON_POSTGRESQL = "postgresql" in django_settings.DATABASES["default"]["ENGINE"]


@pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="needs PostgreSQL: SQLite serialises writers "
    "(no race to test) and cannot empty the append-only tables afterwards",
)
def test_a_close_and_payments_at_the_same_instant_never_cross(
    reload_map_afterwards, transactional_db, cast
):
    """Eight payments and the close of their year released together: whatever the order, the
    close's figures count exactly the payments that went through before it, and none after."""
    y = timezone.localdate().year - 1
    ms.set_schedule(cast.root, year=y, amount_per_month=1_000, exemption_cap_percent=10,
                    shares=SHARES)  # fmt: skip
    rows = []
    for n in range(8):
        who = people.create_individual(
            cast.root, organisation=cast.ba_dinh, full_name=f"Người Nộp {n}", birth_date=BORN
        )
        rows.append(ms.join(cast.root, who, cast.ba_dinh, kind="member",
                            started_on=date(y - 1, 1, 1)))  # fmt: skip

    def act(item):
        if item == "close":
            ms.close_year(cast.root, cast.ba_dinh, y)
        else:
            ms.record_payment(cast.root, item, year=y, months=[1, 2], paid_on=date(y, 12, 1))

    results = all_at_once(act, ["close", *rows], Refused)
    close = FeeYearClose.objects.get(organisation=cast.ba_dinh, year=y)
    paid = FeePayment.objects.filter(organisation=cast.ba_dinh, year=y)
    assert results.count("ok") == 1 + paid.count()
    assert all("đã khóa sổ" in r for r in results if r != "ok")
    assert close.figures["collected"] == sum(p.amount for p in paid) == 2_000 * paid.count()
