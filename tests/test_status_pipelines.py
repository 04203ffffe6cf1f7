# ruff: noqa: F811  (fixtures are imported from tests/test_relief_fixtures.py by name)
"""The three status pipelines of campaigns, allocations and distribution rounds: each table's
allowed and refused moves, the permission of each move, the history row (who, why), the
buttons a page draws for a manager and for an officer, and the audit log in words."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from nhandao.audit.models import AuditEvent
from nhandao.audit.words import ACTION_MODELS, change_lines, field_label
from nhandao.campaigns import actions as campaign_actions
from nhandao.campaigns.models import PIPELINE as CAMPAIGNS
from nhandao.campaigns.models import Campaign, TransitionError
from nhandao.lib.errors import Refused
from nhandao.relief import actions
from nhandao.relief.models import ALLOCATION_PIPELINE, ROUND_PIPELINE, AllocationStatus
from nhandao.relief.rules import ReliefError
from tests.test_access_matrix import world  # noqa: F401  (fixture)
from tests.test_relief_fixtures import (  # noqa: F401  (fixtures)
    DAY,
    allocate,
    balance,
    donate,
    funded,
    hanoi_round,
    household,
    make_campaign,
    unit,
    yagi,
)

AS = AllocationStatus


def new_campaign(cast):
    """A Tháng Nhân đạo of Hà Nội, still a draft."""
    return campaign_actions.create_campaign(
        cast.root,
        code="TND-HN",
        name="Tháng Nhân đạo Hà Nội",
        kind="humanitarian_month",
        organisation=cast.hanoi,
        launch_date=DAY,
    )


def buttons(page, form_id) -> list[tuple[str, str]]:
    """(target, label) of each move button a page drew in the form `form_id`."""
    html = page.content.decode()
    form = re.search(rf'<form[^>]*id="{form_id}".*?</form>', html, re.S)
    if form is None:
        return []
    return re.findall(r'<button[^>]*value="([a-z_]+)"[^>]*>([^<]+)</button>', form.group(0))


# --- the tables ---------------------------------------------------------------------------


def test_each_table_lists_its_moves_and_nothing_else():
    assert {s: CAMPAIGNS.targets_from(s) for s in ("draft", "receiving", "closed")} == {
        "draft": ("receiving",),
        "receiving": ("distributing",),
        "closed": ("published",),
    }
    assert CAMPAIGNS.targets_from("published") == ()
    assert ROUND_PIPELINE.targets_from("draft") == ("open", "cancelled")
    assert ROUND_PIPELINE.targets_from("closed") == ()
    assert set(ALLOCATION_PIPELINE.targets_from(AS.RETURNED)) == {AS.PROPOSED, AS.CANCELLED}
    for final in (AS.EXECUTED, AS.REJECTED, AS.CANCELLED):
        assert ALLOCATION_PIPELINE.targets_from(final) == ()
    # the refusal names both statuses in words, on the field the app's form uses
    with pytest.raises(TransitionError) as refused:
        CAMPAIGNS.check("draft", "published")
    assert refused.value.message == (
        "Không thể chuyển chiến dịch từ “Dự thảo” sang “Đã công khai”."
    )
    assert refused.value.field == "to_status"
    with pytest.raises(ReliefError, match="từ “Đã hoàn thành” sang “Đang cấp phát”"):
        ROUND_PIPELINE.check("closed", "open")


# --- campaigns ------------------------------------------------------------------------------


def test_a_campaign_moves_by_its_table_and_publishing_is_a_leaders_move(cast):
    campaign = new_campaign(cast)
    with pytest.raises(TransitionError):
        campaign_actions.set_status(cast.hn_officer, campaign, "closed")
    with pytest.raises(PermissionDenied):  # a viewer makes no move
        campaign_actions.set_status(cast.hn_viewer, campaign, "receiving")
    for status in ("receiving", "distributing", "closed"):
        campaign = campaign_actions.set_status(cast.hn_officer, campaign, status, f"→ {status}")
    assert campaign_actions.allowed_moves(campaign, cast.hn_officer) == ()
    assert campaign_actions.allowed_moves(campaign, cast.hn_manager).targets == ("published",)
    with pytest.raises(PermissionDenied, match="Công khai kết quả"):
        campaign_actions.set_status(cast.hn_officer, campaign, "published")
    campaign = campaign_actions.set_status(cast.hn_manager, campaign, "published", "Đã duyệt")
    last = campaign.history.last()
    assert (last.from_status, last.to_status, last.actor, last.note) == (
        "closed",
        "published",
        cast.hn_manager,
        "Đã duyệt",
    )
    assert last.change_text() == "Đã kết thúc → Đã công khai"
    assert Campaign.objects.get(pk=campaign.pk).status == "published"


def test_the_campaign_page_draws_the_buttons_the_pipeline_allows(cast, login):
    campaign = new_campaign(cast)
    url = reverse("campaign_detail", args=[campaign.pk])
    launch = [("receiving", "Phát động, bắt đầu tiếp nhận")]
    assert buttons(login(cast.hn_officer).get(url), "status-form") == launch
    assert buttons(login(cast.hn_manager).get(url), "status-form") == launch
    assert buttons(login(cast.hn_viewer).get(url), "status-form") == []
    for status in ("receiving", "distributing", "closed"):
        campaign = campaign_actions.set_status(cast.root, campaign, status)
    assert buttons(login(cast.hn_officer).get(url), "status-form") == []
    page = login(cast.hn_manager).get(url)
    assert buttons(page, "status-form") == [("published", "Công khai kết quả")]
    html = page.content.decode()
    assert 'id="campaign-status">Đã kết thúc<' in html
    assert "Đang phân phối → Đã kết thúc" in html  # the history in words
    # pressing the button makes the move; the officer's forged request is refused (403)
    assert (
        login(cast.hn_officer)
        .post(reverse("campaign_status", args=[campaign.pk]), {"to_status": "published"})
        .status_code
        == 403
    )
    login(cast.hn_manager).post(
        reverse("campaign_status", args=[campaign.pk]), {"to_status": "published"}
    )
    assert Campaign.objects.get(pk=campaign.pk).status == "published"


# --- allocations ----------------------------------------------------------------------------


@pytest.fixture
def hanoi_fund(cast, funded):
    allocate(cast, funded, cast.hanoi, 5_000_000)
    return funded


def propose(cast, campaign, amount=1_000_000, maker=None):
    return actions.propose_allocation(
        maker or cast.hn_accountant,
        organisation=cast.hanoi,
        campaign=campaign,
        amount=amount,
        decision_no="45/QĐ-CTĐ",
        decision_date=DAY,
        target_organisation=cast.ba_dinh,
    )


def test_a_returned_proposal_is_answered_by_its_maker_and_approved_afresh(cast, hanoi_fund):
    allocation = propose(cast, hanoi_fund)
    with pytest.raises(ReliefError, match="Cần ghi điều người lập phải giải trình"):
        actions.return_allocation(cast.hn_manager, allocation, " ")
    with pytest.raises(PermissionDenied):  # returning is a checker's move
        actions.return_allocation(cast.hn_accountant, allocation, "Thiếu biên bản")
    allocation = actions.return_allocation(cast.hn_manager, allocation, "Thiếu biên bản khảo sát")
    assert allocation.status == AS.RETURNED
    with pytest.raises(ReliefError, match="Không thể chuyển phân bổ từ “Trả lại"):
        actions.approve_allocation(cast.tw_manager, allocation)
    with pytest.raises(ReliefError, match="Cần ghi nội dung giải trình"):
        actions.resubmit_allocation(cast.hn_accountant, allocation, "")
    with pytest.raises(PermissionDenied):  # an officer does not handle money
        actions.resubmit_allocation(cast.hn_officer, allocation, "Đã bổ sung")
    allocation = actions.resubmit_allocation(cast.hn_accountant, allocation, "Đã bổ sung")
    assert allocation.status == AS.PROPOSED
    allocation = actions.approve_allocation(cast.hn_manager, allocation)
    assert allocation.status == AS.EXECUTED
    assert balance(cast.ba_dinh, hanoi_fund) == 1_000_000
    rows = [(h.from_status, h.to_status, h.actor, h.note) for h in allocation.history.all()]
    assert rows == [
        ("", "proposed", cast.hn_accountant, "Đề xuất"),
        ("proposed", "returned", cast.hn_manager, "Thiếu biên bản khảo sát"),
        ("returned", "proposed", cast.hn_accountant, "Đã bổ sung"),
        ("proposed", "executed", cast.hn_manager, "Duyệt, chuyển tiền"),
    ]


def test_the_maker_cannot_make_a_checker_move_even_with_the_right(cast, hanoi_fund):
    allocation = propose(cast, hanoi_fund, maker=cast.hn_manager)
    for make in (
        lambda: actions.return_allocation(cast.hn_manager, allocation, "?"),
        lambda: actions.reject_allocation(cast.hn_manager, allocation, "?"),
    ):
        with pytest.raises(Refused, match="hai người, hai bước"):
            make()
    assert actions.allocation_moves(allocation, cast.hn_manager).targets == (AS.CANCELLED,)
    actions.cancel_allocation(cast.hn_manager, allocation)  # withdrawing one's own is not


def test_a_returned_proposal_waits_for_a_second_approval_from_the_start(cast, hanoi_fund):
    actions.set_threshold(cast.root, cast.hanoi, 500_000)
    allocation = propose(cast, hanoi_fund)
    allocation = actions.approve_allocation(cast.hn_manager, allocation)
    assert allocation.status == AS.FIRST_APPROVED
    allocation = actions.return_allocation(cast.tw_manager, allocation, "Sai số quyết định")
    assert allocation.first_approver is None
    actions.resubmit_allocation(cast.hn_accountant, allocation, "Đã sửa")
    allocation = actions.approve_allocation(cast.tw_manager, allocation)
    assert allocation.status == AS.FIRST_APPROVED  # two approvers still needed


def test_the_allocation_page_draws_exactly_the_moves_of_each_user(cast, hanoi_fund, login):
    allocation = propose(cast, hanoi_fund)
    url = reverse("relief_allocation", args=[allocation.pk])
    manager = buttons(login(cast.hn_manager).get(url), "allocation-moves")
    assert manager == [
        ("executed", "Duyệt, chuyển tiền"),
        ("returned", "Trả lại để giải trình"),
        ("rejected", "Từ chối"),
        ("cancelled", "Hủy đề xuất"),
    ]
    assert buttons(login(cast.hn_accountant).get(url), "allocation-moves") == [
        ("cancelled", "Hủy đề xuất")  # the maker withdraws; never approves
    ]
    assert buttons(login(cast.hn_officer).get(url), "allocation-moves") == []
    # the manager's button makes the move, with its reason
    move = reverse("relief_allocation_move", args=[allocation.pk])
    login(cast.hn_manager).post(move, {"to": "returned", "note": "Thiếu biên bản"})
    page = login(cast.hn_accountant).get(url)
    answer = [("proposed", "Giải trình, gửi lại"), ("cancelled", "Hủy đề xuất")]
    assert buttons(page, "allocation-moves") == answer
    html = page.content.decode()
    assert "Chờ duyệt → Trả lại, chờ người lập giải trình" in html
    assert "bắt buộc để giải trình, gửi lại" in html
    assert buttons(login(cast.hn_manager).get(url), "allocation-moves") == answer  # money too
    assert buttons(login(cast.hn_officer).get(url), "allocation-moves") == []


def test_the_api_answers_a_move_without_its_reason_422_on_the_note(cast, hanoi_fund, login):
    allocation = propose(cast, hanoi_fund)
    answer = login(cast.hn_manager).post(
        f"/api/relief/allocations/{allocation.pk}/return", {}, content_type="application/json"
    )
    assert answer.status_code == 422
    assert answer.json()["errors"] == {
        "note": ["Cần ghi điều người lập phải giải trình khi trả lại."]
    }
    answer = login(cast.hn_manager).post(
        f"/api/relief/allocations/{allocation.pk}/return",
        {"note": "Thiếu chữ ký"},
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["status"] == "returned"


# --- distribution rounds --------------------------------------------------------------------


@pytest.fixture
def round_with_lines(cast, funded):
    allocate(cast, funded, cast.hanoi, 5_000_000)
    rnd = hanoi_round(cast, funded, name="Trao quà Ba Đình", commune=unit("4"))
    home = household(cast, unit("4"), cast.ba_dinh, "Nguyễn Thị Hoa")
    actions.add_lines(cast.hn_officer, rnd, [("Nguyễn Thị Hoa", home, None, 300_000, None)])
    return rnd


def test_a_round_opens_only_when_its_rule_passes_and_each_move_is_recorded(cast, funded):
    allocate(cast, funded, cast.hanoi, 5_000_000)
    rnd = hanoi_round(cast, funded, name="Trao quà", commune=unit("4"))
    with pytest.raises(ReliefError, match="chưa có người nhận"):  # the move's rule
        actions.set_round_status(cast.hn_officer, rnd, "open")
    rnd.refresh_from_db()
    assert rnd.status == "draft" and rnd.history.count() == 1  # nothing written
    with pytest.raises(ReliefError, match="Không thể chuyển đợt cấp phát"):
        actions.set_round_status(cast.hn_officer, rnd, "closed")
    with pytest.raises(PermissionDenied):
        actions.set_round_status(cast.hn_viewer, rnd, "cancelled")
    actions.set_round_status(cast.hn_officer, rnd, "cancelled", "Bão đổi hướng")
    last = rnd.history.last()
    assert (last.actor, last.note, last.change_text()) == (
        cast.hn_officer,
        "Bão đổi hướng",
        "Đang lập danh sách → Đã hủy",
    )


def test_the_round_page_draws_the_moves_of_its_status(cast, round_with_lines, login):
    url = reverse("relief_round", args=[round_with_lines.pk])
    draft = [("open", "Bắt đầu cấp phát"), ("cancelled", "Hủy đợt")]
    assert buttons(login(cast.hn_officer).get(url), "round-moves") == draft
    assert buttons(login(cast.hn_manager).get(url), "round-moves") == draft
    assert buttons(login(cast.hn_viewer).get(url), "round-moves") == []
    login(cast.hn_officer).post(
        reverse("relief_round_status", args=[round_with_lines.pk]), {"to": "open"}
    )
    page = login(cast.hn_officer).get(url)
    assert buttons(page, "round-moves") == [("closed", "Kết thúc đợt")]
    assert "Xác nhận đã nhận" in page.content.decode()  # handout day: lines are confirmed


# --- the audit log in words ---------------------------------------------------------------


def test_the_audit_page_shows_changes_in_words(cast, round_with_lines, login):
    campaign = new_campaign(cast)
    campaign_actions.set_status(cast.hn_officer, campaign, "receiving", "Phát động")
    actions.set_round_status(cast.hn_officer, round_with_lines, "open")
    line = round_with_lines.lines.get()
    actions.confirm_line(cast.hn_officer, line, method="signature")
    html = login(cast.tw_admin).get("/nhat-ky/").content.decode()
    assert "Trạng thái: Dự thảo → Đang tiếp nhận" in html
    assert "Trạng thái: Đang lập danh sách → Đang cấp phát" in html
    assert "Đợt cấp phát: — → Trao quà Ba Đình (15/09/2024)" in html
    assert "Hình thức xác nhận: — → Ký nhận" in html
    assert "Trị giá: — → 300.000 ₫" in html
    for raw in ("status:", "round:", "draft", "receiving", "signature"):
        assert raw not in html.split("<table>")[-1].split("</table>")[0], raw


def test_every_change_recorded_by_the_actions_has_words(cast, round_with_lines, hanoi_fund):
    """Whatever a test world records, the log names every key in Vietnamese."""
    allocation = propose(cast, hanoi_fund)
    actions.return_allocation(cast.hn_manager, allocation, "Thiếu biên bản")
    actions.set_round_status(cast.hn_officer, round_with_lines, "open")
    actions.confirm_line(cast.hn_officer, round_with_lines.lines.get(), method="signature")
    unnamed = set()
    for event in AuditEvent.objects.all():
        for key, _, _ in event.changes():
            from django.apps import apps

            model = apps.get_model(ACTION_MODELS.get(event.action, event.object_type))
            if field_label(model, key) == "Thông tin khác":
                unnamed.add((event.action, key))
        assert all(": " in line for line in change_lines(event, event.changes()))
    assert sorted(unnamed) == [], " ".join(f"{a}:{k}" for a, k in sorted(unnamed))


def test_the_access_matrix_world_reads_in_words_too(cast, world):
    """The world of tests/test_access_matrix.py: one record of every app, made by its
    actions (organisations, roles, donations, receipts, the registry, relief)."""
    from django.apps import apps

    unnamed = set()
    for event in AuditEvent.objects.all():
        model = apps.get_model(ACTION_MODELS.get(event.action, event.object_type))
        unnamed |= {
            (event.action, key)
            for key, _, _ in event.changes()
            if field_label(model, key) == "Thông tin khác"
        }
        change_lines(event, event.changes())  # every value has words (no exception)
    assert sorted(unnamed) == [], " ".join(f"{a}:{k}" for a, k in sorted(unnamed))


def test_the_api_gives_a_rounds_status_in_words_and_the_callers_moves(
    cast, round_with_lines, login
):
    url = f"/api/relief/rounds/{round_with_lines.pk}"
    officer = login(cast.hn_officer).get(url).json()
    assert officer["status_label"] == "Đang lập danh sách"
    assert officer["moves"] == [
        {"to_status": "open", "label": "Bắt đầu cấp phát"},
        {"to_status": "cancelled", "label": "Hủy đợt"},
    ]
    assert login(cast.hn_viewer).get(url).json()["moves"] == []


def test_the_campaign_api_gives_the_status_in_words(cast, login):
    campaign = new_campaign(cast)
    rows = login(cast.hn_officer).get("/api/campaigns").json()["items"]
    assert [(r["status"], r["status_label"]) for r in rows] == [("draft", "Dự thảo")]
    detail = login(cast.hn_officer).get(f"/api/campaigns/{campaign.pk}").json()
    assert detail["status_label"] == "Dự thảo"


def test_values_read_as_a_person_would_say_them(cast):
    from nhandao.audit.words import value_text

    class Event:
        action, object_type = "relief.goods_transfer", "relief.stockmove"

    assert change_lines(Event, [("quantity", None, "50.00"), ("note", None, "")]) == [
        "Số lượng (+ nhập / − xuất): — → 50"
    ]
    assert change_lines(Event, [("checksum", None, "ab" * 32)]) == []  # technical only
    assert value_text(None, "year", 2025, None) == "2025"
    assert value_text(None, "amount", 1_500_000, None) == "1.500.000 ₫"
    assert value_text(None, "quantity", "2.50", None) == "2,5"
    assert value_text(None, "on", "2025-07-01", None) == "01/07/2025"


def test_the_campaign_api_answers_a_move_beyond_the_role_403_and_a_wrong_move_422(cast, login):
    campaign = new_campaign(cast)
    url = f"/api/campaigns/{campaign.pk}/status"

    def move(user, to_status):
        return login(user).post(url, {"to_status": to_status}, content_type="application/json")

    assert move(cast.hn_officer, "published").status_code == 422  # not from a draft
    for status in ("receiving", "distributing", "closed"):
        assert move(cast.hn_officer, status).status_code == 200
    assert move(cast.hn_officer, "published").status_code == 403  # a leader's move
    answer = move(cast.hn_manager, "published")
    assert answer.status_code == 200 and answer.json()["status_label"] == "Đã công khai"
