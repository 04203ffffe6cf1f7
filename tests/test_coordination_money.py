"""Money between the two trees (issue #21 item 5, decision 0019): a Front committee moves
money to a Red Cross chapter only under a coordination programme both signed, whose period
covers the decision date; through the ledger, maker–checker, earmarks respected, the balance
never below zero; the receiving side sees it in its figures; the programme page lists it."""

from datetime import date

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from nhandao.audit import ledger
from nhandao.audit.models import AuditEvent, LedgerAccount
from nhandao.coordination import actions
from nhandao.orgs import actions as org_actions
from nhandao.orgs.models import OrgKind, OrgLevel, RoleKind
from nhandao.relief import actions as relief
from nhandao.relief.figures import campaign_figures
from nhandao.relief.models import Allocation, AllocationStatus, Direction
from nhandao.relief.rules import ReliefError
from tests.concurrency import all_at_once
from tests.conftest import make_org, unit
from tests.test_relief_fixtures import DAY, donate, make_campaign


def person(cast, name, org, role):
    user = get_user_model().objects.create_user(name, full_name=name)
    org_actions.grant_role(cast.root, user, org, role)
    return user


def build(cast):
    """The Hà Nội Front (its accountant proposes, its chairman approves), its appeal with
    10.000.000 ₫, and the 2023–2027 programme it signed with the Hà Nội Red Cross."""
    cast.hn_front = make_org(
        cast.root, cast.front, "MTTQ-1", "Ủy ban MTTQ Việt Nam thành phố Hà Nội",
        OrgLevel.PROVINCE, unit("1", level="province"), kind=OrgKind.FRONT,
    )  # fmt: skip
    cast.front_officer = person(cast, "front_officer", cast.hn_front, RoleKind.OFFICER)
    cast.front_accountant = person(cast, "front_accountant", cast.hn_front, RoleKind.ACCOUNTANT)
    cast.front_chair = person(cast, "front_chair", cast.hn_front, RoleKind.MANAGER)
    cast.front_vice = person(cast, "front_vice", cast.hn_front, RoleKind.MANAGER)
    cast.appeal = make_campaign(cast.root, cast.hn_front, code="MTTQ-YAGI")
    donate(cast.hn_front, cast.appeal, 10_000_000)
    cast.programme = actions.create_programme(
        cast.front_officer, organisation=cast.hn_front, parties=[cast.hanoi],
        title="Chương trình phối hợp giữa MTTQ và Hội CTĐ thành phố", level="province",
        signed_on=date(2023, 3, 1), start_year=2023, end_year=2027,
    )  # fmt: skip
    return cast


@pytest.fixture
def two_trees(cast):
    return build(cast)


def propose(cast, amount=4_000_000, target=None, on=DAY, programme="the programme", **kw):
    programme = cast.programme if programme == "the programme" else programme
    return actions.propose_transfer(
        kw.pop("actor", cast.front_vice), programme,
        organisation=cast.hn_front, campaign=cast.appeal,
        target_organisation=target or cast.hanoi, amount=amount, decision_no="15/QĐ-MTTQ",
        decision_date=on, **kw,
    )  # fmt: skip


def balance(org, campaign):
    return relief.balance_of(org, campaign)


def test_under_the_programme_the_front_moves_money_to_the_red_cross_once_another_approves(
    two_trees,
):
    cast = two_trees
    allocation = propose(cast)
    assert allocation.direction == Direction.ACROSS and allocation.programme == cast.programme
    assert balance(cast.hn_front, cast.appeal) == 10_000_000  # nothing moves on a proposal
    with pytest.raises(ReliefError, match="Người đề xuất không được tự duyệt"):
        relief.approve_allocation(cast.front_vice, allocation)
    with pytest.raises(PermissionDenied, match="không có quyền duyệt"):
        relief.approve_allocation(cast.front_accountant, allocation)
    with pytest.raises(PermissionDenied, match="không có quyền duyệt"):
        relief.approve_allocation(cast.hn_manager, allocation)  # the receiving side
    allocation = relief.approve_allocation(cast.front_chair, allocation)
    assert allocation.status == AllocationStatus.EXECUTED
    assert balance(cast.hn_front, cast.appeal) == 6_000_000
    assert balance(cast.hanoi, cast.appeal) == 4_000_000
    assert allocation.out_entry.transfer == allocation.in_entry.transfer
    assert ledger.verify(allocation.in_entry.account).ok
    # the receiving side sees it: in its allocations and in its figures of the campaign
    assert Allocation.objects.for_user(cast.hn_manager).get() == allocation
    mine = campaign_figures(cast.appeal, within=cast.hanoi)
    assert mine.total.allocated_in == 4_000_000 and mine.total.balance == 4_000_000
    whole = campaign_figures(cast.appeal)
    assert whole.reconciled and whole.whole.balance == 10_000_000


def test_refused_without_a_programme_after_its_period_or_to_a_non_party(two_trees):
    cast = two_trees
    events = AuditEvent.objects.count()
    with pytest.raises(ReliefError, match="chương trình phối hợp mà cả hai tổ chức là bên ký"):
        propose(cast, programme=None)
    with pytest.raises(ReliefError, match=r"28/01/2028 nằm ngoài thời gian .* \(2023–2027\)"):
        propose(cast, on=date(2028, 1, 28))
    with pytest.raises(ReliefError, match="Tuyên Quang” không phải bên ký kết"):
        propose(cast, target=cast.tuyen_quang)
    with pytest.raises(ReliefError, match="Vượt số dư"):  # the balance holds across too
        propose(cast, amount=10_000_001)
    assert Allocation.objects.count() == 0 and AuditEvent.objects.count() == events


