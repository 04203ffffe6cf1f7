"""Membership as a dated history, and the fees members pay (issue #20).

Every change is one atomic, audited action; callers fetched the records through
people/lookups.py. "Who was a member of X on D" is answered exactly from the rows
(`members_on`) and, for big trees, from the per-day summary (`count_on`), which every action
here keeps in step. Fee money moves only through audit/ledger.py."""

from collections import defaultdict
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from nhandao.audit import ledger
from nhandao.audit.actions import record, snapshot
from nhandao.audit.models import EntryKind
from nhandao.lib.errors import Refused
from nhandao.lib.money import format_vnd
from nhandao.orgs import access
from nhandao.orgs.models import Organisation, OrgLevel, OrgStatus
from nhandao.people.models import (
    YOUTH_AGES,
    EndReason,
    FeeExemption,
    FeeMonth,
    FeePayment,
    FeePaymentStatus,
    FeeReceiptCounter,
    FeeSchedule,
    FeeYearClose,
    Individual,
    IndividualStatus,
    Membership,
    MembershipCount,
    MembershipKind,
    MembershipTransfer,
    StartVia,
    TransferStatus,
)

MEMBERSHIP_FIELDS = ["individual", "organisation", "kind", "started_on", "started_via",
                     "ended_on", "end_reason", "end_note"]  # fmt: skip
FEE_EARMARK = "hoi-phi"
FEE_EARMARK_LABEL = "Hội phí"
LEVEL_ORDER = [OrgLevel.BRANCH, OrgLevel.COMMUNE, OrgLevel.DISTRICT, OrgLevel.PROVINCE,
               OrgLevel.CENTRAL]  # fmt: skip


def _dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


# ---- the summary ------------------------------------------------------------------------
#
# MembershipCount holds, per organisation and month, the members who started that month
# minus those whose membership ended the day before a day of that month. Per-day rows barely
# compressed the events (docs/benchmarks.md); per month they are at most 12 a year per
# organisation whatever the number of people. A count on a day adds the months before its
# month and counts its own month exactly from the rows (a few days of starts and ends).


def month_of(day: date) -> date:
    return day.replace(day=1)


def _count(org_id: int, day: date, delta: int) -> None:
    month = month_of(day)
    updated = MembershipCount.objects.filter(organisation_id=org_id, day=month).update(
        delta=F("delta") + delta
    )
    if not updated:
        MembershipCount.objects.create(organisation_id=org_id, day=month, delta=delta)


def _counted_start(m: Membership) -> None:
    _count(m.organisation_id, m.started_on, +1)


def _counted_end(m: Membership) -> None:
    _count(m.organisation_id, m.ended_on + timedelta(days=1), -1)


def members_on(org: Organisation, day: date):
    """The memberships of `org`'s subtree running on `day`, exactly (the rows themselves)."""
    return Membership.objects.within(org).on(day)


def count_on(org: Organisation, day: date) -> int:
    """How many members `org`'s subtree had on `day`: the summary's months before `day`'s
    month (one indexed sum), plus that month's starts and ends up to `day`, from the rows."""
    month = month_of(day)
    before = MembershipCount.objects.filter(day__lt=month)
    rows = Membership.objects.all()
    if org.parent_id is not None:
        before = before.filter(organisation__path__startswith=org.path)
        rows = rows.within(org)
    counted = before.aggregate(n=Sum("delta"))["n"] or 0
    started = rows.filter(started_on__gte=month, started_on__lte=day).count()
    # a membership is counted until its last day: ended on month-1 … day-1, gone on `day`
    ended = rows.filter(ended_on__gte=month - timedelta(days=1), ended_on__lt=day).count()
    return counted + started - ended


def rebuild_counts() -> int:
    """Rebuild the summary from the rows (after a bulk import or a repair)."""
    MembershipCount.objects.all().delete()
    deltas: dict[tuple[int, date], int] = defaultdict(int)
    for org_id, start, end in Membership.objects.values_list(
        "organisation_id", "started_on", "ended_on"
    ).iterator(chunk_size=20_000):
        deltas[(org_id, month_of(start))] += 1
        if end is not None:
            deltas[(org_id, month_of(end + timedelta(days=1)))] -= 1
    MembershipCount.objects.bulk_create(
        [MembershipCount(organisation_id=o, day=d, delta=n) for (o, d), n in deltas.items() if n],
        batch_size=5_000,
    )
    return len(deltas)


# ---- joining, ending, resuming ------------------------------------------------------------


