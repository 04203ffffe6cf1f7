"""Allocations: money moved down (or up) the levels, or to a purpose, maker–checker."""

from django.conf import settings
from django.db import models

from nhandao.lib.pipeline import Move, Pipeline
from nhandao.relief.models.base import StatusChange
from nhandao.relief.models.incidents import Incident
from nhandao.relief.models.policies import AllowedUse
from nhandao.relief.rules import ReliefError


class AllocationQuerySet(models.QuerySet):
    def for_user(self, user, perm: str = "view"):
        """Allocations out of, or into, an organisation where the user has `perm`."""
        from nhandao.orgs import access

        return self.filter(
            access.reach_q(user, perm, via="organisation")
            | access.reach_q(user, perm, via="target_organisation")
        )


class AllocationStatus(models.TextChoices):
    PROPOSED = "proposed", "Chờ duyệt"
    FIRST_APPROVED = "first_approved", "Đã duyệt lần 1, chờ người duyệt thứ hai"
    RETURNED = "returned", "Trả lại, chờ người lập giải trình"
    EXECUTED = "executed", "Đã duyệt, đã chuyển tiền"
    REJECTED = "rejected", "Bị từ chối"
    CANCELLED = "cancelled", "Đã hủy"


class Direction(models.TextChoices):
    DOWN = "down", "Phân bổ xuống cấp dưới"
    UP = "up", "Chuyển lên cấp trên"
    ACROSS = "across", "Chuyển cho bên phối hợp (theo chương trình phối hợp)"
    PURPOSE = "purpose", "Sử dụng cho nội dung"


AS = AllocationStatus
# The pseudo-permission of withdrawing a proposal: its maker, or a leader ("approve") of the
# organisation (relief.lookups.allocation_can answers it).
WITHDRAW = "withdraw"


def _one_approver(allocation) -> bool:
    return not allocation.needs_second


def _two_approvers(allocation) -> bool:
    return allocation.needs_second


REJECT_NOTE = "Cần ghi lý do từ chối."
RETURN_NOTE = "Cần ghi điều người lập phải giải trình khi trả lại."

# The one table of an allocation's moves, maker–checker: a checker move is never made by the
# allocation's makers (whoever proposed it, and the first approver). Above the organisation's
# threshold (`needs_second`) approval takes two different approvers. A checker may return the
# proposal for an explanation instead of rejecting it; its maker answers and sends it again,
# and approval starts over.
PIPELINE = Pipeline(
    AllocationStatus,
    noun="phân bổ",
    error=ReliefError,
    moves=[
        Move(AS.PROPOSED, AS.EXECUTED, "Duyệt, chuyển tiền", "approve", checker=True,
             when=_one_approver),
        Move(AS.PROPOSED, AS.FIRST_APPROVED, "Duyệt lần 1", "approve", checker=True,
             when=_two_approvers),
        Move(AS.FIRST_APPROVED, AS.EXECUTED, "Duyệt lần 2, chuyển tiền", "approve",
             checker=True),
        Move(AS.PROPOSED, AS.RETURNED, "Trả lại để giải trình", "approve", checker=True,
             style="secondary", note_required=RETURN_NOTE),
        Move(AS.FIRST_APPROVED, AS.RETURNED, "Trả lại để giải trình", "approve", checker=True,
             style="secondary", note_required=RETURN_NOTE),
        Move(AS.PROPOSED, AS.REJECTED, "Từ chối", "approve", checker=True, style="danger",
             note_required=REJECT_NOTE),
        Move(AS.FIRST_APPROVED, AS.REJECTED, "Từ chối", "approve", checker=True,
             style="danger", note_required=REJECT_NOTE),
        Move(AS.RETURNED, AS.PROPOSED, "Giải trình, gửi lại", "money",
             note_required="Cần ghi nội dung giải trình trước khi gửi lại."),
        Move(AS.PROPOSED, AS.CANCELLED, "Hủy đề xuất", WITHDRAW, style="secondary"),
        Move(AS.RETURNED, AS.CANCELLED, "Hủy đề xuất", WITHDRAW, style="secondary"),
    ],
)  # fmt: skip
# from → allowed targets, read from the pipeline (kept for callers that list them)
ALLOCATION_TRANSITIONS: dict[str, tuple[str, ...]] = {
    s: PIPELINE.targets_from(s) for s in AS.values
}