def test_a_party_removed_before_approval_stops_the_transfer_and_nothing_moves(two_trees):
    cast = two_trees
    allocation = propose(cast)
    cast.programme.parties.remove(cast.hanoi)
    with pytest.raises(ReliefError, match="không phải bên ký kết"):
        relief.approve_allocation(cast.front_chair, allocation)
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.PROPOSED
    assert balance(cast.hn_front, cast.appeal) == 10_000_000
    assert balance(cast.hanoi, cast.appeal) == 0


def test_earmarked_money_goes_across_only_to_its_locality(two_trees):
    cast = two_trees
    donate(cast.hn_front, cast.appeal, 3_000_000, earmark_kind="unit", earmark_ref="Hà Nội")
    key = LedgerAccount.objects.exclude(earmark="").get(organisation=cast.hn_front).earmark
    allocation = propose(cast, amount=1_000_000, source_earmark=key)
    allocation = relief.approve_allocation(cast.front_chair, allocation)
    assert allocation.in_entry.account.earmark == key  # still earmarked at the Red Cross
    tq_front = make_org(
        cast.root, cast.hn_front.parent, "MTTQ-8", "Ủy ban MTTQ tỉnh Tuyên Quang",
        OrgLevel.PROVINCE, unit("8", level="province"), kind=OrgKind.FRONT,
    )  # fmt: skip
    cast.programme.parties.add(cast.tuyen_quang, tq_front)
    with pytest.raises(ReliefError, match="chỉ được chuyển tới tổ chức ở đúng địa phương"):
        propose(cast, amount=1_000_000, source_earmark=key, target=cast.tuyen_quang)


def test_the_page_proposes_and_lists_the_money_and_the_api_refuses_in_words(
    two_trees, login, client
):
    cast = two_trees
    page = login(cast.front_accountant)
    url = f"/phoi-hop/{cast.programme.pk}/"
    shown = page.get(url).content.decode()
    assert "Đề xuất chuyển tiền cho bên phối hợp" in shown
    made = page.post(f"{url}chuyen-tien/", {
        "organisation": "MTTQ-1", "campaign": "MTTQ-YAGI", "target_organisation": "CTD-1",
        "amount": "2500000", "decision_no": "20/QĐ-MTTQ", "decision_date": "15/09/2024",
    })  # fmt: skip
    allocation = Allocation.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/cuu-tro/phan-bo/{allocation.pk}/"
    late = page.post(f"{url}chuyen-tien/", {
        "organisation": "MTTQ-1", "campaign": "MTTQ-YAGI", "target_organisation": "CTD-1",
        "amount": "1000", "decision_no": "21/QĐ-MTTQ", "decision_date": "02/01/2028",
    })  # fmt: skip
    assert late.status_code == 422 and "nằm ngoài thời gian" in late.content.decode()
    assert Allocation.objects.count() == 1
    # the receiving side's page lists it, linked to the allocation it may open
    seen = login(cast.hn_manager).get(url).content.decode()
    assert "2.500.000 ₫" in seen and f"/cuu-tro/phan-bo/{allocation.pk}/" in seen
    assert "Đề xuất chuyển tiền cho bên phối hợp" in seen  # it manages the Red Cross's money
    assert login(cast.hn_officer).post(f"{url}chuyen-tien/", {}).status_code == 403
    # the API: proposed, listed, refused in words outside the period
    client.force_login(cast.front_accountant)
    api = f"/api/coordination/programmes/{cast.programme.pk}/transfers"
    body = {"organisation": "MTTQ-1", "campaign": "MTTQ-YAGI", "target_organisation": "CTD-1",
            "amount": 500_000, "decision_no": "22/QĐ-MTTQ",
            "decision_date": "2024-09-20"}  # fmt: skip
    answer = client.post(api, body, content_type="application/json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["status"] == "proposed" and answer.json()["target_organisation"] == "CTD-1"
    refused = client.post(api, {**body, "decision_date": "2022-12-31"},
                          content_type="application/json")  # fmt: skip
    assert refused.status_code == 422 and "nằm ngoài thời gian" in refused.json()["detail"]
    assert [t["amount"] for t in client.get(api).json()] == [500_000, 2_500_000]


ON_POSTGRESQL = "postgresql" in django_settings.DATABASES["default"]["ENGINE"]


@pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="needs PostgreSQL: SQLite serialises writers "
    "(no race to test) and cannot empty the append-only tables afterwards",
)
def test_twenty_concurrent_approvals_across_never_overdraw(
    reload_map_afterwards, transactional_db, cast
):
    cast = build(cast)
    proposals = [propose(cast, amount=1_000_000) for _ in range(20)]
    results = all_at_once(
        lambda p: relief.approve_allocation(cast.front_chair, p), proposals, ReliefError
    )
    assert results.count("ok") == 10
    assert all("Số dư không đủ" in r for r in results if r != "ok")
    assert balance(cast.hn_front, cast.appeal) == 0
    assert balance(cast.hanoi, cast.appeal) == 10_000_000
    for account in LedgerAccount.objects.filter(campaign=cast.appeal):
        assert ledger.verify(account).ok