def _check_youth(individual: Individual, kind: str, day: date) -> None:
    if kind != MembershipKind.YOUTH:
        return
    age = individual.age_on(day)
    if age is None:
        raise Refused("Hội viên thanh thiếu niên cần có ngày sinh (độ tuổi 16–30).",
                      field="kind")  # fmt: skip
    low, high = YOUTH_AGES
    if not low <= age <= high:
        raise Refused(
            f"Hội viên thanh thiếu niên phải từ {low} đến {high} tuổi khi kết nạp; "
            f"{individual.full_name} {age} tuổi vào ngày {_dmy(day)}.",
            field="kind",
        )


def _open(actor, individual, organisation, kind, day, via, previous=None,
          youth_group=None) -> Membership:  # fmt: skip
    if individual.status != IndividualStatus.ACTIVE:
        raise Refused("Hồ sơ này đã được gộp vào hồ sơ khác: hãy dùng hồ sơ được giữ.")
    closed = organisation.valid_to
    if not organisation.is_active and (closed is None or day > closed):
        # (the history before a merger may be entered: up to the chapter's last day)
        raise Refused(f"“{organisation}” đã ngừng hoạt động; hãy chọn tổ chức kế thừa.",
                      field="organisation")  # fmt: skip
    if organisation.valid_from and day < organisation.valid_from:
        raise Refused(f"“{organisation}” hoạt động từ {_dmy(organisation.valid_from)}.",
                      field="started_on")  # fmt: skip
    last = individual.memberships.order_by("-started_on", "-pk").first()
    if last is not None and last.ended_on is None:
        raise Refused(
            f"{individual.full_name} đang sinh hoạt tại “{last.organisation}” từ "
            f"{_dmy(last.started_on)}: hãy chuyển sinh hoạt thay vì kết nạp lại.",
            field="individual",
        )
    if last is not None and day <= last.ended_on:
        raise Refused(f"Ngày bắt đầu phải sau ngày kết thúc lần trước ({_dmy(last.ended_on)}).",
                      field="started_on")  # fmt: skip
    membership = Membership.objects.create(
        individual=individual, organisation=organisation, kind=kind, started_on=day,
        started_via=via, previous=previous, youth_group=youth_group,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )  # fmt: skip
    _counted_start(membership)
    record(actor, f"people.membership_{via}", membership,
           after=snapshot(membership, MEMBERSHIP_FIELDS))  # fmt: skip
    return membership


@transaction.atomic
def join(actor, individual: Individual, organisation: Organisation, *, kind: str,
         started_on: date, youth_group=None) -> Membership:  # fmt: skip
    """Admit `individual` as a member of `organisation` from `started_on` (a youth member
    perhaps in one of its Youth Red Cross groups)."""
    access.require(actor, "edit", organisation, "Bạn không có quyền kết nạp hội viên ở đây.")
    if started_on > timezone.localdate():
        raise Refused("Ngày kết nạp không được sau hôm nay.", field="started_on")
    if kind not in MembershipKind.values:
        raise Refused("Loại hội viên không hợp lệ.", field="kind")
    _check_youth(individual, kind, started_on)
    if youth_group is not None:
        if kind != MembershipKind.YOUTH:
            raise Refused("Chỉ hội viên thanh thiếu niên mới vào nhóm thanh thiếu niên.",
                          field="youth_group")  # fmt: skip
        if youth_group.organisation_id != organisation.pk:
            raise Refused(f"Nhóm “{youth_group.name}” thuộc “{youth_group.organisation}”, "
                          f"không thuộc “{organisation}”.", field="youth_group")  # fmt: skip
        if started_on < youth_group.founded_on:
            raise Refused(f"Nhóm “{youth_group.name}” thành lập ngày "
                          f"{_dmy(youth_group.founded_on)}: ngày kết nạp không được trước đó.",
                          field="started_on")  # fmt: skip
    individual = Individual.objects.select_for_update().get(pk=individual.pk)
    return _open(actor, individual, organisation, kind, started_on, StartVia.JOIN,
                 youth_group=youth_group)  # fmt: skip


def _close(actor, membership: Membership, day: date, reason: str, note: str = "") -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.ended_on is not None:
        raise Refused(f"Quá trình này đã kết thúc ngày {_dmy(membership.ended_on)}.")
    if day < membership.started_on:
        raise Refused("Ngày kết thúc không được trước ngày bắt đầu "
                      f"({_dmy(membership.started_on)}).", field="ended_on")  # fmt: skip
    before = snapshot(membership, MEMBERSHIP_FIELDS)
    membership.ended_on, membership.end_reason, membership.end_note = day, reason, note[:255]
    membership.save(update_fields=["ended_on", "end_reason", "end_note"])
    _counted_end(membership)
    record(actor, "people.membership_end", membership, before=before,
           after=snapshot(membership, MEMBERSHIP_FIELDS))  # fmt: skip
    return membership