class Allocation(models.Model):
    organisation = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="allocations_out",
        verbose_name="đơn vị phân bổ",
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name="chiến dịch",
    )
    source_earmark = models.CharField(
        "nguồn (địa chỉ chỉ định)", max_length=160, blank=True, default=""
    )
    direction = models.CharField("chiều", max_length=8, choices=Direction.choices)
    target_organisation = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations_in",
        verbose_name="đơn vị nhận",
    )
    purpose = models.ForeignKey(
        AllowedUse,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="nội dung sử dụng",
    )
    purpose_text = models.CharField(
        "nội dung chi (theo địa chỉ chỉ định)", max_length=255, blank=True
    )
    amount = models.BigIntegerField("số tiền (đồng)")
    decision_no = models.CharField("số quyết định", max_length=60)
    decision_date = models.DateField("ngày quyết định")
    decision_file = models.FileField(
        "văn bản quyết định", upload_to="relief/decisions/%Y/", blank=True
    )
    incident = models.ForeignKey(
        Incident,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name="sự cố",
    )
    note = models.CharField("ghi chú", max_length=255, blank=True)
    # Money between the two trees (a Front committee and a Red Cross chapter): only under a
    # coordination programme both are parties of, whose period covers the decision date
    # (decision 0019). Named by string: relief does not import coordination; it asks the
    # programme `transfer_refusal(source, target, on)`.
    programme = models.ForeignKey(
        "coordination.Programme",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name="theo chương trình phối hợp",
    )
    # A purchase of goods (issue #14 item 8, decision 0023): money spent on a Decree 93 use
    # that becomes goods in a warehouse. Approval spends it (ledger source "relief-stock:<pk>");
    # the goods receipt names it (StockMove.purchase) and carries its amount as cost.
    into_stock = models.BooleanField("mua hàng nhập kho", default=False)
    status = models.CharField(
        "tình trạng", max_length=16, choices=AllocationStatus.choices, default=AS.PROPOSED
    )
    needs_second = models.BooleanField("cần hai người duyệt", default=False)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người đề xuất",
    )
    first_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    second_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    out_entry = models.OneToOneField(
        "audit.LedgerEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    in_entry = models.OneToOneField(
        "audit.LedgerEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    executed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AllocationQuerySet.as_manager()
    pipeline = PIPELINE

    class Meta:
        verbose_name = "phân bổ"
        verbose_name_plural = "phân bổ"
        ordering = ["-decision_date", "-pk"]
        indexes = [models.Index(fields=["campaign", "status"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="allocation_amount_gt_0"),
        ]

    def __str__(self):
        return f"Quyết định {self.decision_no} ({self.decision_date:%d/%m/%Y})"

    @property
    def makers(self) -> set:
        """Who may not make a checker move: the proposer and the first approver."""
        return {self.proposed_by_id, self.first_approver_id} - {None}

    @property
    def recipient_label(self) -> str:
        if self.target_organisation_id:
            return str(self.target_organisation)
        use = str(self.purpose or self.purpose_text)
        return f"Mua hàng nhập kho — {use}" if self.into_stock else use


class AllocationStatusChange(StatusChange):
    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="history")
    to_status = models.CharField(max_length=16, choices=AllocationStatus.choices)

    subject_field = "allocation"

    class Meta(StatusChange.Meta):
        verbose_name = "thay đổi tình trạng phân bổ"
        verbose_name_plural = "lịch sử tình trạng phân bổ"
