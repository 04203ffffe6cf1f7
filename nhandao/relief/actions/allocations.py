"""Allocations down (and up) the levels, or to a purpose: the maker proposes, a different
checker approves (two above the organisation's threshold), executing moves the money in the
ledger."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from nhandao.audit import ledger
from nhandao.audit.actions import record, snapshot
from nhandao.audit.models import EntryKind
from nhandao.lib.money import format_vnd
from nhandao.lib.notify import notify
from nhandao.lib.text import nfc
from nhandao.orgs import access
from nhandao.orgs.models import OrgKind
from nhandao.relief import rules
from nhandao.relief.actions.common import _flow, _require, existing_account
from nhandao.relief.models import (
    ALLOCATION_PIPELINE,
    WITHDRAW,
    Allocation,
    AllocationPolicy,
    AllocationStatus,
    AllocationStatusChange,
    Direction,
)
from nhandao.relief.rules import ReliefError

AS = AllocationStatus
ALLOCATION_FIELDS = [
    "organisation",
    "campaign",
    "source_earmark",
    "direction",
    "target_organisation",
    "purpose",
    "purpose_text",
    "amount",
    "decision_no",
    "decision_date",
    "incident",
    "into_stock",
    "programme",
    "status",
]


def threshold_for(org) -> int | None:
    policy = AllocationPolicy.objects.filter(organisation=org).first()
    return policy.second_approval_above if policy else None


@transaction.atomic
def set_threshold(actor, org, amount: int | None) -> AllocationPolicy:
    policy, _ = AllocationPolicy.objects.update_or_create(
        organisation=org, defaults={"second_approval_above": amount}
    )
    record(actor, "relief.threshold", org, after={"second_approval_above": amount})
    return policy


ACROSS_CONDITION = (
    "chỉ phân bổ xuống cấp dưới, chuyển lên cấp trên, hoặc chuyển cho bên phối hợp theo một "
    "chương trình phối hợp mà cả hai tổ chức là bên ký kết và còn hiệu lực vào ngày quyết "
    "định (lập từ trang chương trình phối hợp)."
)


def _direction(source, target, programme=None, on=None) -> str:
    """Down to a descendant, up to an ancestor. A relief board (Ban Vận động cứu trợ) acts for
    the committee it belongs to, so it allocates down that committee's tree too. Across the
    trees (a Front committee and a Red Cross chapter) only under `programme`, which must
    have both as parties and cover the date `on` (decision 0019)."""
    if programme is not None:
        refusal = programme.transfer_refusal(source, target, on)
        if refusal:
            raise ReliefError(refusal, field="programme")
    if target.pk != source.pk and target.path.startswith(source.path):
        return Direction.DOWN
    if target.pk != source.pk and source.path.startswith(target.path):
        return Direction.UP
    parent = source.parent if source.kind == OrgKind.RELIEF_BOARD else None
    if parent is not None and target.path.startswith(parent.path):
        return Direction.DOWN
    if programme is not None and target.pk != source.pk:
        return Direction.ACROSS
    raise ReliefError(
        f"“{target}” không phải tổ chức cấp dưới hay cấp trên của “{source}”: " + ACROSS_CONDITION,
        field="target_organisation",
    )


@transaction.atomic
def propose_allocation(
    actor,
    *,
    organisation,
    campaign,
    amount,
    decision_no,
    decision_date,
    target_organisation=None,
    purpose=None,
    purpose_text="",
    source_earmark="",
    decision_file=None,
    incident=None,
    note="",
    into_stock=False,
    programme=None,
) -> Allocation:
    """A proposal (the maker's step). Nothing moves until it is approved. `into_stock`: a
    purchase of goods for a warehouse (decision 0023): a use of Decree 93 is required, as for
    any spending; approval spends the money and the goods receipt names the purchase."""
    _require(
        actor, "money", organisation, "Bạn không có quyền đề xuất phân bổ tiền của tổ chức này."
    )
    amount = int(amount or 0)
    if amount <= 0:
        raise ReliefError("Số tiền phân bổ phải lớn hơn 0.", field="amount")
    source = existing_account(organisation, campaign, source_earmark)
    label = source.earmark_label if source else ""
    if into_stock and target_organisation is not None:
        raise ReliefError(
            "Mua hàng nhập kho là một khoản chi, không chọn đơn vị nhận.",
            field="target_organisation",
        )
    if into_stock and (purpose is None or not purpose.active):
        raise ReliefError(
            "Mua hàng nhập kho cần chọn nội dung sử dụng theo Điều 11 Nghị định "
            "93/2021/NĐ-CP (hàng mua để cấp phát cho nội dung nào).",
            field="purpose",
        )
    if target_organisation is not None:
        if not target_organisation.is_active:
            raise ReliefError(
                f"Tổ chức “{target_organisation}” đã ngừng hoạt động.", field="target_organisation"
            )
        direction = _direction(organisation, target_organisation, programme, decision_date)
        rules.check_transfer_earmark(source_earmark, target_organisation, label)
    else:
        if programme is not None:
            raise ReliefError(
                "Theo chương trình phối hợp chỉ chuyển tiền cho một bên ký kết: hãy chọn "
                "đơn vị nhận.",
                field="target_organisation",
            )
        direction = Direction.PURPOSE
        purpose_text = nfc(purpose_text)
        if source_earmark:
            rules.check_spend_earmark(
                source_earmark,
                org=organisation,
                label=label,
                purpose_text=f"{purpose_text} {purpose or ''}",
                incident_id=getattr(incident, "pk", None),
            )
        else:
            rules.check_unconditional_use(campaign, purpose=purpose)
        if purpose is None and not purpose_text:
            raise ReliefError("Cần chọn đơn vị nhận hoặc nội dung sử dụng.")
    available = source.balance() if source else 0
    if amount > available:
        raise ReliefError(
            f"Vượt số dư: quỹ “{source or organisation}” còn {format_vnd(available)}, "
            f"không thể phân bổ {format_vnd(amount)}.",
            field="amount",
        )
    threshold = threshold_for(organisation)
    allocation = Allocation(
        organisation=organisation,
        campaign=campaign,
        source_earmark=source_earmark or "",
        direction=direction,
        target_organisation=target_organisation,
        purpose=purpose,
        purpose_text=purpose_text,
        amount=amount,
        decision_no=nfc(decision_no).strip(),
        decision_date=decision_date,
        incident=incident,
        note=nfc(note),
        into_stock=bool(into_stock),
        programme=programme,
        needs_second=threshold is not None and amount > threshold,
        proposed_by=actor,
    )
    if decision_file is not None:
        allocation.decision_file.save(decision_file.name, decision_file, save=False)
    allocation.save()
    AllocationStatusChange.log(allocation, AS.PROPOSED, actor=actor, note="Đề xuất")
    record(
        actor,
        "relief.allocation_proposed",
        allocation,
        after=snapshot(allocation, ALLOCATION_FIELDS),
    )
    notify_approvers(allocation)
    return allocation


def notify_approvers(allocation: Allocation) -> None:
    """Tell the approvers of the allocation's organisation (not its makers) that it waits."""
    makers = {allocation.proposed_by_id, allocation.first_approver_id}
    approvers = [u for u in access.holders("approve", allocation.organisation)
                 if u.pk not in makers]  # fmt: skip
    step = "lần 2 " if allocation.status == AS.FIRST_APPROVED else ""
    notify(
        approvers,
        "approvals",
        f"Phân bổ {format_vnd(allocation.amount)} chờ duyệt {step}",
        f"{allocation.organisation}: quyết định {allocation.decision_no}, "
        f"đề xuất bởi {allocation.proposed_by}.",
        reverse("relief_allocation", args=[allocation.pk]),
    )


def allocation_can(user, allocation):
    """How the pipeline asks for a permission on this allocation: at its organisation; to
    withdraw it, its proposer may too."""

    def can(perm: str) -> bool:
        if perm == WITHDRAW:
            mine = allocation.proposed_by_id == getattr(user, "pk", None)
            return mine or access.can(user, "approve", allocation.organisation)
        return access.can(user, perm, allocation.organisation)

    return can


def allocation_moves(allocation, user):
    """The moves `user` may make on the allocation now (one button each on its page)."""
    return ALLOCATION_PIPELINE.moves_for(
        allocation,
        can=allocation_can(user, allocation),
        actor_id=getattr(user, "pk", None),
        maker_id=allocation.makers,
    )


def _move_allocation(actor, allocation, to_status, note=""):
    """A move of ALLOCATION_PIPELINE (table, permission, maker–checker, reason), its history
    row and audit event; the caller saves the other fields it changed."""
    before = ALLOCATION_PIPELINE.move(
        allocation,
        to_status,
        actor=actor,
        history=AllocationStatusChange,
        note=note,
        maker_id=allocation.makers,
        can=allocation_can(actor, allocation),
    )
    record(
        actor,
        "relief.allocation_status",
        allocation,
        before={"status": before},
        after={"status": to_status, "note": note},
    )


def _execute(actor, allocation):
    if allocation.programme_id and allocation.target_organisation_id:
        # the programme may have changed since the proposal (a party removed): asked again
        _direction(
            allocation.organisation,
            allocation.target_organisation,
            allocation.programme,
            allocation.decision_date,
        )
    source = ledger.account_for(
        allocation.organisation, allocation.campaign, allocation.source_earmark
    )
    memo = f"Phân bổ theo QĐ {allocation.decision_no} — {allocation.recipient_label}"[:255]
    ref = f"relief-allocation:{allocation.pk}"
    try:
        if allocation.target_organisation_id:
            target = ledger.account_for(
                allocation.target_organisation,
                allocation.campaign,
                source.earmark,
                source.earmark_label,
            )
            out, into = ledger.transfer(
                source,
                target,
                allocation.amount,
                booked_on=allocation.decision_date,
                memo=memo,
                actor=actor,
                reference=ref,
            )
            allocation.in_entry = into
            _flow(target, allocated_in=allocation.amount)
            _flow(source, allocated_out=allocation.amount)
        else:
            # a purchase pays into stock (relief.figures reads "relief-stock" as such)
            into_stock = allocation.into_stock
            out = ledger.post(
                source,
                -allocation.amount,
                booked_on=allocation.decision_date,
                kind=EntryKind.SPEND,
                memo=memo,
                source=f"relief-stock:{allocation.pk}" if into_stock else ref,
                actor=actor,
            )
            if into_stock:
                _flow(source, to_stock=allocation.amount)
            else:
                _flow(source, spent=allocation.amount)
    except ledger.LedgerError as exc:
        raise ReliefError(f"Không thực hiện được phân bổ: {exc}") from exc
    allocation.out_entry = out
    allocation.executed_at = timezone.now()


def _locked_for_checker(actor, allocation) -> Allocation:
    """The allocation, locked, once `actor` is known to have the right to approve it."""
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    _require(
        actor,
        "approve",
        allocation.organisation,
        "Bạn không có quyền duyệt phân bổ của tổ chức này.",
    )
    return allocation


@transaction.atomic
def approve_allocation(actor, allocation: Allocation, note: str = "") -> Allocation:
    """The checker's step. The maker never approves; above the organisation's threshold a
    second, different approver executes it. Executing moves the money in the ledger."""
    allocation = _locked_for_checker(actor, allocation)
    if allocation.proposed_by_id == getattr(actor, "pk", None):
        raise ReliefError(
            "Người đề xuất không được tự duyệt phân bổ của mình (nguyên tắc "
            "hai người: một người lập, một người duyệt)."
        )
    if allocation.status == AS.FIRST_APPROVED and allocation.first_approver_id == actor.pk:
        raise ReliefError("Phân bổ này cần người duyệt thứ hai, khác người đã duyệt lần 1.")
    if allocation.status == AS.PROPOSED and allocation.needs_second:
        _move_allocation(actor, allocation, AS.FIRST_APPROVED, note or "Duyệt lần 1")
        allocation.first_approver = actor
        allocation.save(update_fields=["first_approver"])
        notify_approvers(allocation)
        return allocation
    second = allocation.status == AS.FIRST_APPROVED
    _move_allocation(actor, allocation, AS.EXECUTED, note or "Duyệt, chuyển tiền")
    if second:
        allocation.second_approver = actor
    else:
        allocation.first_approver = actor
    _execute(actor, allocation)
    allocation.save(
        update_fields=[
            "first_approver",
            "second_approver",
            "out_entry",
            "in_entry",
            "executed_at",
        ]
    )
    return allocation


@transaction.atomic
def reject_allocation(actor, allocation: Allocation, reason: str) -> Allocation:
    allocation = _locked_for_checker(actor, allocation)
    _move_allocation(actor, allocation, AS.REJECTED, reason)
    return allocation


@transaction.atomic
def return_allocation(actor, allocation: Allocation, reason: str) -> Allocation:
    """A checker sends the proposal back to its maker with what to explain; nothing moves.
    Approval starts over when the maker sends it again."""
    allocation = _locked_for_checker(actor, allocation)
    _move_allocation(actor, allocation, AS.RETURNED, reason)
    if allocation.first_approver_id is not None:
        allocation.first_approver = None
        allocation.save(update_fields=["first_approver"])
    return allocation


@transaction.atomic
def resubmit_allocation(actor, allocation: Allocation, answer: str) -> Allocation:
    """The maker's answer to a return: the proposal waits for approval again. The balance is
    checked again, since the fund may have been spent meanwhile."""
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    _require(actor, "money", allocation.organisation, "Bạn không có quyền gửi lại phân bổ này.")
    ALLOCATION_PIPELINE.check(allocation.status, AS.PROPOSED, allocation)
    source = existing_account(
        allocation.organisation, allocation.campaign, allocation.source_earmark
    )
    available = source.balance() if source else 0
    if allocation.amount > available:
        raise ReliefError(
            f"Vượt số dư: quỹ “{source or allocation.organisation}” còn "
            f"{format_vnd(available)}, không thể phân bổ {format_vnd(allocation.amount)}.",
            field="amount",
        )
    _move_allocation(actor, allocation, AS.PROPOSED, answer)
    notify_approvers(allocation)
    return allocation


@transaction.atomic
def cancel_allocation(actor, allocation: Allocation, reason: str = "") -> Allocation:
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    if not allocation_can(actor, allocation)(WITHDRAW):
        raise PermissionDenied("Chỉ người đề xuất hoặc lãnh đạo được hủy đề xuất phân bổ.")
    _move_allocation(actor, allocation, AS.CANCELLED, reason or "Hủy đề xuất")
    return allocation


# What a page's button (the target status) asks for: the action that makes that move.
ACTION_FOR_TARGET = {
    AS.EXECUTED: approve_allocation,
    AS.FIRST_APPROVED: approve_allocation,
    AS.RETURNED: return_allocation,
    AS.REJECTED: reject_allocation,
    AS.PROPOSED: resubmit_allocation,
    AS.CANCELLED: cancel_allocation,
}


def move_allocation(actor, allocation: Allocation, to_status: str, note: str = ""):
    """The move a page's button names, made by its action (refused if there is none)."""
    action = ACTION_FOR_TARGET.get(to_status)
    if action is None:
        ALLOCATION_PIPELINE.check(allocation.status, to_status)  # refuses in words
        raise ReliefError("Tình trạng không hợp lệ.", field="status")
    return action(actor, allocation, note)