@transaction.atomic
def end(actor, membership: Membership, *, ended_on: date, reason: str, note: str = ""):
    """Suspension or end, with a reason: the last day of membership is `ended_on`."""
    access.require(actor, "edit", membership.organisation)
    if reason not in (EndReason.SUSPENDED, EndReason.LEFT, EndReason.DIED, EndReason.REMOVED):
        raise Refused("Hãy chọn lý do kết thúc.", field="reason")
    if ended_on > timezone.localdate():
        raise Refused("Ngày kết thúc không được sau hôm nay.", field="ended_on")
    if reason in (EndReason.SUSPENDED, EndReason.REMOVED) and not note.strip():
        raise Refused("Tạm ngừng hoặc xóa tên cần ghi rõ lý do.", field="note")
    return _close(actor, membership, ended_on, reason, note)


@transaction.atomic
def resume(actor, membership: Membership, *, started_on: date) -> Membership:
    """A suspended member takes part again, in the same organisation (or its successor)."""
    if membership.end_reason != EndReason.SUSPENDED:
        raise Refused("Chỉ hội viên đang tạm ngừng mới sinh hoạt lại được.")
    org = membership.organisation
    while org.successor_id is not None and not org.is_active:
        org = org.successor
    access.require(actor, "edit", org)
    return _open(actor, membership.individual, org, membership.kind, started_on,
                 StartVia.RESUME, previous=membership)  # fmt: skip


# ---- the 2025 merger --------------------------------------------------------------------


@transaction.atomic
def carry_merged_members(actor, org: Organisation) -> int:
    """The members of a merged or dissolved organisation go on in its successor: each open
    membership ends the day before the merger and a new one starts on it, linked to the old
    (the history is kept; the successor's subtree counts both). Returns how many moved."""
    if org.status == OrgStatus.ACTIVE or org.successor_id is None:
        raise Refused(f"“{org}” vẫn đang hoạt động: không có gì để chuyển.")
    access.require(actor, "edit", org.successor)
    day = org.valid_to + timedelta(days=1)
    target = org.successor
    while not target.is_active and target.successor_id is not None:
        target = target.successor
    moved = 0
    for membership in Membership.objects.filter(organisation=org, ended_on__isnull=True):
        if membership.started_on >= day:  # joined the old chapter after it merged: move it
            raise Refused(f"{membership.individual} được kết nạp vào “{org}” sau ngày hợp nhất.")
        closed = _close(actor, membership, day - timedelta(days=1), EndReason.MERGER)
        # the group (of the merged chapter) now sits under the successor: the member stays in it
        _open(actor, membership.individual, target, membership.kind, day, StartVia.MERGER,
              previous=closed, youth_group=membership.youth_group)  # fmt: skip
        moved += 1
    return moved


# ---- transfers: both sides agree ----------------------------------------------------------


def province_of(org: Organisation) -> Organisation | None:
    if org.level in (OrgLevel.PROVINCE, OrgLevel.CENTRAL):
        return org
    return next((a for a in reversed(org.ancestors()) if a.level == OrgLevel.PROVINCE), None)


def transfer_targets(actor, membership: Membership):
    """Where `actor` may send `membership`: active Red Cross chapters in the member's
    province (the province chapter settles moves within it) or in the actor's own reach."""
    province = province_of(membership.organisation)
    within = Q(path__startswith=province.path) if province else Q(pk__in=[])
    return (
        Organisation.objects.active()
        .filter(within | access.reach_q(actor, "view"))
        .filter(
            kind=membership.organisation.kind, level__in=[OrgLevel.COMMUNE, OrgLevel.BRANCH]
        )  # fmt: skip
        .exclude(pk=membership.organisation_id)
    )


def _side(actor, transfer: MembershipTransfer) -> list[str]:
    sides = []
    if access.can(actor, "edit", transfer.from_org):
        sides.append("from")
    if access.can(actor, "edit", transfer.to_org):
        sides.append("to")
    return sides


