"""Tết fairs (issue #22 item 3): a fair with its stalls, vouchers issued to the eligible
households of a commune (one planned line each in the fair's distribution round), redeemed
at a stall on a phone: the voucher's line is confirmed through relief (the overlap rule, the
money out of the ledger, the registry's support history), once. A retry of the same scan
(the same request id: a poor connection that resends) answers the first redemption again;
any other second redemption, or a voucher of another fair, is refused."""

import secrets

from django.db import transaction
from django.utils import timezone

from nhandao.audit.actions import record
from nhandao.lib.errors import Refused
from nhandao.movements.models import Fair, Stall, Voucher
from nhandao.orgs import access
from nhandao.relief import actions as relief
from nhandao.relief import coverage
from nhandao.relief.models import LineStatus

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed at a stall
CODE_LENGTH = 10


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normal_code(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


@transaction.atomic
def create_fair(
    actor, *, campaign, organisation, name, place, date, commune, gift_value, stalls=()
):
    access.require(actor, "edit", organisation)
    if gift_value is None or gift_value <= 0:
        raise Refused("Trị giá mỗi phiếu phải lớn hơn 0.", field="gift_value")
    rnd = relief.create_round(
        actor, organisation=organisation, campaign=campaign, kind="gift",
        name=f"{name} (phiếu quà)", date=date, place=place, commune=commune,
    )  # fmt: skip
    fair = Fair.objects.create(
        campaign=campaign, organisation=organisation, name=name, place=place, date=date,
        commune=commune, gift_value=gift_value, round=rnd,
    )  # fmt: skip
    for stall in stalls:
        if stall.get("value", 0) < 0:
            raise Refused("Trị giá tài trợ không được nhỏ hơn 0.", field="stalls")
        Stall.objects.create(fair=fair, **stall)
    record(actor, "fair.create", fair, after={"round": rnd.pk, "stalls": len(stalls)})
    return fair


@transaction.atomic
def issue_vouchers(actor, fair: Fair) -> list[Voucher]:
    """A voucher for each poor and near-poor household of the fair's commune (the registry's
    certification of the year) that has none yet; the round opens for redemption."""
    access.require(actor, "edit", fair.organisation)
    have = set(fair.vouchers.values_list("household_id", flat=True))
    homes = [
        h
        # in the registry's order: the printed vouchers and the answer come the same way each
        # time, on either database
        for h in coverage.households(fair.campaign, fair.commune)
        .select_related("head")
        .order_by("pk")
        if h.pk not in have
    ]
    if not homes:
        raise Refused("Không còn hộ nghèo, cận nghèo nào của xã chưa có phiếu quà.", field="fair")
    rnd = fair.round
    lines = relief.add_lines(
        actor, rnd, [(f"Hộ {h.pk}", h, None, fair.gift_value, None) for h in homes]
    )
    vouchers = Voucher.objects.bulk_create(
        Voucher(fair=fair, code=new_code(), household=h, line=line)
        for h, line in zip(homes, lines, strict=True)
    )
    if rnd.status == "draft":
        relief.set_round_status(actor, rnd, "open")
    record(actor, "fair.vouchers", fair, after={"issued": len(vouchers)})
    return vouchers


def _explain(voucher: Voucher) -> str:
    where = f" tại gian hàng “{voucher.stall}”" if voucher.stall_id else ""
    return (
        f"Phiếu quà {voucher.code} đã được đổi lúc "
        f"{timezone.localtime(voucher.redeemed_at):%H:%M %d/%m/%Y}{where}; không đổi lần hai."
    )


@transaction.atomic
def redeem(actor, fair: Fair, code: str, *, stall: Stall | None, request_id: str = "",
           override_reason: str = "") -> Voucher:  # fmt: skip
    """Redeem a voucher at a stall of `fair`: once. The same request again (a retry) returns
    the voucher as redeemed; another redemption, or a voucher of another fair, is refused."""
    code = normal_code(code)
    voucher = (
        # of=("self",): PostgreSQL cannot lock the nullable side of the joins (stall, line)
        Voucher.objects.select_for_update(of=("self",))
        .select_related("fair", "stall", "line")
        .filter(code=code)
        .first()
    )
    if voucher is None:
        raise Refused(f"Không có phiếu quà mã “{code}”.", field="code")
    if voucher.fair_id != fair.pk:
        raise Refused(
            f"Phiếu quà {code} thuộc “{voucher.fair.name}”, không dùng được ở hội chợ này.",
            field="code",
        )
    if stall is not None and stall.fair_id != fair.pk:
        raise Refused("Gian hàng không thuộc hội chợ này.", field="stall")
    if voucher.redeemed:
        if request_id and voucher.request_id == request_id:
            return voucher  # the same scan, sent again: already done
        raise Refused(_explain(voucher), field="code")
    if voucher.line.status != LineStatus.PLANNED:
        raise Refused(f"Phiếu quà {code} đã bị hủy.", field="code")
    relief.confirm_line(
        actor, voucher.line, method="signature", received_on=fair.date,
        override_reason=override_reason,
    )  # fmt: skip
    voucher.redeemed_at = timezone.now()
    voucher.stall = stall
    voucher.redeemed_by = actor if getattr(actor, "is_authenticated", False) else None
    voucher.request_id = request_id[:64]
    voucher.save(update_fields=["redeemed_at", "stall", "redeemed_by", "request_id"])
    record(actor, "fair.redeem", voucher, organisation=fair.organisation,
           after={"stall": stall.pk if stall else None, "line": voucher.line_id})  # fmt: skip
    return voucher


def unredeemed(fair: Fair):
    return fair.vouchers.filter(redeemed_at__isnull=True).select_related("household__head")


def counts(fair: Fair) -> dict:
    total = fair.vouchers.count()
    redeemed = fair.vouchers.filter(redeemed_at__isnull=False).count()
    sponsored = sum(fair.stalls.values_list("value", flat=True))
    return {"issued": total, "redeemed": redeemed, "left": total - redeemed,
            "sponsored": sponsored}  # fmt: skip