@transaction.atomic
def request_transfer(actor, membership: Membership, *, to_org: Organisation,
                     effective_on: date, reason: str = "") -> MembershipTransfer:  # fmt: skip
    """Ask to move a member; the requesting side's agreement is given with the request."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    access.require(actor, "edit", membership.organisation,
                   "Chỉ tổ chức đang quản lý hội viên mới đề nghị chuyển sinh hoạt.")  # fmt: skip
    if membership.ended_on is not None:
        raise Refused("Hội viên này không còn sinh hoạt tại đây.")
    if not transfer_targets(actor, membership).filter(pk=to_org.pk).exists():
        raise Refused(
            f"Không chuyển được đến “{to_org}”: tổ chức này ngoài phạm vi (cùng tỉnh hoặc trong "
            "phạm vi của bạn), đã ngừng hoạt động hoặc không phải chi hội/cấp xã.",
            field="to_org",
        )
    if membership.transfers.filter(status=TransferStatus.PENDING).exists():
        raise Refused("Hội viên này đã có một yêu cầu chuyển đang chờ.")
    if effective_on <= membership.started_on:
        raise Refused(f"Ngày chuyển phải sau ngày bắt đầu ({_dmy(membership.started_on)}).",
                      field="effective_on")  # fmt: skip
    now = timezone.now()
    transfer = MembershipTransfer.objects.create(
        membership=membership, from_org=membership.organisation, to_org=to_org,
        effective_on=effective_on, reason=reason[:255], requested_by=actor,
        from_approved_by=actor, from_approved_at=now,
    )  # fmt: skip
    record(actor, "people.transfer_request", transfer, organisation=transfer.from_org,
           after={"to": to_org.pk, "on": effective_on.isoformat()})  # fmt: skip
    return transfer


def transfer_queue(user):
    """Pending transfers that wait for `user`'s side (scoped: only the organisations where the
    user may edit see them)."""
    pending = MembershipTransfer.objects.filter(status=TransferStatus.PENDING)
    waiting_from = Q(from_approved_at__isnull=True) & access.reach_q(user, "edit", via="from_org")
    waiting_to = Q(to_approved_at__isnull=True) & access.reach_q(user, "edit", via="to_org")
    return pending.filter(waiting_from | waiting_to).select_related(
        "membership__individual", "from_org", "to_org"
    )


def transfers_for(user):
    """Every transfer the user may see: those from or to an organisation in their reach."""
    return MembershipTransfer.objects.filter(
        access.reach_q(user, "view", via="from_org") | access.reach_q(user, "view", via="to_org")
    ).select_related("membership__individual", "from_org", "to_org")


@transaction.atomic
def approve_transfer(actor, transfer: MembershipTransfer) -> MembershipTransfer:
    """The actor's side agrees; when both have, the member moves on `effective_on`."""
    transfer = MembershipTransfer.objects.select_for_update().get(pk=transfer.pk)
    if transfer.status != TransferStatus.PENDING:
        raise Refused("Yêu cầu này đã được xử lý.")
    sides = _side(actor, transfer)
    if not sides:
        raise PermissionDenied("Chỉ hai tổ chức đi và đến mới đồng ý được yêu cầu này.")
    now = timezone.now()
    for side in sides:
        if getattr(transfer, f"{side}_approved_at") is None:
            setattr(transfer, f"{side}_approved_by", actor)
            setattr(transfer, f"{side}_approved_at", now)
    if transfer.from_approved_at and transfer.to_approved_at:
        old = _close(actor, transfer.membership, transfer.effective_on - timedelta(days=1),
                     EndReason.TRANSFER, f"Chuyển đến {transfer.to_org}")  # fmt: skip
        _open(actor, old.individual, transfer.to_org, old.kind, transfer.effective_on,
              StartVia.TRANSFER, previous=old)  # fmt: skip
        transfer.status = TransferStatus.DONE
        # the record goes with the member: the receiving organisation keeps it from now on
        # (with its membership and fee history); the sending one still sees its own rows
        individual = old.individual
        if individual.organisation_id == transfer.from_org_id:
            before = snapshot(individual, ["organisation"])
            individual.organisation = transfer.to_org
            individual.save(update_fields=["organisation"])
            record(actor, "people.individual_update", individual, before=before,
                   after=snapshot(individual, ["organisation"]))  # fmt: skip
    transfer.save()
    record(actor, "people.transfer_approve", transfer, organisation=transfer.from_org,
           after={"sides": sides, "status": transfer.status})  # fmt: skip
    return transfer


@transaction.atomic
def reject_transfer(actor, transfer: MembershipTransfer, note: str) -> MembershipTransfer:
    transfer = MembershipTransfer.objects.select_for_update().get(pk=transfer.pk)
    if transfer.status != TransferStatus.PENDING:
        raise Refused("Yêu cầu này đã được xử lý.")
    if not _side(actor, transfer):
        raise PermissionDenied("Chỉ hai tổ chức đi và đến mới từ chối được yêu cầu này.")
    if not note.strip():
        raise Refused("Hãy ghi lý do từ chối.", field="note")
    transfer.status, transfer.rejected_note = TransferStatus.REJECTED, note[:255]
    transfer.save(update_fields=["status", "rejected_note"])
    record(actor, "people.transfer_reject", transfer, organisation=transfer.from_org,
           after={"note": note[:255]})  # fmt: skip
    return transfer


# ---- fees ------------------------------------------------------------------------------


def schedule_for(year: int) -> FeeSchedule:
    schedule = FeeSchedule.objects.filter(year=year).first()
    if schedule is None:
        raise Refused(f"Chưa có mức hội phí năm {year}: hãy nhập mức hội phí trước.",
                      field="year")  # fmt: skip
    return schedule


@transaction.atomic
def set_schedule(actor, *, year: int, amount_per_month: int, exemption_cap_percent: int,
                 shares: dict) -> FeeSchedule:  # fmt: skip
    """The year's fee rules (central level only: one schedule for the country)."""
    if not access.is_everywhere(actor) and not any(
        o.level == OrgLevel.CENTRAL
        for o in Organisation.objects.filter(path__in=access.reach_paths(actor, "approve"))
    ):
        raise PermissionDenied("Chỉ Trung ương Hội quy định mức hội phí.")
    if amount_per_month <= 0:
        raise Refused("Mức hội phí phải lớn hơn 0.", field="amount_per_month")
    if not 0 <= exemption_cap_percent <= 100:
        raise Refused("Tỷ lệ miễn phải từ 0 đến 100 %.", field="exemption_cap_percent")
    unknown = set(shares) - set(LEVEL_ORDER)
    if unknown or any(int(v) < 0 for v in shares.values()) or sum(map(int, shares.values())) != 100:
        raise Refused("Tỷ lệ để lại các cấp phải là số không âm, cộng lại đúng 100 %.",
                      field="shares")  # fmt: skip
    schedule, _ = FeeSchedule.objects.update_or_create(year=year, defaults={
        "amount_per_month": amount_per_month, "exemption_cap_percent": exemption_cap_percent,
        "shares": {k: int(v) for k, v in shares.items()},
    })  # fmt: skip
    record(actor, "people.fee_schedule", schedule, organisation=None,
           after={"year": year, "amount": amount_per_month, "shares": schedule.shares})  # fmt: skip
    return schedule


def split_shares(schedule: FeeSchedule, org: Organisation, amount: int) -> list[tuple]:
    """[(organisation, amount)] — what each level keeps of `amount` collected at `org`: each
    ancestor at a level with a share gets it (rounded down); the collecting organisation
    keeps the rest (its own share, and those of levels it has no ancestor for)."""
    chain = [*org.ancestors()]
    out = []
    for ancestor in chain:
        percent = int(schedule.shares.get(ancestor.level, 0))
        if percent and ancestor.level != org.level:
            out.append((ancestor, amount * percent // 100))
    kept = amount - sum(a for _, a in out)
    return [(org, kept), *out]


def _next_receipt(org: Organisation, year: int) -> str:
    counter, _ = FeeReceiptCounter.objects.select_for_update().get_or_create(
        organisation=org, year=year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"HP-{org.code}-{year}-{counter.last:05d}"


def months_due(membership: Membership, year: int, until: date) -> list[int]:
    """The months of `year` up to `until` during which the membership ran."""
    first = date(year, 1, 1)
    start = max(membership.started_on, first)
    last = min(membership.ended_on or until, until)
    if last < first or start > last or start.year > year:
        return []
    return list(range(start.month, (last.month if last.year == year else 12) + 1))


@transaction.atomic
def record_payment(actor, membership: Membership, *, year: int, months: list[int],
                   paid_on: date) -> FeePayment:  # fmt: skip
    """A member pays for some months of a year: a numbered receipt, the money into the
    collecting organisation's fee account and each level's share moved up by the ledger."""
    org = membership.organisation
    access.require(actor, "money", org, "Bạn không có quyền thu hội phí ở tổ chức này.")
    schedule = schedule_for(year)
    months = sorted(set(int(m) for m in months))
    if not months or any(m < 1 or m > 12 for m in months):
        raise Refused("Hãy chọn các tháng (1–12) được nộp.", field="months")
    if paid_on > timezone.localdate():
        raise Refused("Ngày nộp không được sau hôm nay.", field="paid_on")
    outside = [m for m in months if m not in months_due(membership, year, date(year, 12, 31))]
    if outside:
        raise Refused(f"{membership.individual} không sinh hoạt tại “{org}” trong tháng "
                      f"{', '.join(map(str, outside))}/{year}.", field="months")  # fmt: skip
    paid = set(
        FeeMonth.objects.filter(
            individual_id=membership.individual_id, year=year, valid=True, month__in=months
        ).values_list("month", flat=True)  # fmt: skip
    )
    if paid:
        raise Refused(f"{membership.individual} đã nộp hội phí tháng "
                      f"{', '.join(map(str, sorted(paid)))}/{year}: không thu hai lần.",
                      field="months")  # fmt: skip
    amount = schedule.amount_per_month * len(months)
    number = _next_receipt(org, year)  # locks the year's counter: a close waits for it
    _refuse_if_closed(org, year)
    payment = FeePayment.objects.create(
        receipt_number=number, organisation=org, membership=membership,
        individual_id=membership.individual_id, year=year, months=months, amount=amount,
        paid_on=paid_on, created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )  # fmt: skip
    try:
        with transaction.atomic():
            FeeMonth.objects.bulk_create([
                FeeMonth(payment=payment, individual_id=membership.individual_id,
                         organisation=org, year=year, month=m) for m in months
            ])  # fmt: skip
    except IntegrityError:
        raise Refused("Một tháng trong số này vừa được thu: không thu hai lần.",
                      field="months") from None  # fmt: skip
    own = ledger.account_for(org, earmark=FEE_EARMARK, earmark_label=FEE_EARMARK_LABEL)
    memo = f"Hội phí {number}"
    entries = [ledger.post(own, amount, booked_on=paid_on, kind=EntryKind.DONATION, memo=memo,
                           source=number, actor=actor).pk]  # fmt: skip
    for target, share in split_shares(schedule, org, amount)[1:]:
        if share:
            up = ledger.account_for(target, earmark=FEE_EARMARK, earmark_label=FEE_EARMARK_LABEL)
            out, into = ledger.transfer(
                own,
                up,
                share,
                booked_on=paid_on,
                actor=actor,
                memo=f"{memo}: phần nộp {target}",
                reference=number,
            )
            entries += [out.pk, into.pk]
    payment.ledger_entries = entries
    payment.save(update_fields=["ledger_entries"])
    record(actor, "people.fee_payment", payment, after={
        "receipt": number, "amount": amount, "months": months, "year": year})  # fmt: skip
    return payment


@transaction.atomic
def annul_payment(actor, payment: FeePayment, reason: str) -> FeePayment:
    """Annul a receipt: kept with its reason, its months free again, its entries reversed
    (the shares come back down in the opposite order they went up)."""
    from nhandao.audit.models import LedgerEntry

    payment = FeePayment.objects.select_for_update().get(pk=payment.pk)
    access.require(actor, "money", payment.organisation)
    if payment.status == FeePaymentStatus.ANNULLED:
        raise Refused(f"Biên lai {payment.receipt_number} đã bị hủy trước đó.")
    if not reason.strip():
        raise Refused("Hãy ghi lý do hủy biên lai.", field="reason")
    _lock_year(payment.organisation, payment.year)
    _refuse_if_closed(payment.organisation, payment.year)
    entries = LedgerEntry.objects.in_bulk(payment.ledger_entries)
    for pk in reversed(payment.ledger_entries):
        ledger.reverse(entries[pk], actor=actor, memo=f"Hủy biên lai {payment.receipt_number}")
    payment.paid_months.update(valid=False)
    payment.status, payment.annul_reason = FeePaymentStatus.ANNULLED, reason[:255]
    payment.annulled_at = timezone.now()
    payment.save(update_fields=["status", "annul_reason", "annulled_at"])
    record(actor, "people.fee_annul", payment, after={"reason": reason[:255]})
    return payment


@transaction.atomic
def exempt(actor, membership: Membership, *, year: int, reason: str) -> FeeExemption:
    """Exempt a member from a year's fee, within the cap (per cent of the organisation's
    members on 1 January, or today for the current year)."""
    org = membership.organisation
    access.require(actor, "edit", org)
    schedule = schedule_for(year)
    if not reason.strip():
        raise Refused("Hãy ghi lý do miễn hội phí.", field="reason")
    _lock_year(org, year)
    _refuse_if_closed(org, year)
    if FeeExemption.objects.filter(membership=membership, year=year).exists():
        raise Refused(f"{membership.individual} đã được miễn hội phí năm {year}.")
    day = min(timezone.localdate(), date(year, 12, 31))
    members = Membership.objects.filter(organisation=org).on(day).count()
    already = FeeExemption.objects.select_for_update().filter(organisation=org, year=year).count()
    cap = members * schedule.exemption_cap_percent // 100
    if already + 1 > cap:
        raise Refused(
            f"Vượt mức miễn tối đa {schedule.exemption_cap_percent} % hội viên: “{org}” có "
            f"{members} hội viên, được miễn tối đa {cap}, đã miễn {already}.",
            field="reason",
        )
    exemption = FeeExemption.objects.create(
        membership=membership, organisation=org, year=year, reason=reason[:255]
    )
    record(actor, "people.fee_exempt", exemption, organisation=org,
           after={"membership": membership.pk, "year": year})  # fmt: skip
    return exemption


def arrears(org: Organisation, year: int, until: date) -> list[dict]:
    """Members of `org` (itself, not its subtree) behind with `year`'s fee up to `until`:
    months due, months paid, what is owed. Exempted members are left out."""
    schedule = schedule_for(year)
    running = (
        Membership.objects.filter(organisation=org, started_on__lte=until)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=date(year, 1, 1)))
        .exclude(exemptions__year=year)
        .select_related("individual")
    )
    paid = dict(
        FeeMonth.objects.filter(individual__in=running.values("individual"), year=year, valid=True)
        .filter(month__lte=until.month if until.year == year else 12)
        .values_list("individual_id")
        .annotate(n=Count("pk"))
    )
    rows = []
    for m in running:
        due = len(months_due(m, year, until))
        owed = due - paid.get(m.individual_id, 0)
        if owed > 0:
            rows.append({"membership": m, "individual": m.individual, "due": due,
                         "paid": due - owed, "owed_months": owed,
                         "owed": owed * schedule.amount_per_month})  # fmt: skip
    rows.sort(key=lambda r: (-r["owed_months"], r["individual"].name_key))
    return rows


def money(amount: int) -> str:
    return format_vnd(amount)


# ---- year-end close: a dry run, the close, its undo ------------------------------------------


def _lock_year(org: Organisation, year: int) -> FeeReceiptCounter:
    """The row every payment, annulment, exemption and close of (org, year) locks first, so a
    close and a payment never cross."""
    counter, _ = FeeReceiptCounter.objects.select_for_update().get_or_create(
        organisation=org, year=year
    )
    return counter


def closed_year(org: Organisation, year: int) -> FeeYearClose | None:
    standing = FeeYearClose.objects.filter(organisation=org, year=year, reopened_at__isnull=True)
    return standing.first()


def _refuse_if_closed(org: Organisation, year: int) -> None:
    close = closed_year(org, year)
    if close is not None:
        raise Refused(
            f"Hội phí năm {year} của “{org}” đã khóa sổ ngày "
            f"{_dmy(timezone.localtime(close.closed_at).date())}: không thu, hủy hay miễn được "
            "nữa. Cấp có quyền cần mở lại sổ (ghi lý do) trước.",
            field="year",
        )


def close_figures(org: Organisation, year: int) -> dict:
    """What closing `year` at `org` (itself, as the arrears list) would record, computed and
    written nowhere: members during the year, those still owing (who stay members), the
    exemptions used against the cap, collected against expected, and the shares sent up."""
    schedule = schedule_for(year)
    last = date(year, 12, 31)
    running = (
        Membership.objects.filter(organisation=org, started_on__lte=last)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=date(year, 1, 1)))
        .select_related("individual")
    )
    exempted = set(
        FeeExemption.objects.filter(organisation=org, year=year).values_list(
            "membership_id", flat=True
        )
    )
    expected_months = sum(len(months_due(m, year, last)) for m in running if m.pk not in exempted)
    owing = arrears(org, year, last)
    payments = FeePayment.objects.filter(
        organisation=org, year=year, status=FeePaymentStatus.VALID
    ).only("amount")
    collected = 0
    shares: dict[int, int] = {}
    for payment in payments:
        collected += payment.amount
        for target, share in split_shares(schedule, org, payment.amount):
            shares[target.pk] = shares.get(target.pk, 0) + share
    names = dict(Organisation.objects.filter(pk__in=shares).values_list("pk", "name"))
    members_on_last = Membership.objects.filter(organisation=org).on(last).count()
    return {
        "year": year,
        "organisation": org.code,
        "members": len(running),
        "members_on_31_12": members_on_last,
        "amount_per_month": schedule.amount_per_month,
        "expected": expected_months * schedule.amount_per_month,
        "collected": collected,
        "receipts": len(payments),
        "exemptions": len(exempted),
        "exemption_cap": members_on_last * schedule.exemption_cap_percent // 100,
        "exemption_cap_percent": schedule.exemption_cap_percent,
        "owing": [
            {
                "code": r["individual"].code,
                "name": r["individual"].full_name,
                "owed_months": r["owed_months"],
                "owed": r["owed"],
            }
            for r in owing
        ],  # fmt: skip
        "owed": sum(r["owed"] for r in owing),
        "shares": [
            {"organisation": names.get(pk, str(pk)), "kept": pk == org.pk, "amount": amount}
            for pk, amount in shares.items()
        ],
        # a close never ends a membership (Gaia dismissed members who had paid): the members
        # who owe stay members, in the arrears list, until someone ends them one by one
        "memberships_ended": 0,
    }


@transaction.atomic
def close_year(actor, org: Organisation, year: int) -> FeeYearClose:
    """Close `year`'s fee books at `org`: the figures are kept as they were, and the year's
    payments, annulments and exemptions there are refused until the close is undone."""
    access.require(actor, "money", org, "Bạn không có quyền khóa sổ hội phí ở tổ chức này.")
    if date(year, 12, 31) >= timezone.localdate():
        raise Refused(f"Năm {year} chưa kết thúc: chỉ khóa sổ năm đã qua.", field="year")
    _lock_year(org, year)
    if closed_year(org, year) is not None:
        raise Refused(f"Hội phí năm {year} của “{org}” đã khóa sổ rồi.", field="year")
    figures = close_figures(org, year)
    close = FeeYearClose.objects.create(
        organisation=org, year=year, figures=figures,
        closed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )  # fmt: skip
    record(actor, "people.fee_year_close", close, organisation=org, after={
        "year": year, "collected": figures["collected"], "expected": figures["expected"],
        "owing": len(figures["owing"])})  # fmt: skip
    return close


@transaction.atomic
def reopen_year(actor, close: FeeYearClose, reason: str) -> FeeYearClose:
    """Undo a close (at the same level or above: "money" at the organisation, which only its
    own and its parents' roles reach), with a reason; the record stays, marked reopened. A
    close made for a whole subtree reopens with the closes it covered that still stand."""
    close = FeeYearClose.objects.select_for_update().select_related("organisation").get(pk=close.pk)
    org = close.organisation
    access.require(actor, "money", org, "Bạn không có quyền mở lại sổ hội phí ở tổ chức này.")
    if close.reopened_at is not None:
        raise Refused("Lần khóa sổ này đã được mở lại trước đó.")
    if not reason.strip():
        raise Refused("Hãy ghi lý do mở lại sổ.", field="reason")
    covered = list(close.covered.filter(reopened_at__isnull=True).select_for_update()
                   .select_related("organisation").order_by("organisation__path"))  # fmt: skip
    now, by = timezone.now(), actor if getattr(actor, "is_authenticated", False) else None
    for one in [close, *covered]:  # the subtree's root first, then in tree order
        _lock_year(one.organisation, one.year)
        one.reopened_by, one.reopened_at, one.reopen_reason = by, now, reason.strip()[:255]
        one.save(update_fields=["reopened_by", "reopened_at", "reopen_reason"])
        record(actor, "people.fee_year_reopen", one, organisation=one.organisation,
               after={"year": one.year, "reason": one.reopen_reason})  # fmt: skip
    return close


def subtree_orgs(org: Organisation, year: int) -> list[Organisation]:
    """What a close over `org`'s subtree covers: `org`, then every organisation under it
    with members during `year` or receipts of `year`, in tree order (one with neither has no
    books to close)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    under = Q(organisation__path__startswith=org.path)
    with_members = Membership.objects.filter(under, started_on__lte=last).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=first)
    )
    with_receipts = FeePayment.objects.filter(under, year=year)
    others = Organisation.objects.filter(
        Q(pk__in=with_members.values("organisation_id"))
        | Q(pk__in=with_receipts.values("organisation_id"))
    ).exclude(pk=org.pk)
    return [org, *others.order_by("path")]


def subtree_figures(org: Organisation, year: int) -> list[dict]:
    """The dry run of a subtree close, written nowhere: per organisation, its figures (or
    those kept by its standing close, which the subtree close leaves as it is)."""
    rows = []
    for one in subtree_orgs(org, year):
        standing = closed_year(one, year)
        figures = standing.figures if standing else close_figures(one, year)
        rows.append({"organisation": one, "closed": standing, "figures": figures})
    return rows


@transaction.atomic
def close_subtree(actor, org: Organisation, year: int) -> FeeYearClose:
    """Close `year` at `org` and every organisation under it with books that year, in one
    transaction (all or nothing). An organisation under it already closed keeps its own
    close; the new closes point to `org`'s (`covered_by`), so undoing it undoes them."""
    access.require(actor, "money", org, "Bạn không có quyền khóa sổ hội phí ở tổ chức này.")
    if date(year, 12, 31) >= timezone.localdate():
        raise Refused(f"Năm {year} chưa kết thúc: chỉ khóa sổ năm đã qua.", field="year")
    orgs = subtree_orgs(org, year)
    for one in orgs:  # in tree order, as every subtree close locks them: no deadlock
        _lock_year(one, year)
    if closed_year(org, year) is not None:
        raise Refused(f"Hội phí năm {year} của “{org}” đã khóa sổ rồi: mở lại trước khi khóa "
                      "cả cấp dưới.", field="year")  # fmt: skip
    by = actor if getattr(actor, "is_authenticated", False) else None
    root, covered = None, 0
    for one in orgs:
        if root is not None and closed_year(one, year) is not None:
            continue  # closed on its own before: that close stands
        figures = close_figures(one, year)
        close = FeeYearClose.objects.create(organisation=one, year=year, figures=figures,
                                            closed_by=by, covered_by=root)  # fmt: skip
        after = {"year": year, "collected": figures["collected"],
                 "expected": figures["expected"], "owing": len(figures["owing"])}  # fmt: skip
        if root is None:
            root = close
        else:
            after["covered_by"] = root.pk
            covered += 1
        record(actor, "people.fee_year_close", close, organisation=one, after=after)
    root.figures = {**root.figures, "subtree_closed": covered}
    root.save(update_fields=["figures"])
    return root
